"""The e-mails of conventions, sent in the background (django-tasks): after each step of the
workflow, a comment of the review, a signatory's personal link, the signed convention. Services queue them with
`transaction.on_commit`."""

from django.conf import settings
from django.urls import reverse

from accounts.models import Membership, Role, User
from core.mail import mail_task, send_plain_mail

from .models import Convention, ConventionTransition, Party, ReviewComment, Signature, SignatureRequest
from .workflow import TRANSITIONS, Actor


def recipients(convention, actors) -> list[str]:
    """The people a step concerns: the federation's staff, the PO's référents."""
    roles = {Actor.FPO: ("federation", Role.FPO_STAFF), Actor.PO: ("organising_authority", Role.PO_REFERENT)}
    emails = set()
    for actor in actors:
        if actor in roles:
            field, role = roles[actor]
            organisation = getattr(convention, f"{field}_id")
            emails.update(
                Membership.objects.filter(role=role, **{field: organisation}).values_list(
                    "user__email", flat=True
                )
            )
    return sorted(emails)


@mail_task
def send_transition_email(*, transition_id: int) -> None:
    record = ConventionTransition.objects.select_related(
        "convention__organising_authority", "convention__federation", "by"
    ).get(pk=transition_id)
    transition = TRANSITIONS.get(record.name)
    actors = transition.notify if transition else {Actor.FPO, Actor.PO}
    to = [
        email for email in recipients(record.convention, actors) if not record.by or email != record.by.email
    ]
    if not to:
        return
    context = {
        "record": record,
        "convention": record.convention,
        "link": settings.SITE_URL.rstrip("/")
        + reverse("convention_detail", args=[record.convention.reference]),
    }
    send_plain_mail(template="convention_transition", context=context, to=to)


@mail_task
def send_signature_request_email(*, request_id: int, link: str, reminder: bool = False) -> None:
    """A signatory's personal link (first sending or reminder)."""
    request = SignatureRequest.objects.select_related(
        "signatory", "convention__federation", "convention__organising_authority"
    ).get(pk=request_id)
    signatory = request.signatory
    if not signatory.email:
        return
    context = {
        "request": request,
        "signatory": signatory,
        "convention": request.convention,
        "link": link,
        "reminder": reminder,
        "has_account": User.objects.filter(email__iexact=signatory.email).exists(),
        "login": settings.SITE_URL.rstrip("/") + reverse("account_login"),
    }
    send_plain_mail(template="signature_request", context=context, to=[signatory.email])


@mail_task
def send_signed_convention_email(*, convention_id: int, revision: int) -> None:
    """Everybody concerned gets the link to the signed PDF."""
    convention = Convention.objects.select_related("federation", "organising_authority").get(pk=convention_id)
    to = set(recipients(convention, {Actor.FPO, Actor.PO}))
    to.update(email for email in convention.signatories.values_list("email", flat=True) if email)
    if not to:
        return
    base = settings.SITE_URL.rstrip("/")
    context = {
        "convention": convention,
        "link": base + reverse("convention_document", args=[convention.reference, revision]),
        "evidence": base + reverse("convention_evidence", args=[convention.reference]),
        "verify": base + reverse("verify_document"),
    }
    send_plain_mail(template="signature_completed", context=context, to=sorted(to))


@mail_task
def send_declined_to_signers_email(*, request_id: int) -> None:
    """Those who had already signed the round learn that a refusal ended it: their signature
    will not take effect."""
    declined = SignatureRequest.objects.select_related(
        "signatory", "convention__federation", "convention__organising_authority"
    ).get(pk=request_id)
    signers = Signature.objects.filter(prepared=declined.prepared_id).select_related("signatory")
    to = sorted({signature.signatory.email for signature in signers if signature.signatory.email})
    if not to:
        return
    context = {
        "convention": declined.convention,
        "declined": declined,
        "link": settings.SITE_URL.rstrip("/")
        + reverse("convention_detail", args=[declined.convention.reference]),
    }
    send_plain_mail(template="signature_declined", context=context, to=to)


@mail_task
def send_review_comment_email(*, comment_id: int) -> None:
    """A comment or an answer of the review reaches the other party."""
    comment = ReviewComment.objects.select_related(
        "convention__federation", "convention__organising_authority", "article", "author"
    ).get(pk=comment_id)
    other = Actor.FPO if comment.party == Party.PO else Actor.PO
    to = [email for email in recipients(comment.convention, {other}) if email != comment.author.email]
    if not to:
        return
    thread = comment.parent_id or comment.pk
    context = {
        "comment": comment,
        "convention": comment.convention,
        "link": settings.SITE_URL.rstrip("/")
        + reverse("convention_detail", args=[comment.convention.reference])
        + f"#commentaire-{thread}",
    }
    send_plain_mail(template="review_comment", context=context, to=to)
