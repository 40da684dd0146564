"""Screenshots of the main pages, from the seed and the made-up example reports.

`make screenshots` writes them to docs/screenshots/ for the README (CASEBASE_SCREENSHOTS names the folder); in the
ordinary test run they go to a temporary folder, so the code that makes them keeps working.
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from reports.models import Intervention
from tests.browser.helpers import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_screenshots_of_the_main_pages_are_written(page, examples, curator, tmp_path):
    folder = Path(os.environ.get("CASEBASE_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    naltrexone = Intervention.objects.get(name="Low-dose naltrexone")
    # file name -> (address, screen width and height, whole page or one screen, scrolled to this element if any)
    shots = {
        "list-search.png": ("/?q=naltrexone", (1280, 900), False, None),
        "list-phone.png": ("/?q=naltrexone", (390, 844), False, None),
        "report.png": (examples.seed.get_absolute_url(), (1280, 900), True, None),
        "intervention-evidence.png": (naltrexone.get_absolute_url(), (1280, 900), True, None),
        "admin-report.png": (
            f"/admin/reports/casereport/{examples.seed.pk}/change/",
            (1440, 900),
            False,
            "#patients-group",
        ),
    }
    log_in(page)
    written = []
    for name, (address, (width, height), whole, scroll_to) in shots.items():
        page.set_viewport_size({"width": width, "height": height})
        response = page.goto(address)
        assert response.status == 200, address
        expect(page.locator("h1").first).to_be_visible()
        if scroll_to:
            page.locator(scroll_to).scroll_into_view_if_needed()
        page.screenshot(path=folder / name, full_page=whole, animations="disabled", caret="hide")
        written.append(folder / name)

    assert all(path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n") for path in written)
