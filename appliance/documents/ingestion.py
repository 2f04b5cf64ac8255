"""Taking in an uploaded file: check it, store it under a random name, record it, start the pipeline.

Web uploads, the API and the folder command all come through ``ingest``, so
every source gets the same checks and the same duplicate detection.
"""
import hashlib
import logging
import tempfile
from dataclasses import dataclass

from django.conf import settings
from django.core.files import File
from django.db import IntegrityError, transaction

from appliance.documents.filenames import clean_display_filename
from appliance.documents.models import Document
from audit.events import record
from extraction.text.sniff import sniff_file

logger = logging.getLogger(__name__)


class UploadRejected(Exception):
    """A file we refuse before storing it; ``status`` is the HTTP status to answer with."""

    def __init__(self, code, message, status=400):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


@dataclass
class IngestResult:
    document: Document
    created: bool  # False when the team already had this file (or this idempotency key)


def _spool_and_hash(fileobj, limit):
    """Copy the upload to a temporary file, hashing it and enforcing the size limit on the way."""
    digest = hashlib.sha256()
    size = 0
    spool = tempfile.NamedTemporaryFile(dir=settings.VAR_DIR, prefix="upload-")
    chunks = fileobj.chunks() if hasattr(fileobj, "chunks") else iter(lambda: fileobj.read(1 << 20), b"")
    for chunk in chunks:
        size += len(chunk)
        if size > limit:
            spool.close()
            raise UploadRejected(
                "too_large", f"The file is larger than the limit of {limit // (1024 * 1024)} MiB.", status=413
            )
        digest.update(chunk)
        spool.write(chunk)
    spool.seek(0)
    return spool, digest.hexdigest(), size


def _same_file(previous: Document, sha256: str) -> Document:
    """The document an Idempotency-Key named, when the retry sends the same file; a key reused for
    another file is the client's mistake, and answering with the first document would hide it."""
    if previous.sha256 != sha256:
        raise UploadRejected("idempotency_key_reused", f"This Idempotency-Key was used for another file (document "
                             f"{previous.id}); send a new key with a new file.", status=409)
    return previous


# How a document's type was decided when its uploader declared it (the classification stage keeps it).
DECLARED = "declared"


def ingest(fileobj, *, filename, user, team, source, idempotency_key="", doc_type=None):
    """Check and store one file; returns the new document or the team's existing copy.

    ``doc_type``: a DocumentType the uploader declared; the classification stage then keeps it."""
    if team is None:
        raise UploadRejected("no_team", "Your account belongs to no team, so it cannot upload.", status=403)
    spool, sha256, size = _spool_and_hash(fileobj, settings.COLONY_MAX_UPLOAD_BYTES)
    with spool:
        if idempotency_key:
            previous = Document.objects.filter(uploader=user, idempotency_key=idempotency_key).first()
            if previous is not None:
                return IngestResult(_same_file(previous, sha256), created=False)
        if size == 0:
            raise UploadRejected("empty", "The file is empty.")
        spool.flush()
        media_type = sniff_file(spool.name)
        if media_type is None:
            raise UploadRejected(
                "unsupported_type",
                "This kind of file is not supported. Upload a PDF, DOCX, plain text, PNG, JPEG or TIFF file.",
                status=415,
            )
        existing = Document.objects.filter(team=team, sha256=sha256).first()
        if existing is not None:
            return IngestResult(existing, created=False)

        document = Document(
            team=team,
            uploader=user,
            source=source,
            original_filename=clean_display_filename(filename),
            sha256=sha256,
            size=size,
            media_type=media_type,
            idempotency_key=idempotency_key[:200],
        )
        if doc_type is not None:
            document.doc_type, document.doc_type_confidence = doc_type, 1.0
            document.classification = {"method": DECLARED, "scores": {}}
        try:
            with transaction.atomic():
                document.original.save("upload", File(spool), save=False)
                document.save()
                document.history.create(status=document.status, at=document.created_at)
                record("document_received", document=document, actor=user, inputs_sha256={"file": sha256},
                       outcome="ok", details={"size": size, "media_type": media_type, "source": source})
        except IntegrityError:
            # A concurrent upload of the same file (or key) won the race: answer with its document.
            document.original.delete(save=False)
            winner = Document.objects.filter(team=team, sha256=sha256).first() or _same_file(
                Document.objects.get(uploader=user, idempotency_key=idempotency_key), sha256)
            return IngestResult(winner, created=False)

    logger.info("document %s received (%s, %d bytes, source=%s)", document.id, media_type, size, source)
    from appliance.documents import pipeline

    transaction.on_commit(lambda: pipeline.start(document))
    return IngestResult(document, created=True)
