"""gunicorn's settings, the same for `make serve-prod` and deploy/pilotis-web.service.

Bound to the loopback interface: only the reverse proxy on the same machine reaches it, so that
nobody can bypass the proxy and forge X-Forwarded-For. GUNICORN_BIND changes it (for a proxy on
another machine, bind the private address and firewall it)."""

import multiprocessing
import os

wsgi_app = "config.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# As many workers as cores: each request is mostly Python, which holds one core.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count()))
# Long enough for the largest PDF generated in a request; imports and reports are background tasks.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 120))
graceful_timeout = 30
# A worker is replaced after this many requests, so that a slow leak cannot grow for ever.
max_requests = 2000
max_requests_jitter = 200
# X-Forwarded-Proto is believed only from the proxy's address.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# The application logs one line per request itself (request id and user included).
accesslog = None
errorlog = "-"
