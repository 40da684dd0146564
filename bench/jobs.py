"""Exports and imports as jobs, end to end: a real worker (`manage.py db_worker`) and a real web server (gunicorn,
one worker) on a new database, timed from the outside.

    .venv/bin/python bench/jobs.py --database sqlite|postgres [--reports 50000] [--import-files var/baseline]

Adds --reports synthetic case reports (bulk-created), exports them as casebase JSON through the job (the request
redirects to the job's page, the worker writes the file), checks the download is valid JSON with every report, and
times the home page while the job runs. With --import-files, concatenates those PubMed files' records (the
baseline: `../shared/data/get-pubmed-baseline var/baseline`) into one file of about --import-mb megabytes and runs
the admin's dry run of it as a job. Prints the figures; checks nothing else. The tests (tests/jobs/test_worker.py)
use the same helpers on smaller data.
"""

import argparse
import gzip
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POSTGRES = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432")


def environment(database_url: str, folder: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DEBUG", "HTTPS")}
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY="jobs-bench-" + "s" * 40,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        JOBS_DIR=str(folder / "jobs"),
        IMPORT_UPLOAD_DIR=str(folder / "uploads"),
        **extra,
    )
    return env


def manage(env: dict, *args: str, **run) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], env=env, cwd=ROOT, capture_output=True, text=True, check=True, **run
    )


@contextmanager
def new_database(vendor: str, folder: Path):
    """A new, migrated database: a SQLite file in `folder`, or a PostgreSQL database dropped afterwards."""
    if vendor == "sqlite":
        url = f"sqlite:///{folder / 'jobs.sqlite3'}"
        manage(environment(url, folder), "migrate", "--no-input")
        yield url
        return
    import psycopg

    name = f"casebase_jobs_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        url = f"{POSTGRES}/{name}"
        manage(environment(url, folder), "migrate", "--no-input")
        yield url
    finally:
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


SYNTHETIC = """
from reports.models import CaseReport
count = {count}
for start in range(0, count, 2000):
    CaseReport.objects.bulk_create(
        CaseReport(
            title=f"Synthetic case {{n}}: a patient with a rare condition",
            abstract="A synthetic abstract. " * 40,
            pub_year=1990 + n % 35,
            pmid=100_000_000 + n,
        )
        for n in range(start, min(count, start + 2000))
    )
print(CaseReport.objects.count())
"""


