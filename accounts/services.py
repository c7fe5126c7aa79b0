"""The verbs of the accounts app: inviting people and accepting invitations."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from .emails import send_invitation_email
from .models import Invitation, Membership, OrganisingAuthority, User
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
    email = User.objects.normalize_email(email.strip()).lower()
    if email == by.email.lower():
        raise ValidationError({"email": "Vous ne pouvez pas vous inviter vous-même."})
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
        transaction.on_commit(lambda: send_invitation_email.enqueue(invitation_id=invitation.pk, link=link))
    return invitation


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
    try:
        with transaction.atomic():
            invitation = Invitation.objects.select_for_update().by_token(token).first()
            _check_usable(invitation)
            if user is None:
                if User.objects.filter(email__iexact=invitation.email).exists():
                    raise ValidationError(
                        "Un compte existe déjà pour cette adresse : connectez-vous pour accepter."
                    )
                user = User.objects.create_user(
                    invitation.email, password, first_name=first_name, last_name=last_name
                )
            elif user.email.lower() != invitation.email:
                raise ValidationError(
                    "Cette invitation est adressée à une autre adresse e-mail que la vôtre."
                )
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
    except IntegrityError:
        # Another invitation for the same address was accepted at the same moment.
        raise ValidationError(
            "Un compte existe déjà pour cette adresse : connectez-vous pour accepter."
        ) from None
    return user


def find_usable_invitation(token: str) -> Invitation:
    """The invitation behind a link, or a ValidationError saying in French why it cannot be used."""
    invitation = (
        Invitation.objects.by_token(token)
        .select_related("federation", "organising_authority", "school", "guidance_centre", "invited_by")
        .first()
    )
    _check_usable(invitation)
    return invitation


def _check_usable(invitation: Invitation | None) -> None:
    if invitation is None:
        raise ValidationError("Ce lien d'invitation n'est pas valable. Vérifiez qu'il est complet.")
    if invitation.problem:
        raise ValidationError(invitation.problem)
    # The inviter may have lost the right to invite since: the invitation falls with it.
    inviter = invitation.invited_by
    if inviter is None or invitation.role not in invitable_roles(inviter, invitation.organisation):
        raise ValidationError(
            "Cette invitation n'est plus valable : la personne qui l'a envoyée ne peut plus inviter à ce rôle."
        )


def detach_schools_from_former_federations(organising_authority: OrganisingAuthority) -> int:
    """After a PO's affiliations change, its schools lose a federation the PO left."""
    return (
        organising_authority.schools.exclude(federation__isnull=True)
        .exclude(federation__in=organising_authority.federations.all())
        .update(federation=None)
    )
