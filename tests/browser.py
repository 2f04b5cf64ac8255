"""A real browser for UI tests: Playwright driving Debian's chromium, headless.

Test modules import ``browser_page`` and ``needs_chromium``; they are skipped where Playwright or
/usr/bin/chromium is missing (bin/install installs both).
"""
import os

import pytest
from django.db import connections

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run"]

sync_api = pytest.importorskip("playwright.sync_api")
needs_chromium = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="needs /usr/bin/chromium (apt-get install chromium)")


@pytest.fixture
def browser_page(monkeypatch):
    # Playwright's sync API runs an event loop in this thread; Django would refuse ORM calls here.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(15000)
            yield page
        finally:
            browser.close()
            # ORM calls made while Playwright's loop runs get their own connection (Django keys
            # connections by context, not only by thread): close it here, in that same context,
            # or it outlives the test and blocks dropping the test database.
            connections.close_all()


def log_in(page, live_server, user):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "pw-for-tests-1")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
