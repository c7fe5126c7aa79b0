"""Settings shared by every environment, read from the environment with django-environ."""

from pathlib import Path

import environ
from csp.constants import NONE, SELF

from .logs import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]
THIRD_PARTY_APPS = [
    "allauth",
    # Their French names in the admin (config/apps.py).
    "config.apps.PilotisAccountConfig",
    "config.apps.PilotisMFAConfig",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "template_partials",
    "rules.apps.AutodiscoverRulesConfig",
    "csp",
    "django_tasks",
    "config.apps.PilotisTasksConfig",
    "import_export",
    # Its Swagger UI from its own static files (no CDN).
    "ninja",
    # The audit trail: a historical table per tracked model (runs on SQLite and PostgreSQL).
    "simple_history",
]
LOCAL_APPS = [
    "core",
    "accounts",
    "conventions",
    "pilotage",
    "api",
]
# `core` before the others: its `db_worker` (the queue's worker, watching for jobs whose worker
# died) takes the place of the task queue's command of that name.
INSTALLED_APPS = DJANGO_APPS + LOCAL_APPS[:1] + THIRD_PARTY_APPS + LOCAL_APPS[1:]
# Our own views cannot write to the database on GET or HEAD (core/readonly.py).
READONLY_GET_PACKAGES = {*LOCAL_APPS, "config"}

MIDDLEWARE = [
    # First: every line logged while the request runs carries its id.
    "log_request_id.middleware.RequestIDMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise: static files keep their long cache, everything else is checked.
    "core.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.logs.UserIdMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.RequireTwoFactorMiddleware",
    # Who made a change, for the audit trail: it only remembers the request (no write).
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last: it wraps the view alone (see core/readonly.py).
    "core.readonly.ReadOnlyGetMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "builtins": ["core.templatetags.text"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.memberships",
                "core.context_processors.identity",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Two people signing or saving at the same moment: each write transaction takes SQLite's
    # write lock when it begins (not halfway, where it could only fail with « database is
    # locked »), and waits up to 20 s for the other to finish.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# allauth's login rate limits count attempts in the cache: it must be shared by every
# process and node, so the default is the database cache (`createcachetable`).
CACHES = {"default": env.cache("CACHE_URL", default="dbcache://pilotis_cache")}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"

# django-allauth: e-mail login, no self sign-up (people join by invitation), TOTP two-factor.
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
# Before signing, a person proves they know their password (or their TOTP), never only that they
# read their mailbox: the signing link itself arrives by e-mail.
ACCOUNT_REAUTHENTICATION_METHODS = ("password", "mfa")
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Pilotis] "
# No password-reset e-mail to an address that has no account.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    # Wrong passwords, per address only (accounts/adapters.py): an account is never locked, it
    # asks for a second proof after LOGIN_FAILURES_BEFORE_SECOND_PROOF failures.
    "login_failed_password": "5/5m/ip",
    # Wrong TOTP codes (allauth's MFA stage): per address and per account. Only someone who
    # already has the password gets this far.
    "login_failed": "5/5m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
}
# After this many wrong passwords for an account within LOGIN_FAILURES_WINDOW seconds (counted
# again from each failure), the right password must be followed by the TOTP or by a code e-mailed
# to the person (allauth's login-by-code stage; asking for a code without a password stays off).
LOGIN_FAILURES_BEFORE_SECOND_PROOF = env.int("LOGIN_FAILURES_BEFORE_SECOND_PROOF", default=5)
LOGIN_FAILURES_WINDOW = env.int("LOGIN_FAILURES_WINDOW", default=60 * 60)
ACCOUNT_LOGIN_BY_CODE_ENABLED = False
# The addresses (or networks) of the reverse proxies in front of gunicorn: X-Forwarded-For is
# believed only from them (core/client_ip.py). Empty: never, and only REMOTE_ADDR counts.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Pilotis"
MFA_ADAPTER = "accounts.adapters.MFAAdapter"

LANGUAGE_CODE = "fr-be"
LANGUAGES = [("fr-be", "Français")]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", BASE_DIR / "node_modules/bootstrap/dist"),
    ("vendor/htmx", BASE_DIR / "node_modules/htmx.org/dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Pilotis <noreply@pilotis.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Background work goes through the tasks API (django-tasks, the backport of django.tasks)
# with the database queue worked by `manage.py db_worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A running job renews its lease every JOB_HEARTBEAT_SECONDS (0: only at each progress step);
# a job silent for JOB_LEASE_SECONDS has lost its worker and is queued again, at most
# JOB_MAX_RETRIES times, then failed. Workers look for such jobs every JOB_REAP_SECONDS.
JOB_HEARTBEAT_SECONDS = env.float("JOB_HEARTBEAT_SECONDS", default=10)
JOB_LEASE_SECONDS = env.float("JOB_LEASE_SECONDS", default=60)
JOB_MAX_RETRIES = env.int("JOB_MAX_RETRIES", default=2)
JOB_REAP_SECONDS = env.float("JOB_REAP_SECONDS", default=30)
# An e-mail the SMTP server refused or could not take is tried again after each of these delays
# in seconds (1 min, 5 min, 30 min, 2 h), then given up with an error in the log.
MAIL_RETRY_DELAYS = env.list("MAIL_RETRY_DELAYS", cast=int, default=[60, 300, 1800, 7200])

# Content-Security-Policy: the application's own origin only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# A session ends 10 hours after sign-in whatever the activity, and after 30 minutes without a
# request (accounts/middleware.py: SessionTimeoutMiddleware).
SESSION_COOKIE_AGE = 60 * 60 * 10
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)

