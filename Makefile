# The everyday commands. `make run` and `make test` are the two a newcomer needs.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# First Python 3.12+ on PATH (pyenv reads .python-version; plain python3 may be too old).
PYTHON ?= $(shell for p in python3.12 python3.13 python3 python; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	&& { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: help install run test lint format migrations-check deploy-check e2e bench clean

help:
	@echo "make run    - install, migrate, load demo data and serve http://127.0.0.1:8000"
	@echo "make test   - install and run the test suite (SQLite; set DATABASE_URL for Postgres)"
	@echo "make lint | migrations-check | deploy-check | e2e | bench"

$(STAMP): pyproject.toml requirements.lock
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is needed (pyenv install 3.12)"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

run: install
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=1 $(BIN)/python manage.py seed_demo
	@echo ""
	@echo "  The clinic site is running at http://127.0.0.1:8000/"
	@echo "  Back office: http://127.0.0.1:8000/admin/ (create a login with:"
	@echo "    DJANGO_DEBUG=1 $(BIN)/python manage.py createsuperuser)"
	@echo ""
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:8000

test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .

migrations-check: install
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run

deploy-check: install
	DJANGO_SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))') \
	DJANGO_ALLOWED_HOSTS=clinic.example DJANGO_DEBUG=0 EMAIL_URL=smtp+tls://clinic:secret@smtp.example:587 \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

e2e: install
	$(BIN)/python -m pip install --quiet -c requirements.lock -e ".[e2e]"
	$(BIN)/python -m pytest -m e2e tests/e2e

bench: install
	$(BIN)/python bench/pages.py
	$(BIN)/python bench/availability.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
