"""A real PostgreSQL streaming replica: public pages are served from it, writes land on the primary.

    .venv/bin/python bench/replica.py [--primary postgres://postgres@127.0.0.1:5432] [--port 5433]

Creates a scratch database on the running server (the primary) with the seed, makes a streaming replica of the
whole server with pg_basebackup in a temporary directory, starts it on another local port, and then, with
DATABASE_URL set to the primary and DATABASE_REPLICA_URLS to the replica:

- requests the public pages and shows that their queries ran on the replica (and that the replica is read-only:
  pg_is_in_recovery);
- saves a change through the admin and runs an import, and shows that both wrote to the primary, then appear on
  the replica once it has replayed them.

Needs root (it runs the replica as the postgres user) and a pg_hba.conf line that lets the postgres user make a
replication connection from 127.0.0.1; the script adds `host replication postgres 127.0.0.1/32 trust` when no
replication line is there, and reloads the server. Everything it creates is removed at the end.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path("/usr/lib/postgresql/15/bin")
HBA_LINE = "host replication postgres 127.0.0.1/32 trust"
ARTICLE = ROOT / "tests" / "data" / "pubmed" / "metapub" / "25364329.xml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--primary", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--port", type=int, default=5433, help="where the replica listens")
    parser.add_argument("--hba", default="/etc/postgresql/15/main/pg_hba.conf")
    args = parser.parse_args()

    import psycopg

    name = f"casebase_replica_{uuid.uuid4().hex[:8]}"
    primary_url = f"{args.primary}/{name}"
    replica_url = f"postgres://postgres@127.0.0.1:{args.port}/{name}"
    env = {
        **os.environ,
        "DATABASE_URL": primary_url,
        "SECRET_KEY": "replica-check-" + "x" * 40,
        "ALLOWED_HOSTS": "testserver",
        "DEBUG": "false",
    }
    _allow_replication(args.hba, args.primary)
    with psycopg.connect(f"{args.primary}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    data = Path(tempfile.mkdtemp(prefix="casebase-replica-"))
    shutil.chown(data, "postgres", "postgres")
    replica_started = False
    try:
        _run(sys.executable, "manage.py", "migrate", "--no-input", "-v0", env=env)
        _run(sys.executable, "manage.py", "load_seed", env=env)
        print(f"Primary: {args.primary} (database {name}); making a replica with pg_basebackup ...", flush=True)
        host, port = args.primary.rsplit("@", 1)[1].split(":")
        _as_postgres(
            BIN / "pg_basebackup", "-h", host, "-p", port, "-U", "postgres", "-D", str(data), "-R", "-X", "stream"
        )
        # Debian keeps a cluster's configuration in /etc, so the copy has none: the replica gets its own, minimal.
        for file, text in (
            (
                "postgresql.conf",
                f"port = {args.port}\nunix_socket_directories = '{data}'\nlisten_addresses = '127.0.0.1'\n",
            ),
            ("pg_hba.conf", "local all all trust\nhost all all 127.0.0.1/32 trust\n"),
            ("pg_ident.conf", ""),
        ):
            (data / file).write_text(text)
            shutil.chown(data / file, "postgres", "postgres")
        _as_postgres(
            BIN / "pg_ctl",
            "-D",
            str(data),
            "-l",
            str(data / "replica.log"),
            "-w",
            "start",
        )
        replica_started = True
        with psycopg.connect(replica_url) as conn:
            in_recovery = conn.execute("SELECT pg_is_in_recovery()").fetchone()[0]
        print(f"Replica: 127.0.0.1:{args.port}, in recovery (read-only, streaming from the primary): {in_recovery}")

        report = _run(sys.executable, "-c", CHECK, env={**env, "DATABASE_REPLICA_URLS": replica_url}).stdout
        print(report)
        if "RESULT ok" not in report:
            sys.exit(1)
    finally:
        if replica_started:
            _as_postgres(BIN / "pg_ctl", "-D", str(data), "-m", "fast", "-w", "stop", check=False)
        shutil.rmtree(data, ignore_errors=True)
        with psycopg.connect(f"{args.primary}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# Runs inside Django with the replica configured: which database each page and each write used.
CHECK = f"""
import os, time, django
os.environ['DJANGO_SETTINGS_MODULE'] = 'casebase.settings'
django.setup()
from django.db import connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.contrib.auth import get_user_model
from reports.models import CaseReport, Patient
from reports.importers.service import import_file

print('| page | queries on the primary | queries on the replica | status |')
print('|---|---:|---:|---:|')
client = Client()
report = CaseReport.objects.get()
served = True
for url in ['/', '/?q=naltrexone', report.get_absolute_url(), '/patients/', '/health/']:
    with CaptureQueriesContext(connections['default']) as on_primary, \\
            CaptureQueriesContext(connections['replica_1']) as on_replica:
        status = client.get(url).status_code
    print(f'| {{url}} | {{len(on_primary)}} | {{len(on_replica)}} | {{status}} |')
    # /health/ checks the primary on purpose: it is what the load balancer must know about.
    if url != '/health/' and (len(on_replica) == 0 or len(on_primary) != 0 or status != 200):
        served = False
with connections['replica_1'].cursor() as cursor:
    cursor.execute('SELECT inet_server_port(), pg_is_in_recovery()')
    print('The replica connection is to port %s, in recovery: %s' % cursor.fetchone())

user = get_user_model().objects.create_superuser('curator', '', 'a-long-password-123')
client.force_login(user)
patient = Patient.objects.get()
with CaptureQueriesContext(connections['default']) as on_primary, \\
        CaptureQueriesContext(connections['replica_1']) as on_replica:
    page = client.get(f'/admin/reports/patient/{{patient.pk}}/change/')
    Patient.objects.filter(pk=patient.pk).update(age_value=48)
    result = import_file(file='{ARTICLE}', via='command')
writes_on_replica = [q['sql'] for q in on_replica.captured_queries]
print(f'Admin page and writes: {{len(on_primary)}} queries on the primary, {{len(writes_on_replica)}} on the replica;'
      f' import: {{result.summary()}}')
def on_replica_now():
    with connections['replica_1'].cursor() as cursor:
        cursor.execute('SELECT count(*) FROM reports_casereport')
        reports = cursor.fetchone()[0]
        cursor.execute('SELECT age_value FROM reports_patient WHERE id = %s', [patient.pk])
        age = cursor.fetchone()[0]
    return reports, age
for _ in range(50):
    reports, age = on_replica_now()
    if reports == 2 and age == 48:
        break
    time.sleep(0.1)
print(f'On the replica afterwards: {{reports}} reports (the import\\'s is there), patient age {{age}}')
ok = served and not writes_on_replica and reports == 2 and age == 48
print('RESULT', 'ok' if ok else 'FAILED')
"""


def _allow_replication(hba: str, primary: str) -> None:
    path = Path(hba)
    lines = path.read_text().splitlines()
    if any(line.split()[:2] == ["host", "replication"] for line in lines if line.strip() and not line.startswith("#")):
        return
    path.write_text("\n".join([*lines, HBA_LINE]) + "\n")
    import psycopg

    with psycopg.connect(f"{primary}/postgres", autocommit=True) as conn:
        conn.execute("SELECT pg_reload_conf()")
    print(f"Added to {hba}: {HBA_LINE} (and reloaded)")


def _run(*command, env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(part) for part in command], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    )


def _as_postgres(*command, check=True) -> None:
    subprocess.run(["runuser", "-u", "postgres", "--", *[str(part) for part in command]], check=check)


if __name__ == "__main__":
    main()
