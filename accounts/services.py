"""The verbs of the accounts app: inviting people and accepting invitations, making and revoking
personal API tokens."""

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from .emails import send_invitation_email
from .models import ApiToken, Invitation, Membership, OrganisingAuthority, User, hash_token, new_raw_token
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
    if (
        inviter is None
        or not inviter.is_active
        or invitation.role not in invitable_roles(inviter, invitation.organisation)
    ):
        raise ValidationError(
            "Cette invitation n'est plus valable : la personne qui l'a envoyée ne peut plus inviter à ce rôle."
        )


def end_sessions_of(*users) -> int:
    """Log these users (or user ids) out everywhere at once (after their accounts are
    deactivated): every session stored for them is deleted. Returns how many there were."""
    ids = {str(getattr(user, "pk", user)) for user in users}
    ended = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if str(session.get_decoded().get(SESSION_KEY)) in ids
    ]
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)


def detach_schools_from_former_federations(organising_authority: OrganisingAuthority) -> int:
    """After a PO's affiliations change, its schools lose a federation the PO left."""
    return (
        organising_authority.schools.exclude(federation__isnull=True)
        .exclude(federation__in=organising_authority.federations.all())
        .update(federation=None, updated_at=timezone.now())
    )


# --- Personal API tokens ----------------------------------------------------------------------

MAX_ACTIVE_TOKENS = 20


def create_api_token(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`: returns it with its secret, which is shown once and never kept."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Donnez un nom au jeton (le système qui s'en servira)."})
    if ApiToken.objects.of(user).filter(revoked_at__isnull=True).count() >= MAX_ACTIVE_TOKENS:
        raise ValidationError(
            f"Vous avez déjà {MAX_ACTIVE_TOKENS} jetons actifs : révoquez-en un avant d'en créer un autre."
        )
    raw = new_raw_token()
    token = ApiToken.objects.create(user=user, name=name, token_hash=hash_token(raw))
    return token, raw


def revoke_api_token(*, token: ApiToken, by: User) -> None:
    """Revoke one of `by`'s own tokens (revoking it twice changes nothing)."""
    if token.user_id != by.pk:
        raise PermissionDenied("Ce jeton n'est pas le vôtre.")
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def find_api_token(raw: str) -> ApiToken | None:
    """The token whose secret is `raw`, usable or not (its `problem` says), or None. Only the
    hash is compared: the database never sees the secret."""
    if not raw or len(raw) > 200:
        return None
    return ApiToken.objects.select_related("user").filter(token_hash=hash_token(raw)).first()


def record_api_token_use(token: ApiToken, *, every_seconds: int = 60) -> None:
    """Note when a token was last used, at most once a minute (not one write per request)."""
    now = timezone.now()
    if token.last_used_at and (now - token.last_used_at).total_seconds() < every_seconds:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
