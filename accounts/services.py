"""The verbs of the accounts app: inviting people and accepting invitations."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .models import Invitation, Membership, User
from .rules import invitable_roles


def invite_person(
    *,
    organisation,
    role: str,
    email: str,
    by: User,
    base_url: str,
    function: str = "",
    first_name: str = "",
    last_name: str = "",
) -> Invitation:
    """Invite `email` to take `role` in `organisation`, and e-mail them a single-use link."""
    if role not in invitable_roles(by, organisation):
        raise PermissionDenied("Vous ne pouvez pas inviter à ce rôle dans cette organisation.")
    email = email.strip().lower()
    invitation = Invitation(
        role=role,
        email=email,
        function=function,
        first_name=first_name,
        last_name=last_name,
        invited_by=by,
    )
    invitation.organisation = organisation
    token = invitation.issue_token()
    invitation.full_clean()
    with transaction.atomic():
        invitation.save()
        link = base_url + reverse("invitation_accept", kwargs={"token": token})
        transaction.on_commit(lambda: _send_invitation(invitation, link))
    return invitation


def _send_invitation(invitation: Invitation, link: str) -> None:
    context = {"invitation": invitation, "link": link, "days": settings.INVITATION_VALIDITY_DAYS}
    send_mail(
        subject=render_to_string("email/invitation_subject.txt", context).strip(),
        message=render_to_string("email/invitation_body.txt", context),
        from_email=None,
        recipient_list=[invitation.email],
    )


def accept_invitation(
    *,
    token: str,
    password: str | None = None,
    first_name: str = "",
    last_name: str = "",
    user: User | None = None,
) -> User:
    """Use the invitation once: create the account (or take the logged-in one) and give the role.

    The row is locked so that two clicks on the same link cannot both succeed."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().by_token(token).first()
        if invitation is None:
            raise ValidationError("Ce lien d'invitation n'est pas valable.")
        if invitation.is_accepted:
            raise ValidationError("Cette invitation a déjà été utilisée.")
        if invitation.is_expired:
            raise ValidationError("Cette invitation a expiré. Demandez-en une nouvelle.")
        if user is None:
            if User.objects.filter(email__iexact=invitation.email).exists():
                raise ValidationError(
                    "Un compte existe déjà pour cette adresse : connectez-vous pour accepter."
                )
            user = User.objects.create_user(
                invitation.email, password, first_name=first_name, last_name=last_name
            )
        elif user.email.lower() != invitation.email:
            raise ValidationError("Cette invitation est adressée à une autre adresse e-mail que la vôtre.")
        Membership.objects.get_or_create(
            user=user,
            role=invitation.role,
            federation=invitation.federation,
            organising_authority=invitation.organising_authority,
            school=invitation.school,
            guidance_centre=invitation.guidance_centre,
            defaults={"function": invitation.function},
        )
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    return user
