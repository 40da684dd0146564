"""Load test: the public pages under concurrent readers while an import runs and a curator edits in the admin.

    .venv/bin/python bench/load.py [--seconds 60] [--readers 20] [--files var/baseline] [--output FILE]

Builds a new PostgreSQL database, imports the first PubMed baseline file (30,000 records; `make bench-import`
fetches them) and creates a staff account for the curator. Then starts the app under gunicorn on 127.0.0.1 (a free
port, DEBUG off) and, for --seconds, at the same time:

- readers (locust, bench/locustfile.py) request the list, searches, filters, report pages, evidence pages and the
  patients list, each the next as soon as the last is answered (--think adds a pause);
- `manage.py import_reports --skip-refused` imports the second baseline file into the same database;
- a curator logs in to the admin and, again and again, opens a patient's or a treatment's page, changes its age,
  adds a condition or sets an outcome, saves, and notes what it set.

Then it waits for the import to finish (at most --import-timeout seconds), checks that every value the curator
saved and every record of the imported file is in the database, and prints a Markdown report: requests, requests
per second, errors (any response that is not 2xx/3xx, any connection error or timeout), latency percentiles per
page type, the import's result and the curator's writes. Exits 1 when there was an error or something written is
missing. The server, the import and the database are removed at the end, also after a failure or Ctrl-C.
"""

import argparse
import datetime
import json
import math
import os
import re
import secrets
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter, defaultdict
from decimal import Decimal
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

STOP_TIMEOUT = 30  # seconds the users get to finish what they are doing when the time is up

# The page types in the order the report lists them; the locustfile names its requests so.
PAGE_TYPES = [
    "list",
    "search: common word",
    "search: rare word",
    "search: phrase",
    "search: or, -word",
    "filter",
    "report",
    "evidence: intervention",
    "evidence: condition",
    "patients list",
    "static file",
    "admin: login page",
    "admin: log in",
    "admin: patient page",
    "admin: save patient",
    "admin: patient list after saving",
    "admin: treatment page",
    "admin: save treatment",
    "admin: treatment list after saving",
]


class Interrupted(Exception):
    pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=60, help="how long the readers and the curator go on")
    parser.add_argument("--readers", type=int, default=20, help="concurrent readers (the curator is one more)")
    parser.add_argument("--think", type=float, default=0.0, help="a reader's mean pause between requests, seconds")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--worker-class", choices=["sync", "gthread"], default="sync")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (gthread)")
    parser.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--files", type=Path, default=ROOT / "var" / "baseline")
    parser.add_argument("--import-timeout", type=int, default=900, help="longest wait for the import, seconds")
    parser.add_argument("--seed", type=int, default=1, help="for the choice of reports, patients and pages")
    parser.add_argument("--output", type=Path, help="also write the report to this file")
    args = parser.parse_args()
    files = sorted(args.files.glob("pubmed*.xml.gz"))
    if len(files) < 2:
        sys.exit(f"Need the two baseline files in {args.files}: run ../shared/data/get-pubmed-baseline {args.files}")
    first, second = files[:2]

    scratch = tempfile.TemporaryDirectory(prefix="casebase_load_")
    name = f"casebase_load_{uuid.uuid4().hex[:8]}"
    os.environ["DATABASE_URL"] = f"{args.postgres_url}/{name}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "casebase.settings"
    os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)  # the server's and the import's, this run only
    os.environ["ALLOWED_HOSTS"] = "127.0.0.1"
    os.environ["DEBUG"] = "false"
    # Ctrl-C, `kill -INT` and `kill` all end in the clean-up below, also when started from a script that ignores
    # SIGINT for background jobs.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _interrupt)

    import django

    django.setup()
    from django.db import connection

    children: list[subprocess.Popen] = []  # stopped in reverse order at the end, whatever happens
    _create_postgres(args.postgres_url, name)
    try:
        plan = prepare(first=first, second=second, scratch=Path(scratch.name), args=args)
        connection.close()  # the server, the import and the readers are separate processes
        run = run_load(plan=plan, second=second, scratch=Path(scratch.name), args=args, children=children)
        report, passed = verify_and_report(plan=plan, run=run, args=args)
        print(report)
        if args.output:
            args.output.write_text(report)
        exit_code = 0 if passed else 1
    except (KeyboardInterrupt, Interrupted):
        print("Interrupted: stopping the server and the import, dropping the database.", file=sys.stderr)
        exit_code = 130
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not leave the database behind
        for child in reversed(children):
            _stop(child)
        connection.close()
        _drop_postgres(args.postgres_url, name)
        scratch.cleanup()
    sys.exit(exit_code)


