"""The parties (federations, organising authorities, schools, guidance centres), the people
and the roles that tie them together."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

postcode_validator = RegexValidator(
    r"^[1-9]\d{3}$", "Le code postal belge compte quatre chiffres (1000 à 9999)."
)


class Role(models.TextChoices):
    FPO_STAFF = "fpo_staff", "Coordination de la fédération"
    FPO_ADVISER = "fpo_adviser", "Conseiller au soutien et à l'accompagnement"
    PO_REFERENT = "po_referent", "Référent pilotage du PO"
    SIGNATORY = "signatory", "Signataire"
    SCHOOL_DIRECTION = "school_direction", "Direction d'école"
    DCO = "dco", "Délégué au contrat d'objectifs (lecture seule)"


class OrganisationKind(models.TextChoices):
    FEDERATION = "federation", "Fédération de PO"
    ORGANISING_AUTHORITY = "organising_authority", "Pouvoir organisateur"
    SCHOOL = "school", "École"
    GUIDANCE_CENTRE = "guidance_centre", "Centre PMS"


# Which roles each kind of organisation can give. The same table drives the database
# constraint, the forms and the invitations.
ROLES_BY_ORGANISATION_KIND = {
    OrganisationKind.FEDERATION: [Role.FPO_STAFF, Role.FPO_ADVISER, Role.SIGNATORY],
    OrganisationKind.ORGANISING_AUTHORITY: [Role.PO_REFERENT, Role.SIGNATORY],
    OrganisationKind.SCHOOL: [Role.SCHOOL_DIRECTION, Role.DCO],
    OrganisationKind.GUIDANCE_CENTRE: [Role.SIGNATORY],
}
ORGANISATION_FIELDS = {
    OrganisationKind.FEDERATION: "federation",
    OrganisationKind.ORGANISING_AUTHORITY: "organising_authority",
    OrganisationKind.SCHOOL: "school",
    OrganisationKind.GUIDANCE_CENTRE: "guidance_centre",
}


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("L'adresse e-mail est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person who logs in with their e-mail address. Superusers are the administrators."""

    username = None
    email = models.EmailField("adresse e-mail", unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = "utilisateur"
        verbose_name_plural = "utilisateurs"
        ordering = ["last_name", "first_name", "email"]

    def __str__(self):
        return self.get_full_name() or self.email

    def requires_two_factor(self) -> bool:
        """Whoever can open the admin, and federation staff, must protect their account with TOTP."""
        return self.is_staff or self.is_superuser or self.memberships.filter(role=Role.FPO_STAFF).exists()


class Address(models.Model):
    street = models.CharField("rue et numéro", max_length=200, blank=True)
    postcode = models.CharField("code postal", max_length=4, blank=True, validators=[postcode_validator])
    city = models.CharField("localité", max_length=100, blank=True)

    class Meta:
        abstract = True

    @property
    def address(self) -> str:
        locality = " ".join(part for part in (self.postcode, self.city) if part)
        return ", ".join(part for part in (self.street, locality) if part)


class OrganisationQuerySet(models.QuerySet):
    """Scoping shared by the four kinds of organisation: `visible_to(user)` keeps what the
    user's memberships reach, and nothing else."""

    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        # Subqueries on primary and foreign keys only: no join, so no duplicates to remove.
        return self.filter(self.model.visibility_filter(user))


def count_of(queryset, field):
    """A correlated COUNT subquery, for annotations: far cheaper than joining every row and
    counting distinct values when several counts are wanted."""
    counted = queryset.filter(**{field: OuterRef("pk")}).order_by().values(field)
    return Coalesce(Subquery(counted.annotate(n=Count("pk")).values("n")), 0)


class FederationQuerySet(OrganisationQuerySet):
    def member_of(self, user):
        """The federations the user works for (all of them for an administrator)."""
        if user.is_superuser:
            return self.all()
        return self.filter(pk__in=_membership_ids(user, "federation"))

    def with_counts(self):
        return self.annotate(
            affiliated_pos=count_of(OrganisingAuthority.federations.through.objects, "federation"),
            affiliated_schools=count_of(School.objects, "federation"),
        )


class OrganisingAuthorityQuerySet(OrganisationQuerySet):
    def with_school_count(self, schools):
        """How many of `schools` (usually those the user sees) each PO organises."""
        return self.annotate(school_count=count_of(schools, "organising_authority"))


def _membership_ids(user, field, roles=None):
    memberships = Membership.objects.filter(user=user, **{f"{field}__isnull": False})
    if roles:
        memberships = memberships.filter(role__in=roles)
    return memberships.values(field)


class Federation(Address):
    """A federation of organising authorities (FPO), such as CPEONS or CECP."""

    code = models.SlugField("sigle", max_length=20, unique=True, allow_unicode=False)
    name = models.CharField("nom", max_length=200, unique=True)
    email = models.EmailField("e-mail de contact", blank=True)

    objects = FederationQuerySet.as_manager()

    class Meta:
        verbose_name = "fédération de PO"
        verbose_name_plural = "fédérations de PO"
        ordering = ["code"]

    def __str__(self):
        return self.code

    @staticmethod
    def visibility_filter(user):
        affiliations = OrganisingAuthority.federations.through.objects
        return (
            Q(pk__in=_membership_ids(user, "federation"))
            | Q(
                pk__in=affiliations.filter(
                    organisingauthority__in=_membership_ids(user, "organising_authority")
                ).values("federation")
            )
            | Q(pk__in=School.objects.filter(pk__in=_membership_ids(user, "school")).values("federation"))
        )


class OrganisingAuthority(Address):
    """A pouvoir organisateur (PO): the commune, city, province or association that
    organises schools."""

    class Kind(models.TextChoices):
        VILLE = "ville", "Ville"
        COMMUNE = "commune", "Commune"
        PROVINCE = "province", "Province"
        COCOF = "cocof", "Commission communautaire française"
        ASBL = "asbl", "ASBL"
        OTHER = "autre", "Autre"

    name = models.CharField("nom", max_length=200, unique=True)
    kind = models.CharField("type", max_length=20, choices=Kind.choices)
    federations = models.ManyToManyField(
        Federation,
        related_name="organising_authorities",
        verbose_name="fédérations d'affiliation",
        blank=True,
    )
    email = models.EmailField("e-mail de contact", blank=True)

    objects = OrganisingAuthorityQuerySet.as_manager()

    class Meta:
        verbose_name = "pouvoir organisateur"
        verbose_name_plural = "pouvoirs organisateurs"
        ordering = ["name"]

    def __str__(self):
        return self.name

    @staticmethod
    def visibility_filter(user):
        affiliations = OrganisingAuthority.federations.through.objects
        return (
            Q(pk__in=_membership_ids(user, "organising_authority"))
            | Q(
                pk__in=affiliations.filter(federation__in=_membership_ids(user, "federation")).values(
                    "organisingauthority"
                )
            )
            | Q(
                pk__in=School.objects.filter(pk__in=_membership_ids(user, "school")).values(
                    "organising_authority"
                )
            )
        )


class SchoolQuerySet(OrganisationQuerySet):
    def with_parties(self):
        return self.select_related("organising_authority", "federation")


class School(Address):
    """A school (établissement), known by its FASE number."""

    class Level(models.TextChoices):
        MATERNEL = "maternel", "Maternel"
        PRIMAIRE = "primaire", "Primaire"
        FONDAMENTAL = "fondamental", "Fondamental"
        SECONDAIRE = "secondaire", "Secondaire"

    class Wave(models.IntegerChoices):
        FIRST = 1, "Première phase"
        SECOND = 2, "Deuxième phase"
        THIRD = 3, "Troisième phase"

    fase = models.PositiveIntegerField("numéro FASE", unique=True)
    name = models.CharField("nom", max_length=200)
    organising_authority = models.ForeignKey(
        OrganisingAuthority,
        on_delete=models.PROTECT,
        related_name="schools",
        verbose_name="pouvoir organisateur",
    )
    federation = models.ForeignKey(
        Federation,
        on_delete=models.PROTECT,
        related_name="schools",
        verbose_name="fédération d'affiliation",
        null=True,
        blank=True,
    )
    level = models.CharField("niveau", max_length=20, choices=Level.choices)
    specialised = models.BooleanField("enseignement spécialisé", default=False)
    wave = models.PositiveSmallIntegerField(
        "phase des plans de pilotage",
        choices=Wave.choices,
        validators=[MinValueValidator(1), MaxValueValidator(3)],
    )

    objects = SchoolQuerySet.as_manager()

    class Meta:
        verbose_name = "école"
        verbose_name_plural = "écoles"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(fase__gte=1), name="school_fase_positive"),
            models.CheckConstraint(condition=Q(wave__in=[1, 2, 3]), name="school_wave_known"),
        ]

    def __str__(self):
        return f"{self.name} (FASE {self.fase})"

    def get_absolute_url(self):
        return reverse("school_detail", kwargs={"fase": self.fase})

    @property
    def teaching(self) -> str:
        kind = "spécialisé" if self.specialised else "ordinaire"
        return f"{self.get_level_display()} {kind}"

    @staticmethod
    def visibility_filter(user):
        federations = _membership_ids(user, "federation")
        # A federation sees the schools affiliated to it, as long as their PO still is.
        still_affiliated = OrganisingAuthority.federations.through.objects.filter(
            federation__in=federations
        ).values("organisingauthority")
        return (
            Q(pk__in=_membership_ids(user, "school"))
            | Q(organising_authority__in=_membership_ids(user, "organising_authority"))
            | Q(federation__in=federations, organising_authority__in=still_affiliated)
        )

    def clean(self):
        if (
            self.federation_id
            and self.organising_authority_id
            and not self.organising_authority.federations.filter(pk=self.federation_id).exists()
        ):
            raise ValidationError(
                {"federation": "Le pouvoir organisateur de l'école n'est pas affilié à cette fédération."}
            )


