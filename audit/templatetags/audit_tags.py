"""Template tags for pages outside the audit app: ``{% load audit_tags %}{% audit_alarm %}`` in base.html
shows auditors and admins a banner whenever the chain is broken or has not been verified lately."""
from django import template

from audit.status import chain_status

register = template.Library()


@register.inclusion_tag("audit/_chain_status.html", takes_context=True)
def audit_alarm(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.has_perm("audit.view_auditevent"):
        return {"show": False}
    status = chain_status()
    return {"show": status["alarm"], "status": status, "compact": True}


@register.inclusion_tag("audit/_chain_status.html")
def audit_chain_status():
    return {"show": True, "status": chain_status(), "compact": False}
