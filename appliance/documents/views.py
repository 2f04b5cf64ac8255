"""Server-rendered pages: document list, upload, document detail. They work without JavaScript;
htmx (when present) refreshes the list's statuses in place."""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.utils.http import content_disposition_header
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from appliance.documents.access import team_of, visible_documents
from appliance.documents.api.serializers import REDACTED
from appliance.documents.redaction import page_views
from appliance.documents.reveal import record_reveal
from audit.events import record
from extraction.redacted_output import redacted_pdf_from_image, redacted_pdf_from_pdf, redacted_text
from appliance.documents.filters import filter_documents
from appliance.documents.forms import DocumentFilterForm, UploadForm
from appliance.documents.ingestion import UploadRejected, ingest
from appliance.documents.models import Document


@login_required
@permission_required("documents.view_document", raise_exception=True)
def document_list(request):
    documents = filter_documents(visible_documents(request.user).select_related("uploader"), request.GET)
    page = Paginator(documents, 50).get_page(request.GET.get("page"))
    context = {"page": page, "filter_form": DocumentFilterForm(request.GET or None)}
    template = "documents/_rows.html" if request.htmx else "documents/list.html"
    return render(request, template, context)


@login_required
@permission_required("documents.view_document", raise_exception=True)
def document_detail(request, pk):
    document = get_object_or_404(visible_documents(request.user), pk=pk)
    reveal = request.GET.get("view") == "original"
    if reveal:
        if not request.user.has_perm("documents.reveal_pii"):
            raise PermissionDenied("You may not reveal personal data.")
        record_reveal(request.user, document, "page")
    fields = list(document.fields.all())
    if not reveal:
        for field in fields:
            if field.personal:
                field.value = REDACTED
    return render(
        request,
        "documents/detail.html",
        {
            "document": document,
            "pages": page_views(document, reveal=reveal),
            "fields": fields,
            "history": document.history.all(),
            "reveal": reveal,
        },
    )


@login_required
@permission_required("documents.add_document", raise_exception=True)
@require_http_methods(["GET", "POST"])
def upload(request):
    """Upload one or more files. Answers JSON to the page's script, a redirect otherwise."""
    wants_json = request.headers.get("Accept", "").startswith("application/json")
    if request.method == "GET":
        return render(request, "documents/upload.html", {"form": UploadForm(), "max_mb": _max_mb()})
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        if wants_json:
            return JsonResponse({"results": [], "errors": form.errors.get_json_data()}, status=400)
        return render(request, "documents/upload.html", {"form": form, "max_mb": _max_mb()}, status=400)
    declared = form.cleaned_data.get("doc_type")
    results = [_ingest_one(request, uploaded, declared) for uploaded in form.cleaned_data["files"]]
    if wants_json:
        status = 200 if any(r["ok"] for r in results) else 400
        return JsonResponse({"results": results}, status=status)
    for result in results:
        level = messages.SUCCESS if result["ok"] else messages.ERROR
        messages.add_message(request, level, f"{result['filename']}: {result['message']}")
    return redirect("documents:list")


def _ingest_one(request, uploaded, doc_type=None):
    try:
        result = ingest(uploaded, filename=uploaded.name, user=request.user, team=team_of(request.user),
                        source=Document.Source.WEB, doc_type=doc_type)
    except UploadRejected as rejected:
        return {"ok": False, "filename": uploaded.name, "code": rejected.code, "message": rejected.message}
    document = result.document
    message = "received" if result.created else "already uploaded by your team; not processed again"
    return {"ok": True, "filename": uploaded.name, "url": document.get_absolute_url(), "message": message}


def _max_mb():
    return settings.COLONY_MAX_UPLOAD_BYTES // (1024 * 1024)


@login_required
@permission_required("documents.view_document", raise_exception=True)
def redacted_download(request, pk, kind):
    """The redacted PDF (page images with black boxes) or the redacted text; every download is audited."""
    if kind not in ("pdf", "txt"):
        raise Http404("No such download.")
    document = get_object_or_404(visible_documents(request.user), pk=pk)
    if document.pii_vault is None:
        raise Http404("This document has not been redacted yet.")
    pages = list(document.pages.all())
    stem = document.original_filename.rsplit(".", 1)[0] or "document"
    if kind == "txt":
        body = redacted_text([page.redacted_text for page in pages])
        content_type, filename = "text/plain; charset=utf-8", f"{stem}-redacted.txt"
    else:
        values_by_page = {}
        for span in document.pii_spans:
            text = pages[span["page"] - 1].text[span["start"]:span["end"]]
            values_by_page.setdefault(span["page"], []).append(text)
        if document.media_type == "application/pdf":
            ocr_pages = {page.number for page in pages if page.method == "ocr"}
            body = redacted_pdf_from_pdf(document.original.path, values_by_page, ocr_pages)
        elif document.media_type.startswith("image/"):
            body = redacted_pdf_from_image(document.original.path, values_by_page)
        else:
            raise Http404("Only PDFs and images have a redacted PDF; download the redacted text.")
        content_type, filename = "application/pdf", f"{stem}-redacted.pdf"
    record("document_downloaded", document=document, actor=request.user, details={"variant": f"redacted_{kind}"})
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