INVITATION_VALIDITY_DAYS = 7
# The address of the site in e-mails sent outside a request (workflow notifications, reminders).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

# `load_demo` creates accounts with published passwords: only where this is on.
DEMO_ENABLED = env.bool("PILOTIS_DEMO", default=False)

# One line per event with time, level, logger, request id and user id (config/settings/logs.py);
# LOG_FORMAT=json for one JSON object a line.
LOGGING = logging_config(log_format=env("LOG_FORMAT", default="text"), level=env("LOG_LEVEL", default="INFO"))
# django-log-request-id: an id for every request, in each log line and in the answer's
# X-Request-ID header (what a user can quote to support), and one summary line per request.
REQUEST_ID_RESPONSE_HEADER = "X-Request-ID"
LOG_REQUESTS = env.bool("LOG_REQUESTS", default=True)

# --- Uploads ---
# No upload is kept beyond UPLOAD_MAX_BYTES, whatever the form (core.uploads.BoundedUploadHandler
# stops keeping it there); a file above FILE_UPLOAD_MAX_MEMORY_SIZE waits in a temporary file
# rather than in memory, and the other fields of a request may not exceed DATA_UPLOAD_MAX_MEMORY_SIZE.
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=25 * 1024 * 1024)
FILE_UPLOAD_HANDLERS = [
    "core.uploads.BoundedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Tabular imports (schools, conventions, indicator values): the file's size, an XLSX workbook's
# declared uncompressed size and number of members, and the number of data rows.
IMPORT_MAX_UPLOAD_BYTES = env.int("IMPORT_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)
IMPORT_MAX_XLSX_UNCOMPRESSED_BYTES = env.int("IMPORT_MAX_XLSX_UNCOMPRESSED_BYTES", default=60 * 1024 * 1024)
IMPORT_MAX_XLSX_MEMBERS = 1000
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=100_000)
# Above this many rows an import runs as a background job with a progress page.
IMPORT_SYNC_MAX_ROWS = env.int("IMPORT_SYNC_MAX_ROWS", default=300)
# The errors shown for a refused file; the others are counted.
IMPORT_MAX_ERRORS_SHOWN = 200
# --- end of Uploads ---

# --- Signatures (pyHanko) ---
# The platform's sealing key and certificate (PKCS#12), used for the certification of every
# convention PDF and for the signatures made on behalf of signatories.
# `manage.py create_signing_certificate` makes a local one for development and the demo.
SIGNING_P12_PATH = env("SIGNING_P12_PATH", default="")
SIGNING_P12_PASSPHRASE = env("SIGNING_P12_PASSPHRASE", default="")
# The platform's signing CA, key and certificate (PKCS#12): for each signature made on a
# signatory's behalf it issues a one-time certificate in their name (name, function,
# organisation), whose key is discarded after that signature; the certification stays the seal's.
# Empty: the signatures are made with the seal (a system check warns). The passphrase defaults to
# SIGNING_P12_PASSPHRASE (`create_signing_certificate` writes both files with the same one).
SIGNING_CA_P12_PATH = env("SIGNING_CA_P12_PATH", default="")
SIGNING_CA_P12_PASSPHRASE = env("SIGNING_CA_P12_PASSPHRASE", default="")
# RFC 3161 time-stamping authority; none by default (signatures then carry the server's clock).
SIGNING_TSA_URL = env("SIGNING_TSA_URL", default="")
# A local time-stamping unit (development and demo): its key and certificate (PKCS#12), issued by
# the platform's CA (`create_signing_certificate` writes var/signing/pilotis-tsa.p12). The tokens
# are made in-process, without HTTP. SIGNING_TSA_URL wins when both are set. The passphrase
# defaults to SIGNING_P12_PASSPHRASE.
SIGNING_TSA_P12_PATH = env("SIGNING_TSA_P12_PATH", default="")
SIGNING_TSA_P12_PASSPHRASE = env("SIGNING_TSA_P12_PASSPHRASE", default="")
# PEM files of the certificates a signature must chain to in order to be "trusted"
# (the platform's CA, the Belgian eID roots, the TSA's root), comma-separated.
SIGNING_TRUST_ROOTS = env.list("SIGNING_TRUST_ROOTS", default=[])
# PEM files of the roots a signatory's own certificate (Belgian eID) must chain to for an uploaded
# signature to be accepted; kept apart from SIGNING_TRUST_ROOTS. None: every upload is refused.
SIGNING_EID_TRUST_ROOTS = env.list("SIGNING_EID_TRUST_ROOTS", default=[])
# When the eID certificate's OCSP responder and CRL cannot be reached, the upload is refused,
# unless this is True: it is then accepted without revocation check, and the evidence says so.
SIGNING_EID_ALLOW_UNCHECKED_REVOCATION = env.bool("SIGNING_EID_ALLOW_UNCHECKED_REVOCATION", default=False)
# Longest wait for one OCSP or CRL request about an eID certificate (seconds).
SIGNING_EID_FETCH_TIMEOUT = env.float("SIGNING_EID_FETCH_TIMEOUT", default=5.0)
# The OpenType font embedded in the visible stamps of signatures (PDF/A wants every font embedded);
# DejaVu Sans comes with Debian's fonts-dejavu-core, which WeasyPrint uses too.
SIGNING_STAMP_FONT = env("SIGNING_STAMP_FONT", default="/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
# Largest PDF accepted by the public verification page.
VERIFY_MAX_UPLOAD_BYTES = env.int("VERIFY_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)
# Longest a verification may run (seconds) before the page answers that the file is too complex;
# a genuine convention takes well under one.
VERIFY_TIMEOUT_SECONDS = env.float("VERIFY_TIMEOUT_SECONDS", default=5.0)
# --- end of Signatures ---

# --- Pilotage ---
# `manage.py send_reminders` (daily) e-mails the people concerned this many days before each
# deadline of a plan de pilotage.
PILOTAGE_REMINDER_DAYS = env.int("PILOTAGE_REMINDER_DAYS", default=14)
# --- end of Pilotage ---

# --- Health (/sante/) ---
HEALTH_CHECKS = [
    "core.health.checks.Database",
    "core.health.checks.Cache",
    "core.health.worker.WorkerHeartbeat",
    "conventions.signatures.health.SigningKey",
    "conventions.signatures.health.TimestampAuthority",
]
# A heartbeat task still waiting after this many seconds: no worker takes tasks.
HEALTH_WORKER_MAX_DELAY = env.int("HEALTH_WORKER_MAX_DELAY", default=300)
# --- end of Health ---

# --- API ---
# Calls per personal token (`/api/`), counted in the cache: "120/m", "5000/h"…
API_RATE_LIMIT = env("API_RATE_LIMIT", default="120/m")
# --- end of API ---

# --- Identity (legal notice, accessibility statement, footer) ---
# Who publishes this instance: the federation (FPO) that runs it, its host and how to reach
# them. The defaults describe a demonstration; an instance in service sets its own.
PUBLISHER_NAME = env("PILOTIS_PUBLISHER_NAME", default="Instance de démonstration de Pilotis")
PUBLISHER_ADDRESS = env("PILOTIS_PUBLISHER_ADDRESS", default="")
# Numéro d'entreprise (BCE) of the publisher, if it has one.
PUBLISHER_COMPANY_NUMBER = env("PILOTIS_PUBLISHER_COMPANY_NUMBER", default="")
# Who answers for the publication (éditeur responsable), by name or function.
PUBLISHER_RESPONSIBLE = env("PILOTIS_PUBLISHER_RESPONSIBLE", default="")
CONTACT_EMAIL = env("PILOTIS_CONTACT_EMAIL", default="contact@pilotis.example")
# Where to report an accessibility problem; the general contact unless told otherwise.
ACCESSIBILITY_EMAIL = env("PILOTIS_ACCESSIBILITY_EMAIL", default=CONTACT_EMAIL)
HOST_NAME = env("PILOTIS_HOST_NAME", default="")
HOST_ADDRESS = env("PILOTIS_HOST_ADDRESS", default="")
# The date of the accessibility statement's last review (ISO, yyyy-mm-dd).
ACCESSIBILITY_STATEMENT_DATE = env("PILOTIS_ACCESSIBILITY_STATEMENT_DATE", default="2026-12-02")
# Whom to turn to when the publisher's answer about accessibility does not satisfy (the
# enforcement procedure of directive (EU) 2016/2102).
ACCESSIBILITY_ENFORCEMENT_BODY = env(
    "PILOTIS_ACCESSIBILITY_ENFORCEMENT_BODY",
    default="Médiateur de la Wallonie et de la Fédération Wallonie-Bruxelles",
)
ACCESSIBILITY_ENFORCEMENT_URL = env(
    "PILOTIS_ACCESSIBILITY_ENFORCEMENT_URL", default="https://www.le-mediateur.be/"
)
# --- end of Identity ---