def add_synthetic_reports(env: dict, count: int) -> None:
    """`count` case reports, bulk-created (PMIDs from 100,000,000: never a real one)."""
    manage(env, "shell", "-c", SYNTHETIC.format(count=count), timeout=1800)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_worker(env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@contextmanager
def web_server(env: dict):
    """gunicorn with one web worker: the site is as busy as it can be, and still must answer."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "casebase.wsgi", "-w", "1", "-b", f"127.0.0.1:{port}", "--timeout", "30"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        import requests

        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(f"{base}/health/", timeout=5)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def job_status(page: str) -> str:
    found = re.search(r'data-status="(\w+)"', page)
    return found.group(1) if found else ("done" if "Download the file" in page else "")


def export_through_a_job(base: str, *, query: str = "", on_running=None, timeout: float = 1800) -> dict:
    """Ask for an export, follow its page until done (calling `on_running()` while it runs), download the file."""
    import requests

    started = time.monotonic()
    asked = requests.get(f"{base}/export.json{query}", allow_redirects=False, timeout=30)
    assert asked.status_code == 302, (asked.status_code, asked.text[:500])
    page_url = base + asked.headers["Location"]
    seen = {}
    while time.monotonic() - started < timeout:
        page = requests.get(page_url, timeout=30).text
        status = job_status(page)
        if status == "running" and on_running is not None:
            seen.update(on_running() or {})
        if "Download the file" in page or status == "failed":
            break
        time.sleep(0.2)
    written = time.monotonic() - started
    download = requests.get(page_url + "download/", timeout=300)
    return {"page": page, "page_url": page_url, "download": download, "seconds": written, **seen}


def home_page_while(base: str) -> dict:
    """The home page's time while something else runs."""
    import requests

    before = time.monotonic()
    response = requests.get(f"{base}/", timeout=60)
    return {"home_status": response.status_code, "home_seconds": time.monotonic() - before}


def big_import_file(files: list[Path], out: Path, megabytes: float) -> int:
    """One PubMed XML file of whole records from `files`, up to `megabytes`; returns the number of records."""
    head, records, size = None, 0, 0
    with open(out, "w", encoding="utf-8") as target:
        for path in files:
            opener = gzip.open if path.suffix == ".gz" else open
            with opener(path, "rt", encoding="utf-8") as source:
                text = source.read()
            if head is None:
                head = text[: text.index("<PubmedArticle>")]
                target.write(head)
            for match in re.finditer(r"<PubmedArticle>.*?</PubmedArticle>", text, re.S):
                target.write(match.group(0) + "\n")
                records += 1
                size += len(match.group(0).encode())
                if size >= megabytes * 1024 * 1024:
                    break
            if size >= megabytes * 1024 * 1024:
                break
        target.write("</PubmedArticleSet>\n")
    return records


@contextmanager
def curator(base: str, env: dict):
    """A logged-in requests session of a new superuser."""
    import requests

    password = secrets.token_urlsafe(16)
    manage(
        {**env, "DJANGO_SUPERUSER_PASSWORD": password},
        "createsuperuser",
        "--no-input",
        "--username",
        "curator",
        "--email",
        "curator@example.org",
    )
    session = requests.Session()
    session.get(f"{base}/admin/login/", timeout=30)
    session.post(
        f"{base}/admin/login/",
        data={"username": "curator", "password": password, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        headers={"Referer": f"{base}/admin/login/"},
        timeout=30,
    )
    yield session


def check_upload_through_a_job(session, base: str, path: Path, *, timeout: float = 1800) -> dict:
    """Upload a file on the admin's import page, follow its check's page until done."""
    url = f"{base}/admin/reports/casereport/import/"
    session.get(url, timeout=30)
    started = time.monotonic()
    with open(path, "rb") as file:
        asked = session.post(
            url,
            data={"format": "", "csrfmiddlewaretoken": session.cookies["csrftoken"], "preview": "1"},
            files={"file": (path.name, file, "application/xml")},
            headers={"Referer": url},
            allow_redirects=False,
            timeout=300,
        )
    assert asked.status_code == 302, (asked.status_code, asked.text[:2000])
    page_url = base + asked.headers["Location"]
    progress, unavailable = [], 0
    while time.monotonic() - started < timeout:
        answer = session.get(page_url, timeout=30)
        page = answer.text
        if answer.status_code == 503:
            # SQLite (rollback journal): a large import's transaction holds the whole file while it writes.
            unavailable += 1
            time.sleep(0.5)
            continue
        status = job_status(page)
        if status == "running":
            found = re.search(r"Running for [^:]*:\s*([^<]*?) of the file read", page)
            if found:
                progress.append(found.group(1).strip())
        if status in ("", "failed") and "Running for" not in page and "Waiting for a worker" not in page:
            break
        time.sleep(0.5)
    seconds = time.monotonic() - started
    return {"page": page, "page_url": page_url, "seconds": seconds, "progress": progress, "unavailable": unavailable}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--reports", type=int, default=50_000)
    parser.add_argument("--import-files", type=Path, help="a folder of PubMed XML files (the baseline)")
    parser.add_argument("--import-mb", type=float, default=18)
    args = parser.parse_args()
    import tempfile

    with tempfile.TemporaryDirectory() as scratch, new_database(args.database, Path(scratch)) as url:
        folder = Path(scratch)
        env = environment(url, folder)
        began = time.monotonic()
        add_synthetic_reports(env, args.reports)
        print(f"{args.database}: {args.reports} synthetic reports added in {time.monotonic() - began:.1f} s")
        worker = start_worker(env)
        try:
            with web_server(env) as base:
                homes = []
                done = export_through_a_job(base, on_running=lambda: homes.append(home_page_while(base)))
                data = json.loads(done["download"].content)
                assert len(data["reports"]) == args.reports, len(data["reports"])
                worst = max((h["home_seconds"] for h in homes), default=float("nan"))
                print(
                    f"export of {args.reports} reports as a job: {done['seconds']:.1f} s to a finished file of "
                    f"{len(done['download'].content) / 1e6:.1f} MB, valid JSON with every report; home page "
                    f"{len(homes)} times while it ran, all { {h['home_status'] for h in homes} }, slowest "
                    f"{worst:.2f} s"
                )
                if args.import_files:
                    files = sorted(p for p in args.import_files.iterdir() if p.name.endswith((".xml", ".xml.gz")))
                    big = folder / "big.xml"
                    records = big_import_file(files, big, args.import_mb)
                    with curator(base, env) as session:
                        homes = []
                        checked = check_upload_through_a_job(session, base, big)
                        summary = re.search(r'<p class="import-summary">(.*?)</p>', checked["page"], re.S)
                        seen = list(dict.fromkeys(checked["progress"]))  # each figure the page showed, in order
                        print(
                            f"admin dry run of {big.stat().st_size / 1e6:.1f} MB ({records} records) as a job: "
                            f"{checked['seconds']:.1f} s; progress seen: {seen}; "
                            f"result: {summary.group(1).strip() if summary else checked['page'][-2000:]}"
                        )
        finally:
            stop(worker)


if __name__ == "__main__":
    main()
