"""The reviewer's flow end to end in a real browser: Playwright driving Debian's chromium, headless.

Skipped where Playwright or /usr/bin/chromium is missing (bin/install installs both).
"""
from appliance.documents.models import Document, ExtractedField
from appliance.review.models import FieldCorrection, ReviewLock
from tests.browser import browser_page, needs_chromium  # noqa: F401  (fixture)

pytestmark = needs_chromium


def _field(document, name):
    return ExtractedField.objects.get(document=document, name=name)


def test_reviewer_accepts_and_corrects_with_the_keyboard(live_server, make_user, review_document, browser_page):
    reviewer = make_user("reviewer")
    document = review_document(filename="keyboard-invoice.pdf")
    page = browser_page

    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", reviewer.username)
    page.fill("#id_password", "pw-for-tests-1")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/review/")
    page.get_by_role("link", name="keyboard-invoice.pdf").click()
    page.wait_for_url(f"{live_server.url}/review/{document.pk}/")

    # The page picture loaded, with the current field's evidence highlighted on it.
    assert page.eval_on_selector(".page-canvas img", "img => img.complete && img.naturalWidth > 0")
    assert page.locator('.field-card.current').get_attribute("data-field") == "issuer"
    assert page.locator('.evidence-box.active[data-field="issuer"]').count() == 1
    assert "Jane Roe" not in page.content()

    # j / k move between fields.
    page.keyboard.press("j")
    assert page.locator(".field-card.current").get_attribute("data-field") == "amount"
    page.keyboard.press("k")
    assert page.locator(".field-card.current").get_attribute("data-field") == "issuer"

    # Clicking a word of the redacted text takes it as the current field's value (nothing saved yet);
    # a placeholder stands for the personal value behind it. Esc leaves the box.
    page.click("summary:has-text('Text of page 1')")
    page.keyboard.press("j")
    page.click(".review-text .piece.redacted >> nth=0")
    assert page.input_value("#value-amount") == "<PERSON_1>"
    page.keyboard.press("Escape")
    page.keyboard.press("k")
    assert page.locator(".field-card.current").get_attribute("data-field") == "issuer"

    # a accepts the issuer; the page comes back on the next field to decide.
    with page.expect_navigation():
        page.keyboard.press("a")
    assert page.locator(".field-card.current").get_attribute("data-field") == "amount"
    assert _field(document, "issuer").status == "accepted"

    # e edits the amount, typing replaces it, Enter saves.
    page.keyboard.press("e")
    assert page.locator("#value-amount").evaluate("element => element === document.activeElement")
    page.keyboard.type("121.00")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # Every field settled: the document is done and the reviewer is back at the (empty) queue.
    page.wait_for_url(f"{live_server.url}/review/")
    assert "the document is done" in page.content()
    document.refresh_from_db()
    assert document.status == Document.Status.DONE
    issuer, amount = _field(document, "issuer"), _field(document, "amount")
    assert (issuer.value, issuer.status, issuer.method) == ("ACME Tools", "accepted", "generator")
    assert (amount.value, amount.status, amount.method) == ("121.00", "accepted", "human")
    assert [c.after for c in FieldCorrection.objects.filter(document=document, action="corrected")] == ["121.00"]
    assert not ReviewLock.objects.filter(document=document).exists()
