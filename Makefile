# Thin wrappers; configuration lives in pyproject.toml and hipext/settings.py.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run serve test install migrate seed lint format check

## run: install, migrate, seed and serve at http://127.0.0.1:8000 on SQLite (debug on)
run: export DJANGO_DEBUG ?= 1
run: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed
	$(PY) manage.py runserver $(HOST):$(PORT)

## serve: production serving: migrate, collect static files, run gunicorn
## (settings from the environment, see README "Production"; gunicorn.conf.py)
serve: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py collectstatic --no-input
	$(VENV)/bin/gunicorn --config gunicorn.conf.py

## test: install and run the test suite (SQLite by default; set DATABASE_URL for PostgreSQL)
test: install
	$(PY) -m pytest $(PYTEST_ARGS)

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

migrate: install
	$(PY) manage.py migrate --no-input

seed: install
	$(PY) manage.py seed

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

check: export DJANGO_DEBUG ?= 1
check: install
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
