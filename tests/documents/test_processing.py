"""The stages after text extraction, run in-process on real models: what each stores and audits."""
import hashlib

import pytest
from django.db import connection

from appliance.documents import processing
from appliance.documents.models import Document, Page
from audit.models import AuditEvent

INVOICE_TEXT = (
    "Northwind Supplies B.V.\nKeizersgracht 1, 1015 CJ Amsterdam\nVAT: NL123456789B01\n\n"
    "INVOICE\nInvoice number: INV-2024-0042\nInvoice date: 12/03/2024\n\n"
    "Consulting services 10 h x 95.00  950.00\nSubtotal 950.00\nVAT 21% 199.50\nTotal 1,149.50 EUR\n\n"
    "Please pay to IBAN NL91ABNA0417164300 within 30 days.\nContact: Pieter de Vries, pieter@example.nl\n"
)


def _text_extracted(user, text, filename):
    """A plain-text upload of ``user``'s whose text is extracted: the state the PII stage starts from."""
    from django.core.files.base import ContentFile

    document = Document(team=user.membership.team, uploader=user, source="api", original_filename=filename,
                        sha256=hashlib.sha256(text.encode()).hexdigest(), size=len(text), media_type="text/plain")
    document.original.save("upload", ContentFile(text.encode()), save=False)
    document.save()
    Page.objects.create(document=document, number=1, text=text, method="plain")
    document.move_to(Document.Status.TEXT_EXTRACTED)
    return document


@pytest.fixture
def stored_document(clerk, settings, tmp_path):
    settings.COLONY_PII_KEY_FILE = tmp_path / "pii.key"
    return _text_extracted(clerk, INVOICE_TEXT, "inv.txt")


@pytest.mark.django_db
def test_stages_redact_classify_extract_and_audit(stored_document):
    document = stored_document
    processing.redact_pii(document)
    page = document.pages.get()
    assert "Pieter de Vries" not in page.redacted_text
    assert "pieter@example.nl" not in page.redacted_text
    assert "NL91ABNA0417164300" not in page.redacted_text
    assert document.status == Document.Status.PII_REDACTED
    from appliance.documents.reveal import vault_values

    assert "Pieter de Vries" in vault_values(document).values()

    processing.classify(document)
    assert document.doc_type.name == "invoice"
    assert 0 <= document.doc_type_confidence <= 1

    processing.extract_and_validate(document)
    fields = {field.name: field for field in document.fields.all()}
    assert fields["invoice_number"].value == "INV-2024-0042"
    assert fields["amount"].value == "1149.50"
    assert fields["iban"].personal is True
    for field in fields.values():
        for span in field.evidence:
            assert page.text[span["start"]:span["end"]], field.name  # every value points into the text
    assert document.status in (Document.Status.DONE, Document.Status.NEEDS_REVIEW)

    kinds = list(AuditEvent.objects.filter(document_id=document.id).values_list("kind", flat=True))
    assert {"pii_redacted", "classified", "field_extracted", "document_validated"} <= set(kinds)
    for event in AuditEvent.objects.filter(document_id=document.id):
        serialised = str(event.details) + str(event.candidates) + str(event.evidence)
        assert "Pieter" not in serialised and "NL91ABNA0417164300" not in serialised


@pytest.mark.django_db
def test_tokens_the_extractors_spend_on_the_small_model_are_audited(clerk, settings, tmp_path):
    # A receipt whose total is a close call: the rules ask the generator (real model) to confirm it.
    from tests.fields.test_receipt import UNSURE

    settings.COLONY_PII_KEY_FILE = tmp_path / "pii.key"
    document = _text_extracted(clerk, UNSURE, "r.txt")
    processing.redact_pii(document)
    processing.classify(document)
    assert document.doc_type.name == "receipt"

    processing.extract_and_validate(document)
    usage = AuditEvent.objects.get(document_id=document.id, kind="extraction_model_usage")
    assert usage.model == "smollm2-135m" and usage.tokens > 0 and usage.details["calls"] >= 1


@pytest.mark.django_db
def test_a_stage_run_twice_stores_once(stored_document):
    processing.redact_pii(stored_document)
    stale = Document.objects.get(pk=stored_document.pk)
    stale.status = Document.Status.TEXT_EXTRACTED  # a redelivered message still believing the old status
    with pytest.raises(processing.StageSuperseded):
        processing.redact_pii(stale)
    assert AuditEvent.objects.filter(document_id=stored_document.id, kind="pii_redacted").count() == 1


def test_quality_control_sample_is_deterministic_and_follows_the_rate(settings):
    import uuid

    ids = [uuid.UUID(int=i * 7919) for i in range(2000)]
    settings.COLONY_QC_SAMPLE_RATE = 0.0
    assert not any(processing.quality_control_sample(i) for i in ids)
    settings.COLONY_QC_SAMPLE_RATE = 1.0
    assert all(processing.quality_control_sample(i) for i in ids)
    settings.COLONY_QC_SAMPLE_RATE = 0.1
    picked = [processing.quality_control_sample(i) for i in ids]
    assert picked == [processing.quality_control_sample(i) for i in ids]
    assert 100 < sum(picked) < 300


