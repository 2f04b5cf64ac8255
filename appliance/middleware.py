"""Request guards that apply before any view runs."""
from django.http import HttpResponseBadRequest


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
