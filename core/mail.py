"""E-mails are plain text: their templates render without HTML escaping (an apostrophe in a
party's name reads « l'Enseignement », never « l&#x27;Enseignement »), through this one function
for every e-mail of the application.

Every e-mail is a background task declared with `@mail_task`: when the SMTP server refuses or
cannot be reached, the task is queued again after each delay of MAIL_RETRY_DELAYS, then given
up with an error line. The state change that asked for the e-mail was committed before the task
was queued (`transaction.on_commit`), so no SMTP failure can undo it."""

import functools
import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.template import Context
from django.template.loader import get_template
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)


class MailNotDelivered(Exception):
    """The SMTP server refused the message or could not be reached. Names the kind of e-mail
    and how many people it was for, never its content nor the addresses."""

    def __init__(self, *, kind: str, recipients: int):
        super().__init__(f"e-mail « {kind} » non remis ({recipients} destinataire(s))")
        self.kind = kind
        self.recipients = recipients


def render_plain_text(template_name: str, context: dict) -> str:
    return get_template(template_name).template.render(Context(context, autoescape=False))


def send_plain_mail(*, template: str, context: dict, to: list[str]) -> None:
    """`templates/email/<template>_subject.txt` and `_body.txt`, sent to `to`."""
    subject = " ".join(render_plain_text(f"email/{template}_subject.txt", context).split())
    body = render_plain_text(f"email/{template}_body.txt", context)
    try:
        send_mail(subject=subject, message=body, from_email=None, recipient_list=to)
    # smtplib's errors (a 421 or 451 answer, a dropped connection) are OSErrors, like a refused
    # connection or a timeout: all of them may pass, a programming error may not.
    except OSError as error:
        raise MailNotDelivered(kind=template, recipients=len(to)) from error


def mail_task(function):
    """`@mail_task` in place of `@task()` for a task that sends an e-mail: an undelivered
    message is retried later by a new task (`delivery_attempt` counts them), bounded by
    MAIL_RETRY_DELAYS. Each failed attempt still fails its own task result, with the SMTP error."""

    @functools.wraps(function)
    def deliver(*args, delivery_attempt: int = 1, **kwargs):
        try:
            return function(*args, **kwargs)
        except MailNotDelivered as failure:
            delays = settings.MAIL_RETRY_DELAYS
            cause = type(failure.__cause__).__name__
            # A backend that cannot defer (the immediate one of development and tests) would
            # retry at once, which only hammers the server.
            if delivery_attempt > len(delays) or not the_task.get_backend().supports_defer:
                logger.error(
                    "E-mail « %s » abandonné après %d tentative(s) (%s) : %d destinataire(s) ne l'ont pas reçu",
                    failure.kind,
                    delivery_attempt,
                    cause,
                    failure.recipients,
                )
                raise
            delay = delays[delivery_attempt - 1]
            the_task.using(run_after=timezone.now() + timedelta(seconds=delay)).enqueue(
                *args, delivery_attempt=delivery_attempt + 1, **kwargs
            )
            logger.warning(
                "E-mail « %s » non remis à la tentative %d (%s) : nouvel essai dans %d s",
                failure.kind,
                delivery_attempt,
                cause,
                delay,
            )
            raise

    the_task = task()(deliver)
    return the_task
