"""Development: the newcomer's first run, SQLite by default, e-mails on the console."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key-pilotis-do-not-use-in-production")

# The demo's two-factor accounts accept this code as well as their real TOTP codes.
# allauth refuses it whenever DEBUG is off.
MFA_TOTP_INSECURE_BYPASS_CODE = env("MFA_TOTP_INSECURE_BYPASS_CODE", default="000000")
