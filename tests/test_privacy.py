"""No personal data leaves the redaction stage: not into the audit log, not into log lines, not
into the redacted PDF's hidden text. Documents full of PII go through the real stages."""
import logging
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from appliance.documents import processing
from appliance.documents.models import Document
from audit.models import AuditEvent
from extraction.pii import detect
from tests import docgen

PERSONAL = {
    "names": ["Margaret Thornbury", "Alan Whitcombe"],
    "email": "margaret.thornbury@example.org",
    "phone": "+1 415 555 0199",
    "iban": "DE89370400440532013000",
    "address": "221 Baker Street, Springfield, IL 62704",
    "ssn": "078-05-1120",
}
LETTER = (
    "Springfield Medical Group\n\nDear Dr. Alan Whitcombe,\n\n"
    "I am referring my patient Margaret Thornbury (SSN 078-05-1120), who lives at "
    "221 Baker Street, Springfield, IL 62704. She can be reached at margaret.thornbury@example.org "
    "or +1 415 555 0199. Please bill her account DE89370400440532013000.\n\n"
    "Sincerely,\nDr. Alan Whitcombe\n"
)
EVENT_CONTENT = ("system", "model", "field", "candidates", "evidence", "validators", "details", "route", "reason",
                 "outcome", "prompt_template", "prompt_version")
DIGEST = re.compile(r"^(sha256:)?[0-9a-f]{64}$")
ENTITY_TYPE = re.compile(r"^[A-Z][A-Z_]+$")  # codes such as PHONE_NUMBER in the redaction counts


def planted():
    values = [*PERSONAL["names"], PERSONAL["email"], PERSONAL["phone"], PERSONAL["iban"], PERSONAL["address"],
              PERSONAL["ssn"]]
    return values + [part for name in PERSONAL["names"] for part in name.split()]


def string_leaves(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from string_leaves(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from string_leaves(item)


@pytest.fixture
def processed(clerk, api_client, settings, tmp_path, caplog):
    """Two documents full of personal data through ingestion and every stage, logs captured."""
    caplog.set_level(logging.DEBUG)
    settings.COLONY_PII_KEY_FILE = tmp_path / "pii.key"
    client = api_client(clerk)
    pdf = tmp_path / "referral.pdf"
    docgen.make_pdf(pdf, [LETTER])
    ids = []
    for name, body in (("referral.txt", LETTER.encode()), ("referral.pdf", pdf.read_bytes())):
        response = client.post("/api/v1/documents/", {"file": SimpleUploadedFile(name, body)}, format="multipart")
        ids.append(response.json()["id"])
    from appliance.documents.tasks import extract_text

    for document_id in ids:
        extract_text(document_id)  # the real stages, in-process
        document = Document.objects.get(pk=document_id)
        processing.redact_pii(document)
        processing.classify(document)
        processing.extract_and_validate(document)
    return ids


def assert_no_personal_data(texts, where):
    joined = "\n".join(texts)
    for value in planted():
        assert value not in joined, (where, value)
    for text in texts:
        if DIGEST.match(text) or ENTITY_TYPE.match(text) or len(text) < 4:
            continue
        found = [span for span in detect(text) if span.type not in ("DATE_TIME", "ORGANIZATION", "NRP")]
        assert not found, (where, text, found)


@pytest.mark.django_db
def test_audit_events_and_log_lines_hold_no_personal_data(processed, caplog):
    events = list(AuditEvent.objects.filter(document_id__in=processed))
    assert {"document_received", "text_extracted", "pii_redacted", "classified", "document_validated"} <= {
        event.kind for event in events
    }
    for event in events:
        assert_no_personal_data([leaf for name in EVENT_CONTENT for leaf in string_leaves(getattr(event, name))],
                                event.kind)
    lines = [record.getMessage() for record in caplog.get_records("setup")]  # the stages ran in the fixture
    assert any("received" in line for line in lines)  # the stages did log
    assert_no_personal_data(lines, "log")


@pytest.mark.django_db
def test_redacted_pdf_download_holds_no_hidden_text(processed, clerk):
    import io

    from django.test import Client
    from pypdf import PdfReader

    pdf_document = Document.objects.get(pk=processed[1])
    assert pdf_document.media_type == "application/pdf" and pdf_document.pii_spans
    browser = Client()
    browser.force_login(clerk)
    response = browser.get(f"/documents/{pdf_document.id}/redacted.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    assert "".join(page.extract_text() or "" for page in reader.pages).strip() == ""
    # Black boxes were drawn: the page image has solid black areas where the personal data stood.
    image = next(iter(reader.pages[0].images)).image.convert("L")
    assert sum(1 for pixel in image.getdata() if pixel < 10) > 500

    text = browser.get(f"/documents/{pdf_document.id}/redacted.txt")
    assert text.status_code == 200
    body = text.content.decode()
    assert "referring my patient" in body
    for value in planted()[:6]:
        assert value not in body
    assert AuditEvent.objects.filter(document_id=pdf_document.id, kind="document_downloaded").count() == 2