@pytest.mark.django_db
def test_the_inference_stages_of_a_document_take_few_round_trips(stored_document, django_assert_max_num_queries):
    from appliance.documents.tasks import _advance
    from audit.verify import verify_chain

    # The stages run one after another in one task; the pages are read once for all of them, and a decision's
    # audit events are appended together (92 queries on SQLite before, a savepoint and a read of the head per
    # event; 34 with the pages read by each stage, 32 now). PostgreSQL adds the audit chain's advisory lock per stage.
    with django_assert_max_num_queries(32 + 3 * (connection.vendor == "postgresql")):
        _advance(stored_document.id)
    stored_document.refresh_from_db()
    assert stored_document.status in (Document.Status.DONE, Document.Status.NEEDS_REVIEW)
    fields = set(stored_document.fields.values_list("name", flat=True))
    extracted = list(AuditEvent.objects.filter(document_id=stored_document.id, kind="field_extracted")
                     .order_by("seq").values_list("field", flat=True))
    assert set(extracted) == fields and len(extracted) == len(fields)
    assert verify_chain().ok


@pytest.fixture
def consumed_queues():
    """Sets the queues this process consumes, as a worker's -Q does before it forks its pool processes."""
    from appliance.celery import app

    queues = app.amqp.queues
    before = queues._consume_from
    yield lambda names: queues.select(names)
    queues._consume_from = before


@pytest.mark.django_db
def test_a_worker_process_trains_its_classifier_before_its_first_document(consumed_queues):
    from appliance.celery import load_models_once
    from appliance.documents.models import DocumentType, ExampleDocument
    from extraction.classify import model

    model.reset()
    # An example a trained type or a reviewer left: trained on at start too, not with the first document.
    ExampleDocument.objects.create(doc_type=DocumentType.objects.get(name="nda"), text="MUTUAL NON-DISCLOSURE AGREEMENT")
    consumed_queues(["ingest", "inference", "default"])
    load_models_once()  # what each worker process runs as it starts (worker_process_init)
    assert len(model._models) == 1
    trained = next(iter(model._models.values()))
    # The first document uses it as it is (training embeds every shipped example, ~4 s).
    assert model.get_classifier(processing.runtime(), processing.classifier_examples(), []) is trained
    assert len(model._models) == 1


def test_an_ingest_only_worker_process_loads_no_models(consumed_queues):
    from appliance.celery import load_models_once
    from extraction.classify import model

    model.reset()
    consumed_queues(["ingest"])  # text and OCR only: a worker of a split deployment
    load_models_once()
    assert model._models == {}


@pytest.mark.django_db
def test_the_classifiers_examples_are_read_again_only_when_they_change(django_assert_num_queries):
    from appliance.documents.models import DocumentType, ExampleDocument

    receipt, invoice = DocumentType.objects.get(name="receipt"), DocumentType.objects.get(name="invoice")
    example = ExampleDocument.objects.create(doc_type=receipt, text="TOTAL 9.00 CASH 10.00 CHANGE 1.00")
    first = processing.classifier_examples()
    assert list(first) == [("TOTAL 9.00 CASH 10.00 CHANGE 1.00", "receipt")]
    with django_assert_num_queries(1):  # which examples there are, not their texts
        assert processing.classifier_examples() is first
    # A text edited, an example's type changed, one added, one removed: each is read again.
    example.text = "TOTAL 12.00"
    example.save()
    assert list(processing.classifier_examples()) == [("TOTAL 12.00", "receipt")]
    example.doc_type = invoice
    example.save()
    assert list(processing.classifier_examples()) == [("TOTAL 12.00", "invoice")]
    added = ExampleDocument.objects.create(doc_type=receipt, text="SUBTOTAL 3.00")
    assert [text for text, _ in processing.classifier_examples()] == ["TOTAL 12.00", "SUBTOTAL 3.00"]
    example.delete()
    assert list(processing.classifier_examples()) == [("SUBTOTAL 3.00", "receipt")]
    added.delete()
    assert list(processing.classifier_examples()) == []


@pytest.mark.django_db
def test_each_stage_stores_what_it_found_with_its_status_in_one_statement(stored_document):
    from django.test.utils import CaptureQueriesContext

    document = stored_document
    for stage in (processing.redact_pii, processing.classify, processing.extract_and_validate):
        with CaptureQueriesContext(connection) as queries:
            stage(document)
        updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('UPDATE "documents_document"')]
        assert len(updates) == 1, stage.__name__
    stored = Document.objects.get(pk=document.pk)
    assert stored.status in (Document.Status.DONE, Document.Status.NEEDS_REVIEW)
    assert stored.pii_spans == document.pii_spans and stored.pii_vault == document.pii_vault
    assert stored.doc_type.name == "invoice" and stored.classification["method"] == document.classification["method"]
    assert stored.review_reasons == document.review_reasons
    assert [change.status for change in stored.history.order_by("at")][-3:] == [
        Document.Status.PII_REDACTED, Document.Status.CLASSIFIED, stored.status]


@pytest.mark.django_db
def test_a_failed_document_keeps_its_failure_code_and_reason(stored_document):
    stored_document.fail("text_unreadable", "The file could not be read.")
    stored = Document.objects.get(pk=stored_document.pk)
    assert (stored.status, stored.failure_code) == (Document.Status.FAILED, "text_unreadable")
    assert stored.history.order_by("at").last().reason == "The file could not be read."
