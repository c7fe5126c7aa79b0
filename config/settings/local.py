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
