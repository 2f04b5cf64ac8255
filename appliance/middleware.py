"""Request guards that apply before any view runs."""
import tempfile

from django.conf import settings
from django.core.handlers.wsgi import LimitedStream
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse

from appliance.documents.api.errors import error_body

# Room for the multipart boundaries and headers around an upload's file.
MULTIPART_OVERHEAD = 64 * 1024
# A chunked body is kept in memory up to this size, then on disk.
CHUNKED_MEMORY_BYTES = 1024 * 1024


class AdminNulQueryMiddleware:
    """Answer 400 to an admin page whose query string holds a NUL character.

    The admin's list filters pass query values straight to the database, and PostgreSQL cannot
    compare text holding NUL: without this a hand-made URL is a 500. The appliance's own views
    check their parameters themselves (the web list drops NULs, forms and the API refuse them).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/admin/") and any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
        ):
            return HttpResponseBadRequest("A query parameter holds a NUL character.", content_type="text/plain")
        return self.get_response(request)


class ChunkedUploadMiddleware:
    """Read a chunked request body (no Content-Length) up to the upload limit: 413 past it.

    Django reads a body by its Content-Length, so a chunked upload arrived empty ("no file") and its
    size was never checked. The body is read here, stopping one byte past the limit, and handed on
    with its length, so the views see it as any other upload."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chunked = "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
        if chunked and not request.META.get("CONTENT_LENGTH"):
            limit = settings.COLONY_MAX_UPLOAD_BYTES + MULTIPART_OVERHEAD
            body = tempfile.SpooledTemporaryFile(max_size=CHUNKED_MEMORY_BYTES, dir=settings.VAR_DIR)
            raw, size = request.META["wsgi.input"], 0
            while size <= limit:
                chunk = raw.read(min(1 << 20, limit + 1 - size))
                if not chunk:
                    break
                body.write(chunk)
                size += len(chunk)
            if size > limit:
                body.close()
                return _too_large(request)
            body.seek(0)
            request.META["CONTENT_LENGTH"] = str(size)
            request._stream = LimitedStream(body, size)
        return self.get_response(request)


def _too_large(request):
    limit = settings.COLONY_MAX_UPLOAD_BYTES // (1024 * 1024)
    message = f"The file is larger than the limit of {limit} MiB."
    if request.path.startswith("/api/"):
        return JsonResponse(error_body("too_large", message), status=413)
    return HttpResponse(message, status=413, content_type="text/plain")
