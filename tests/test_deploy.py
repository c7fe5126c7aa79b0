"""The production settings, checked as they will run: Django's deployment checklist must be
clean with the environment the README documents."""

import os
import subprocess
import sys
from pathlib import Path

from django.test import RequestFactory
from django.views.defaults import server_error

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENVIRONMENT = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "k8Qe3-a-long-random-production-secret-that-is-not-this-one-7rT2xW9pLm4ZvB",
    "DJANGO_ALLOWED_HOSTS": "pilotis.example.be",
    "DATABASE_URL": "postgres://pilotis@127.0.0.1:5432/pilotis",
    "EMAIL_URL": "smtp+tls://pilotis:secret@smtp.example.be:587",
}


def run_manage(*args, environment):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL", "EMAIL_URL"))}
    env.update(environment)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", environment=PRODUCTION_ENVIRONMENT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_its_secrets():
    environment = {k: v for k, v in PRODUCTION_ENVIRONMENT.items() if k != "DJANGO_SECRET_KEY"}
    result = run_manage("check", environment=environment)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_server_error_page_is_french_and_standalone():
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Une erreur est survenue" in response.content.decode()


def test_production_believes_x_forwarded_for_only_from_the_configured_proxies():
    script = "from django.conf import settings; print(settings.TRUSTED_PROXIES, settings.ALLAUTH_TRUSTED_PROXY_COUNT)"
    result = run_manage("shell", "-c", script, environment=PRODUCTION_ENVIRONMENT)
    assert result.stdout.strip().splitlines()[-1] == "[] 0", result.stderr
    environment = {**PRODUCTION_ENVIRONMENT, "TRUSTED_PROXIES": "127.0.0.1,::1"}
    result = run_manage("shell", "-c", script, environment=environment)
    assert result.stdout.strip().splitlines()[-1] == "['127.0.0.1', '::1'] 0", result.stderr
