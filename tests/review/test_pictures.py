"""Page pictures: rendered from the original PDF, personal data blacked out, evidence boxes placed."""
import io

import pytest
from PIL import Image

from appliance.documents.models import Page
from appliance.review import pages as pictures
from audit.models import AuditEvent


def _png(response):
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert "no-store" in response["Cache-Control"]
    return Image.open(io.BytesIO(response.content)).convert("L")


def _box_of(document, value):
    page = document.pages.get()
    pic = pictures.picture(document, page, reveal=True, render=False)
    try:
        rects = pic.locate(value, every=True)
    finally:
        pictures.close(pic)
    assert rects, value
    return (min(r[0] for r in rects), min(r[1] for r in rects), max(r[2] for r in rects), max(r[3] for r in rects))


def _mean(image, box):
    region = image.crop(tuple(int(v) for v in box))
    data = list(region.getdata())
    return sum(data) / len(data)


@pytest.mark.django_db
def test_personal_data_is_blacked_out_on_the_picture(reviewer, client_for, review_document):
    document = review_document()
    image = _png(client_for(reviewer).get(f"/review/{document.pk}/pages/1.png"))
    assert _mean(image, _box_of(document, "Jane Roe")) < 10
    assert _mean(image, _box_of(document, "DE89370400440532013000")) < 10
    assert _mean(image, _box_of(document, "ACME Tools")) > 100  # not personal: readable


@pytest.mark.django_db
def test_reveal_needs_the_permission_and_is_audited(reviewer, make_user, client_for, review_document):
    document = review_document()
    assert client_for(reviewer).get(f"/review/{document.pk}/pages/1.png?reveal=1").status_code == 403
    admin = make_user("admin")
    image = _png(client_for(admin).get(f"/review/{document.pk}/pages/1.png?reveal=1"))
    assert _mean(image, _box_of(document, "Jane Roe")) > 100
    assert AuditEvent.objects.filter(kind="pii_revealed", actor_user_id=admin.pk).exists()
    page = client_for(admin).get(f"/review/{document.pk}/?reveal=1").content.decode()
    assert "Jane Roe" in page and "DE89370400440532013000" in page


@pytest.mark.django_db
def test_evidence_boxes_lie_over_the_quoted_text(review_document):
    document = review_document()
    page = document.pages.get()
    pic = pictures.picture(document, page, render=False)
    try:
        boxes = pictures.evidence_boxes(pic, page, list(document.fields.all()))
        expected = _box_of(document, "ACME Tools")
        width, height = pic.size
    finally:
        pictures.close(pic)
    issuer = [b for b in boxes if b["field"] == "issuer"]
    assert len(issuer) == 1
    box = issuer[0]
    assert abs(box["left"] / 100 * width - expected[0]) < 5
    assert abs(box["top"] / 100 * height - expected[1]) < 5
    assert box["width"] > 0 and box["height"] > 0
    assert {b["field"] for b in boxes} == {"invoice_number", "issuer", "amount", "iban"}


@pytest.mark.django_db
def test_a_picture_whose_personal_data_cannot_be_located_is_not_shown(reviewer, client_for, review_document):
    document = review_document()
    # The text says someone the PDF does not show (say the text layer and the picture disagree).
    Page.objects.filter(document=document).update(text=document.pages.get().text.replace("Jane Roe", "Joan Doe"))
    document.pii_spans = [dict(s) for s in document.pii_spans]
    document.save()
    client = client_for(reviewer)
    assert client.get(f"/review/{document.pk}/pages/1.png").status_code == 404
    body = client.get(f"/review/{document.pk}/").content.decode()
    assert "pages/1.png" not in body and "could not be located" in body


@pytest.mark.django_db
def test_image_documents_are_blacked_out_from_ocr_word_boxes(reviewer, client_for, review_document):
    document = review_document(media="image", filename="scan.png")
    image = _png(client_for(reviewer).get(f"/review/{document.pk}/pages/1.png"))
    assert _mean(image, _box_of(document, "Jane Roe")) < 10
    assert _mean(image, _box_of(document, "ACME Tools")) > 100
    body = client_for(reviewer).get(f"/review/{document.pk}/").content.decode()
    assert 'class="evidence-box" data-field="issuer"' in body
