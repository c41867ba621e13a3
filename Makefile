# Hanjari — set-up and everyday commands. `make run` and `make test` do everything
# on a fresh machine (Debian/Ubuntu with Python >= 3.11 and Node.js >= 20).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= config.settings.base

.PHONY: run test lint setup data serve e2e-deps clean help

help:
	@echo "make run   — install, migrate, import the shipped official data and the reference news article, serve on http://$(HOST):$(PORT) with the background worker"
	@echo "make test  — install test dependencies and run the whole suite"
	@echo "make lint  — ruff and mypy"

# --- installation (stamps make a second run skip finished work) -----------------------
$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/activate
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PIP) install --quiet -e ".[test]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# var/.env holds the secret key: readable by its owner only (0600) from its first byte.
var/.env:
	mkdir -p var
	@umask 077; \
	echo "# Local settings written by 'make run'. Secrets stay out of git (var/ is ignored)." > $@; \
	echo "SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" >> $@
	@chmod 600 $@
	@echo "Wrote var/.env with a generated SECRET_KEY."

# Debian's gettext compiles the translations; Chromium runs the browser tests.
/usr/bin/msgfmt:
	@command -v msgfmt >/dev/null || (apt-get update -qq && apt-get install -y -qq gettext >/dev/null)

/usr/bin/chromium:
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)

# The database (PostgreSQL: created when missing; SQLite: the file and its -wal/-shm
# owner-only, 0600) and the cache table that every worker shares (config/settings).
setup: $(VENV)/.installed node_modules/.installed var/.env /usr/bin/msgfmt
	@chmod 600 var/.env
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v0
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py ensure_database
	umask 077; $(PY) manage.py migrate --noinput -v0
	$(PY) manage.py createcachetable

# The public address for links (e-mails, the demo account's sign-in line): the
# environment's HANJARI_SITE_URL, else var/.env's, else http://HOST:PORT.
SITE_URL_ENV = site="$${HANJARI_SITE_URL:-$$(sed -n 's/^HANJARI_SITE_URL=//p' var/.env 2>/dev/null | tail -n1)}"; \
	export HANJARI_SITE_URL="$${site:-http://$(HOST):$(PORT)}"

data: setup
	$(PY) manage.py registry_import --skip-imported data/official/*.xlsx data/official/*.csv
	$(PY) manage.py news_import --publish --skip-existing data/news/jeonju_workshop_2023-12-11.txt
	$(PY) manage.py search_reindex --if-empty
	$(PY) manage.py load_workshop_2023
	@# Last, so that the demo password is not lost among the imports' output.
	@$(SITE_URL_ENV); $(PY) manage.py create_demo_staff

# Links in e-mails (HANJARI_SITE_URL) follow HOST and PORT unless the environment or
# var/.env sets the public address. The background worker (imports uploaded on the staff
# page) runs beside the server in its own session, so Ctrl-C reaches only the server;
# when the server ends, the worker is asked to stop and finishes the task it is running
# first (docs/operations.md, "Background tasks").
serve:
	@echo "Hanjari: http://$(HOST):$(PORT)/  (Ctrl-C stops)"
	@$(SITE_URL_ENV); \
	echo "Links in e-mails: $$HANJARI_SITE_URL"; \
	setsid $(PY) manage.py db_worker & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	trap 'exit 130' INT TERM; \
	$(PY) -m gunicorn -c config/gunicorn.py config.wsgi --bind $(HOST):$(PORT) --workers 2 --access-logfile -

run: data serve

# --- tests ----------------------------------------------------------------------------
test: $(VENV)/.installed-test node_modules/.installed /usr/bin/msgfmt /usr/bin/chromium
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v0
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run -v0
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) -m pytest

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy hanjari config

clean:
	rm -rf $(VENV) node_modules var/static