def prepare(*, first: Path, second: Path, scratch: Path, args) -> dict:
    """The database with the first file and a curator, and the plan the users follow: what exists to ask for."""
    import random

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count

    from reports.importers.service import import_file
    from reports.models import CaseReport, Condition, Intervention, Patient, PublicationType, Treatment

    log(f"Database {connection.settings_dict['NAME']}: migrating")
    call_command("migrate", verbosity=0)
    log(f"Importing {first.name} (a minute or two)")
    result = import_file(file=first, skip_refused=True)
    log(result.summary())
    if not result.written:
        raise SystemExit(f"{first.name} was refused: {[str(p) for p in result.refused[:5]]}")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    password = secrets.token_urlsafe(16)
    get_user_model().objects.create_superuser("curator", "curator@example.invalid", password)

    rng = random.Random(args.seed)
    conditions = list(
        Condition.objects.annotate(n=Count("diagnoses")).filter(n__gt=0).order_by("-n", "pk").values("id", "name")
    )[:100]
    interventions = list(
        Intervention.objects.annotate(n=Count("treatments")).filter(n__gt=0).order_by("-n", "pk").values("id", "name")
    )[:100]
    if not conditions or not interventions:
        raise SystemExit(f"{first.name} gave no suggested conditions or treatments: no evidence pages to request")
    # The curator saves at most about one change a second, a third of them of each kind: each object is changed
    # once during the run.
    per_kind = args.seconds + 20
    patients = sorted(Patient.objects.values_list("pk", flat=True))
    patients = rng.sample(patients, k=min(2 * per_kind, len(patients)))
    treatments = sorted(Treatment.objects.values_list("pk", flat=True))
    report_ids = sorted(CaseReport.objects.values_list("pk", flat=True))
    static_url = ""
    if "whitenoise.middleware.WhiteNoiseMiddleware" in settings.MIDDLEWARE:
        from django.templatetags.static import static

        call_command("collectstatic", interactive=False, verbosity=0)
        static_url = static("reports/site.css")
    pmids = _pmids(second)
    return {
        "seed": args.seed,
        "think": args.think,
        "report_ids": rng.sample(report_ids, k=min(2000, len(report_ids))),
        "conditions": conditions,
        "interventions": interventions,
        "case_reports_type": PublicationType.objects.get(name="Case Reports").pk,
        "static_url": static_url,
        "curator": {
            "username": "curator",
            "password": password,
            "age_patients": patients[:per_kind],
            "condition_patients": patients[per_kind:],
            "treatments": rng.sample(treatments, k=min(per_kind, len(treatments))),
        },
        "samples_path": str(scratch / "samples.json"),
        "writes_path": str(scratch / "writes.jsonl"),
        # For the checks afterwards, not for the users:
        "database": {
            "reports": CaseReport.objects.count(),
            "patients": Patient.objects.count(),
            "conditions": Condition.objects.count(),
            "interventions": Intervention.objects.count(),
            "first_file": result.summary(),
        },
        "second_file": {"pmids": sorted(pmids)},
    }


