# casebase: `make run` serves the site with the seed loaded (and runs a jobs worker beside it); `make test` runs the whole test suite.
# Both create the virtual environment first; `make run` installs what the site needs (requirements.txt), `make test`
# and the other developer targets add the tests, benchmarks and linters (requirements-dev.txt).

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test check setup setup-dev browser lint seed screenshots bench-import bench-pages eval-suggestions backup load restart-check replica-check bench-synth bench bench-smoke clean

run: setup
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_seed
	$(PY) manage.py load_mesh
	$(PY) manage.py ensure_admin
	@# The worker runs the exports and imports queued as jobs (docs/jobs.md); Ctrl-C stops it with the server.
	DEBUG=true $(PY) manage.py db_worker --no-reload & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	  DEBUG=true $(PY) manage.py runserver $(HOST):$(PORT)

# The quick tests two at a time (pytest-xdist), then the slow ones one at a time: these wait on other processes
# against deadlines (a killed import, Chromium), and two workers on two shared cores saved little on them (62 s
# against 74 s) for the risk of a missed deadline. The whole suite took 193 s in one process, 113 s in two.
test: setup-dev browser
	$(VENV)/bin/pytest -m "not slow" -n 2
	$(VENV)/bin/pytest -m slow

# The quick loop while working: lint, then every test but the slow ones (browser, killed and forked processes), two
# at a time, on SQLite whatever DATABASE_URL says. `make test` (and CI) runs them all.
check: setup-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DATABASE_URL=sqlite:///$(CURDIR)/db.sqlite3 $(VENV)/bin/pytest -m "not slow" -n 2

lint: setup-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

# Rebuild fixtures/seed.json from the seed page and its curation file.
seed: setup
	$(PY) manage.py build_seed_fixture

# Screenshots of the main pages for the README, from the seed and made-up example reports (needs /usr/bin/chromium).
screenshots: setup-dev
	CASEBASE_SCREENSHOTS=docs/screenshots CASEBASE_REQUIRE_BROWSER=1 $(VENV)/bin/pytest tests/browser/test_screenshots.py

# Import the two real PubMed baseline files (50,788 records) into new SQLite and PostgreSQL databases.
BASELINE := var/baseline
bench-import: setup-dev
	../shared/data/get-pubmed-baseline $(BASELINE)
	$(PY) bench/import_baseline.py --database sqlite --files $(BASELINE)
	$(PY) bench/import_baseline.py --database postgres --files $(BASELINE)

# Time the public pages on the baseline data, on SQLite and PostgreSQL.
bench-pages: setup-dev
	../shared/data/get-pubmed-baseline $(BASELINE)
	$(PY) bench/pages.py --database sqlite --files $(BASELINE)
	$(PY) bench/pages.py --database postgres --files $(BASELINE)

# Precision and recall of the suggested patients on the labelled sample, and their coverage and cost on the
# baseline files.
eval-suggestions: setup-dev
	../shared/data/get-pubmed-baseline $(BASELINE)
	$(PY) bench/suggestions/evaluate.py --split tuning
	$(PY) bench/suggestions/evaluate.py --split held_out --files $(BASELINE)

# Back up the database (DATABASE_URL, or db.sqlite3) to var/backups/, one file per weekday (docs/backups.md).
backup: setup
	mkdir -p var/backups
	$(PY) manage.py backup_database var/backups/casebase-$$(date +%a).backup

# Readers, a curator and an import at once against gunicorn on a new PostgreSQL database; fails on any error.
load: setup-dev
	../shared/data/get-pubmed-baseline $(BASELINE)
	$(PY) bench/load.py --seconds 60 --files $(BASELINE)

# Restarts the local PostgreSQL under a running site and checks it answers 503, never 500, and recovers by itself.
restart-check: setup-dev
	$(PY) bench/pg_restart.py

# Makes a streaming replica of the local PostgreSQL on port 5433 and shows public pages read from it, writes on the
# primary (needs root; adds a replication line to pg_hba.conf when there is none).
replica-check: setup-dev
	$(PY) bench/replica.py

# N synthetic case reports (default 10,000) shaped like the baseline files, into var/synth/ (bench/synth/).
bench-synth: setup-dev
	mkdir -p var/synth
	$(PY) -m bench.synth.generate --reports $${N:-10000} --seed 1 --out var/synth/synth-$${N:-10000}.xml.gz --case-share 1

# The benchmark suite (bench/suite.py): generated reports at SIZES, imported into PostgreSQL (and SQLite up to 100k)
# beside loaddata, bulk_create and COPY of the same rows; page latency against raw SQL; HTTP under gunicorn. Writes
# bench/results/<date>-suite.md. SIZES=10000,100000,1000000 make bench
bench: setup-dev
	../shared/data/get-pubmed-baseline $(BASELINE)
	$(PY) bench/suite.py --sizes $${SIZES:-10000,100000} --baseline $(BASELINE)

# Every step of the suite once, small (CI): figures are printed, none is checked.
bench-smoke: setup-dev
	$(PY) bench/suite.py --smoke --out var/bench-smoke.md

# The browser tests drive Debian's Chromium (/usr/bin/chromium): installed here when missing and we are root, as on
# CI; otherwise they are skipped with a message, unless CASEBASE_REQUIRE_BROWSER is set.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else echo "Chromium is not installed (apt-get install chromium): the browser tests will be skipped."; fi; }

# `setup` installs what the site needs to run; `setup-dev` adds the tests, benchmarks and linters. Each stamp is
# redone when its requirements file changes (a change to requirements.txt redoes both).
setup: $(VENV)/.installed .env

setup-dev: $(VENV)/.installed-dev .env

$(VENV)/.installed: requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "casebase needs Python 3.11 or newer")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# A local settings file with a secret key generated on this machine; never committed.
.env:
	@$(PYTHON) -c 'import secrets; print("SECRET_KEY=" + secrets.token_urlsafe(50))' > $@
	@echo "Wrote .env with a new SECRET_KEY."

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
