"""The page of an uncaught error (`handler500`). When the database is out of reach (a restart, a
failover, a full connection pool), the person is told so in plain French with a 503 and a short
Retry-After, rather than shown the generic error page: nothing of theirs is lost and the next
request will find the database again (Django drops a connection that failed at the end of the
request, and CONN_HEALTH_CHECKS checks a kept one before reusing it)."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

UNAVAILABLE_RETRY_SECONDS = 5


@requires_csrf_token
def server_error(request):
    # Called by Django while it handles the exception: sys.exc_info() is that exception.
    error = sys.exc_info()[1]
    if isinstance(error, (OperationalError, InterfaceError)):
        # Rendered without the request: no context processor, so no query to a database that is away.
        body = loader.get_template("core/database_unavailable.html").render()
        response = HttpResponseServerError(body, status=503)
        response["Retry-After"] = str(UNAVAILABLE_RETRY_SECONDS)
        return response
    return HttpResponseServerError(loader.get_template("500.html").render())
