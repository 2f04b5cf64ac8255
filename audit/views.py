"""Auditor pages: search the log, a document's decision timeline, export, verify; and admin erasure."""
from datetime import datetime, time, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from appliance.documents.models import Document
from appliance.documents.roles import ADMIN, user_roles
from audit import explain, export, retention
from audit.events import record, sha256_bytes
from audit.forms import ErasureForm, EventFilterForm, ExportForm
from audit.highlight import redacted_page_segments
from audit.models import AuditEvent
from audit.verify import verify_and_store


def auditor_required(view):
    """Anonymous users go to the login page; logged-in users without the permission get 403."""
    return login_required(permission_required("audit.view_auditevent", raise_exception=True)(view))


@auditor_required
@require_GET
def event_list(request):
    form = EventFilterForm(request.GET or None)
    events = AuditEvent.objects.order_by("-seq")
    if form.is_bound and form.is_valid():
        events = form.filter(events)
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    names = explain.usernames(page.object_list)
    rows = [{"event": e, "label": explain.kind_label(e.kind), "actor": explain.actor_text(e, names)} for e in page]
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/events.html", {
        "form": form, "page": page, "rows": rows, "query": query.urlencode(),
        "export_form": ExportForm(initial={"format": "jsonl"}),
    })


@auditor_required
@require_GET
def document_timeline(request, pk):
    events = list(AuditEvent.objects.filter(document_id=pk).order_by("seq"))
    document = Document.objects.filter(pk=pk).first()
    if not events and document is None:
        return render(request, "audit/timeline.html", {"document_id": pk, "missing": True}, status=404)
    names = explain.usernames(events)
    timeline = [
        {"event": e, "label": explain.kind_label(e.kind), "because": explain.explain(e, names),
         "spans": [dict(span, ref=f"ev{e.seq}-{i}") for i, span in enumerate(e.evidence or [])]}
        for e in events
    ]
    evidence = [
        {"page": span["page"], "start": span["start"], "end": span["end"], "label": span["ref"]}
        for item in timeline for span in item["spans"]
    ]
    return render(request, "audit/timeline.html", {
        "document_id": pk,
        "document": document,
        "timeline": timeline,
        "fields": explain.field_summaries(events, names),
        "pages": redacted_page_segments(document, evidence) if document else [],
        "can_erase": document is not None and _is_admin(request.user),
        "erasure_form": ErasureForm(),
    })


def _day_start(day):
    return timezone.make_aware(datetime.combine(day, time.min))


@auditor_required
@require_GET
def export_period(request):
    form = ExportForm(request.GET)
    if not form.is_valid():
        return render(request, "audit/export_error.html", {"form": form}, status=400)
    start, end, fmt = form.cleaned_data["start"], form.cleaned_data["end"], form.cleaned_data["format"]
    data, count = export.render(export.events_between(_day_start(start), _day_start(end) + timedelta(days=1)), fmt)
    signature = export.sign(data)
    record("audit_exported", actor=request.user, inputs_sha256={"export": sha256_bytes(data)}, outcome="ok",
           details={"format": fmt, "events": count, "start": start.isoformat(), "end": end.isoformat()})
    response = HttpResponse(export.bundle(data, signature, fmt), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="audit-{start.isoformat()}-{end.isoformat()}-{fmt}.zip"'
    return response


@auditor_required
@require_POST
def verify_now(request):
    result = verify_and_store()
    if result.ok:
        messages.success(request, f"Audit chain verified: {result.events_checked} event(s) intact.")
    else:
        messages.error(request, f"Audit chain BROKEN at event #{result.first_broken_seq}: {result.message}")
    return redirect("audit:events")


def _is_admin(user):
    return ADMIN in user_roles(user) and user.has_perm("documents.delete_document")


@login_required
@require_POST
def erase(request, pk):
    if not _is_admin(request.user):
        raise PermissionDenied
    form = ErasureForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a reason; a reference may hold only letters, digits and - _ . : /")
        return redirect("audit:timeline", pk=pk)
    details = {"ticket": form.cleaned_data["ticket"]} if form.cleaned_data["ticket"] else None
    if retention.erase_document(pk, reason=form.cleaned_data["reason"], actor=request.user, details=details):
        messages.success(request, "The document was erased. Its audit events remain.")
    else:
        messages.error(request, "No such document: it was already erased or purged.")
    return redirect("audit:timeline", pk=pk)
