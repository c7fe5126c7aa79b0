"""A developer's machine and the demo (`make run`): SQLite by default, e-mails on the console.

`make run` serves with DEBUG off, so that the demo shows what users see (French error pages,
no debug page); set DJANGO_DEBUG=True for Django's debug pages while developing."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key-pilotis-do-not-use-in-production")

# Static files straight from the finders (node_modules included): no collectstatic needed.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

DEMO_ENABLED = env.bool("PILOTIS_DEMO", default=True)
# No worker runs beside `make run`: background tasks run at once.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Signatures: the demo's sealing key, made by `manage.py create_signing_certificate` (which
# `make run` calls when no key is configured) under var/signing/, which git ignores.
SIGNING_P12_PASSPHRASE = env("SIGNING_P12_PASSPHRASE", default="pilotis-demo-cachet")
DEMO_SIGNING_P12 = BASE_DIR / "var" / "signing" / "pilotis-sealing.p12"  # noqa: F405
if not SIGNING_P12_PATH and DEMO_SIGNING_P12.is_file():  # noqa: F405
    SIGNING_P12_PATH = str(DEMO_SIGNING_P12)
    SIGNING_TRUST_ROOTS = SIGNING_TRUST_ROOTS or [str(DEMO_SIGNING_P12.parent / "pilotis-ca.pem")]  # noqa: F405
    # The demo CA's key beside it (written since the CA issues one-time certificates): without it,
    # the demo signs with the seal and `manage.py check` says so.
    if not SIGNING_CA_P12_PATH and (DEMO_SIGNING_P12.parent / "pilotis-ca.p12").is_file():  # noqa: F405
        SIGNING_CA_P12_PATH = str(DEMO_SIGNING_P12.parent / "pilotis-ca.p12")
    # The demo's local time-stamping unit, whose certificate the demo CA issued.
    if (
        not SIGNING_TSA_URL  # noqa: F405
        and not SIGNING_TSA_P12_PATH  # noqa: F405
        and (DEMO_SIGNING_P12.parent / "pilotis-tsa.p12").is_file()
    ):
        SIGNING_TSA_P12_PATH = str(DEMO_SIGNING_P12.parent / "pilotis-tsa.p12")
