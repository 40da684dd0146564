"""Import the seed and every real PubMed file into a new database, export it, and print digests of the exports.

    .venv/bin/python bench/export_identity.py --out var/identity/before [--baseline var/baseline] [--database postgres]
    .venv/bin/python bench/export_identity.py --out var/identity/after  [--baseline var/baseline]
    diff -r var/identity/before var/identity/after        # nothing: the change kept every export byte for byte

A change to how casebase stores, reads or writes a case must leave what it exports alone unless it means to change
it. This script is run before and after such a change: it loads the seed, imports every file under
../shared/data/pubmed/ and tests/data/ (and, with --baseline, the two PubMed baseline files, 50,788 records whose
3,773 case reports are given suggested cases), then writes

- `export.json` and `export.csv`: casebase JSON and CSV of the whole database;
- `roundtrip.json`: export.json imported into a second new database and exported again;
- `imports.txt`: what each import did (created, updated, unchanged, suggested, refused, conflicts);
- `digests.txt`: the SHA-256 of each of these.

The reports' created and updated times are the import's own clock, so they are set to one fixed instant before
exporting; everything else is what the exporter writes.
"""

import argparse
import datetime
import hashlib
import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared" / "data" / "pubmed"
FIXED = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


def real_files(baseline: Path | None) -> list[Path]:
    files = sorted(p for p in SHARED.rglob("*") if p.is_file() and p.suffix != ".md" and p.name != "oracle.json")
    files += sorted(p for p in (ROOT / "tests" / "data").rglob("*") if p.is_file() and p.suffix != ".json")
    files = [p for p in files if not p.name.startswith("LICENSE")]
    if baseline:
        found = sorted(baseline.glob("pubmed*.xml.gz"))
        if not found:
            sys.exit(f"No baseline files in {baseline}: run ../shared/data/get-pubmed-baseline {baseline}")
        files += found
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--baseline", type=Path, help="also import the PubMed baseline files in this folder")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--roundtrip", action="store_true", help=argparse.SUPPRESS)  # the child process's part
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casebase.settings")
    os.environ.setdefault("SECRET_KEY", "identity-check-only")
    if args.roundtrip:
        _setup()
        print(roundtrip(out=args.out))
        return
    args.out.mkdir(parents=True, exist_ok=True)
    scratch = tempfile.TemporaryDirectory()
    names = [f"casebase_identity_{uuid.uuid4().hex[:8]}" for _ in range(2)]
    if args.database == "sqlite":
        urls = [f"sqlite:///{scratch.name}/{name}.sqlite3" for name in names]
    else:
        urls = [f"{args.postgres_url}/{name}" for name in names]
        for name in names:
            _postgres(args.postgres_url, f'CREATE DATABASE "{name}"')
    try:
        os.environ["DATABASE_URL"] = urls[0]
        _setup()
        lines = build(files=real_files(args.baseline), out=args.out)
        from django.db import connections

        connections.close_all()
        child = subprocess.run(
            [sys.executable, __file__, "--out", str(args.out), "--roundtrip"],
            env={**os.environ, "DATABASE_URL": urls[1]},
            capture_output=True,
            text=True,
            check=True,
        )
        lines.append(child.stdout.strip())
        (args.out / "imports.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        digests = [
            f"{hashlib.sha256((args.out / n).read_bytes()).hexdigest()}  {n}"
            for n in ("export.json", "export.csv", "roundtrip.json", "imports.txt")
        ]
        (args.out / "digests.txt").write_text("\n".join(digests) + "\n", encoding="utf-8")
        print("\n".join(digests))
    finally:
        if args.database == "postgres":
            for name in names:
                _postgres(args.postgres_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        scratch.cleanup()


def _setup() -> None:
    import django

    django.setup()


def build(*, files: list[Path], out: Path) -> list[str]:
    from django.core.management import call_command

    from reports.exporters import write_csv, write_json
    from reports.importers.service import import_file
    from reports.models import CaseReport

    call_command("migrate", verbosity=0)
    call_command("load_seed", verbosity=0)
    lines = []
    for path in files:
        # A refused record is left out and named (imports.txt) rather than keeping the whole file out of the export.
        result = import_file(file=path, via="command", skip_refused=True)
        shown = path.relative_to(SHARED) if path.is_relative_to(SHARED) else path.name
        lines.append(
            f"{shown}: {result.records} records, {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged, {result.suggested} suggested, {len(result.refused)} refused, "
            f"{len(result.conflicts)} conflicts"
        )
        lines += [f"  refused: {p}" for p in result.refused[:20]]
        lines += [f"  conflict: {p}" for p in result.conflicts[:20]]
        print(f"{shown}: {result.records} records", flush=True)
    CaseReport.objects.update(created_at=FIXED, updated_at=FIXED)
    _export(out=out, json_name="export.json", csv_name="export.csv", write_json=write_json, write_csv=write_csv)
    return lines


def roundtrip(*, out: Path) -> str:
    """export.json into a new database (this is the child process, with its own DATABASE_URL) and out again."""
    from django.core.management import call_command

    from reports.exporters import write_csv, write_json
    from reports.importers.service import import_file
    from reports.models import CaseReport

    call_command("migrate", verbosity=0)
    result = import_file(file=out / "export.json", via="command")
    CaseReport.objects.update(created_at=FIXED, updated_at=FIXED)
    _export(out=out, json_name="roundtrip.json", csv_name=None, write_json=write_json, write_csv=write_csv)
    return (
        f"roundtrip: {result.records} records, {result.created} created, {len(result.refused)} refused, "
        f"{len(result.conflicts)} conflicts"
    )


def _export(*, out: Path, json_name: str, csv_name: str | None, write_json, write_csv) -> None:
    from reports.models import CaseReport

    reports = CaseReport.objects.order_by("pk")
    with open(out / json_name, "w", encoding="utf-8", newline="") as stream:
        write_json(reports, stream, exported_at=FIXED)
    if csv_name:
        with open(out / csv_name, "w", encoding="utf-8", newline="") as stream:
            write_csv(reports, stream)


def _postgres(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{url}/postgres", autocommit=True) as connection:
        connection.execute(sql)


if __name__ == "__main__":
    main()
