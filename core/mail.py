"""E-mails are plain text: their templates render without HTML escaping (an apostrophe in a
party's name reads « l'Enseignement », never « l&#x27;Enseignement »), through this one function
for every e-mail of the application."""

from django.core.mail import send_mail
from django.template import Context
from django.template.loader import get_template


def render_plain_text(template_name: str, context: dict) -> str:
    return get_template(template_name).template.render(Context(context, autoescape=False))


def send_plain_mail(*, template: str, context: dict, to: list[str]) -> None:
    """`templates/email/<template>_subject.txt` and `_body.txt`, sent to `to`."""
    send_mail(
        subject=" ".join(render_plain_text(f"email/{template}_subject.txt", context).split()),
        message=render_plain_text(f"email/{template}_body.txt", context),
        from_email=None,
        recipient_list=to,
    )
