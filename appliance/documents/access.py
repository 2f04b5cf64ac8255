"""Which documents a user may see: their team's, or every team's with view_all_documents."""
from appliance.documents.models import Document


def visible_documents(user):
    if not user.is_authenticated or not user.has_perm("documents.view_document"):
        return Document.objects.none()
    if user.has_perm("documents.view_all_documents"):
        return Document.objects.all()
    membership = getattr(user, "membership", None)
    if membership is None:
        return Document.objects.none()
    return Document.objects.filter(team_id=membership.team_id)


def team_of(user):
    """The team a user uploads into; None when the user belongs to none."""
    membership = getattr(user, "membership", None)
    return membership.team if membership else None
