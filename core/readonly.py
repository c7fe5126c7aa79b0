"""GET and HEAD requests are read-only at the database level (after les-emplois'
`itou/utils/readonly.py`): a write that sneaks into a page view fails in the tests instead of
happening in production. The rare deliberate write on GET (an "opened" event) is declared on its
view with `@writes_on_get`.

The middleware sits last, so that it wraps the view alone: the framework's own bookkeeping around
it (the session saved after the response, the cache) is not the view's doing. It holds the
project's own views (`READONLY_GET_PACKAGES`, the local apps): a third-party view (allauth's
recovery codes mark themselves as seen on GET) keeps its own behaviour."""

from contextlib import ExitStack, contextmanager

from django.conf import settings
from django.db import connections

SAFE_METHODS = ("GET", "HEAD")
WRITE_STATEMENTS = {"INSERT", "UPDATE", "DELETE", "REPLACE", "MERGE", "CREATE", "ALTER", "DROP", "TRUNCATE"}


class WriteOnReadOnlyRequest(RuntimeError):
    """A GET or HEAD view tried to change the database."""


def writes_on_get(view):
    """Declares that `view` writes on GET on purpose (say why beside it)."""
    view.writes_on_get = True
    return view


@contextmanager
def bookkeeping(request):
    """Lets a read-only request write its own bookkeeping, and nothing else, inside the block:
    an API token's last use and its rate-limit counter (kept in the cache, which is a database
    table in production). What the request reads and returns stays read-only."""
    allowed = getattr(request, "writes_allowed", True)
    request.writes_allowed = True
    try:
        yield
    finally:
        request.writes_allowed = allowed


def is_write(sql: str) -> bool:
    words = sql.lstrip(" (\n\t").split(None, 1)
    return bool(words) and words[0].upper() in WRITE_STATEMENTS


class ReadOnlyGetMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in SAFE_METHODS:
            return self.get_response(request)
        request.writes_allowed = False

        def refuse_writes(execute, sql, params, many, context):
            if not request.writes_allowed and is_write(sql):
                raise WriteOnReadOnlyRequest(
                    f"{request.method} {request.path} écrit dans la base ({sql.split(None, 3)[:3]}) : "
                    "une page ne change rien en GET, à moins de le déclarer avec @writes_on_get."
                )
            return execute(sql, params, many, context)

        with ExitStack() as stack:
            for connection in connections.all():
                stack.enter_context(connection.execute_wrapper(refuse_writes))
            return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method in SAFE_METHODS:
            ours = view_func.__module__.split(".")[0] in settings.READONLY_GET_PACKAGES
            request.writes_allowed = not ours or getattr(view_func, "writes_on_get", False)
