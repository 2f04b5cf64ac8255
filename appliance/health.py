"""Liveness for the proxy and monitoring, and a last-resort error page that never leaks details."""
from django.db import connection
from django.http import HttpResponse, JsonResponse


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def server_error(request, *args, **kwargs):
    if request.path.startswith("/api/"):
        return JsonResponse({"error": {"code": "internal_error", "message": "An internal error occurred."}}, status=500)
    return HttpResponse("An internal error occurred; nothing you uploaded was lost.", status=500, content_type="text/plain")
