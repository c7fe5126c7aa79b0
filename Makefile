# Pilotis — the two commands: `make run` (set up and serve the demo) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run serve-prod backup restore test quality install lock bench load totp clean

# The links in the demo's e-mails and documents point at the address this command serves.
run: export SITE_URL ?= http://127.0.0.1:$(PORT)
run: install
	@# The demo's sealing key (var/signing/, ignored by git), unless a key is configured.
	test -n "$$SIGNING_P12_PATH" || test -f var/signing/pilotis-sealing.p12 || $(BIN)/python manage.py create_signing_certificate
	@# Its local time-stamping unit, issued by the demo CA (an older var/signing/ lacks it; one
	@# older still lacks the CA's key too, and gets a new demo CA altogether).
	test -n "$$SIGNING_P12_PATH$$SIGNING_TSA_URL$$SIGNING_TSA_P12_PATH" || test -f var/signing/pilotis-tsa.p12 \
	  || { test -f var/signing/pilotis-ca.p12 && $(BIN)/python manage.py create_signing_certificate --tsa-only; } \
	  || $(BIN)/python manage.py create_signing_certificate --force
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createcachetable
	$(BIN)/python manage.py load_demo
	@echo
	@echo "Pilotis : http://127.0.0.1:$(PORT)/"
	DJANGO_DEBUG=$${DJANGO_DEBUG:-False} $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The production settings as they run in production (gunicorn with deploy/gunicorn.conf.py,
# WhiteNoise, PostgreSQL, a separate task worker), on the loopback interface for a local trial.
# Every variable can be given; the defaults below only make the trial start here: a local
# PostgreSQL database, a secret key kept in var/, the demo's sealing key (and the demo CA's key
# beside it, which issues each signatory's one-time certificate), e-mails on the console,
# no redirection to HTTPS (there is no TLS proxy in front). Nothing in the production settings
# is relaxed: cookies stay Secure (browsers accept them from http://localhost and 127.0.0.1).
serve-prod: export DJANGO_SETTINGS_MODULE := config.settings.production
serve-prod: export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/pilotis
serve-prod: export DJANGO_ALLOWED_HOSTS ?= 127.0.0.1,localhost
serve-prod: export SITE_URL ?= http://127.0.0.1:$(PORT)
serve-prod: export EMAIL_URL ?= consolemail://
serve-prod: export DJANGO_SECURE_SSL_REDIRECT ?= False
serve-prod: export SIGNING_P12_PATH ?= $(CURDIR)/var/signing/pilotis-sealing.p12
serve-prod: export SIGNING_P12_PASSPHRASE ?= pilotis-demo-cachet
serve-prod: export SIGNING_TRUST_ROOTS ?= $(CURDIR)/var/signing/pilotis-ca.pem
serve-prod: export GUNICORN_BIND ?= 127.0.0.1:$(PORT)
serve-prod: install
	@mkdir -p var
	@test -f var/secret_key || $(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))" > var/secret_key
	@# The default database is created when it is missing; a given DATABASE_URL must exist.
	@if [ "$$DATABASE_URL" = "postgres://postgres@127.0.0.1:5432/pilotis" ]; then \
	  createdb -h 127.0.0.1 -U postgres pilotis 2>/dev/null || true; fi
	export DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-$$(cat var/secret_key)}; \
	test -f "$$SIGNING_P12_PATH" || $(BIN)/python manage.py create_signing_certificate; \
	if [ -z "$$SIGNING_CA_P12_PATH" ] && [ "$$SIGNING_P12_PATH" = "$(CURDIR)/var/signing/pilotis-sealing.p12" ] \
	  && [ -f var/signing/pilotis-ca.p12 ]; then export SIGNING_CA_P12_PATH="$(CURDIR)/var/signing/pilotis-ca.p12"; fi; \
	if [ -z "$$SIGNING_TSA_URL$$SIGNING_TSA_P12_PATH" ] && [ "$$SIGNING_P12_PATH" = "$(CURDIR)/var/signing/pilotis-sealing.p12" ] \
	  && [ -f var/signing/pilotis-tsa.p12 ]; then export SIGNING_TSA_P12_PATH="$(CURDIR)/var/signing/pilotis-tsa.p12"; fi; \
	$(BIN)/python manage.py check --deploy --fail-level ERROR && \
	$(BIN)/python manage.py migrate --noinput && \
	$(BIN)/python manage.py createcachetable && \
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0 && \
	{ [ "$${PILOTIS_DEMO:-False}" != True ] || $(BIN)/python manage.py load_demo; } && \
	{ $(BIN)/python manage.py db_worker --no-reload & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	  echo "Pilotis (production) : http://$$GUNICORN_BIND/ — état : http://$$GUNICORN_BIND/sante/"; \
	  $(BIN)/gunicorn --config deploy/gunicorn.conf.py; }

# The whole database (signed PDFs and evidence included) to var/backups/, or to BACKUP=FILE;
# `make restore BACKUP=FILE` puts it back into the database DATABASE_URL names (a fresh one).
backup: install
	$(BIN)/python manage.py backup $(if $(BACKUP),--output $(BACKUP))

restore: install
	@test -n "$(BACKUP)" || { echo "make restore BACKUP=fichier"; exit 2; }
	$(BIN)/python manage.py restore $(BACKUP)

totp:
	@$(BIN)/python manage.py demo_totp

# The quality gate, then the suite: lint, formatting, migrations in step with the models, the
# architecture's import contracts (pyproject.toml), then pytest (browser tests included when
# Chromium is installed).
test: install quality
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/pytest $(PYTEST_ARGS)

quality: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=config.settings.test
	$(BIN)/lint-imports --no-cache

bench: install
	$(BIN)/python bench/run.py

# The production settings under load (bench/load/): gunicorn and a task worker on a free loopback
# port, the 3,000-school world in PostgreSQL (database pilotis_load, copied from the template
# pilotis_load_world, built once), then locust headless; prints the figures, under 5 minutes.
load: install
	$(BIN)/python bench/load/run.py

install: $(VENV)/.installed node_modules/.installed

# uv installs exactly what uv.lock says (hashes included) into .venv; uv itself is pinned here
# and lives in its own small virtualenv, so that syncing .venv never removes it.
UV_VERSION := 0.13.9
UV := .uv/bin/uv
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON := $(PYTHON)

$(UV):
	$(PYTHON) -m venv .uv
	.uv/bin/python -m pip install --quiet uv==$(UV_VERSION)

$(VENV)/.installed: pyproject.toml uv.lock | $(UV)
	$(UV) sync --locked --quiet
	touch $@

# Refresh uv.lock to the newest versions inside pyproject.toml's ranges (commit the result).
lock: | $(UV)
	$(UV) lock --upgrade

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $@

clean:
	rm -rf $(VENV) .uv node_modules staticfiles db.sqlite3
