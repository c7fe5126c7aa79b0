"""The production settings for the gunicorn nodes the ops tests start, with one departure:
static files are served from the finders rather than from a `collectstatic` manifest, which
would take the tests a long while to build. Sessions, cache, database and security settings are
production's own."""

from config.settings.production import *  # noqa: F403

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
