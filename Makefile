# 信阳数据产业奖补平台 — `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
PYTEST_ARGS ?=
# Test processes (pytest-xdist): each has its own test database and Redis databases.
TEST_PROCESSES ?= 2

.PHONY: help run test lint format typecheck bench bench-load messages messages-update services system-deps worker lock clean

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.lock
	@test -x $(PY) || "$$(scripts/find-python.sh)" -m venv $(VENV)
	@$(PY) -m pip install -q --disable-pip-version-check "uv==0.13.9"
	@$(VENV)/bin/uv pip sync -q --python $(PY) requirements.lock
	@touch $@

messages: $(VENV)/.installed ## Compile translation files (needs gettext's msgfmt)
	@$(MANAGE) compilemessages -v0 --ignore=.venv

messages-update: $(VENV)/.installed ## Collect new source strings into each catalog (then translate the empty msgstr)
	@PY=$(abspath $(PY)) scripts/messages-update.sh

run: $(VENV)/.installed ## Start the portal on http://127.0.0.1:8000 (SQLite, tasks in-process, demo data)
	@# Chinese needs no compiled catalog; English does, and only gettext's msgfmt compiles it.
	@if command -v msgfmt >/dev/null; then $(MANAGE) compilemessages -v0 --ignore=.venv; \
	 else echo "note: gettext (msgfmt) is not installed, so English is not available; apt-get install gettext"; fi
	@DATABASE_URL=sqlite:///db.sqlite3 REDIS_URL= $(MANAGE) migrate -v0
	@# The demo's notification emails stay in memory so the logins are not buried in mail dumps.
	@DATABASE_URL=sqlite:///db.sqlite3 REDIS_URL= EMAIL_BACKEND=django.core.mail.backends.locmem.EmailBackend $(MANAGE) load_demo
	@echo "Open http://127.0.0.1:8000/"
	@DATABASE_URL=sqlite:///db.sqlite3 REDIS_URL= $(MANAGE) runserver 127.0.0.1:8000

system-deps: ## Install missing Debian packages the tests need (Redis, Chromium, CJK font, poppler, gettext)
	@scripts/system-deps.sh

services: ## Start local PostgreSQL and Redis if installed and stopped
	@scripts/services.sh

lint: $(VENV)/.installed ## ruff lint and format check
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed ## Format and autofix with ruff
	@$(VENV)/bin/ruff format .
	@$(VENV)/bin/ruff check --fix .

typecheck: $(VENV)/.installed ## mypy with django-stubs
	@$(VENV)/bin/mypy portal applicants awards rules

test: $(VENV)/.installed system-deps services messages lint typecheck ## Lint, types, then the whole test suite on PostgreSQL + Redis
	@# CI builds the test database from the migrations every time: a kept one may predate them.
	@$(VENV)/bin/pytest -n $(TEST_PROCESSES) --dist worksteal $(PYTEST_ARGS) $(if $(filter true,$(CI)),--create-db,)

bench: $(VENV)/.installed ## Benchmarks (bench/): allocation, pages, documents, programmes, planning 100,000 awards, reports, dashboards (DATABASE_URL=postgres://… for PostgreSQL)
	@for script in bench/bench_*.py; do echo "== $$script"; $(PY) $$script || exit 1; done

bench-load: $(VENV)/.installed services ## Pages under load: 100,000 cases on PostgreSQL, gunicorn, 8 and 32 clients (bench/load.py; ~10 min)
	@DATABASE_URL=$${DATABASE_URL:-postgres://postgres:postgres@127.0.0.1:5432/portal} REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/5} $(PY) bench/load.py $(LOAD_ARGS)

worker: $(VENV)/.installed ## A Celery worker (needs REDIS_URL)
	@$(VENV)/bin/celery -A portal worker -B -l info

lock: ## Re-pin dependencies from pyproject.toml into requirements.lock
	@$(VENV)/bin/uv pip compile pyproject.toml --group dev --python-version 3.12 -o requirements.lock -q

clean: ## Remove the virtualenv, the SQLite database and caches
	rm -rf $(VENV) db.sqlite3 var staticfiles .ruff_cache .mypy_cache
