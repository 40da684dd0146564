"""casebase's benchmark suite: generated data at several sizes, import against its references, pages, HTTP.

    .venv/bin/python bench/suite.py [--sizes 10000,100000,1000000] [--out bench/results/DATE.md]   (make bench)
    .venv/bin/python bench/suite.py --smoke           (CI: 10k reports, every step, no timing checked)

For each size, synthetic case reports (bench/synth, seed 1, kept in var/synth/) are imported end to end
(`manage.py import_reports`: read, parse, merge, suggest, write, history, search documents) into a new PostgreSQL
database, and into SQLite up to --sqlite-max; records/s, rows/s (every row the import leaves in casebase's tables),
peak memory of the import process, seconds and database size. Beside each PostgreSQL import, in the same run, the
same rows are written with COPY into a new database (bench/references.py: the ceiling); at --reference-size also with
Django's loaddata and with plain bulk_create, on both databases. Ratios are printed against these, since the machine
is shared and absolute figures move from run to run.

Then the pages (bench/page_latency.py: p50/p95/p99 of a fixed query set, the same queries as raw SQL, queries per
page) at every size from --pages-min on, and HTTP (gunicorn on 127.0.0.1, locust readers for --http-seconds) on the
largest PostgreSQL database. The real baseline files are imported too when --baseline holds them.

Everything goes to a Markdown report (--out; default bench/results/<date>-suite.md) with the machine and versions.
The databases are dropped at the end unless --keep is given.
"""

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import _free_port, _start, _stop, _wait_until_up  # noqa: E402 (after the path is set)

PYTHON = sys.executable


def log(message: str) -> None:
    print(f"[{datetime.datetime.now():%H:%M:%S}] {message}", file=sys.stderr, flush=True)


# Databases -----------------------------------------------------------------------------------------------------------


class Databases:
    """New databases for the run, migrated, dropped at the end (unless kept)."""

    def __init__(self, postgres: str, scratch: Path, keep: bool):
        self.postgres = postgres
        self.scratch = scratch
        self.keep = keep
        self.made: list[str] = []

    def new(self, vendor: str, label: str) -> str:
        if vendor == "sqlite":
            url = f"sqlite:///{self.scratch}/{label}-{uuid.uuid4().hex[:6]}.sqlite3"
        else:
            import psycopg

            name = f"casebase_bench_{label}_{uuid.uuid4().hex[:6]}"
            with psycopg.connect(f"{self.postgres}/postgres", autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{name}"')
            url = f"{self.postgres}/{name}"
        self.made.append(url)
        manage(url, "migrate", "--no-input", "-v", "0")
        return url

    def drop(self, url: str) -> None:
        if self.keep:
            return
        if url.startswith("sqlite"):
            Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
        else:
            import psycopg

            name = url.rsplit("/", 1)[1]
            with psycopg.connect(f"{self.postgres}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.made.remove(url)

    def drop_all(self) -> None:
        for url in list(self.made):
            self.drop(url)


def manage(url: str, *args: str) -> str:
    env = {**os.environ, "DATABASE_URL": url}
    done = subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def timed(
    command: list[str], url: str, env: dict | None = None, *, refused_ok: bool = False
) -> tuple[float, float, str]:
    """Seconds, peak memory (MB: the largest resident total of the process and the processes it started, sampled
    every 0.1 s, or the process's own peak when larger) and its output."""
    import threading

    with tempfile.TemporaryFile("w+") as out:
        started = time.perf_counter()
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "DATABASE_URL": url, **(env or {})},
        )
        peak = [0]
        done = threading.Event()

        def sample():
            while not done.wait(0.1):
                peak[0] = max(peak[0], tree_rss(process.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        done.set()
        sampler.join()
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        output = out.read()
    # import_reports --skip-refused exits with 1 when it left records out, after importing the rest.
    if process.returncode and not (refused_ok and process.returncode == 1 and "records refused and left out" in output):
        raise SystemExit(f"{' '.join(command)} failed:\n{output}")
    return seconds, max(usage.ru_maxrss * 1024, peak[0]) / 2**20, output


def tree_rss(pid: int) -> int:
    """Resident bytes of a process and its children (Linux /proc; the read-ahead process of an import)."""
    parents: dict[int, int] = {}
    sizes: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        number = int(stat.parent.name)
        parents[number] = int(fields[1])
        sizes[number] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    family = {pid}
    grew = True
    while grew:
        grew = False
        for number, parent in parents.items():
            if parent in family and number not in family:
                family.add(number)
                grew = True
    return sum(sizes.get(number, 0) for number in family)


def table_rows(url: str) -> int:
    """Rows in casebase's tables: reports, parts, vocabularies, history, import runs, search documents."""
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            tables = [
                r[0]
                for r in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'reports\\_%' ESCAPE '\\' "
                    "AND name NOT LIKE 'reports\\_search\\_%' ESCAPE '\\'"
                )
            ]
            return sum(conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables)
    import psycopg

    from bench.references import casebase_tables

    with psycopg.connect(url) as conn, conn.cursor() as cursor:
        total = 0
        for table in casebase_tables(cursor):
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            total += cursor.fetchone()[0]
        return total


def database_size(url: str) -> int:
    if url.startswith("sqlite"):
        return Path(url.removeprefix("sqlite:///")).stat().st_size
    import psycopg

    with psycopg.connect(url) as conn:
        conn.execute("ANALYZE")
        return conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]


