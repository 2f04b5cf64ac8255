"""Automatic retraining: enough new corrections of a type queue its retraining once, and the task
trains from the documents reviewers settled, labelled with their final values."""
import hashlib
import random
import uuid

import pytest
from django.core.files.base import ContentFile

from appliance.documents import retraining
from appliance.documents.models import Document, DocumentType, ExtractedField, Page, Team
from appliance.documents.tasks import retrain_type
from appliance.review.models import FieldCorrection
from audit.models import AuditEvent
from extraction.fields.general import store
from tests.fields.general.notices import notice
from tests.slm.conftest import built_models, models_dir  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db
NAME = "parking_notice_t"


def reviewed_notice(doc_type, seed, *, corrected=("charge",), status=Document.Status.DONE):
    """A notice a reviewer settled: its fields accepted with the true values, ``corrected`` ones by correcting."""
    text, truth = notice(random.Random(seed))
    team, _ = Team.objects.get_or_create(name="default")
    document = Document(team=team, source="web", original_filename=f"n{seed}.txt", size=len(text),
                        sha256=hashlib.sha256(uuid.uuid4().bytes).hexdigest(), media_type="text/plain",
                        status=status, doc_type=doc_type)
    document.original.save("original", ContentFile(text.encode()), save=False)
    document.save()
    Page.objects.create(document=document, number=1, text=text, redacted_text=text, method="plain")
    for name, value in truth.items():
        fld = ExtractedField.objects.create(document=document, name=name, value=value, raw=value, confidence=0.5,
                                            method="slm", status=ExtractedField.Status.ACCEPTED)
        action = "corrected" if name in corrected else "accepted"
        FieldCorrection.objects.create(document=document, field=fld, field_name=name, doc_type=doc_type.name,
                                       action=action, before="wrong" if name in corrected else value, after=value)
    return document, truth


def test_retraining_is_queued_once_every_n_corrections(notice_type, settings, django_capture_on_commit_callbacks):
    settings.COLONY_RETRAIN_AFTER = 3
    for seed in range(7):
        reviewed_notice(notice_type, seed)
    with django_capture_on_commit_callbacks() as queued:
        assert not retraining.schedule_if_due(notice_type)  # 7 corrections, but fewer than 8 documents to learn from
    reviewed_notice(notice_type, 7)
    with django_capture_on_commit_callbacks() as queued:
        assert retraining.schedule_if_due(notice_type)
        assert not retraining.schedule_if_due(notice_type)  # claimed: no second task for the same corrections
    assert len(queued) == 1
    notice_type.refresh_from_db()
    assert notice_type.corrections_at_retraining == 8
    reviewed_notice(notice_type, 8, corrected=("charge", "issuer"))
    assert not retraining.schedule_if_due(notice_type)  # 2 new corrections, 3 needed
    reviewed_notice(notice_type, 9, corrected=())  # accepts only: nothing new to learn from
    assert not retraining.schedule_if_due(notice_type)
    reviewed_notice(notice_type, 10)
    with django_capture_on_commit_callbacks():
        assert retraining.schedule_if_due(notice_type)

    settings.COLONY_RETRAIN_AFTER = 0
    for seed in range(11, 16):
        reviewed_notice(notice_type, seed)
    assert not retraining.schedule_if_due(notice_type)  # switched off


def test_shipped_types_with_their_own_extractor_are_not_retrained(doc_types, settings):
    """Enough reviewed documents and corrections, but a specialist over the receipt rules is trained on request only."""
    settings.COLONY_RETRAIN_AFTER = 1
    receipt = DocumentType.objects.get(name="receipt")
    for seed in range(10):
        reviewed_notice(receipt, seed)
    assert retraining.corrections_of(receipt) == 10
    assert not retraining.schedule_if_due(receipt)


def test_reviewed_documents_are_labelled_with_their_final_values(notice_type):
    done, truth = reviewed_notice(notice_type, 1)
    waiting, _ = reviewed_notice(notice_type, 2, status=Document.Status.NEEDS_REVIEW)  # not settled yet
    ExtractedField.objects.filter(document=done, name="issuer").update(status=ExtractedField.Status.REJECTED)
    [labelled] = retraining.reviewed_documents(notice_type)
    assert labelled.name == str(done.pk)
    assert labelled.labels == {"offence_day": truth["offence_day"], "charge": truth["charge"]}  # rejected: no value
    assert labelled.doc.text == done.pages.get().text


def test_the_task_trains_and_promotes_from_reviewed_documents(notice_type, built_models):
    for seed in range(12):
        reviewed_notice(notice_type, seed)
    assert retrain_type(NAME) == "v1"
    assert store.promoted_version(NAME) == "v1"
    event = AuditEvent.objects.get(kind="specialist_trained")
    assert event.outcome == "promoted" and event.details["documents"] + event.details["held_back"] == 12


def test_the_task_with_too_few_documents_trains_nothing_and_says_so(notice_type):
    for seed in range(3):
        reviewed_notice(notice_type, seed)
    assert retrain_type(NAME) is None
    assert store.promoted_version(NAME) is None
    event = AuditEvent.objects.get(kind="specialist_training_skipped")
    assert event.details == {"doc_type": NAME, "documents": 3}
