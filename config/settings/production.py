"""Production: every secret from the environment, HTTPS only, never a debug page."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
DATABASES = {"default": env.db("DATABASE_URL")}
vars().update(env.email("EMAIL_URL"))
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# Behind a reverse proxy that terminates TLS and sets X-Forwarded-Proto and X-Forwarded-For.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Login and verifier limits count per client address: set TRUSTED_PROXIES (base.py) to the
# proxy's address, or every request seems to come from the proxy. allauth's own reading of
# X-Forwarded-For stays off: accounts/adapters.py believes it only from those proxies.
ALLAUTH_TRUSTED_PROXY_COUNT = 0
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Secure-sessionid"
CSRF_COOKIE_NAME = "__Secure-csrftoken"

ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"

ADMINS = [("Pilotis", a) for a in env.list("DJANGO_ADMINS", default=[])]
