# Thin wrappers; configuration lives in pyproject.toml and hipext/settings.py.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run serve test install install-dev migrate seed lint format check bench soak

## run: install, migrate, seed and serve at http://127.0.0.1:$(PORT) on SQLite (debug on;
## PORT=8001 make run for another port); writes .env so manage.py commands work too
run: export DJANGO_DEBUG ?= 1
run: install .env
	$(PY) manage.py create_database
	$(PY) manage.py migrate --no-input
	$(PY) manage.py rebuild_documents
	$(PY) manage.py seed
	$(PY) manage.py runserver $(HOST):$(PORT)

## serve: production serving: migrate, render documents, collect static files, run gunicorn
## (settings from the environment alone, never .env: README "Production"; gunicorn.conf.py)
serve: export HIPEXT_ENV_FILE =
serve: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py rebuild_documents
	$(PY) manage.py collectstatic --no-input
	$(VENV)/bin/gunicorn --config gunicorn.conf.py

## .env: development settings for manage.py commands in this checkout (debug on, a random
## secret key); git-ignored, written once, never read by make serve or the tests
.env:
	@printf '%s\n' '# Development only, written by make run (git-ignored): manage.py reads it.' \
	  '# Production sets its environment instead (see .env.example).' \
	  'DJANGO_DEBUG=1' \
	  "DJANGO_SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" > $@
	@echo "Wrote $@: development settings (debug on, a random secret key) for manage.py"

## test: install and run the test suite (SQLite by default; set DATABASE_URL for PostgreSQL)
test: install-dev
	$(PY) -m pytest $(PYTEST_ARGS)

## install: the runtime dependencies (requirements.txt) in $(VENV)
install: $(VENV)/.installed

## install-dev: the runtime set plus test and lint tools (requirements-dev.txt)
install-dev: $(VENV)/.installed-dev

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

# After the runtime stamp, so that a changed requirements.txt reinstalls both.
$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

migrate: install
	$(PY) manage.py migrate --no-input

seed: install
	$(PY) manage.py seed

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check: export DJANGO_DEBUG ?= 1
check: install
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py spectacular --validate --fail-on-warn --file /dev/null

# --- Benchmark and soak (bench/README.md): PostgreSQL and Redis on loopback, wrk ------
## bench: benchmark against the Django and bare ceilings, summary in bench/results.json;
## e.g. make bench BENCH_ARGS="--before 901216c" (that commit beside this one),
## make bench BENCH_ARGS="--exercises-large 0" (1,000 exercises only)
bench: install-dev
	@command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk"; exit 1; }
	$(PY) -m bench.run $(BENCH_ARGS)

## soak: 5 minutes of mixed load on every read endpoint, errors and memory
soak: install-dev
	@command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk"; exit 1; }
	$(PY) -m bench.soak $(SOAK_ARGS)
