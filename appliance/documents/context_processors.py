from appliance.documents.roles import user_roles


def roles(request):
    """Expose the user's roles to templates (navigation shows what each role can use)."""
    return {"user_roles": user_roles(request.user) if hasattr(request, "user") else set()}
