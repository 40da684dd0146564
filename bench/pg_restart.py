"""PostgreSQL restarts under a running casebase: the site answers 503 (never 500) while the database is down and
serves again by itself once it is back, without restarting the app.

    .venv/bin/python bench/pg_restart.py [--postgres-url postgres://postgres@127.0.0.1:5432] [--cluster 15/main]

Creates a scratch database with the seed, starts gunicorn on 127.0.0.1 against it, requests the list, a report, a
search and /health/ in a loop, restarts the PostgreSQL cluster (pg_ctlcluster, so run it as root on a machine whose
PostgreSQL nothing else is using at that moment), and prints every status seen before, during and after. Exits
non-zero if any request got a 500 or a broken connection, or if the site did not recover.
"""

import argparse
import collections
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["/", "/reports/1/", "/?q=naltrexone", "/health/"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--cluster", default="15/main", help="VERSION/NAME for pg_ctlcluster")
    parser.add_argument("--seconds", type=float, default=8.0, help="requests before and after the restart")
    args = parser.parse_args()

    import psycopg

    name = f"casebase_restart_{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": f"{args.postgres_url}/{name}",
        "SECRET_KEY": "restart-check-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DEBUG": "false",
    }
    python = sys.executable
    with psycopg.connect(f"{args.postgres_url}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    server = None
    try:
        subprocess.run([python, "manage.py", "migrate", "--no-input", "-v0"], env=env, cwd=ROOT, check=True)
        subprocess.run([python, "manage.py", "load_seed"], env=env, cwd=ROOT, check=True, capture_output=True)
        port = _free_port()
        log = tempfile.NamedTemporaryFile(prefix="gunicorn-", suffix=".log", delete=False)  # noqa: SIM115
        server = subprocess.Popen(
            [python, "-m", "gunicorn", "casebase.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        _wait_for(base)
        seen: dict[str, collections.Counter] = {}
        seen["before"] = _hammer(base, args.seconds)
        print(f"Restarting PostgreSQL ({args.cluster}) under the running site ...", flush=True)
        version, cluster = args.cluster.split("/")
        restart = subprocess.Popen(["pg_ctlcluster", "--skip-systemctl-redirect", version, cluster, "restart"])
        seen["during"] = _hammer(base, until=lambda: restart.poll() is not None)
        if restart.returncode != 0:
            sys.exit(f"pg_ctlcluster restart failed with {restart.returncode}")
        seen["after"] = _hammer(base, args.seconds)
        print("\n| phase | responses (status: count) |\n|---|---|")
        for phase, statuses in seen.items():
            print(f"| {phase} | {', '.join(f'{status}: {count}' for status, count in sorted(statuses.items()))} |")
        bad = [phase for phase, statuses in seen.items() if any(s in statuses for s in ("500", "error"))]
        recovered = set(seen["after"]) == {"200"}
        print(f"\nNo 500 or broken connection: {'yes' if not bad else 'NO (' + ', '.join(bad) + ')'}")
        print(f"Serving again after the restart, without restarting the app: {'yes' if recovered else 'NO'}")
        if bad or not recovered:
            sys.exit(1)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        for _ in range(30):
            try:
                with psycopg.connect(f"{args.postgres_url}/postgres", autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                break
            except psycopg.OperationalError:
                time.sleep(1)


def _hammer(base: str, seconds: float = 0, until=None) -> collections.Counter:
    statuses: collections.Counter = collections.Counter()
    stop = time.monotonic() + seconds
    while (until is None and time.monotonic() < stop) or (until is not None and not until()):
        for page in PAGES:
            try:
                with urllib.request.urlopen(base + page, timeout=10) as response:
                    statuses[str(response.status)] += 1
            except urllib.error.HTTPError as error:
                statuses[str(error.code)] += 1
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                statuses["error"] += 1
    return statuses


def _wait_for(base: str) -> None:
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/health/", timeout=2).close()
            return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    sys.exit("gunicorn did not start")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


if __name__ == "__main__":
    main()
