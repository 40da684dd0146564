"""Real-browser tests: Playwright's sync API drives Debian's Chromium against pytest-django's live server.

Playwright cannot download its own browser here, so it launches the system one at CHROMIUM. Without it these tests
skip, unless CASEBASE_REQUIRE_BROWSER is set (CI sets it), in which case a missing browser is a failure.
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from tests.browser.examples import Examples, make_examples
from tests.browser.helpers import CURATOR

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # No traffic but the live server's: no update checks, component downloads or sync.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 10_000  # the longest any one wait may take; a page of the live server loads in well under a second
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items):
    """Every browser test is slow: it starts Chromium and the live server (`make check` leaves them out). The hook
    sees the whole session's tests, so it marks only those under this folder."""
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="package")
def browser():
    """One Chromium for the browser tests, closed after the last of them."""
    if not CHROMIUM.exists():
        reason = f"no Chromium at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CASEBASE_REQUIRE_BROWSER"):
            pytest.fail(f"CASEBASE_REQUIRE_BROWSER is set but there is {reason}", pytrace=False)
        pytest.skip(f"browser tests need Chromium: there is {reason}; set CASEBASE_REQUIRE_BROWSER to fail instead")
    # Playwright's sync API keeps an asyncio event loop running on the main thread, and Django refuses ORM calls
    # from a thread with a running loop. These tests are plain synchronous code that builds data between browser
    # steps, so Django's guard is lifted for them, and only while the browser runs.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server) -> Page:
    """A fresh browser tab (own cookies) at desktop size, with relative URLs resolved against the live server; light
    colours, US English and UTC whatever the machine's settings, so that pages and screenshots come out the same."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 1280, "height": 900},
        color_scheme="light",
        locale="en-US",
        timezone_id="UTC",
    )
    context.set_default_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def examples(transactional_db) -> Examples:
    """The seed report and four made-up ones (tests/browser/examples.py)."""
    return make_examples()


@pytest.fixture
def curator(django_user_model):
    """A staff account with every permission, as `make run` creates one."""
    return django_user_model.objects.create_superuser(email="", **CURATOR)