def _pmids(path: Path) -> set[int]:
    """The PMIDs of a PubMed XML file's articles and books (lxml alone: a tenth of the time of the full reader)."""
    import gzip

    from lxml import etree

    pmids = set()
    with gzip.open(path, "rb") as stream:
        for _, element in etree.iterparse(stream, tag=("PubmedArticle", "PubmedBookArticle"), resolve_entities=False):
            pmid = element.findtext("MedlineCitation/PMID") or element.findtext("BookDocument/PMID")
            if pmid and pmid.strip().isdigit():
                pmids.add(int(pmid))
            element.clear(keep_tail=True)
            while element.getprevious() is not None:
                del element.getparent()[0]
    return pmids


def run_load(*, plan: dict, second: Path, scratch: Path, args, children: list) -> dict:
    """Server up; then readers, curator and import at once; returns what each did."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    server_log = scratch / "gunicorn.log"
    log(f"Starting gunicorn on {url}: {args.workers} {args.worker_class} workers")
    children.append(
        _start(
            [
                *[sys.executable, "-m", "gunicorn", "casebase.wsgi:application"],
                *["--bind", f"127.0.0.1:{port}", "--workers", str(args.workers)],
                *["--worker-class", args.worker_class, "--threads", str(args.threads)],
                *["--config", str(ROOT / "bench" / "load_gunicorn.py"), "--graceful-timeout", "10"],
            ],
            log=server_log,
        )
    )
    _wait_until_up(url, server=children[-1])
    if plan["static_url"] and _status(url + plan["static_url"]) != 200:
        log(f"{plan['static_url']} is not served: the readers leave the static files out")
        plan["static_url"] = ""
    plan_path = scratch / "plan.json"
    plan_path.write_text(json.dumps(plan))
    plan_path.chmod(0o600)  # it holds the curator's password

    load_before = os.getloadavg()[0]
    log(f"Load for {args.seconds} s: {args.readers} readers, a curator and the import of {second.name}")
    started = time.monotonic()
    importer = _start(
        [sys.executable, "manage.py", "import_reports", "--skip-refused", str(second)], log=scratch / "import.log"
    )
    children.append(importer)
    users = args.readers + 1
    locust = _start(
        [
            *[sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"), "--headless"],
            *["--host", url, "--users", str(users), "--spawn-rate", str(users), "--run-time", f"{args.seconds}s"],
            *["--stop-timeout", str(STOP_TIMEOUT), "--only-summary", "--loglevel", "WARNING"],
        ],
        log=scratch / "locust.log",
        env={"CASEBASE_LOAD_PLAN": str(plan_path)},
    )
    children.append(locust)
    try:
        locust.wait(timeout=args.seconds + STOP_TIMEOUT + 60)
    except subprocess.TimeoutExpired:
        log("locust did not stop in time: stopping it")
        _stop(locust)
    load_seconds = time.monotonic() - started
    load_after = os.getloadavg()[0]
    if importer.poll() is None:
        log(f"Readers done; waiting for the import (at most {args.import_timeout} s from its start)")
    try:
        importer.wait(timeout=max(1.0, args.import_timeout - (time.monotonic() - started)))
        import_timed_out = False
    except subprocess.TimeoutExpired:
        import_timed_out = True
        _stop(importer)
    import_seconds = time.monotonic() - started
    results = json.loads(Path(plan["samples_path"]).read_text()) if Path(plan["samples_path"]).exists() else None
    writes_path = Path(plan["writes_path"])
    writes = [json.loads(line) for line in writes_path.read_text().splitlines()] if writes_path.exists() else []
    return {
        "url": url,
        "results": results,
        "writes": writes,
        "load_seconds": load_seconds,
        "load_average": (load_before, load_after),
        "locust_log": (scratch / "locust.log").read_text(errors="replace"),
        "server_log": server_log.read_text(errors="replace"),
        "import": {
            "log": (scratch / "import.log").read_text(errors="replace"),
            "exit_code": importer.returncode,
            "timed_out": import_timed_out,
            "seconds": import_seconds,
        },
    }


def verify_and_report(*, plan: dict, run: dict, args) -> tuple[str, bool]:
    from django.db import connection

    from reports.models import CaseReport

    problems = []
    lines = [f"# Load test, {datetime.date.today().isoformat()}", ""]
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0].split()[0]
    database = plan["database"]
    versions = ", ".join(
        f"{package} {version(package)}" for package in ["Django", "gunicorn", "locust", "psycopg", "whitenoise"]
    )
    code = subprocess.run(
        ["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.strip()
    lines += [
        f"Code: {code or 'not a git checkout'} (-dirty: with changes not committed yet).",
        f"Machine: {os.cpu_count()} cores, load average {run['load_average'][0]:.1f} before the run and "
        f"{run['load_average'][1]:.1f} at its end (other work included). Python {sys.version.split()[0]}, "
        f"PostgreSQL {postgres}, {versions}.",
        f"Command: `{shlex.join(['.venv/bin/python', 'bench/load.py', *sys.argv[1:]])}`"
        + " (bench/load.py, bench/locustfile.py, bench/load_gunicorn.py).",
        "",
        f"Database: {database['first_file']}; {database['reports']:,} reports, {database['patients']:,} patients "
        f"(suggested at import), {database['conditions']:,} conditions, {database['interventions']:,} interventions.",
        f"Server: gunicorn, {args.workers} {args.worker_class} workers"
        + (f" of {args.threads} threads" if args.worker_class == "gthread" else "")
        + f", DEBUG off, on {run['url']}. Static files: "
        + (f"`{plan['static_url']}` requested too (whitenoise)." if plan["static_url"] else "not requested."),
        f"Load: {args.readers} readers, each sending its next request "
        + (f"after a pause of 0 to {2 * args.think:g} s" if args.think else "as soon as the last is answered")
        + f", and 1 curator, for {args.seconds} s; the import started with them.",
        "",
    ]

    results = run["results"]
    if results is None:
        problems.append("locust wrote no results (see its log below)")
        samples, user_errors = [], []
    else:
        samples, user_errors = results["samples"], results["user_errors"]
    lines += _requests_section(samples, problems)
    if user_errors:
        problems.append(f"{len(user_errors)} exceptions in the users' code")
        lines += ["### Exceptions in the users' code", "", "```", *user_errors[:5], "```", ""]
    if "CPU usage above" in run["locust_log"]:
        lines += ["locust warned that its own CPU use was high: the figures may understate the server.", ""]

    lines += _import_section(plan=plan, run=run, problems=problems, reports_now=CaseReport.objects.count())
    lines += _writes_section(run["writes"], problems)
    lines += _server_section(run["server_log"], problems)
    if results is None:
        lines += ["### locust's log", "", "```", run["locust_log"][-3000:], "```", ""]

    passed = not problems
    lines += ["## Result", ""]
    lines += ["PASS: no errors, every write found."] if passed else [f"FAIL: {problem}." for problem in problems]
    return "\n".join(lines) + "\n", passed


def _requests_section(samples: list, problems: list) -> list[str]:
    if not samples:
        problems.append("no request was made")
        return ["## Requests", "", "None.", ""]
    by_type = defaultdict(list)
    for name, _, milliseconds, error in samples:
        by_type[name].append((milliseconds, error))
    first = min(start for _, start, _, _ in samples)
    last = max(start + milliseconds / 1000 for _, start, milliseconds, _ in samples)
    seconds = last - first
    errors = [(name, error) for name, _, _, error in samples if error]
    if errors:
        problems.append(f"{len(errors)} requests failed")
    lines = [
        "## Requests",
        "",
        f"{len(samples):,} requests in {seconds:.1f} s: **{len(samples) / seconds:.1f} requests/s**, "
        f"**{len(errors)} errors**.",
        "",
        "| page type | requests | errors | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    order = [name for name in PAGE_TYPES if name in by_type] + sorted(set(by_type) - set(PAGE_TYPES))
    rows = [(name, by_type[name]) for name in order]
    rows.append(("**all**", [(ms, error) for name in order for ms, error in by_type[name]]))
    for name, values in rows:
        times = sorted(ms for ms, _ in values)
        failed = sum(1 for _, error in values if error)
        p50, p95, p99 = (_percentile(times, p) for p in (50, 95, 99))
        lines.append(f"| {name} | {len(values):,} | {failed} | {p50:.0f} | {p95:.0f} | {p99:.0f} | {times[-1]:.0f} |")
    lines.append("")
    if errors:
        lines += ["### Errors", ""]
        for (name, error), count in Counter(errors).most_common(20):
            lines.append(f"- {count} × {name}: {error}")
        lines.append("")
    return lines


def _import_section(*, plan: dict, run: dict, problems: list, reports_now: int) -> list[str]:
    from reports.models import CaseReport

    outcome = run["import"]
    log_text = outcome["log"]
    summary = re.search(r"^.*: imported: created (\d+), updated (\d+), unchanged (\d+).*$", log_text, re.MULTILINE)
    refused = _refused_pmids(log_text)
    expected = set(plan["second_file"]["pmids"]) - refused
    found = CaseReport.objects.filter(pmid__in=expected).count() if expected else 0
    lines = [
        "## The import during the load",
        "",
        f"`manage.py import_reports --skip-refused` ran for {outcome['seconds']:.0f} s from the start of the load "
        f"(the readers stopped at {run['load_seconds']:.0f} s); exit code {outcome['exit_code']} "
        "(1 when a record was refused and left out).",
        "",
    ]
    if outcome["timed_out"]:
        problems.append(f"the import had not finished after {outcome['seconds']:.0f} s and was stopped")
    if summary is None:
        problems.append("the import wrote nothing")
        lines += ["```", log_text[-3000:], "```", ""]
        return lines
    created = int(summary.group(1))
    before = plan["database"]["reports"]
    lines += [
        f"    {summary.group(0).strip()}",
        *[f"    refused: {line.strip()}" for line in _section(log_text, "refused")][:5],
        "",
        f"Records of the file in the database: {found:,} of its {len(expected):,} PMIDs that were not refused "
        f"({len(refused)} refused). Reports: "
        f"{before:,} before, {reports_now:,} after (+{reports_now - before:,}; the import says it created "
        f"{created:,}).",
        "",
    ]
    if found != len(expected):
        problems.append(f"{len(expected) - found} records of the imported file are missing")
    if reports_now != before + created:
        problems.append("the number of reports does not match what the import created")
    return lines


def _section(log_text: str, title: str) -> list[str]:
    """The lines listed under "  <title>:" in import_reports' output."""
    lines, inside = [], False
    for line in log_text.splitlines():
        if line.startswith("  ") and not line.startswith("    "):
            inside = line.strip() == f"{title}:"
        elif inside and line.startswith("    "):
            lines.append(line)
    return lines


