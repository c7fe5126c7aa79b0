# Pilotis — the two commands: `make run` (set up and serve the demo) and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test quality install lock bench totp clean

# The links in the demo's e-mails and documents point at the address this command serves.
run: export SITE_URL ?= http://127.0.0.1:$(PORT)
run: install
	@# The demo's sealing key (var/signing/, ignored by git), unless a key is configured.
	test -n "$$SIGNING_P12_PATH" || test -f var/signing/pilotis-sealing.p12 || $(BIN)/python manage.py create_signing_certificate
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createcachetable
	$(BIN)/python manage.py load_demo
	@echo
	@echo "Pilotis : http://127.0.0.1:$(PORT)/"
	DJANGO_DEBUG=$${DJANGO_DEBUG:-False} $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

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
