"""The colony learns, end to end: notices of a type the appliance has never seen are uploaded
through the API, processed by a real worker and settled by a reviewer in the review queue; after
COLONY_RETRAIN_AFTER corrections the worker retrains the type on the inference queue, and the next
notice is extracted by the new specialist, as its audit event says."""
import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from appliance.documents.models import Document, ExtractedField
from appliance.review.models import FieldCorrection
from audit.models import AuditEvent
from extraction.fields.general import store
from tests.fields.general.notices import notice, write_type_file
from tests.integration.workers import start_worker, stop, wait_until, worker_env
from tests.slm.conftest import built_models, models_dir  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]
NAME = "parking_notice_t"


def upload(client, seed):
    text, truth = notice(random.Random(seed))
    response = client.post("/api/v1/documents/", {"file": SimpleUploadedFile(f"notice-{seed}.txt", text.encode()),
                                                  "doc_type": NAME}, format="multipart")
    assert response.status_code == 202, response.content
    return response.json()["id"], truth


def all_final(ids):
    documents = list(Document.objects.filter(pk__in=ids))
    return documents if all(d.is_final for d in documents) and len(documents) == len(ids) else None


def test_reviewers_corrections_retrain_the_type(tmp_path, make_user, api_client, client_for, built_models, settings):
    settings.COLONY_RETRAIN_AFTER = 2  # the review queue (this process) counts the corrections
    call_command("import_type", str(write_type_file(tmp_path / "types.json")))
    clerk = api_client(make_user("clerk"))
    reviewer = client_for(make_user("reviewer"))
    log = tmp_path / "worker.log"
    worker = start_worker(worker_env(), log_path=log)
    try:
        truths = dict(upload(clerk, seed) for seed in range(10))
        documents = wait_until(lambda: all_final(list(truths)), timeout=240)
        assert documents, log.read_text()[-3000:]
        for document in sorted(documents, key=lambda d: d.created_at):
            assert document.status == Document.Status.NEEDS_REVIEW  # zero-shot is never sure enough
            for fld in document.fields.filter(status=ExtractedField.Status.NEEDS_REVIEW):
                right = truths[str(document.pk)][fld.name]
                data = {"action": "accept"} if fld.value == right else {"action": "correct", "value": right}
                response = reviewer.post(f"/review/{document.pk}/fields/{fld.pk}/", data)
                assert response.status_code == 302
            document.refresh_from_db()
            assert document.status == Document.Status.DONE

        corrections = FieldCorrection.objects.filter(doc_type=NAME).exclude(action="accepted").count()
        assert corrections >= 2
        assert wait_until(lambda: store.promoted_version(NAME), timeout=240), log.read_text()[-3000:]
        # The version is promoted on disk inside the transaction that records it: wait for that to commit too.
        trained = wait_until(lambda: AuditEvent.objects.filter(kind="specialist_trained").first(), timeout=30)
        assert trained.outcome == "promoted" and trained.details["documents"] + trained.details["held_back"] >= 8

        [later] = [upload(clerk, 100)[0]]
        assert wait_until(lambda: all_final([later]), timeout=120), log.read_text()[-3000:]
        models = set(AuditEvent.objects.filter(document_id=later, kind="field_extracted").values_list("model", flat=True))
        assert models == {f"specialist:{NAME}"}
    finally:
        stop(worker)
