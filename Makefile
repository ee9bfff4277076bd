# The way in: `make run` serves the site, `make test` checks everything.
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
WEB_CONCURRENCY ?= 2
# Test runs use the test settings (explicit test key, plain http): see tests/settings.py.
TEST_ENV := DJANGO_SETTINGS_MODULE=tests.settings

.PHONY: install lock run admin-password dev test lint fixtures e2e two-servers mutate bench bench-full backup restore loadtest

install: $(VENV)/.installed

# Exactly the releases in requirements.lock, each checked against its hash; then the
# project itself, built with the locked setuptools.
$(VENV)/.installed: requirements.lock
	@echo "Installing the locked releases into $(VENV)..."
	@test -x $(PY) || python3 -m venv $(VENV)
	@$(PY) -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	@# setuptools warns about every editable install: not news to anyone here.
	@PYTHONWARNINGS=ignore $(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $@

# Refreshes requirements.lock: the newest releases that pyproject.toml allows, with
# their hashes (docs/development.md, "Dependencies"). Only PyPI is asked, whatever pip is set to.
lock: install
	env -u PIP_FIND_LINKS PIP_CONFIG_FILE=/dev/null $(VENV)/bin/pip-compile --quiet \
	  --upgrade --generate-hashes --allow-unsafe --all-build-deps --extra dev \
	  --strip-extras --no-emit-index-url --no-emit-find-links \
	  --output-file requirements.lock pyproject.toml

# A local secret key, generated once and kept out of git; the settings read it when
# DJANGO_SECRET_KEY is not set (lublin/settings.py).
.secret_key:
	@umask 077 && python3 -c "import secrets; print(secrets.token_urlsafe(50))" > $@

# Serves with debug off over plain http on 127.0.0.1 (DJANGO_SECURE=0); absolute links
# name the port it serves on unless SITE_URL says otherwise. Quietly: the migrations
# in one line (all their output if they fail), gunicorn's warnings and errors only,
# and at the end what to open and the admin's user (setup_instance --local-superuser).
run: install .secret_key
	@DJANGO_SECURE=0 \
	SITE_URL="$${SITE_URL:-http://127.0.0.1:$(PORT)}" sh -ec '\
	  migrated=$$($(PY) manage.py migrate --no-input 2>&1) || { echo "$$migrated"; exit 1; }; \
	  echo "Migrations applied: $$(echo "$$migrated" | grep -c "^  Applying ")."; \
	  $(PY) manage.py collectstatic --no-input --verbosity 0; \
	  $(PY) manage.py setup_instance --local-superuser; \
	  exec $(VENV)/bin/gunicorn lublin.wsgi --bind 127.0.0.1:$(PORT) --workers $(WEB_CONCURRENCY) --log-level warning --access-logfile -'

# A new password for the admin user `make run` created (asked for twice).
admin-password: install .secret_key
	$(PY) manage.py changepassword admin

# Development server with debug on.
dev: install
	DJANGO_DEBUG=1 $(PY) manage.py migrate --no-input
	DJANGO_DEBUG=1 $(PY) manage.py runserver 127.0.0.1:$(PORT)

# Loads the starter content into an empty database (does nothing if content exists).
fixtures: install .secret_key
	$(PY) manage.py migrate --no-input
	$(PY) manage.py setup_instance

# A portable archive of the content, its history, the staff accounts and the media
# files (docs/operations.md, "Backups").
backup: install .secret_key
	$(if $(FILE),,$(error Name the file: make backup FILE=path.zip))
	$(PY) manage.py backup_content "$(FILE)"

# Migrates, then loads a backup; refuses a database that already holds content, or
# a media store that already holds its files.
restore: install .secret_key
	$(if $(FILE),,$(error Name the file: make restore FILE=path.zip))
	$(PY) manage.py migrate --no-input
	$(PY) manage.py restore_content "$(FILE)"

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(TEST_ENV) $(PY) manage.py makemigrations --check --dry-run

test: lint
	$(VENV)/bin/pytest

e2e: install
	$(VENV)/bin/pytest -m browser

# Two gunicorn instances on PostgreSQL and Redis behind the shipped nginx
# (docs/deployment.md, "Several app servers behind nginx"): an edit through one is on
# the other at once and through nginx within 60 s; one killed mid-load loses no
# request. 90 s on a quiet machine; .ci/run runs it. A database of its own on
# DATABASE_URL's server, its keys in REDIS_URL's database (by default both on
# 127.0.0.1); fails if either does not answer.
two-servers: install
	DATABASE_URL="$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}" \
	REDIS_URL="$${REDIS_URL:-redis://127.0.0.1:6379/13}" \
	  $(VENV)/bin/pytest -m two_servers

# Mutation testing before a release, not in CI (docs/testing.md): mutmut mutates the
# modules [tool.mutmut] lists and runs the tests that reach each mutant, one mutant at a
# time, on a fresh PostgreSQL test database that every mutant's run reuses. The whole
# takes over 30 minutes on 2 shared cores: `make mutate GROUP=history` (rich_text,
# cache, publishing, import) runs one group and keeps the results of the groups run before it;
# `make mutate` with no group starts afresh and runs all. Survivors: `mutmut results`.
MUTATE_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/lublin_mutate
MUTANTS_history := cms.history.*
MUTANTS_rich_text := cms.rich_text.*
MUTANTS_cache := cms.caching.* cms.pieces.* cms.content_apps.*
MUTANTS_publishing := cms.publishing.* cms.locking.*
MUTANTS_import := clusters.resources.*
mutate: install
	@test -z "$(GROUP)" -o -n "$(MUTANTS_$(GROUP))" || \
	  { echo "GROUP is one of: history rich_text cache publishing import"; exit 2; }
	$(if $(GROUP),,rm -rf mutants)
	for name in test_ test_test_; do dropdb --if-exists \
	  --maintenance-db=$(dir $(MUTATE_DATABASE_URL))postgres $${name}$(notdir $(MUTATE_DATABASE_URL)); done
	DATABASE_URL=$(MUTATE_DATABASE_URL) $(VENV)/bin/mutmut run --max-children 1 \
	  $(foreach m,$(MUTANTS_$(GROUP)),'$(m)')
	$(VENV)/bin/mutmut results

# Load tests with wrk over 127.0.0.1 into databases of their own (PostgreSQL,
# lublin_bench_*; Redis database 14): issue 21's targets at 10,000 clusters and on the
# starter content, beside bench/before-issue-21.json; writes docs/benchmarks.md.
# Under 5 minutes once the 10,000 clusters are generated (about 1 minute, kept).
bench: install
	$(PY) bench/run.py --quick

# Also 100,000 clusters (every public page uncached) and the query counts at 10;
# generating the 100,000 clusters the first time takes most of it.
bench-full: install
	$(PY) bench/run.py

# 64 connections for 60 s against gunicorn on PostgreSQL (10,000 clusters), failing on
# any error; writes the "Load test" section of docs/benchmarks.md.
loadtest: install
	$(PY) bench/loadtest.py
