"""Jobs run by a real worker process (`manage.py db_worker`) behind a real web server (gunicorn, one web worker), on
a scratch database of the kind the suite runs on: the export is valid and whole, the home page answers while it is
written, an uploaded file is checked and imported, and a worker killed mid-job leaves its job failed with why."""

import json
import os
import re
import signal
import time

import pytest
import requests

from bench.jobs import (
    add_synthetic_reports,
    check_upload_through_a_job,
    curator,
    environment,
    export_through_a_job,
    home_page_while,
    job_status,
    start_worker,
    stop,
    web_server,
)
from tests.test_faults import many_articles, scratch_database  # noqa: F401 (a fixture)

pytestmark = pytest.mark.slow


@pytest.fixture
def site(scratch_database, tmp_path):  # noqa: F811
    env = environment(scratch_database, tmp_path, JOBS_HEARTBEAT_SECONDS="0.5", JOBS_STALE_SECONDS="5")
    return env


def test_an_export_of_5000_reports_by_a_worker_is_whole_valid_json_and_the_home_page_answers_meanwhile(site):
    add_synthetic_reports(site, 5000)
    worker = start_worker(site)
    try:
        with web_server(site) as base:
            homes = []
            done = export_through_a_job(base, on_running=lambda: homes.append(home_page_while(base)), timeout=600)
    finally:
        stop(worker)
    assert done["download"].status_code == 200, done["page"][-1000:]
    reports = json.loads(done["download"].content)["reports"]
    assert sorted(r["pmid"] for r in reports) == list(range(100_000_000, 100_005_000))
    assert homes, "the export finished before the home page could be asked while it ran"
    assert {h["home_status"] for h in homes} == {200}
    # Nothing but the finished file is left in the jobs' folder.
    assert [p.name for p in (site_path(site) / "jobs").iterdir()] == [
        done["page_url"].rstrip("/").split("/")[-1] + ".json"
    ]


def site_path(env: dict):
    from pathlib import Path

    return Path(env["JOBS_DIR"]).parent


def test_an_uploaded_file_is_checked_then_imported_by_a_worker(site, tmp_path):
    big = many_articles(tmp_path / "big.xml", 200)  # about 3.6 MB: read in a second process (readahead)
    worker = start_worker(site)
    try:
        with web_server(site) as base, curator(base, site) as session:
            checked = check_upload_through_a_job(session, base, big, timeout=600)
            assert "big.xml: would be: created 200, updated 0, unchanged 0" in checked["page"], checked["page"][-3000:]
            job = re.search(r'name="job" value="([0-9a-f-]+)"', checked["page"]).group(1)
            confirm = session.post(
                f"{base}/admin/reports/casereport/import/",
                data={"job": job, "confirm": "1", "csrfmiddlewaretoken": session.cookies["csrftoken"]},
                headers={"Referer": checked["page_url"]},
                allow_redirects=False,
                timeout=60,
            )
            assert confirm.status_code == 302
            page_url = base + confirm.headers["Location"]
            deadline = time.monotonic() + 600
            while time.monotonic() < deadline:
                answer = session.get(page_url, timeout=30)
                page = answer.text
                if answer.status_code == 503:  # SQLite: the import holds the database while it writes
                    time.sleep(0.5)
                    continue
                if "import-summary" in page or job_status(page) == "failed":
                    break
                time.sleep(0.5)
            assert "big.xml: imported: created 200, updated 0, unchanged 0" in page, page[-3000:]
            assert requests.get(f"{base}/?q=Copy", timeout=60).status_code == 200
    finally:
        stop(worker)
    assert list((tmp_path / "uploads").iterdir()) == []


def test_a_job_whose_worker_is_killed_is_marked_failed_with_the_reason(site):
    add_synthetic_reports(site, 20000)
    worker = start_worker(site)
    with web_server(site) as base:
        asked = requests.get(f"{base}/export.json", allow_redirects=False, timeout=30)
        page_url = base + asked.headers["Location"]
        deadline = time.monotonic() + 300
        while job_status(requests.get(page_url, timeout=30).text) != "running" and time.monotonic() < deadline:
            time.sleep(0.1)
        assert job_status(requests.get(page_url, timeout=30).text) == "running"
        os.kill(worker.pid, signal.SIGKILL)
        assert worker.wait() == -signal.SIGKILL
        page = requests.get(page_url, timeout=30).text
        assert job_status(page) == "failed", page[-2000:]
        assert "The worker running it (process" in page
        assert "stopped before it finished" in page
        assert "no file was kept" in page
        assert requests.get(page_url + "download/", timeout=30).status_code == 404
        # The site has no finished file for it; what the killed worker was writing is hidden and pruned later.
        assert list((site_path(site) / "jobs").glob("*.json")) == []
        # A new worker takes the next export as usual.
        worker = start_worker(site)
        try:
            again = export_through_a_job(base, query="?year_min=2020", timeout=300)
        finally:
            stop(worker)
        assert again["download"].status_code == 200
        in_2020_or_later = sum(1 for n in range(20000) if 1990 + n % 35 >= 2020)
        assert len(json.loads(again["download"].content)["reports"]) == in_2020_or_later