# Steps ---------------------------------------------------------------------------------------------------------------


def synthetic_file(size: int) -> tuple[Path, float | None]:
    path = ROOT / "var" / "synth" / f"synth-{size}.xml.gz"
    if path.exists():
        return path, None
    path.parent.mkdir(parents=True, exist_ok=True)
    log(f"Generating {size:,} reports into {path}")
    started = time.perf_counter()
    subprocess.run(
        [
            PYTHON,
            "-m",
            "bench.synth.generate",
            "--reports",
            str(size),
            "--seed",
            "1",
            "--out",
            str(path),
            "--case-share",
            "1",
        ],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return path, time.perf_counter() - started


def import_run(url: str, files: list[Path], *options: str) -> dict:
    command = [PYTHON, str(ROOT / "manage.py"), "import_reports", *options, *map(str, files)]
    seconds, peak, output = timed(command, url, refused_ok="--skip-refused" in options)
    records = sum(int(n) for n in re.findall(r"created (\d+)", output))
    return {"seconds": seconds, "peak_mb": peak, "records": records, "output": output.strip()}


def reference(kind: str, source: str, databases: Databases, vendor: str) -> dict:
    target = databases.new(vendor, f"ref_{kind}")
    try:
        command = [PYTHON, str(ROOT / "bench" / "references.py"), "--source", source, "--target", target]
        _, peak, output = timed([*command, "--kind", kind], target)
        figures = json.loads(output.strip().splitlines()[-1])
        figures["peak_mb"] = peak
        return figures
    finally:
        databases.drop(target)


def pages(url: str, repeat: int, scratch: Path) -> dict:
    out = scratch / f"pages-{uuid.uuid4().hex[:6]}.json"
    timed([PYTHON, str(ROOT / "bench" / "page_latency.py"), "--repeat", str(repeat), "--json", str(out)], url)
    return json.loads(out.read_text())


def http(url: str, figures: dict, seconds: int, users: int, workers: int, scratch: Path) -> list[dict]:
    plan = scratch / "http-plan.json"
    plan.write_text(json.dumps([[row["kind"], row["url"]] for row in figures["pages"]]))
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {"DATABASE_URL": url, "ALLOWED_HOSTS": "127.0.0.1", "DEBUG": "false", "SECRET_KEY": "benchmark-only"}
    server = _start(
        [
            *[PYTHON, "-m", "gunicorn", "casebase.wsgi:application", "--bind", f"127.0.0.1:{port}"],
            *["--workers", str(workers), "--config", str(ROOT / "bench" / "load_gunicorn.py")],
        ],
        log=scratch / "gunicorn.log",
        env=env,
    )
    try:
        _wait_until_up(base, server=server, timeout=120)
        prefix = scratch / "locust"
        subprocess.run(
            [
                *[PYTHON, "-m", "locust", "-f", str(ROOT / "bench" / "locust_read.py"), "--headless", "--only-summary"],
                *["-u", str(users), "-r", str(users), "-t", f"{seconds}s", "--host", base, "--csv", str(prefix)],
            ],
            cwd=ROOT,
            env={**os.environ, "CASEBASE_HTTP_PLAN": str(plan)},
            check=False,
            capture_output=True,
        )
        import csv

        with open(f"{prefix}_stats.csv", newline="") as stats:
            return [
                {
                    "name": row["Name"],
                    "requests": int(row["Request Count"]),
                    "failures": int(row["Failure Count"]),
                    "rps": float(row["Requests/s"]),
                    "p50": float(row["50%"]),
                    "p95": float(row["95%"]),
                    "p99": float(row["99%"]),
                }
                for row in csv.DictReader(stats)
            ]
    finally:
        _stop(server)


# Report --------------------------------------------------------------------------------------------------------------


def machine() -> list[str]:
    import psycopg

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    memory = int(Path("/proc/meminfo").read_text().split()[1]) // 1024 // 1024
    try:
        server = psycopg.connect(f"{ARGS.postgres}/postgres").execute("SHOW server_version").fetchone()[0]
    except psycopg.Error:
        server = "not reachable"
    return [
        f"- Machine: {os.cpu_count()} cores ({cpu}), {memory} GB memory, {platform.platform()}",
        f"- Python {platform.python_version()}; Django {version('Django')}; psycopg {version('psycopg')}; "
        f"PostgreSQL {server}; SQLite {sqlite3.sqlite_version}; gunicorn {version('gunicorn')}; "
        f"locust {version('locust')}",
        f"- casebase {commit()}; load average at the start: {os.getloadavg()[0]:.2f}",
    ]


def commit() -> str:
    """The commit measured, and whether the working tree differed from it."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        changed = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True, text=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return "commit unknown"
    return f"commit {head}" + (" with uncommitted changes" if changed.strip() else "")


def rate(rows: int, seconds: float) -> str:
    return f"{rows / seconds:,.0f}" if seconds else ""


def ratio(rows_per_second: float, reference: dict | None, spec: str) -> str:
    """The import's rows/s against a reference's, as a share ('.0%') or a multiple ('.1f')."""
    if not reference:
        return ""
    value = rows_per_second / (reference["rows"] / reference["seconds"])
    return format(value, spec) + ("" if spec.endswith("%") else "x")


def write_report(path: Path, sections: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(sections) + "\n")
    log(f"Wrote {path}")


# Main ----------------------------------------------------------------------------------------------------------------


def run(args, databases: Databases, scratch: Path) -> list[str]:
    """Every step in turn; the report is written again after each, so that a long run stopped part-way still
    leaves what it measured."""
    head = [
        f"# casebase benchmark suite, {datetime.date.today():%Y-%m-%d}",
        "",
        "Command: `"
        + " ".join(["python bench/suite.py", *sys.argv[1:]])
        + "` (bench/suite.py says what each figure is).",
        "",
        *machine(),
        "",
    ]
    generated: list[str] = []
    imports: list[dict] = []
    later: list[str] = []  # pages and HTTP sections, in the order measured

    def render() -> list[str]:
        sections = list(head)
        if generated:
            sections += ["## Generated data", "", *generated, ""]
        return sections + import_section(imports) + later

    def save() -> None:
        write_report(args.out, render())

    def import_into(vendor: str, label: str, files: list[Path], *options: str) -> tuple[str, dict]:
        log(f"Import of {label} into {vendor}")
        url = databases.new(vendor, f"{vendor}_{label.split()[-1].replace(',', '')}")
        done = import_run(url, files, *options)
        row = {"data": label, "vendor": vendor, "rows": table_rows(url), **done, "size": database_size(url)}
        imports.append(row)
        save()
        return url, row

    def copy_reference(url: str, row: dict) -> None:
        log("COPY reference")
        row["copy"] = reference("copy", url, databases, "postgres")
        save()

    plan = [("synthetic", size) for size in args.sizes if size <= args.baseline_after]
    if args.baseline and sorted(args.baseline.glob("pubmed*.xml.gz")):
        plan.append(("baseline", 0))
    plan += [("synthetic", size) for size in args.sizes if size > args.baseline_after]
    for kind, size in plan:
        if kind == "baseline":
            files = sorted(args.baseline.glob("pubmed*.xml.gz"))
            for vendor in ("postgres", "sqlite"):
                # One record of pubmed21n1298 has no title: it is refused (and listed), the rest imported.
                url, row = import_into(vendor, "PubMed baseline (2 files)", files, "--skip-refused")
                if vendor == "postgres":
                    copy_reference(url, row)
                databases.drop(url)
            continue
        path, seconds = synthetic_file(size)
        if seconds:
            generated.append(
                f"- {size:,} reports: {seconds:.1f} s ({size / seconds:,.0f} reports/s), "
                f"{path.stat().st_size / 1e6:.0f} MB gzip"
            )
        for vendor in ["postgres"] + (["sqlite"] if size <= args.sqlite_max else []):
            url, row = import_into(vendor, f"synthetic {size:,}", [path])
            if vendor == "postgres" and size <= args.copy_max:
                copy_reference(url, row)
            if size == args.reference_size:
                for reference_kind in ("bulk_create", "loaddata"):
                    log(f"{reference_kind} reference")
                    row[reference_kind] = reference(reference_kind, url, databases, vendor)
                    save()
                log("Second import of the same file")
                again = import_run(url, [path])
                row["second"] = again["seconds"]
                row["second_rows"] = table_rows(url)
                save()
            if size >= args.pages_min:
                log(f"Pages on {vendor}, {size:,} reports")
                figures = pages(url, args.repeat, scratch)
                figures["data"] = f"synthetic {size:,}"
                later.extend(pages_section(figures))
                save()
                if vendor == "postgres" and args.http_seconds:
                    log(f"HTTP for {args.http_seconds} s on {size:,} reports")
                    stats = http(url, figures, args.http_seconds, args.http_users, args.http_workers, scratch)
                    later.extend(http_section(args, figures, stats))
                    save()
            databases.drop(url)
    return render()


def pages_only(args, scratch: Path) -> list[str]:
    """The pages and HTTP steps alone, on a database an earlier run kept: to measure a change to the pages without
    importing again."""
    url = args.pages_on
    import psycopg

    manage(url, "migrate", "--no-input", "-v", "0")
    with psycopg.connect(url) as conn:
        conn.execute("ANALYZE")
        reports = conn.execute("SELECT count(*) FROM reports_casereport").fetchone()[0]
    sections = [
        f"# casebase benchmark suite, {datetime.date.today():%Y-%m-%d}: pages on an existing database",
        "",
        "Command: `" + " ".join(["python bench/suite.py", *sys.argv[1:]]) + "` (bench/suite.py says what each "
        "figure is).",
        "",
        *machine(),
        "",
    ]
    log(f"Pages on {reports:,} reports")
    figures = pages(url, args.repeat, scratch)
    figures["data"] = f"{reports:,}"
    sections += pages_section(figures)
    write_report(args.out, sections)
    if args.http_seconds:
        log(f"HTTP for {args.http_seconds} s")
        sections += http_section(
            args, figures, http(url, figures, args.http_seconds, args.http_users, args.http_workers, scratch)
        )
        write_report(args.out, sections)
    return sections


def pages_section(figures: dict) -> list[str]:
    from bench.page_latency import table

    return [
        f"## Pages: {figures['vendor']}, {figures['data']} reports ({figures['reports']:,} in the database)",
        "",
        f"Each page requested {figures['repeat']} times after a warm-up, through Django's test client; raw SQL = "
        "the page's own queries run on the bare cursor.",
        "",
        table(figures),
        "",
    ]


def http_section(args, figures: dict, stats: list[dict]) -> list[str]:
    return [
        f"## HTTP: gunicorn ({args.http_workers} workers) on 127.0.0.1, {figures['data']} reports, PostgreSQL",
        "",
        f"{args.http_users} locust readers asking without pause for {args.http_seconds} s (bench/locust_read.py).",
        "",
        "| pages | requests | failures | requests/s | p50 ms | p95 ms | p99 ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
        *[
            f"| {s['name']} | {s['requests']:,} | {s['failures']} | {s['rps']:.1f} | {s['p50']:.0f} "
            f"| {s['p95']:.0f} | {s['p99']:.0f} |"
            for s in stats
        ],
        "",
    ]


def import_section(imports: list[dict]) -> list[str]:
    lines = [
        "## Import, end to end, against its references",
        "",
        "`manage.py import_reports FILE` into a new database (read, parse, merge, suggest, write, "
        "history, "
        "search documents); rows = every row it left in casebase's tables. References write the same rows "
        "(bench/references.py). Peak = the largest resident memory of the import with its reading process.",
        "",
        "| data | database | records | rows | seconds | records/s | rows/s | peak MB | DB size MB | COPY rows/s "
        "| import / COPY | bulk_create rows/s | loaddata rows/s | import / loaddata |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in imports:
        import_rate = row["rows"] / row["seconds"]
        copy = row.get("copy")
        bulk = row.get("bulk_create")
        load = row.get("loaddata")
        lines.append(
            f"| {row['data']} | {row['vendor']} | {row['records']:,} | {row['rows']:,} | {row['seconds']:.1f} "
            f"| {rate(row['records'], row['seconds'])} | {import_rate:,.0f} | {row['peak_mb']:.0f} "
            f"| {row['size'] / 1e6:,.0f} "
            f"| {rate(copy['rows'], copy['seconds']) if copy else ''} "
            f"| {ratio(import_rate, copy, '.0%')} "
            f"| {rate(bulk['rows'], bulk['seconds']) if bulk else ''} "
            f"| {rate(load['rows'], load['seconds']) if load else ''} "
            f"| {ratio(import_rate, load, '.1f')} |"
        )
    seconds = [row for row in imports if "second" in row]
    if seconds:
        lines += [""] + [
            f"Second import of the same file ({row['vendor']}, {row['data']}): {row['second']:.1f} s, rows before "
            f"{row['rows']:,}, after {row['second_rows']:,} (one more: its import run)."
            for row in seconds
        ]
    lines.append("")
    for row in imports:
        said = [line.strip() for line in row["output"].splitlines() if "created" in line or "refused" in line]
        lines.append(f"- {row['vendor']}, {row['data']}: " + " / ".join(said[:4]))
    return [*lines, ""]


ARGS = None


def main() -> None:
    global ARGS
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000", help="comma-separated numbers of generated reports")
    parser.add_argument("--sqlite-max", type=int, default=100_000)
    parser.add_argument("--reference-size", type=int, default=10_000)
    parser.add_argument(
        "--copy-max",
        type=int,
        default=2_000_000,
        help="the COPY reference at sizes up to this one (it doubles the disk)",
    )
    parser.add_argument("--pages-min", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--baseline", type=Path, default=ROOT / "var" / "baseline")
    parser.add_argument(
        "--baseline-after", type=int, default=100_000, help="import the baseline files after the sizes up to this one"
    )
    parser.add_argument("--http-seconds", type=int, default=30)
    parser.add_argument("--http-users", type=int, default=8)
    parser.add_argument("--http-workers", type=int, default=4)
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--keep", action="store_true", help="keep the databases (their URLs are printed)")
    parser.add_argument(
        "--pages-on",
        metavar="DATABASE_URL",
        help="only the pages and HTTP, on a database kept by an earlier run (--keep), migrated to this code first",
    )
    parser.add_argument(
        "--smoke", action="store_true", help="10k reports, every step once, quickly (CI); no timing is checked"
    )
    args = parser.parse_args()
    if args.smoke:
        # Every step once: the references on 1,000 reports, import, pages and HTTP on 10,000.
        args.sizes, args.reference_size, args.pages_min, args.repeat, args.http_seconds = (
            "1000,10000",
            1000,
            10_000,
            2,
            5,
        )
        args.baseline = None
    args.sizes = [int(s) for s in str(args.sizes).split(",")]
    args.out = args.out or ROOT / "bench" / "results" / f"{datetime.date.today():%Y-%m-%d}-suite.md"
    ARGS = args
    scratch = Path(tempfile.mkdtemp(prefix="casebase-suite-"))
    databases = Databases(args.postgres, scratch, args.keep)
    try:
        sections = pages_only(args, scratch) if args.pages_on else run(args, databases, scratch)
        print("\n".join(sections))
    finally:
        if args.keep:
            log("Kept: " + ", ".join(databases.made))
        else:
            databases.drop_all()
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
