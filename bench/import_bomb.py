"""Peak memory of reading files that hold far more than they look: a few megabytes of gzip that unpack to
gigabytes of XML elements or of one endless line, in each format, and a real PubMed baseline file beside them.

    .venv/bin/python bench/import_bomb.py [--megabytes 2500] [--baseline var/baseline/pubmed21n1298.xml.gz]

Each file is written to a temporary folder as a gzip stream (nothing large is ever held in memory or kept), then
read in a fresh subprocess the way an import reads it (format told from the file, then its reader; no database), so
that the peak resident memory (ru_maxrss) is that file's own. Prints, per file: its size on disk and unpacked, what
came of it (records read, or the refusal), seconds, and the peak MB against a subprocess that read nothing.
tests/importers/test_pubmed_xml.py and tests/test_faults.py refuse the same files under a memory cap.
"""

import argparse
import base64
import gzip
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_BLOCK = 1024 * 1024  # written a megabyte at a time


def write_xml_bomb(path: Path, *, inside: bool, megabytes: int, padding: int = 0) -> Path:
    """`<PubmedArticleSet>` and `megabytes` of `<x/>`, at the top level or inside a `<PubmedArticle>`, gzipped.

    `padding` bytes of random text in a comment first make the file at least that large on disk, so that an
    import reads it in a second process as it does every file of a few megabytes (reports/importers/readahead.py).
    """
    with gzip.open(path, "wb", compresslevel=6) as out:
        out.write(b'<?xml version="1.0" encoding="UTF-8"?>\n<PubmedArticleSet>\n')
        if padding:
            noise = base64.b64encode(random.Random(0).randbytes(padding)).replace(b"-", b"+")
            out.write(b"<!-- " + noise + b" -->\n")
        if inside:
            out.write(b'<PubmedArticle><MedlineCitation Status="MEDLINE"><PMID Version="1">123</PMID>')
        block = b"<x/>" * (_BLOCK // 4)
        for _ in range(megabytes):
            out.write(block)
        if inside:
            out.write(b"</MedlineCitation></PubmedArticle>")
        out.write(b"</PubmedArticleSet>\n")
    return path


def write_line_bomb(path: Path, *, format: str, megabytes: int) -> Path:
    """A file of `format` whose one record goes on for `megabytes` of text on one line, gzipped."""
    start, end = {
        "medline": (b"PMID- 123\nTI  - ", b"\n"),
        "pubmed_csv": (b"PMID,Title\n123,", b"\n"),
        "casebase_json": (b'{"format": "casebase", "version": 1, "reports": [{"title": "', b'"}]}'),
        "pubmed_page": (b"Case Rep Med. 2019 Mar 11;11(3):e4225.\n\n", b"\n"),
    }[format]
    with gzip.open(path, "wb", compresslevel=6) as out:
        out.write(start)
        block = b"a" * _BLOCK
        for _ in range(megabytes):
            out.write(block)
        out.write(end)
    return path


def measure(path: str) -> dict:
    """Read one file as an import does (run in the subprocess); an empty path measures the start alone."""
    import os

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casebase.settings")
    import django

    django.setup()
    from reports.importers.detect import open_for_import
    from reports.importers.errors import RecordError
    from reports.importers.readers import READERS

    records = errors = 0
    outcome = ""
    started = time.perf_counter()
    if path:
        try:
            with open_for_import(path, source=Path(path).name) as (format, stream):
                for item in READERS[format].read(stream, source=Path(path).name):
                    if isinstance(item, RecordError):
                        errors += 1
                    else:
                        records += 1
            outcome = f"read: {records:,} records, {errors:,} refused"
        except RecordError as error:
            outcome = f"refused: {error}"
    seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    return {"outcome": outcome, "seconds": seconds, "peak_mb": peak_kb / 1024}


def run(path: str) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--measure", path], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def unpacked_mb(path: Path) -> float:
    with gzip.open(path, "rb") as stream:
        size = 0
        while chunk := stream.read(_BLOCK):
            size += len(chunk)
    return size / _BLOCK


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--megabytes", type=int, default=2500, help="unpacked size of each bomb (default 2500)")
    parser.add_argument("--baseline", default=str(ROOT / "var" / "baseline" / "pubmed21n1298.xml.gz"))
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.measure is not None:
        print(json.dumps(measure(options.measure)))
        return

    with tempfile.TemporaryDirectory(prefix="casebase-bomb-") as folder:
        folder = Path(folder)
        files = {
            "XML, <x/> at the top level": write_xml_bomb(
                folder / "top.xml.gz", inside=False, megabytes=options.megabytes
            ),
            "XML, <x/> inside a PubmedArticle": write_xml_bomb(
                folder / "inside.xml.gz", inside=True, megabytes=options.megabytes
            ),
            **{
                f"{format}, one endless line": write_line_bomb(
                    folder / f"line.{format}.gz", format=format, megabytes=options.megabytes
                )
                for format in ("medline", "pubmed_csv", "casebase_json", "pubmed_page")
            },
        }
        baseline = Path(options.baseline)
        if baseline.exists():
            files[f"real: {baseline.name}"] = baseline
        else:
            print(f"(no baseline file at {baseline}: `../shared/data/get-pubmed-baseline var/baseline` fetches it)")
        alone = run("")
        print(f"Python with Django and the readers, reading nothing: peak {alone['peak_mb']:.0f} MB\n")
        print("| file | on disk MB | unpacked MB | outcome | seconds | peak MB |")
        print("|---|---:|---:|---|---:|---:|")
        for label, path in files.items():
            figures = run(str(path))
            outcome = figures["outcome"].replace("|", "/")
            print(
                f"| {label} | {path.stat().st_size / _BLOCK:.1f} | {unpacked_mb(path):,.0f} | {outcome} | "
                f"{figures['seconds']:.1f} | {figures['peak_mb']:.0f} |"
            )


if __name__ == "__main__":
    main()
