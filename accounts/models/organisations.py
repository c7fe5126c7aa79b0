"""The parties: federations, organising authorities (PO), schools and guidance centres, each
with `objects.visible_to(user)`."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from core.scoping import ScopedQuerySet, count_of

from .roles import Role

postcode_validator = RegexValidator(
    r"^[1-9]\d{3}$", "Le code postal belge compte quatre chiffres (1000 à 9999)."
)


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


class OrganisationQuerySet(ScopedQuerySet):
    """Scoping shared by the four kinds of organisation: each model says what its people reach."""

    def visibility(self, user) -> Q:
        return self.model.visibility_filter(user)


class FederationQuerySet(OrganisationQuerySet):
    def member_of(self, user):
        """The federations the user works for (all of them for an administrator)."""
        if user.is_superuser:
            return self.all()
        return self.filter(pk__in=membership_ids(user, "federation"))

    def staffed_by(self, user):
        """The federations where the user is staff (coordination): every one for an
        administrator, none for an anonymous visitor."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(pk__in=membership_ids(user, "federation", [Role.FPO_STAFF]))

    def with_counts(self):
        return self.annotate(
            affiliated_pos=count_of(OrganisingAuthority.federations.through.objects, "federation"),
            affiliated_schools=count_of(School.objects, "federation"),
        )


class OrganisingAuthorityQuerySet(OrganisationQuerySet):
    def with_school_count(self, schools):
        """How many of `schools` (usually those the user sees) each PO organises."""
        return self.annotate(school_count=count_of(schools, "organising_authority"))


def membership_ids(user, field, roles=None):
    """The ids of the organisations of one kind (`field`: "federation", "school" …) where the
    user holds a role (one of `roles`, if given), as a subquery."""
    memberships = user.memberships.filter(**{f"{field}__isnull": False})
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
            Q(pk__in=membership_ids(user, "federation"))
            | Q(
                pk__in=affiliations.filter(
                    organisingauthority__in=membership_ids(user, "organising_authority")
                ).values("federation")
            )
            | Q(pk__in=School.objects.filter(pk__in=membership_ids(user, "school")).values("federation"))
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
            Q(pk__in=membership_ids(user, "organising_authority"))
            | Q(
                pk__in=affiliations.filter(federation__in=membership_ids(user, "federation")).values(
                    "organisingauthority"
                )
            )
            | Q(
                pk__in=School.objects.filter(pk__in=membership_ids(user, "school")).values(
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
    # What a nightly sync through the API asks for (`updated_since`).
    updated_at = models.DateTimeField("modifiée le", auto_now=True, db_index=True)

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
        federations = membership_ids(user, "federation")
        # A federation sees the schools affiliated to it, as long as their PO still is.
        still_affiliated = OrganisingAuthority.federations.through.objects.filter(
            federation__in=federations
        ).values("organisingauthority")
        return (
            Q(pk__in=membership_ids(user, "school"))
            | Q(organising_authority__in=membership_ids(user, "organising_authority"))
            | Q(federation__in=federations, organising_authority__in=still_affiliated)
        )

    def clean(self):
        # all(): the affiliations an import has prefetched with the PO, rather than a query.
        if (
            self.federation_id
            and self.organising_authority_id
            and self.federation_id not in {f.pk for f in self.organising_authority.federations.all()}
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
        return Q(pk__in=membership_ids(user, "guidance_centre")) | Q(
            federation__in=membership_ids(user, "federation")
        )
