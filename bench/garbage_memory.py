"""Peak memory and time of importing a gigabyte of random bytes, told to be each format in turn.

    .venv/bin/python bench/garbage_memory.py [--size-mb 1024]

The bytes are made as they are read, so the upload itself takes no memory; a reader that read it whole would show
a peak of gigabytes. Each format runs in a fresh subprocess, so that its peak resident memory (ru_maxrss) is its own;
they share a new SQLite database (a refused import writes nothing), removed afterwards. Prints, per format: the
refusal, the bytes read before it, seconds, and the peak MB against a subprocess that only set up Django.
tests/importers/test_service.py checks the same with 64 MB on every run.
"""

import argparse
import io
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FORMATS = ["", "pubmed_page", "medline", "pubmed_xml", "pubmed_csv", "casebase_json"]  # "": told from the file


class RandomBytes(io.RawIOBase):
    def __init__(self, size: int):
        self.size = size
        self.read_so_far = 0
        self._random = random.Random(0)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        count = min(len(buffer), self.size - self.read_so_far)
        buffer[:count] = self._random.randbytes(count)
        self.read_so_far += count
        return count


def _django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casebase.settings")
    os.environ.setdefault("SECRET_KEY", "benchmark-only")
    import django

    django.setup()


def measure(format: str, size: int) -> dict:
    """Import the garbage (run in the subprocess); format "-" only sets up Django, for comparison."""
    _django()
    if format == "-":
        return {"peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    from reports.importers.service import import_file

    garbage = RandomBytes(size)
    started = time.perf_counter()
    result = import_file(file=garbage, name="garbage.bin", format=format or None)
    return {
        "refused": str(result.refused[0]) if result.refused else "",
        "written": result.written,
        "read_mb": garbage.read_so_far / 1024 / 1024,
        "seconds": time.perf_counter() - started,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,  # kilobytes on Linux
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    size = arguments.size_mb * 1024 * 1024
    if arguments.child is not None:
        print(json.dumps(measure(arguments.child, size)))
        return

    with tempfile.TemporaryDirectory() as scratch:
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch}/garbage.sqlite3"
        subprocess.run([sys.executable, str(ROOT / "manage.py"), "migrate", "--verbosity", "0"], check=True)

        def run(format: str) -> dict:
            command = [sys.executable, __file__, "--size-mb", str(arguments.size_mb), "--child", format]
            return json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)

        print(
            f"Importing {arguments.size_mb:,} MB of random bytes; Django alone peaks at {run('-')['peak_mb']:.0f} MB\n"
        )
        print(f"{'format':<16} {'read MB':>8} {'seconds':>8} {'peak MB':>8}  refusal")
        for format in FORMATS:
            result = run(format)
            refusal = result["refused"] if not result["written"] else "IMPORTED (not refused)"
            print(
                f"{format or 'told from file':<16} {result['read_mb']:>8.2f} {result['seconds']:>8.2f} "
                f"{result['peak_mb']:>8.0f}  {refusal[:110]}"
            )


if __name__ == "__main__":
    main()
