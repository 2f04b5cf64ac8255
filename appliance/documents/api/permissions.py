from rest_framework.permissions import BasePermission


class DocumentPermission(BasePermission):
    """Uploading needs documents.add_document; reading needs documents.view_document.

    Which documents are readable is decided by the queryset (team scoping), so a
    document of another team answers 404, not 403, and does not leak its existence.
    """

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if view.action == "create":
            return user.has_perm("documents.add_document")
        return user.has_perm("documents.view_document")
