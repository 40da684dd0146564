"""Steps and readings the browser tests share: logging in, moving with the keyboard, reading an evidence table,
running axe-core."""

from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
CURATOR = {"username": "curator", "password": "a-long-browser-test-password"}


def log_in(page: Page, *, next_url: str = "/admin/") -> None:
    """Logs the curator in through the admin's login form, as a person does."""
    page.goto(f"/admin/login/?next={next_url}")
    page.get_by_label("Username").fill(CURATOR["username"])
    page.get_by_label("Password").fill(CURATOR["password"])
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def results_count(page: Page) -> Locator:
    """The line above the list's results: "4 reports · Download ..."."""
    return page.locator("p.count")


def search(page: Page, words: str) -> None:
    """Types words in the list's search box and presses Enter."""
    box = page.get_by_role("searchbox", name="Search")
    box.fill(words)
    box.press("Enter")


def tab_to(page: Page, target: Locator, *, key: str = "Tab", limit: int = 60) -> None:
    """Presses Tab (or `key`) until `target` has the focus; fails if it is not reached within `limit` presses."""
    for _ in range(limit):
        page.keyboard.press(key)
        if target.evaluate("element => document.activeElement === element"):
            return
    pytest.fail(f"{target} was not reached with {limit} presses of {key}")


def evidence_cell(page: Page, row: str, column: str) -> Locator:
    """The cell of an evidence page's table in the row headed `row` and the column headed `column`."""
    table = page.get_by_role("table")
    expect(table.get_by_role("columnheader", name=column, exact=True)).to_be_visible()  # the page has loaded
    columns = table.locator("thead th").all_inner_texts()
    header = page.get_by_role("rowheader", name=row, exact=True)
    return table.locator("tr").filter(has=header).locator("th, td").nth(columns.index(column))


def axe_violations(page: Page, *, impacts=("serious", "critical")) -> list[str]:
    """Runs axe-core on the page as it stands and describes each violation of the given impacts, with the elements
    it found, so that a failing assertion says what to fix."""
    # Evaluated through the browser's devtools rather than added as a <script>: the site's Content-Security-Policy
    # rightly refuses inline scripts, and the test must not weaken it.
    page.evaluate("source => { (0, eval)(source); }", AXE.read_text(encoding="utf-8"))
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} -> "
        + "; ".join(" ".join(node["target"]) for node in violation["nodes"])
        for violation in results["violations"]
        if violation["impact"] in impacts
    ]


def csp_violations(page: Page) -> list[str]:
    """Starts collecting the Content-Security-Policy violations the page reports from now on (Chromium writes each
    one to the console); returns the list, filled as they come."""
    found: list[str] = []

    def note(message) -> None:
        if "Content Security Policy" in message.text:
            found.append(message.text)

    page.on("console", note)
    return found
