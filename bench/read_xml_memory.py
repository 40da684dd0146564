"""Peak memory and speed of the PubMed XML reader on whole files (a baseline file is 170-230 MB uncompressed).

    .venv/bin/python bench/read_xml_memory.py /work/data/baseline/*.xml.gz

Each file is read end to end in a fresh subprocess, so that its peak resident memory (ru_maxrss) is its own and
not the highest of all files read so far. Prints, per file: records read, record errors, seconds, records per
second and peak MB; then the peak of a subprocess that only imports the reader, for comparison.
"""

import argparse
import gzip
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def measure(path: str) -> dict:
    """Read one file (run in the subprocess); an empty path measures the import alone."""
    sys.path.insert(0, str(ROOT))
    from reports.importers.errors import RecordError
    from reports.importers.pubmed_xml import read_pubmed_xml

    records = errors = 0
    started = time.perf_counter()
    if path:
        opener = gzip.open if path.endswith(".gz") else open
        with opener(path, "rb") as stream:
            for item in read_pubmed_xml(stream, source=Path(path).name):
                if isinstance(item, RecordError):
                    errors += 1
                else:
                    records += 1
    seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    return {"records": records, "errors": errors, "seconds": seconds, "peak_mb": peak_kb / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", help="PubMed XML files, .xml or .xml.gz")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child is not None:
        print(json.dumps(measure(arguments.child)))
        return

    def run(path: str) -> dict:
        output = subprocess.run(
            [sys.executable, __file__, "--child", path], check=True, capture_output=True, text=True
        ).stdout
        return json.loads(output)

    print(f"{'file':<28} {'records':>8} {'errors':>6} {'seconds':>8} {'records/s':>10} {'peak MB':>8}")
    for path in arguments.files:
        result = run(path)
        rate = result["records"] / result["seconds"] if result["seconds"] else 0
        print(
            f"{Path(path).name:<28} {result['records']:>8,} {result['errors']:>6} {result['seconds']:>8.1f} "
            f"{rate:>10,.0f} {result['peak_mb']:>8.1f}"
        )
    baseline = run("")
    print(f"{'(import only)':<28} {'':>8} {'':>6} {'':>8} {'':>10} {baseline['peak_mb']:>8.1f}")


if __name__ == "__main__":
    main()
