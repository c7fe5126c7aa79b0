"""The e-mails of the pilotage app, sent in the background (django-tasks): services queue them
once their transaction commits."""

from core.mail import mail_task, send_plain_mail

from .models import Plan


@mail_task
def send_deadline_reminder(
    *, plan_id: int, label: str, due_on: str, recipients: list[str], link: str
) -> None:
    """The reminder of one deadline of a plan (`manage.py send_reminders`)."""
    plan = Plan.objects.select_related("school__organising_authority", "accompaniment__federation").get(
        pk=plan_id
    )
    context = {"plan": plan, "school": plan.school, "label": label, "due_on": due_on, "link": link}
    send_plain_mail(template="pilotage_reminder", context=context, to=recipients)