def _refused_pmids(log_text: str) -> set[int]:
    return {int(pmid) for line in _section(log_text, "refused") for pmid in re.findall(r"\(PMID (\d+)\)", line)}


def _writes_section(writes: list[dict], problems: list) -> list[str]:
    """Each value the curator saved, looked up in the database; for an object changed twice, the last value."""
    from reports.models import Diagnosis, Outcome, Patient

    last = {}
    for write in writes:
        key = {
            "patient": lambda w: ("patient", w["pk"]),
            "outcome": lambda w: ("outcome", w["pk"]),
            "new outcome": lambda w: ("new outcome", w["treatment"], w["result"], w["at"]),
            "diagnosis": lambda w: ("diagnosis", w["patient"], w["condition"]),
        }[write["object"]](write)
        last[key] = write
    missing = []
    for write in last.values():
        if write["object"] == "patient":
            patient = Patient.objects.filter(pk=write["pk"]).first()
            held = f"{patient.age_value} {patient.age_unit}" if patient else "no such patient"
            ok = (
                patient is not None and patient.age_value == Decimal(write["age_value"]) and patient.age_unit == "years"
            )
        elif write["object"] == "outcome":
            outcome = Outcome.objects.filter(pk=write["pk"]).first()
            held = outcome.result if outcome else "no such outcome"
            ok = outcome is not None and outcome.result == write["result"]
        elif write["object"] == "new outcome":
            results = list(Outcome.objects.filter(treatment_id=write["treatment"]).values_list("result", flat=True))
            held = ", ".join(results) or "no outcome"
            ok = write["result"] in results
        else:
            diagnosis = Diagnosis.objects.filter(patient_id=write["patient"], condition_id=write["condition"]).first()
            held = diagnosis.certainty if diagnosis else "no such diagnosis"
            ok = diagnosis is not None and diagnosis.certainty == write["certainty"]
        if not ok:
            missing.append(f"{_describe(write)}: the database holds {held}")
    kinds = Counter(write["object"] for write in writes)
    lines = [
        "## The curator's writes",
        "",
        f"{len(writes)} saves through the admin (ages set: {kinds['patient']}, conditions added: {kinds['diagnosis']}, "
        f"outcomes changed: {kinds['outcome']}, outcomes added: {kinds['new outcome']}); "
        f"**{len(last) - len(missing)} of {len(last)} found in the database**"
        + (
            f" ({len(writes) - len(last)} superseded by a later save of the same field)"
            if len(writes) > len(last)
            else ""
        )
        + ".",
        "",
    ]
    lines += [f"- {_describe(write)}" for write in writes[:3]]
    lines += ["- ..."] if len(writes) > 3 else []
    lines.append("")
    if not writes:
        problems.append("the curator saved nothing")
    if missing:
        problems.append(f"{len(missing)} of the curator's writes are missing")
        lines += ["### Missing", "", *[f"- {text}" for text in missing[:20]], ""]
    return lines