class GuidanceCentre(Address):
    """A centre psycho-médico-social (centre PMS) that signs cooperation agreements with schools."""

    name = models.CharField("nom", max_length=200, unique=True)
    federation = models.ForeignKey(
        Federation,
        on_delete=models.PROTECT,
        related_name="guidance_centres",
        verbose_name="fédération",
        null=True,
        blank=True,
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = "centre PMS"
        verbose_name_plural = "centres PMS"
        ordering = ["name"]

    def __str__(self):
        return self.name

    @staticmethod
    def visibility_filter(user):
        return Q(pk__in=_membership_ids(user, "guidance_centre")) | Q(
            federation__in=_membership_ids(user, "federation")
        )


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
                {"role": f"Ce rôle n'existe pas pour {organisation_kind(organisation).label.lower()}."}
            )


def organisation_kind(organisation) -> OrganisationKind:
    return {
        Federation: OrganisationKind.FEDERATION,
        OrganisingAuthority: OrganisationKind.ORGANISING_AUTHORITY,
        School: OrganisationKind.SCHOOL,
        GuidanceCentre: OrganisationKind.GUIDANCE_CENTRE,
    }[type(organisation)]


class MembershipQuerySet(models.QuerySet):
    def with_organisations(self):
        return self.select_related("federation", "organising_authority", "school", "guidance_centre")

    def visible_to(self, user):
        """The people of the POs, schools and centres a user can see; a federation's own people
        only to those who work for it."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(
            Q(federation__in=_membership_ids(user, "federation"))
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
