"""Who and which request each log line is about. django-log-request-id gives every request an
id (and its one summary line, `method=… path=… status=… user=…`); the user's id is kept beside
it here, so that every line logged while the request runs carries both."""

import contextlib
import logging

from django.core.signals import request_finished
from django.dispatch import receiver
from log_request_id import local

NONE = "-"


class RequestContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = getattr(local, "request_id", NONE)
        record.user_id = getattr(local, "user_id", NONE)
        return True


class UserIdMiddleware:
    """After the authentication middleware: the signed-in user's id for the log lines."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        local.user_id = user.pk if user is not None and user.is_authenticated else NONE
        return self.get_response(request)


@receiver(request_finished)
def _forget_user(**kwargs):
    # Once the answer is sent, not before: the request's own summary line is logged on the way out.
    with contextlib.suppress(AttributeError):
        del local.user_id
