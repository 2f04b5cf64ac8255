"""The review queue and the review page. Plain forms do the whole flow; review.js adds keyboard
shortcuts and picking a value from the text."""
import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from appliance.documents import redaction
from appliance.documents.models import Document, ExtractedField
from appliance.documents.reveal import record_reveal
from appliance.review import pages as pictures
from appliance.review import services
from appliance.review.forms import DocTypeForm, QueueFilterForm
from appliance.review.models import ReviewLock

logger = logging.getLogger(__name__)

review_required = permission_required("documents.review_document", raise_exception=True)


def _reasons_in_queue(user):
    reasons = set()
    for doc_reasons in services.queue(user).values_list("review_reasons", flat=True)[:5000]:
        reasons.update(r for r in doc_reasons or () if isinstance(r, str))
    field_reasons = ExtractedField.objects.filter(
        document__in=services.queue(user).values("pk"), status=ExtractedField.Status.NEEDS_REVIEW
    ).values_list("reasons", flat=True)[:20000]
    for item in field_reasons:
        reasons.update(r for r in item or () if isinstance(r, str))
    return sorted(reasons)


@login_required
@review_required
@require_GET
def queue(request):
    form = QueueFilterForm(request.GET or None, reasons=_reasons_in_queue(request.user))
    documents = form.filter(services.queue(request.user))
    page = Paginator(documents, 50).get_page(request.GET.get("page"))
    docs = list(page.object_list)
    pending = {}
    for fld in ExtractedField.objects.filter(document__in=docs, status=ExtractedField.Status.NEEDS_REVIEW):
        pending.setdefault(fld.document_id, []).append(fld)
    now = timezone.now()
    locks = {lock.document_id: lock for lock in
             ReviewLock.objects.select_related("reviewer").filter(document__in=docs, expires_at__gt=now)}
    rows = [{"document": doc, "fields": pending.get(doc.pk, []), "lock": locks.get(doc.pk)} for doc in docs]
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "review/queue.html", {
        "form": form, "page": page, "rows": rows, "query": query.urlencode(), "total": page.paginator.count,
    })


@login_required
@review_required
@require_GET
def next_document(request):
    after = None
    if request.GET.get("after"):
        after = services.reviewable_documents(request.user).filter(pk=_uuid_or_404(request.GET["after"])).first()
    document = services.next_document(request.user, after=after)
    if document is None:
        messages.info(request, "No more documents wait for review.")
        return redirect("review:queue")
    return redirect("review:document", pk=document.pk)


def _uuid_or_404(value):
    import uuid

    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise Http404("No such document.") from None


def _reveal(request, document, what):
    if request.GET.get("reveal") != "1":
        return False
    if not request.user.has_perm("documents.reveal_pii"):
        raise PermissionDenied("You may not reveal personal data.")
    record_reveal(request.user, document, what)
    return True


def _page_views(document, page_rows, fields, reveal):
    marks = {}
    for fld in fields:
        for span in fld.evidence or []:
            marks.setdefault(span["page"], []).append((span["start"], span["end"], fld.name))
    redactions = redaction.redactions_by_page(document)
    views = []
    for page in page_rows:
        pieces = redaction.page_segments(document, page, marks.get(page.number, ()), reveal=reveal, redactions=redactions)
        view = {"page": page, "image": False, "boxes": [], "width": 0, "height": 0,
                "withheld": redaction.WITHHELD if pieces is None else "", "segments": pieces or []}
        if pieces is not None and pictures.has_picture(document):
            try:
                pic = pictures.picture(document, page, reveal=reveal, render=False)
            except Exception:  # a missing or unreadable original: the text still works
                logger.warning("review: page %s of %s has no picture", page.number, document.pk, exc_info=True)
                pic = None
            if pic is not None:
                try:
                    if pic.safe or reveal:
                        view.update(image=True, boxes=pictures.evidence_boxes(pic, page, fields),
                                    width=pic.size[0], height=pic.size[1])
                    else:
                        view["unsafe"] = True
                finally:
                    pictures.close(pic)
        views.append(view)
    return views


def _field_rows(document, fields, reveal, current):
    placeholders = services.placeholder_values(document)
    rows = []
    for fld in fields:
        hidden = fld.personal and not reveal
        shown = services.masked_value(document, fld.value, placeholders) if hidden else services.display_value(fld.value)
        edit = shown if shown != services.REDACTED else ""
        rows.append({"field": fld, "shown": shown, "edit": edit, "hidden": hidden, "current": fld.name == current,
                     "pending": fld.status == ExtractedField.Status.NEEDS_REVIEW,
                     "failed": [v for v in fld.validators or [] if not v.get("passed")]})
    return rows


