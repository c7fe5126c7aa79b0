"""E-mails of the accounts app, sent as background tasks (django-tasks) that services queue after
commit: an SMTP hiccup never fails a request."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django_tasks import task

from .models import Invitation


@task()
def send_invitation_email(*, invitation_id: int, link: str) -> None:
    invitation = Invitation.objects.select_related(
        "federation", "organising_authority", "school", "guidance_centre", "invited_by"
    ).get(pk=invitation_id)
    context = {"invitation": invitation, "link": link, "days": settings.INVITATION_VALIDITY_DAYS}
    send_mail(
        subject=render_to_string("email/invitation_subject.txt", context).strip(),
        message=render_to_string("email/invitation_body.txt", context),
        from_email=None,
        recipient_list=[invitation.email],
    )
