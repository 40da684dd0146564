"""Settings come from the environment; without DEBUG a real secret key is required."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

CHECK = (
    "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'casebase.settings'; django.setup(); "
    "from django.conf import settings as s; print(s.DATABASES['default']['ENGINE'], s.DEBUG)"
)


def load_settings(**env) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "DEBUG")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", CHECK],
        env=environment,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=False,
    )


def test_without_debug_an_empty_secret_key_is_refused_with_a_clear_message():
    result = load_settings(SECRET_KEY="", DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_debug_alone_runs_with_a_development_key_on_sqlite():
    result = load_settings(SECRET_KEY="", DEBUG="true")
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True"]


def test_database_url_chooses_postgresql():
    result = load_settings(SECRET_KEY="x" * 50, DATABASE_URL="postgres://postgres@127.0.0.1:5432/casebase")
    assert result.stdout.split() == ["django.db.backends.postgresql", "False"]


PRODUCTION = {
    "DEBUG": "false",
    "HTTPS": "true",
    "SECRET_KEY": "a-real-production-secret-" + "k" * 40,
    "ALLOWED_HOSTS": "casebase.example.org",
}


def manage(*args, **env) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "DEBUG", "HTTPS")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        env=environment,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=False,
        timeout=120,
    )


def test_check_deploy_is_clean_with_the_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_complains_when_https_is_left_off():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **{**PRODUCTION, "HTTPS": "false"})
    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT" in result.stdout + result.stderr


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's JIT compiler")
def test_postgresql_connections_run_without_the_jit_compiler():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)


def test_replicas_run_without_the_jit_compiler_too():
    check = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'casebase.settings'; django.setup(); "
        "from django.conf import settings as s; "
        "print(s.DATABASES['default']['OPTIONS']['options'], '|', s.DATABASES['replica_1']['OPTIONS']['options'])"
    )
    environment = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    environment.update(
        SECRET_KEY="x" * 50,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/casebase",
        DATABASE_REPLICA_URLS="postgres://postgres@127.0.0.1:5433/casebase",
    )
    result = subprocess.run(
        [sys.executable, "-c", check], env=environment, capture_output=True, text=True, cwd=settings.BASE_DIR
    )
    assert result.stdout.strip() == "-c jit=off | -c jit=off", result.stderr


def test_sqlite_reads_the_last_committed_data_while_another_connection_writes(tmp_path, django_db_blocker):
    """The site's SQLite settings put the database in write-ahead-log mode: a page reads while an import's
    transaction holds the write lock, instead of waiting on it and answering 503."""
    import json
    import sqlite3

    from django.db.backends.sqlite3.base import DatabaseWrapper

    path = tmp_path / "db.sqlite3"
    options = subprocess.run(
        [
            sys.executable,
            "-c",
            CHECK.replace(
                "print(s.DATABASES['default']['ENGINE'], s.DEBUG)",
                "import json; print(json.dumps(s.DATABASES['default']))",
            ),
        ],
        env={**{k: v for k, v in os.environ.items() if k != "DATABASE_URL"}, "DATABASE_URL": f"sqlite:///{path}"},
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=True,
    )
    config = json.loads(options.stdout)
    config["OPTIONS"]["timeout"] = 0.2
    reader = DatabaseWrapper({**config, "TIME_ZONE": None})
    with django_db_blocker.unblock():
        with reader.cursor() as cursor:
            assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            cursor.execute("CREATE TABLE report (id INTEGER PRIMARY KEY)")
            cursor.execute("INSERT INTO report VALUES (1)")
        writer = sqlite3.connect(path, isolation_level=None, timeout=0.2)
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("INSERT INTO report VALUES (2)")
        with reader.cursor() as cursor:
            assert cursor.execute("SELECT count(*) FROM report").fetchone()[0] == 1
        writer.execute("COMMIT")
        writer.close()
        reader.close()