def _describe(write: dict) -> str:
    if write["object"] == "patient":
        return f"patient {write['pk']}: age {write['age_value']} years"
    if write["object"] == "outcome":
        return f"outcome {write['pk']}: result {write['result']}"
    if write["object"] == "new outcome":
        return f"treatment {write['treatment']}: new outcome {write['result']}"
    return f"patient {write['patient']}: condition {write['condition']} ({write['certainty']})"


def _server_section(server_log: str, problems: list) -> list[str]:
    signs = [line for line in server_log.splitlines() if re.search(r"\[(ERROR|CRITICAL|django\.request)\]", line)]
    timeouts = sum("WORKER TIMEOUT" in line for line in signs)
    lines = ["## Server log", ""]
    if not signs:
        return [*lines, "No errors, warnings or worker timeouts in gunicorn's log.", ""]
    problems.append(f"gunicorn logged {len(signs)} errors ({timeouts} worker timeouts)")
    return [*lines, "```", *signs[:30], "```", ""]


def _percentile(values: list[float], p: float) -> float:
    """Nearest rank: the smallest value that p percent of the values are at most."""
    return values[max(0, math.ceil(p / 100 * len(values)) - 1)]


# Processes ---------------------------------------------------------------------------------------------------------


def _start(command: list[str], *, log: Path, env: dict | None = None) -> subprocess.Popen:
    # Its own session: Ctrl-C reaches this script only, which then stops the children in order.
    with open(log, "w") as out:
        return subprocess.Popen(
            command,
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
            start_new_session=True,
        )


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM to the process's group (gunicorn's workers too), SIGKILL if it is still there after 20 s."""
    if process.poll() is not None:
        return
    for sig, wait in [(signal.SIGTERM, 20), (signal.SIGKILL, 10)]:
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _status(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


def _wait_until_up(url: str, *, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode} before serving a page")
        status = _status(url + "/")
        if status == 200:
            return
        if status is not None:
            raise SystemExit(f"The list answered {status} before the load started")
        time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer on {url} within {timeout:.0f} s")


def _interrupt(signum, frame):
    raise Interrupted


def log(message: str) -> None:
    print(f"[{datetime.datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def _create_postgres(url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(f"{url}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')


def _drop_postgres(url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(f"{url}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
