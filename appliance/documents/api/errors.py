"""Every API error is JSON of one shape: {"error": {"code": ..., "message": ..., "detail": ...}}."""
import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.views import exception_handler

logger = logging.getLogger(__name__)


def error_body(code, message, detail=None):
    body = {"error": {"code": code, "message": message}}
    if detail is not None:
        body["error"]["detail"] = detail
    return body


def json_exception_handler(exc, context):
    response = exception_handler(exc, context)
    if response is None:
        # Unexpected: log the type (never the request body) and answer in JSON, not an HTML 500.
        logger.exception("unhandled API error: %s", type(exc).__name__)
        return JsonResponse(
            error_body("internal_error", "An internal error occurred; nothing was lost."),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    if isinstance(exc, exceptions.ValidationError):
        response.data = error_body("invalid", "The request is not valid.", response.data)
    else:
        if isinstance(exc, Http404):
            code = "not_found"
        elif isinstance(exc, DjangoPermissionDenied):
            code = "permission_denied"
        else:
            code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
        message = response.data.get("detail", str(exc)) if isinstance(response.data, dict) else str(exc)
        response.data = error_body(code if isinstance(code, str) else "error", str(message))
    return response
