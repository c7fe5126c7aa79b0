"""E-mails of the accounts app, sent as background tasks (django-tasks) that services queue after
commit: an SMTP hiccup never fails a request."""

from django.conf import settings

from core.mail import mail_task, send_plain_mail

from .models import Invitation


@mail_task
def send_invitation_email(*, invitation_id: int, link: str) -> None:
    invitation = Invitation.objects.select_related(
        "federation", "organising_authority", "school", "guidance_centre", "invited_by"
    ).get(pk=invitation_id)
    context = {"invitation": invitation, "link": link, "days": settings.INVITATION_VALIDITY_DAYS}
    send_plain_mail(template="invitation", context=context, to=[invitation.email])
