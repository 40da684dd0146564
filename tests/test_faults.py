"""Faults: an import killed half-way leaves the database as it was; a database that refuses connections or is out
of disk gives a clear message, never a traceback. Each runs the real program in its own process against a real
database (a scratch SQLite file, or a scratch PostgreSQL database when the suite runs on PostgreSQL)."""

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)
ARTICLE = ROOT / "tests" / "data" / "pubmed" / "metapub" / "25364329.xml"
SECRET = "fault-tests-" + "s" * 40


def environment(database_url: str, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DEBUG", "HTTPS")}
    env.update(DATABASE_URL=database_url, SECRET_KEY=SECRET, ALLOWED_HOSTS="testserver", **extra)
    return env


def manage(database_url: str, *args, check=True, **popen) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        env=environment(database_url),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=check,
        timeout=600,
    )


@pytest.fixture
def scratch_database(tmp_path):
    """A migrated database of the kind the suite runs on, that other processes can open."""
    if connection.vendor == "postgresql":
        import psycopg

        params = connection.get_connection_params()
        name = f"casebase_faults_{uuid.uuid4().hex[:8]}"
        admin = (
            f"postgres://{params.get('user', 'postgres')}@{params.get('host', '127.0.0.1')}:{params.get('port', 5432)}"
        )
        with psycopg.connect(f"{admin}/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        url = f"{admin}/{name}"
    else:
        url = f"sqlite:///{tmp_path / 'faults.sqlite3'}"
    manage(url, "migrate", "--no-input")
    yield url
    if connection.vendor == "postgresql":
        with psycopg.connect(f"{admin}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def row_counts(url: str) -> dict[str, int]:
    """Rows of every casebase table, read straight from the database."""
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            tables = [
                r[0]
                for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' AND name LIKE 'reports_%'")
            ]
            return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    import psycopg

    with psycopg.connect(url) as conn:
        tables = [r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE tablename LIKE 'reports_%'")]
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def many_articles(path: Path, count: int) -> Path:
    """A PubMed XML file of `count` copies of a real article, each with its own PMID, DOI and title."""
    text = ARTICLE.read_text(encoding="utf-8")
    article = re.search(r"<PubmedArticle>.*</PubmedArticle>", text, re.S).group(0)
    head = text[: text.index("<PubmedArticle>")]
    with open(path, "w", encoding="utf-8") as out:
        out.write(head)
        for n in range(count):
            copy = article.replace("25364329", str(90_000_000 + n)).replace("10.1055/s-0034-1387804", f"10.9999/{n}")
            copy = copy.replace("<ArticleTitle>", f"<ArticleTitle>Copy {n}: ", 1)
            out.write(copy)
        out.write("</PubmedArticleSet>\n")
    return path


def children(pid: int) -> list[int]:
    """The processes `pid` started (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.mark.slow  # a real import of 2,000 articles in another process, killed half-way: about 12 s
def test_an_import_killed_half_way_leaves_the_database_as_it_was(scratch_database, tmp_path):
    manage(scratch_database, "import_reports", str(ARTICLE))
    before = row_counts(scratch_database)
    assert before["reports_casereport"] == 1
    big = many_articles(tmp_path / "big.xml", 2000)
    process = subprocess.Popen(
        [sys.executable, "manage.py", "import_reports", str(big)],
        env=environment(scratch_database),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # Kill it once it has done real work (read and written several batches), but long before it could finish.
    deadline = time.monotonic() + 120
    while cpu_seconds(process.pid) < 2.5 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert process.poll() is None, "the import finished before it could be killed; make the file bigger"
    # A file this size is read in a second process (reports/importers/readahead.py), which must not outlive it.
    readers = children(process.pid)
    assert readers, "the file was not read ahead; make it bigger"
    os.kill(process.pid, signal.SIGKILL)
    assert process.wait() == -signal.SIGKILL
    deadline = time.monotonic() + 30
    while any(Path(f"/proc/{pid}").exists() for pid in readers) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [pid for pid in readers if Path(f"/proc/{pid}").exists()], "the reading process was left running"
    assert row_counts(scratch_database) == before
    # The database is whole and writable afterwards (SQLite rolled back the killed writer's journal).
    result = manage(scratch_database, "import_reports", str(many_articles(tmp_path / "small.xml", 5)))
    assert "created 5" in result.stdout
    assert row_counts(scratch_database)["reports_casereport"] == 6


PAGE_SCRIPT = (
    "import django, json, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'casebase.settings'; django.setup(); "
    "from django.test import Client; c = Client(); "
    "r = [c.get(u) for u in ('/', '/health/', '/admin/login/')]; "
    "print(json.dumps([[x.status_code, x.content.decode()[:2000]] for x in r]))"
)


def test_a_database_that_refuses_connections_gives_a_plain_503_page():
    result = subprocess.run(
        [sys.executable, "-c", PAGE_SCRIPT],
        env=environment("postgres://postgres@127.0.0.1:1/casebase"),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    import json

    (page, health, login) = json.loads(result.stdout.strip().splitlines()[-1])
    assert page[0] == 503
    assert "The database is not answering" in page[1]
    assert "Traceback" not in page[1]
    assert health[0] == 503
    assert json.loads(health[1])["status"] == "unavailable"
    assert login[0] in (200, 503)  # the login page itself needs no database until it is submitted


def test_an_import_into_a_refusing_database_says_so_and_is_not_a_traceback():
    result = manage("postgres://postgres@127.0.0.1:1/casebase", "import_reports", str(ARTICLE), check=False)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "database" in (result.stdout + result.stderr).lower()


@pytest.mark.skipif("connection.vendor != 'sqlite'", reason="SQLite can be given a size limit; a full disk is real")
@pytest.mark.django_db
def test_a_full_database_refuses_an_import_clearly_and_writes_nothing(seed_report):
    from reports.importers.service import import_file
    from reports.models import CaseReport

    with connection.cursor() as cursor:
        cursor.execute("PRAGMA page_count")
        (pages,) = cursor.fetchone()
        cursor.execute(f"PRAGMA max_page_count = {pages}")
    try:
        result = import_file(file=ARTICLE)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA max_page_count = 1073741823")
    assert not result.written
    assert "full" in str(result.refused[0]).lower()
    assert CaseReport.objects.count() == 1


@pytest.mark.skipif("connection.vendor != 'sqlite'", reason="SQLite can be given a size limit; a full disk is real")
@pytest.mark.django_db
def test_a_full_database_gives_the_curator_a_plain_503_page(seed_report, staff_client):
    from reports.models import Patient

    patient = Patient.objects.get()
    from tests.admin_forms import open_admin_form

    with connection.cursor() as cursor:
        cursor.execute("PRAGMA page_count")
        (pages,) = cursor.fetchone()
        cursor.execute(f"PRAGMA max_page_count = {pages}")
    try:
        form = open_admin_form(staff_client, f"/admin/reports/patient/{patient.pk}/change/")
        form["history"] = "x" * 200_000
        response = form.submit(staff_client)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA max_page_count = 1073741823")
    assert response.status_code == 503
    assert b"run out of disk space" in response.content


# Killed at any stage, an import leaves no reading process and no database session behind: the next import of the
# same file starts at once. A reader that had reached the end of the file used to outlive the import, blocked on a
# pipe nobody read, holding a copy of its PostgreSQL connection "idle in transaction" (and the import's locks).


def sessions(url: str) -> int:
    """Sessions open on the scratch database (PostgreSQL), this one's own not counted; 0 on SQLite."""
    if url.startswith("sqlite"):
        return 0
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        return conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [name]).fetchone()[0]


def position_in(pid: int, path: Path) -> int | None:
    """How far process `pid` has read the file at `path` (Linux /proc), None when it has it not open."""
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            if os.readlink(fd) == str(path):
                return int(Path(f"/proc/{pid}/fdinfo/{fd.name}").read_text().split()[1])
        except OSError:
            continue
    return None


def wait_for(condition, *, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting: {what}"
        time.sleep(0.05)


# Three real imports of 800 articles (15 MB, every article with its references) killed, each followed by an import of
# the same first 40: about 20 s each on two shared cores.
@pytest.mark.slow
@pytest.mark.parametrize("stage", ["reading", "read-to-the-end", "writing"])
def test_an_import_killed_at_any_stage_leaves_no_reader_and_holds_up_no_other_import(stage, scratch_database, tmp_path):
    big = many_articles(tmp_path / "big.xml", 800)
    process = subprocess.Popen(
        [sys.executable, "manage.py", "import_reports", str(big)],
        env=environment(scratch_database),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for(lambda: children(process.pid) or process.poll() is not None, seconds=60, what="the reading process")
    readers = children(process.pid)
    assert readers, "the file was not read ahead; make it bigger"
    (reader,) = readers
    if stage == "reading":
        wait_for(lambda: (position_in(reader, big) or 0) > 0, seconds=60, what="reading to start")
        assert position_in(reader, big) < big.stat().st_size
    elif stage == "read-to-the-end":
        wait_for(lambda: position_in(reader, big) == big.stat().st_size, seconds=120, what="the end of the file")
        time.sleep(1)  # the last records read and handed over: the reader waits for the writer to take them
    else:
        wait_for(lambda: cpu_seconds(process.pid) >= 2.5, seconds=120, what="writing")
    assert process.poll() is None, "the import finished before it could be killed; make the file bigger"
    os.kill(process.pid, signal.SIGKILL)
    assert process.wait() == -signal.SIGKILL

    wait_for(lambda: not Path(f"/proc/{reader}").exists(), seconds=5, what="the reading process to end")
    # Nothing can hold a lock now: no process of the killed import is left, and no session of it on the server.
    wait_for(lambda: sessions(scratch_database) == 0, seconds=5, what="the killed import's session to end")
    # The next import writes the same first articles (the same PMIDs, the same rows a held lock would keep it from),
    # and is quick: it would wait on any lock of the killed one.
    same = many_articles(tmp_path / "same.xml", 40)
    again = subprocess.run(
        [sys.executable, "manage.py", "import_reports", str(same)],
        env=environment(scratch_database),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "created 40" in again.stdout, again.stdout + again.stderr
    assert row_counts(scratch_database)["reports_casereport"] == 40


# Files that unpack to far more than they look: refused with the limit they pass, within a memory cap, never a
# traceback or a 500. The cap is on the whole address space of the import (its reading process inherits it).

MEMORY_CAP = 1024 * 1024 * 1024
BOMB_MB = 256  # of <x/>: 64 million elements, gigabytes as a tree (the cap stops a reader that builds one)


def capped() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def bomb(path: Path, *, inside: bool) -> Path:
    from bench.import_bomb import write_xml_bomb

    # Over readahead.MIN_BYTES on disk, so that it is read in a second process, as the import reads large files.
    made = write_xml_bomb(path, inside=inside, megabytes=BOMB_MB, padding=2_200_000)
    assert made.stat().st_size > 2 * 1024 * 1024
    return made


BOMB_REFUSALS = {
    False: "before its first record, the file has more than 250,000 XML elements that are not PubMed records",
    True: "record 1 (PMID 123): it has more than 250,000 XML elements; casebase reads at most 250,000 XML "
    "elements per record",
}


@pytest.mark.slow  # a real import in another process: about 5 s each
@pytest.mark.parametrize("inside", [False, True], ids=["at-the-top-level", "inside-a-record"])
def test_an_element_bomb_is_refused_by_the_import_command_within_a_memory_cap(inside, scratch_database, tmp_path):
    path = bomb(tmp_path / "bomb.xml.gz", inside=inside)
    before = row_counts(scratch_database)
    result = subprocess.run(
        [sys.executable, "manage.py", "import_reports", str(path)],
        env=environment(scratch_database),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=capped,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr, result.stderr
    assert BOMB_REFUSALS[inside] in result.stdout
    assert "bomb.xml.gz: refused, nothing written" in result.stdout
    # stderr holds the import's log line, then the command's one-line error.
    assert result.stderr.strip().splitlines()[-1] == "CommandError: 1 of 1 files had refused records: " + str(path)
    assert "import of bomb.xml.gz (pubmed_xml): refused" in result.stderr
    assert row_counts(scratch_database) == before


UPLOAD_SCRIPT = """
import json, os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "casebase.settings"
import django
django.setup()
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from tests.test_faults import capped
curator = get_user_model().objects.create_superuser(username="curator", password="a-long-test-password")
client = Client(raise_request_exception=False)
client.force_login(curator)
capped()
with open(sys.argv[1], "rb") as file:
    upload = SimpleUploadedFile("bomb.xml.gz", file.read(), content_type="application/gzip")
response = client.post("/admin/reports/casereport/import/", {"file": upload, "format": "", "preview": "1"})
if response.status_code == 302:
    # The check is a job: a worker (here, this process, under the same cap) runs it, then its page shows it.
    from django.core.management import call_command
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    response = client.get(response["Location"])
print(json.dumps([response.status_code, response.content.decode()]))
"""


@pytest.mark.slow  # the admin in another process, under the memory cap: about 5 s each
@pytest.mark.parametrize("inside", [False, True], ids=["at-the-top-level", "inside-a-record"])
def test_an_element_bomb_uploaded_in_the_admin_shows_the_refusal_within_a_memory_cap(
    inside, scratch_database, tmp_path
):
    import html
    import json

    path = bomb(tmp_path / "bomb.xml.gz", inside=inside)
    result = subprocess.run(
        [sys.executable, "-c", UPLOAD_SCRIPT, str(path)],
        env=environment(scratch_database, IMPORT_UPLOAD_DIR=str(tmp_path / "uploads")),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    status, page = json.loads(result.stdout.strip().splitlines()[-1])
    assert status == 200
    assert "bomb.xml.gz: refused, nothing written" in html.unescape(page)
    assert BOMB_REFUSALS[inside] in html.unescape(page)
    assert list((tmp_path / "uploads").iterdir()) == []
