"""Personal data in clear is encrypted at rest: a database dump shows none of it; the ORM reads it back."""
import pytest
from django.apps import apps
from django.db import connection

from appliance.documents import at_rest
from appliance.documents.models import ExtractedField, Page
from appliance.review.models import FieldCorrection
from extraction.pii.vault import ENV_KEY, generate_key
from tests.review.conftest import make_review_document

pytestmark = pytest.mark.django_db

SECRETS = ("Jane Roe", "DE89370400440532013000")


def _dump(*tables):
    """Every row of ``tables`` as the database holds it, as one string: what a dump would show."""
    with connection.cursor() as cursor:
        rows = []
        for table in tables:
            cursor.execute(f"SELECT * FROM {table}")
            rows += cursor.fetchall()
    return repr(rows)


def test_page_text_and_field_values_are_ciphertext_in_the_database(tmp_path, make_user):
    document = make_review_document(tmp_path)
    field = document.fields.get(name="iban")
    FieldCorrection.objects.create(document=document, field_name="iban", doc_type="invoice", action="correct",
                                   before=field.value, after="DE89370400440532013000", reviewer=make_user("reviewer"))
    dump = _dump(Page._meta.db_table, ExtractedField._meta.db_table, FieldCorrection._meta.db_table)
    for secret in SECRETS:
        assert secret not in dump
    assert at_rest.PREFIX in dump
    page = Page.objects.get(document=document)
    assert "Jane Roe" in page.text
    assert Page.objects.filter(document=document).values_list("text", flat=True).get() == page.text
    assert ExtractedField.objects.get(pk=field.pk).value == "DE89370400440532013000"
    assert FieldCorrection.objects.get().after == "DE89370400440532013000"


def test_structured_values_and_nulls_come_back_as_they_went_in(tmp_path):
    document = make_review_document(tmp_path)
    field = document.fields.first()
    field.value, field.raw = ["Alpha Ltd", "Jane Roe"], None
    field.candidates = [{"value": "Jane Roe", "score": 0.5}]
    field.save()
    stored = ExtractedField.objects.get(pk=field.pk)
    assert stored.value == ["Alpha Ltd", "Jane Roe"]
    assert stored.raw is None
    assert ExtractedField.objects.filter(pk=field.pk, raw__isnull=True).exists()
    assert stored.candidates == [{"value": "Jane Roe", "score": 0.5}]


def test_rows_stored_in_clear_are_read_and_sealed_by_the_migration_step(tmp_path):
    document = make_review_document(tmp_path)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {Page._meta.db_table} SET text = %s WHERE document_id = %s",
                       ["Customer: Jane Roe", document.pk.hex if connection.vendor == "sqlite" else document.pk])
    assert Page.objects.get(document=document).text == "Customer: Jane Roe"  # legacy clear text is readable
    at_rest.seal_existing_rows("documents", [("Page", ["text"])])(apps, None)
    assert "Jane Roe" not in _dump(Page._meta.db_table)
    assert Page.objects.get(document=document).text == "Customer: Jane Roe"


def test_another_key_cannot_read_them_and_says_so(tmp_path, monkeypatch):
    document = make_review_document(tmp_path)
    monkeypatch.setenv(ENV_KEY, generate_key())
    with pytest.raises(at_rest.SealedValueError, match="does not decrypt"):
        Page.objects.get(document=document)
