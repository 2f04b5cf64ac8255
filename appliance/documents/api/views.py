from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from appliance.documents.access import team_of, visible_documents
from appliance.documents.api.errors import error_body
from appliance.documents.api.permissions import DocumentPermission
from appliance.documents.api.schema import error_responses
from appliance.documents.api.serializers import (
    DocumentFilterSerializer,
    DocumentListSerializer,
    DocumentSerializer,
    DocumentTextSerializer,
    UploadSerializer,
)
from appliance.documents.filters import filter_documents
from appliance.documents.ingestion import UploadRejected, ingest
from appliance.documents.models import Document
from appliance.documents.reveal import record_reveal
from appliance.middleware import MULTIPART_OVERHEAD

# Idempotency keys are stored whole or refused: one cut short would never find its first upload again.
MAX_IDEMPOTENCY_KEY = Document._meta.get_field("idempotency_key").max_length

LIST_FILTERS = [
    OpenApiParameter("status", str, enum=Document.Status.values),
    OpenApiParameter("source", str, enum=Document.Source.values),
    OpenApiParameter("media_type", str),
    OpenApiParameter("q", str, description="Part of the original filename."),
    OpenApiParameter("created_after", OpenApiTypes.DATETIME),
    OpenApiParameter("created_before", OpenApiTypes.DATETIME),
]


class DocumentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Upload documents, follow their processing and read their evidence text."""

    permission_classes = [DocumentPermission]
    parser_classes = [MultiPartParser, FormParser]
    lookup_value_converter = "uuid"

    def get_queryset(self):
        queryset = visible_documents(self.request.user).select_related("team", "uploader")
        if self.action == "list":
            return filter_documents(queryset, self.request.query_params)
        return queryset.prefetch_related("history")

    def get_serializer_class(self):
        if self.action == "list":
            return DocumentListSerializer
        if self.action == "create":
            return UploadSerializer
        return DocumentSerializer

    @extend_schema(parameters=LIST_FILTERS, responses={200: DocumentListSerializer(many=True), **error_responses(400, 401, 403)})
    def list(self, request, *args, **kwargs):
        DocumentFilterSerializer(data=request.query_params).is_valid(raise_exception=True)
        return super().list(request, *args, **kwargs)

    @extend_schema(responses={200: DocumentSerializer, **error_responses(401, 403, 404)})
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        request={"multipart/form-data": UploadSerializer},
        parameters=[
            OpenApiParameter("Idempotency-Key", {"type": "string", "maxLength": MAX_IDEMPOTENCY_KEY}, OpenApiParameter.HEADER)
        ],
        responses={202: DocumentSerializer, 200: DocumentSerializer, **error_responses(400, 401, 403, 409, 413, 415)},
    )
    def create(self, request):
        """Upload one document (multipart field ``file``, optional ``doc_type``). 202 when queued; 200 when the
        team already has it."""
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
        if declared > settings.COLONY_MAX_UPLOAD_BYTES + MULTIPART_OVERHEAD:
            limit = settings.COLONY_MAX_UPLOAD_BYTES // (1024 * 1024)
            return Response(
                error_body("too_large", f"The file is larger than the limit of {limit} MiB."),
                status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
            )
        idempotency_key = request.headers.get("Idempotency-Key", "").strip()
        if len(idempotency_key) > MAX_IDEMPOTENCY_KEY:
            raise serializers.ValidationError({"Idempotency-Key": [f"Use at most {MAX_IDEMPOTENCY_KEY} characters."]})
        upload = UploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        fileobj = upload.validated_data["file"]
        try:
            result = ingest(
                fileobj,
                filename=fileobj.name,
                user=request.user,
                team=team_of(request.user),
                source=Document.Source.API,
                idempotency_key=idempotency_key,
                doc_type=upload.validated_data.get("doc_type"),
            )
        except UploadRejected as rejected:
            return Response(error_body(rejected.code, rejected.message), status=rejected.status)
        body = DocumentSerializer(result.document, context=self.get_serializer_context()).data
        body["created"] = result.created
        return Response(
            body,
            status=status.HTTP_202_ACCEPTED if result.created else status.HTTP_200_OK,
            # A plain str: the serializer's Hyperlink (a str subclass) is refused by strict WSGI
            # servers such as wsgiref (runserver), which then answer 500 for a stored upload.
            headers={"Location": str(body["url"])},
        )

    @extend_schema(
        responses={200: DocumentTextSerializer, **error_responses(401, 403, 404)},
        parameters=[OpenApiParameter("view", str, enum=["redacted", "original"], description="Default: redacted.")],
    )
    @action(detail=True, methods=["get"])
    def text(self, request, pk=None):
        """The evidence text page by page: redacted by default (empty until redaction has run);
        ``?view=original`` needs the reveal_pii permission and is recorded in the audit log."""
        document = self.get_object()
        reveal = request.query_params.get("view") == "original"
        if reveal:
            if not request.user.has_perm("documents.reveal_pii"):
                return Response(error_body("permission_denied", "You may not reveal personal data."), status=403)
            record_reveal(request.user, document, "text")
        payload = {"id": document.id, "status": document.status, "view": "original" if reveal else "redacted",
                   "pages": document.pages.all()}
        return Response(DocumentTextSerializer(payload, context={"reveal": reveal}).data)
