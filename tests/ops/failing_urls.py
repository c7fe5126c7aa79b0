"""A URL configuration for tests/ops/test_database_unavailable.py: the site's own, plus pages
that fail as they do when the database is out of reach, or for another reason."""

from django.contrib.auth.decorators import login_not_required
from django.db import InterfaceError, OperationalError
from django.urls import path

from config.urls import handler500, urlpatterns

__all__ = ["handler500", "urlpatterns"]


@login_not_required
def database_refuses(request):
    raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')


@login_not_required
def connection_closed(request):
    raise InterfaceError("connection already closed")


@login_not_required
def bug(request):
    raise ZeroDivisionError


urlpatterns = [
    path("panne/refus/", database_refuses),
    path("panne/fermee/", connection_closed),
    path("panne/bogue/", bug),
    *urlpatterns,
]
