# casebase: `make run` serves the site with the seed loaded; `make test` runs the whole test suite.
# Both create the virtual environment and install the pinned requirements first.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup lint seed bench-import clean

run: setup
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_seed
	$(PY) manage.py ensure_admin
	DEBUG=true $(PY) manage.py runserver $(HOST):$(PORT)

test: setup
	$(VENV)/bin/pytest

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

# Rebuild fixtures/seed.json from the seed page and its curation file.
seed: setup
	$(PY) manage.py build_seed_fixture

# Import the two real PubMed baseline files (50,788 records) into new SQLite and PostgreSQL databases.
BASELINE := var/baseline
bench-import: setup
	../shared/data/get-pubmed-baseline $(BASELINE)
	$(PY) bench/import_baseline.py --database sqlite --files $(BASELINE)
	$(PY) bench/import_baseline.py --database postgres --files $(BASELINE)

setup: $(VENV)/.installed .env

$(VENV)/.installed: requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "casebase needs Python 3.11 or newer")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

# A local settings file with a secret key generated on this machine; never committed.
.env:
	@$(PYTHON) -c 'import secrets; print("SECRET_KEY=" + secrets.token_urlsafe(50))' > $@
	@echo "Wrote .env with a new SECRET_KEY."

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
