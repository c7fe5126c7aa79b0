"""The e-mails of the pilotage app, sent in the background (django-tasks): services queue them
once their transaction commits."""

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django_tasks import task

from .models import Plan


@task()
def send_deadline_reminder(
    *, plan_id: int, label: str, due_on: str, recipients: list[str], link: str
) -> None:
    """The reminder of one deadline of a plan (`manage.py send_reminders`)."""
    plan = Plan.objects.select_related("school__organising_authority", "accompaniment__federation").get(
        pk=plan_id
    )
    context = {"plan": plan, "school": plan.school, "label": label, "due_on": due_on, "link": link}
    send_mail(
        subject=render_to_string("email/pilotage_reminder_subject.txt", context).strip(),
        message=render_to_string("email/pilotage_reminder_body.txt", context),
        from_email=None,
        recipient_list=recipients,
    )