@login_required
@review_required
@require_GET
def review(request, pk):
    document = get_object_or_404(services.reviewable_documents(request.user).select_related("doc_type"), pk=pk)
    is_open = document.status == Document.Status.NEEDS_REVIEW
    lock, mine = (ReviewLock.acquire(document, request.user) if is_open else (None, False))
    reveal = _reveal(request, document, "review_page")
    fields = list(document.fields.all())
    current = request.GET.get("field")
    if current not in {f.name for f in fields}:
        current = next((f.name for f in fields if f.status == ExtractedField.Status.NEEDS_REVIEW),
                       fields[0].name if fields else None)
    page_rows = list(document.pages.all())
    return render(request, "review/review.html", {
        "document": document,
        "lock": lock,
        "can_act": is_open and mine,
        "is_open": is_open,
        "reveal": reveal,
        "pages": _page_views(document, page_rows, fields, reveal),
        "fields": _field_rows(document, fields, reveal, current),
        "pending_count": sum(1 for f in fields if f.status == ExtractedField.Status.NEEDS_REVIEW),
        "doc_type_form": DocTypeForm(initial={"doc_type": document.doc_type_id}),
        "field_reasons": sorted({r for f in fields if f.status == "needs_review" for r in f.reasons or ()}),
    })


@login_required
@review_required
@require_GET
def page_image(request, pk, number):
    document = get_object_or_404(services.reviewable_documents(request.user), pk=pk)
    page = get_object_or_404(document.pages, number=number)
    if not pictures.has_picture(document):
        raise Http404("This document has no page pictures.")
    reveal = _reveal(request, document, "page_image")
    try:
        pic = pictures.picture(document, page, reveal=reveal)
    except Exception:
        logger.warning("review: cannot render page %s of %s", number, document.pk, exc_info=True)
        raise Http404("This page cannot be shown.") from None
    if pic is None or not (pic.safe or reveal):
        raise Http404("This page cannot be shown without its personal data; read its redacted text.")
    try:
        body = pictures.png(pic)
    finally:
        pictures.close(pic)
    response = HttpResponse(body, content_type="image/png")
    response["Cache-Control"] = "private, no-store"
    return response


def _back(document, field_name=None):
    url = reverse("review:document", args=[document.pk])
    if field_name:
        url += f"?field={field_name}#field-{field_name}"
    return redirect(url)


def _after_settled(request, document, finished):
    if finished:
        messages.success(request, f"Review of {document.original_filename} finished; the document is done.")
        following = services.next_document(request.user, after=document)
        return redirect("review:document", pk=following.pk) if following else redirect("review:queue")
    return None


@login_required
@review_required
@require_POST
def field_action(request, pk, field_id):
    document = get_object_or_404(services.reviewable_documents(request.user), pk=pk)
    fld = get_object_or_404(document.fields, pk=field_id)
    action = request.POST.get("action")
    try:
        if action == "accept":
            finished = services.accept(document, fld, request.user)
        elif action == "correct":
            finished = services.correct(document, fld, request.user, request.POST.get("value", ""))
        elif action == "reject":
            finished = services.reject(document, fld, request.user)
        else:
            return HttpResponse("Unknown action.", status=400)
    except services.Locked as locked:
        messages.error(request, locked.message)
        return _back(document, fld.name)
    except services.ReviewError as error:
        messages.error(request, f"{fld.name}: {error.message}")
        return _back(document, fld.name)
    if action == "correct":
        failed = [check["name"] for check in fld.validators if not check.get("passed")]
        if failed:
            messages.warning(request, f"{fld.name} saved, but it fails these checks: {', '.join(failed)}. "
                                      "Correct it again if that was a typo.")
    done = _after_settled(request, document, finished)
    if done:
        return done
    # On to the next field that still needs a decision (after this one, else the first).
    names = list(document.fields.values_list("name", "status"))
    order = [name for name, _ in names]
    pending = [name for name, status in names if status == ExtractedField.Status.NEEDS_REVIEW]
    index = order.index(fld.name)
    following = next((n for n in order[index + 1:] if n in pending), pending[0] if pending else fld.name)
    return _back(document, following)


@login_required
@review_required
@require_POST
def doc_type(request, pk):
    document = get_object_or_404(services.reviewable_documents(request.user), pk=pk)
    form = DocTypeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a document type.")
        return _back(document)
    try:
        changed = services.correct_doc_type(document, request.user, form.cleaned_data["doc_type"])
    except services.ReviewError as error:
        messages.error(request, error.message)
        return _back(document)
    if changed:
        messages.success(request, f"Document type set to {form.cleaned_data['doc_type'].label}; "
                                  "the classifier learns from this correction.")
    return _back(document)


@login_required
@review_required
@require_POST
def finish(request, pk):
    document = get_object_or_404(services.reviewable_documents(request.user), pk=pk)
    try:
        services.finish(document, request.user)
    except services.ReviewError as error:
        messages.error(request, error.message)
        return _back(document)
    return _after_settled(request, document, True)


@login_required
@review_required
@require_POST
def release(request, pk):
    document = get_object_or_404(services.reviewable_documents(request.user), pk=pk)
    ReviewLock.release(document, request.user)
    messages.info(request, f"You stopped reviewing {document.original_filename}; others can take it.")
    return redirect("review:queue")
