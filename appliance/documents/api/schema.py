"""OpenAPI descriptions of the API's error answers, so that clients can rely on their shape."""
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Machine-readable: invalid, not_found, permission_denied, too_large...")
    message = serializers.CharField(help_text="For people; never holds document text or personal data.")
    detail = serializers.JSONField(required=False, help_text="Per parameter or field messages, for invalid requests.")


class ErrorSerializer(serializers.Serializer):
    """Every API error: {"error": {"code", "message", "detail"?}} (appliance.documents.api.errors)."""

    error = ErrorDetailSerializer()


_MEANING = {
    400: "The request is not valid: detail names each parameter or field and what is wrong with it.",
    401: "No credentials, or an unknown token.",
    403: "The user's role does not allow this.",
    404: "No such document, or one of another team.",
    409: "The Idempotency-Key was used before for another file.",
    413: "The file is larger than the upload limit.",
    415: "This kind of file is not supported.",
    429: "Too many requests with a wrong API token from this address; try again after Retry-After seconds.",
}


def error_responses(*codes: int) -> dict[int, OpenApiResponse]:
    """The error answers an operation can give, for ``@extend_schema(responses=...)``."""
    return {code: OpenApiResponse(ErrorSerializer, description=_MEANING[code]) for code in codes}
