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

.PHONY: help install run test lint format migrations-check deploy-check e2e bench clean backup restore

help:
	@echo "make run    - install, migrate, load demo data, serve http://127.0.0.1:8000 with a worker"
	@echo "make test   - install and run the test suite (SQLite; set DATABASE_URL for Postgres)"
	@echo "make backup - back up the database and uploads into BACKUP_DIR (default ./backups)"
	@echo "make restore - restore the newest backup in BACKUP_DIR (asks first)"
	@echo "make lint | migrations-check | deploy-check | e2e | bench"
	@echo "make bench-http | capacity | profile | lighthouse | soak | faults | mail-faults | burst"
	@echo "           (speed, capacity, load and fault scripts in bench/, production configuration)"

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
	@echo "  Emails (printed below) are sent by a background worker started beside the server."
	@echo ""
	@trap 'kill 0' EXIT; \
	DJANGO_DEBUG=1 $(BIN)/python manage.py worker --no-startup-delay & \
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:8000

test: install
	$(BIN)/python -m pytest

# Backups (clinic/backups.py). With no DJANGO_SECRET_KEY set, they act on the development
# database; on a server the environment names the real one (compose: see the README).
LOCAL := $(if $(DJANGO_SECRET_KEY),,DJANGO_DEBUG=1)

backup: install
	$(LOCAL) $(BIN)/python manage.py backup

restore: install
	$(LOCAL) $(BIN)/python manage.py restore

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
	CACHE_URL=redis://127.0.0.1:6379/1 SITE_URL=https://clinic.example \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

# Browser tests: Playwright (the `e2e` extra) drives Debian's Chromium; axe-core from npm.
E2E_STAMP := $(VENV)/.installed-e2e
AXE := tests/e2e/node_modules/axe-core/axe.min.js
VNU := tests/e2e/node_modules/vnu-jar/build/dist/vnu.jar

$(E2E_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -c requirements.lock -e ".[e2e]"
	@touch $(E2E_STAMP)

$(AXE) $(VNU): tests/e2e/package.json tests/e2e/package-lock.json
	cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error
	@touch $(AXE) $(VNU)

e2e: $(E2E_STAMP) $(AXE) $(VNU)
	@{ command -v chromium && command -v java; } >/dev/null 2>&1 || bash .ci/browser-deps
	$(BIN)/python -m pytest -m e2e tests/e2e

bench: install
	$(BIN)/python bench/pages.py
	$(BIN)/python bench/availability.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache

# Speed, weight, load and faults, on demand (each script's docstring says what it proves).
.PHONY: bench-http capacity profile lighthouse soak faults mail-faults burst
bench-http: install
	@command -v wrk >/dev/null 2>&1 || { echo "wrk is missing: apt-get install -y wrk"; exit 1; }
	$(BIN)/python bench/http_speed.py

capacity: install
	$(BIN)/python bench/capacity.py

lighthouse: install
	@command -v chromium >/dev/null 2>&1 || bash .ci/browser-deps
	$(BIN)/python bench/lighthouse.py

soak: install
	$(BIN)/python bench/soak.py

faults: install
	$(BIN)/python bench/faults.py

# The mail fault script receives mail with aiosmtpd (the `bench` extra).
BENCH_STAMP := $(VENV)/.installed-bench

$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -c requirements.lock -e ".[bench]"
	@touch $(BENCH_STAMP)

profile: $(BENCH_STAMP)
	$(BIN)/python bench/profile.py --page home
	$(BIN)/python bench/profile.py --page "booking week"

mail-faults: $(BENCH_STAMP)
	$(BIN)/python bench/mail_faults.py

burst: install
	$(BIN)/python bench/booking_burst.py --clients 50 --burst-only
