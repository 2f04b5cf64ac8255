"""/api/v1/document-types/: read the document types, and (admin role) create or update them.

Writing goes through ``type_import.import_types``, the same checks and single transaction as
``manage.py import_type`` and the admin's form: a request with one bad type changes nothing.
"""
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from appliance.documents.api.errors import error_body
from appliance.documents.api.schema import error_responses
from appliance.documents.models import DocumentType
from appliance.documents.roles import ADMIN, user_roles
from appliance.documents.type_import import TypeImportError, import_types
from audit.events import record
from extraction.fields.general import store


class DepthSafeJSONParser(JSONParser):
    """DRF's JSON parser, refusing JSON nested too deeply for Python's parser instead of failing with a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("This JSON is nested too deeply.") from None


class DocumentTypePermission(BasePermission):
    """Any role may read the types (an integration needs their names for ``doc_type``); only admins write."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return bool(user_roles(user))
        return ADMIN in user_roles(user)


class DocumentTypeSerializer(serializers.ModelSerializer):
    specialist = serializers.SerializerMethodField(help_text="The promoted specialist version, or null (zero-shot).")

    class Meta:
        model = DocumentType
        fields = ["name", "label", "description", "schema", "rules", "always_review", "thresholds", "active", "specialist"]

    def get_specialist(self, doc_type) -> str | None:
        return store.promoted_version(doc_type.name)


class DocumentTypeViewSet(viewsets.ViewSet):
    """Document types: ``GET`` lists or reads them; ``POST`` takes an object shaped like
    ``extraction/doctypes/default_types.json`` (name -> label, description, schema, rules) and creates
    or updates every type in it; ``PUT /{name}/`` creates or updates one from its definition."""

    permission_classes = [DocumentTypePermission]
    parser_classes = [DepthSafeJSONParser]
    lookup_field = "name"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"

    @extend_schema(responses={200: DocumentTypeSerializer(many=True), **error_responses(401, 403)}, tags=["document-types"])
    def list(self, request):
        return Response(DocumentTypeSerializer(DocumentType.objects.all(), many=True).data)

    @extend_schema(responses={200: DocumentTypeSerializer, **error_responses(401, 403, 404)}, tags=["document-types"])
    def retrieve(self, request, name=None):
        doc_type = DocumentType.objects.filter(name=name).first()
        if doc_type is None:
            return Response(error_body("not_found", "No such document type."), status=status.HTTP_404_NOT_FOUND)
        return Response(DocumentTypeSerializer(doc_type).data)

    @extend_schema(request=OpenApiTypes.OBJECT, responses={200: OpenApiTypes.OBJECT, **error_responses(400, 401, 403)},
                   tags=["document-types"])
    def create(self, request):
        return self._import(request, request.data)

    @extend_schema(request=OpenApiTypes.OBJECT, responses={200: OpenApiTypes.OBJECT, **error_responses(400, 401, 403)},
                   tags=["document-types"])
    def update(self, request, name=None):
        return self._import(request, {name: request.data})

    def _import(self, request, data):
        try:
            outcomes = import_types(data)
        except TypeImportError as exc:
            return Response(error_body("invalid", str(exc)), status=status.HTTP_400_BAD_REQUEST)
        for name, outcome in outcomes:
            record("document_type_imported", actor=request.user, details={"doc_type": name, "outcome": outcome})
        return Response({"types": [{"name": name, "outcome": outcome} for name, outcome in outcomes]})
