"""Who holds which role in which organisation, and the invitations to take one."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from core.scoping import ScopedQuerySet
from core.text import lower_first

from .organisations import Federation, GuidanceCentre, OrganisingAuthority, School, membership_ids
from .roles import ORGANISATION_FIELDS, ROLES_BY_ORGANISATION_KIND, OrganisationKind, Role


class OrganisationLink(models.Model):
    """Points at exactly one organisation; memberships and invitations share it."""

    role = models.CharField("rôle", max_length=20, choices=Role.choices)
    federation = models.ForeignKey(
        Federation, on_delete=models.CASCADE, null=True, blank=True, verbose_name="fédération"
    )
    organising_authority = models.ForeignKey(
        OrganisingAuthority,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        verbose_name="pouvoir organisateur",
    )
    school = models.ForeignKey(School, on_delete=models.CASCADE, null=True, blank=True, verbose_name="école")
    guidance_centre = models.ForeignKey(
        GuidanceCentre, on_delete=models.CASCADE, null=True, blank=True, verbose_name="centre PMS"
    )
    function = models.CharField(
        "fonction",
        max_length=200,
        blank=True,
        help_text="Par exemple : Échevine de l'Instruction publique, Secrétaire communal.",
    )

    class Meta:
        abstract = True

    @property
    def organisation(self):
        return self.federation or self.organising_authority or self.school or self.guidance_centre

    @organisation.setter
    def organisation(self, organisation):
        for field in ORGANISATION_FIELDS.values():
            setattr(self, field, None)
        setattr(self, ORGANISATION_FIELDS[organisation_kind(organisation)], organisation)

    @classmethod
    def one_organisation_with_a_fitting_role(cls, name):
        """One organisation only, and a role that this kind of organisation gives."""
        conditions = []
        for kind, field in ORGANISATION_FIELDS.items():
            others = {f"{other}__isnull": True for other in ORGANISATION_FIELDS.values() if other != field}
            conditions.append(
                Q(**{f"{field}__isnull": False}, **others) & Q(role__in=ROLES_BY_ORGANISATION_KIND[kind])
            )
        condition = conditions[0]
        for other in conditions[1:]:
            condition |= other
        return models.CheckConstraint(
            condition=condition,
            name=name,
            violation_error_message="Choisissez une seule organisation, et un rôle qui existe dans celle-ci.",
        )

    def clean(self):
        chosen = [field for field in ORGANISATION_FIELDS.values() if getattr(self, f"{field}_id")]
        if len(chosen) != 1:
            raise ValidationError(
                "Choisissez une seule organisation : une fédération, un PO, une école ou un centre PMS."
            )
        organisation = self.organisation
        allowed = ROLES_BY_ORGANISATION_KIND[organisation_kind(organisation)]
        if self.role and self.role not in allowed:
            raise ValidationError(
                {"role": f"Ce rôle n'existe pas pour {lower_first(organisation_kind(organisation).label)}."}
            )


def organisation_kind(organisation) -> OrganisationKind:
    return {
        Federation: OrganisationKind.FEDERATION,
        OrganisingAuthority: OrganisationKind.ORGANISING_AUTHORITY,
        School: OrganisationKind.SCHOOL,
        GuidanceCentre: OrganisationKind.GUIDANCE_CENTRE,
    }[type(organisation)]


class MembershipQuerySet(ScopedQuerySet):
    def with_organisations(self):
        return self.select_related("federation", "organising_authority", "school", "guidance_centre")

    def visibility(self, user) -> Q:
        """The people of the POs, schools and centres a user can see; a federation's own people
        only to those who work for it."""
        return (
            Q(federation__in=membership_ids(user, "federation"))
            | Q(organising_authority__in=OrganisingAuthority.objects.visible_to(user))
            | Q(school__in=School.objects.visible_to(user))
            | Q(guidance_centre__in=GuidanceCentre.objects.visible_to(user))
        )


class Membership(OrganisationLink):
    """A user's role in one organisation. A user may hold several."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name="utilisateur",
    )
    created_at = models.DateTimeField("depuis le", auto_now_add=True)

    objects = MembershipQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "rôle dans une organisation"
        verbose_name_plural = "rôles dans les organisations"
        ordering = ["user", "role"]
        constraints = [
            OrganisationLink.one_organisation_with_a_fitting_role("membership_one_organisation"),
            *[
                models.UniqueConstraint(
                    fields=["user", "role", field],
                    condition=Q(**{f"{field}__isnull": False}),
                    name=f"membership_unique_role_in_{field}",
                    violation_error_message="Cette personne a déjà ce rôle dans cette organisation.",
                )
                for field in ORGANISATION_FIELDS.values()
            ],
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} — {self.organisation}"


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(accepted_at__isnull=True, expires_at__gt=timezone.now())

    def by_token(self, token: str):
        return self.filter(token_hash=_hash_token(token))


class Invitation(OrganisationLink):
    """An invitation by e-mail to take a role in an organisation. The link carries a random
    token; only its hash is stored, so the database never holds a usable link."""

    email = models.EmailField("adresse e-mail")
    first_name = models.CharField("prénom", max_length=150, blank=True)
    last_name = models.CharField("nom", max_length=150, blank=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="invitations_sent",
        verbose_name="invité par",
    )
    created_at = models.DateTimeField("envoyée le", auto_now_add=True)
    expires_at = models.DateTimeField("expire le")
    accepted_at = models.DateTimeField("acceptée le", null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations_accepted",
        verbose_name="acceptée par",
    )

    objects = InvitationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "invitation"
        verbose_name_plural = "invitations"
        ordering = ["-created_at"]
        constraints = [
            OrganisationLink.one_organisation_with_a_fitting_role("invitation_one_organisation"),
        ]

    def __str__(self):
        return f"{self.email} — {self.get_role_display()} — {self.organisation}"

    def issue_token(self) -> str:
        """Give the invitation a fresh token and validity; returns the token for the link."""
        token = secrets.token_urlsafe(32)
        self.token_hash = _hash_token(token)
        self.expires_at = timezone.now() + timedelta(days=settings.INVITATION_VALIDITY_DAYS)
        return token

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at

    @property
    def is_accepted(self) -> bool:
        return self.accepted_at is not None

    @property
    def problem(self) -> str:
        """Why this invitation can no longer be used, in French; empty while it can."""
        if self.is_accepted:
            return "Cette invitation a déjà été utilisée. Connectez-vous avec votre adresse e-mail."
        if self.is_expired:
            return "Cette invitation a expiré. Demandez-en une nouvelle à la personne qui vous l'a envoyée."
        return ""
