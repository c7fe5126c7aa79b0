"""Tests: the real database given by DATABASE_URL (SQLite otherwise), fast hashing."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = "test-only-secret-key-pilotis-not-for-production-use-0123456789"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
DEMO_ENABLED = True
TASKS = {
    "default": {"BACKEND": env("TASKS_BACKEND", default="django_tasks.backends.immediate.ImmediateBackend")}
}
# No heartbeat thread by default: tasks run inside the test's own transaction. The worker-kill
# tests start real workers with a heartbeat and a short lease through the environment.
JOB_HEARTBEAT_SECONDS = env.float("JOB_HEARTBEAT_SECONDS", default=0)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
# Static files straight from the finders: no collectstatic before the tests.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# Signatures: tests/conftest.py makes a sealing key and its CA in a temporary directory for the
# session and points SIGNING_P12_PATH, SIGNING_CA_P12_PATH and SIGNING_TRUST_ROOTS at them (the
# CA's passphrase is this one too).
SIGNING_P12_PASSPHRASE = "pilotis-test-cachet"  # noqa: S105

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not SQLite's shared in-memory database: there, a second connection (a thread, a
    # worker process) meets table locks that no busy timeout waits for, so the concurrency tests
    # would not see what users of the default database see.
    (BASE_DIR / "var").mkdir(exist_ok=True)  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / "test-db.sqlite3")}  # noqa: F405
