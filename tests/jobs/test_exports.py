"""Exports as jobs: past EXPORT_SYNC_REPORTS the download is a job whose page offers the finished file."""

import csv
import io
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pytest_django.asserts import assertContains, assertNotContains

from reports.jobs import exports
from reports.models import CaseReport, Job
from tests.factories import make_report
from tests.jobs import run_jobs

pytestmark = pytest.mark.django_db


@pytest.fixture
def jobs_dir(settings, tmp_path):
    settings.JOBS_DIR = tmp_path / "jobs"
    settings.EXPORT_SYNC_REPORTS = 3
    return settings.JOBS_DIR


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_small_export_is_the_whole_file_at_once(client, jobs_dir):
    for year in (2001, 2002, 2003):
        make_report(pub_year=year)
    response = client.get("/export.json")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="casebase-')
    assert len(json.loads(body(response))["reports"]) == 3
    assert Job.objects.count() == 0


def test_a_large_export_is_a_job_whose_page_offers_the_whole_file_once_written(client, jobs_dir):
    for year in range(2001, 2006):
        make_report(pub_year=year)
    asked = client.get("/export.json?year_min=2002")
    assert asked.status_code == 302
    job = Job.objects.get()
    assert asked["Location"] == f"/exports/{job.pk}/"
    waiting = client.get(asked["Location"])
    assertContains(waiting, "Waiting for a worker")
    assertContains(waiting, '<meta http-equiv="refresh" content="2">')
    assert client.get(f"/exports/{job.pk}/download/").status_code == 404  # not written yet

    run_jobs()
    page = client.get(asked["Location"])
    assertContains(page, "Ready: 4 reports")
    assertNotContains(page, 'http-equiv="refresh"')
    download = client.get(f"/exports/{job.pk}/download/")
    assert download["Content-Type"] == "application/json; charset=utf-8"
    assert download["Content-Disposition"].startswith('attachment; filename="casebase-')
    assert sorted(r["date"]["year"] for r in json.loads(body(download))["reports"]) == [2002, 2003, 2004, 2005]
    assert [p.name for p in jobs_dir.iterdir()] == [f"{job.pk}.json"]  # nothing half-written left beside it


def test_a_large_csv_export_is_a_job_too(client, jobs_dir):
    for _ in range(4):
        make_report()
    asked = client.get("/export.csv")
    run_jobs()
    job = Job.objects.get()
    rows = list(csv.DictReader(io.StringIO(body(client.get(f"/exports/{job.pk}/download/")).decode())))
    assert sorted(int(r["casebase_id"]) for r in rows) == sorted(CaseReport.objects.values_list("pk", flat=True))
    assert asked["Location"] == job.get_absolute_url()


def test_the_same_export_asked_again_while_it_waits_is_the_same_job(client, jobs_dir):
    for _ in range(4):
        make_report()
    first = client.get("/export.json?year_min=2000")
    assert client.get("/export.json?year_min=2000")["Location"] == first["Location"]
    assert client.get("/export.csv?year_min=2000")["Location"] != first["Location"]
    assert Job.objects.count() == 2


def test_exports_past_the_queue_limit_are_refused_until_it_drains(client, jobs_dir, settings):
    settings.EXPORT_MAX_QUEUED = 2
    for _ in range(4):
        make_report()
    for year in (2000, 2001):
        assert client.get(f"/export.json?year_min={year}").status_code == 302
    refused = client.get("/export.json?year_min=1999")
    assert (refused.status_code, refused["Retry-After"]) == (503, "120")
    assert b"ask again in a few minutes" in refused.content
    run_jobs()
    assert client.get("/export.json?year_min=1999").status_code == 302


def test_an_export_that_fails_part_way_says_why_and_offers_no_file(client, jobs_dir):
    for _ in range(4):
        make_report()
    client.get("/export.json")
    job = Job.objects.get()
    # The job reads the filters again in the worker; ones that cannot be used there fail it.
    Job.objects.filter(pk=job.pk).update(params={"format": "json", "query": "year_min=soon"})
    run_jobs()
    page = client.get(job.get_absolute_url())
    assertContains(page, "It failed: It stopped on an error: ValueError: year: Enter a number.")
    assert client.get(f"/exports/{job.pk}/download/").status_code == 404
    assert not jobs_dir.exists() or list(jobs_dir.iterdir()) == []


def test_a_job_page_that_does_not_exist_is_a_404(client):
    assert client.get("/exports/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_asking_whether_an_export_is_small_is_one_bounded_count(settings):
    settings.EXPORT_SYNC_REPORTS = 2
    for _ in range(3):
        make_report()
    with CaptureQueriesContext(connection) as queries:
        assert not exports.is_small(CaseReport.objects.all())
    assert len(queries) == 1
    assert re.search(r"LIMIT 3", queries[0]["sql"])
    settings.EXPORT_SYNC_REPORTS = 3
    assert exports.is_small(CaseReport.objects.all())
