"""Conventions made from a template: parties, signatories, contacts, history, text versions,
termination notices and the reference numbering."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts.models import Federation, GuidanceCentre, OrganisingAuthority, School, membership_ids
from core.scoping import ScopedQuerySet
from core.values import sane_date, years_after

from .templates import ConventionTemplate, Party


class State(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    TO_COMPLETE = "to_complete", "À compléter par le PO"
    IN_REVIEW = "in_review", "En relecture (fédération)"
    CHANGES_REQUESTED = "changes_requested", "Modifications demandées"
    READY = "ready", "Prête à signer"
    SIGNING = "signing", "En signature"
    SIGNED = "signed", "Signée"
    TERMINATION_NOTICE = "termination_notice", "Résiliation notifiée"
    TERMINATED = "terminated", "Résiliée"
    EXPIRED = "expired", "Expirée"
    CANCELLED = "cancelled", "Annulée"


# The text is frozen from "prête à signer" on.
FROZEN_STATES = {
    State.READY,
    State.SIGNING,
    State.SIGNED,
    State.TERMINATION_NOTICE,
    State.TERMINATED,
    State.EXPIRED,
}


# The schools covered are kept with each version, so that the journal shows them change; kept
# by name so that a conditional update() can record its version (`record_version`).
CONVENTION_HISTORY = HistoricalRecords(excluded_fields=["lock_version", "updated_at"], m2m_fields=["schools"])


def record_version(convention, *, by) -> None:
    """The audit trail's version of `convention` as it now is, for a write that sent no signal."""
    convention._history_user = by
    CONVENTION_HISTORY.create_historical_record(convention, "~")


class ConventionQuerySet(ScopedQuerySet):
    def visibility(self, user) -> Q:
        """A federation's people see its conventions; a PO's people, the PO's; a school's
        direction and DCO, those that cover their school."""
        return (
            Q(federation__in=membership_ids(user, "federation"))
            | Q(organising_authority__in=membership_ids(user, "organising_authority"))
            | Q(
                pk__in=Convention.schools.through.objects.filter(
                    school__in=membership_ids(user, "school")
                ).values("convention")
            )
            | Q(guidance_centre__in=membership_ids(user, "guidance_centre"))
        )

    def for_list(self):
        return self.select_related("template", "federation", "organising_authority").prefetch_related(
            "schools"
        )


class Convention(models.Model):
    reference = models.CharField("référence", max_length=40, unique=True)
    template = models.ForeignKey(
        ConventionTemplate, on_delete=models.PROTECT, related_name="conventions", verbose_name="modèle"
    )
    federation = models.ForeignKey(
        Federation, on_delete=models.PROTECT, related_name="conventions", verbose_name="fédération"
    )
    organising_authority = models.ForeignKey(
        OrganisingAuthority,
        on_delete=models.PROTECT,
        related_name="conventions",
        verbose_name="pouvoir organisateur",
    )
    schools = models.ManyToManyField(School, related_name="conventions", blank=True, verbose_name="écoles")
    guidance_centre = models.ForeignKey(
        GuidanceCentre,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="conventions",
        verbose_name="centre",
    )
    amendment_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="amendments",
        verbose_name="avenant à",
    )
    amendment_ground = models.TextField("motif de l'avenant", blank=True)
    state = models.CharField("état", max_length=20, choices=State.choices, default=State.DRAFT)
    # Optimistic concurrency: every save of the PO's part checks and increments it.
    lock_version = models.PositiveIntegerField(default=1)
    start_date = models.DateField("prise de cours", null=True, blank=True, validators=[sane_date])
    end_date = models.DateField("fin", null=True, blank=True, validators=[sane_date])
    council_decision_date = models.DateField(
        "date de la décision du conseil", null=True, blank=True, validators=[sane_date]
    )
    council_decision_reference = models.CharField(
        "référence de la décision du conseil", max_length=100, blank=True
    )
    signed_at = models.DateTimeField("en vigueur depuis", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="créée par",
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    objects = ConventionQuerySet.as_manager()
    history = CONVENTION_HISTORY

    class Meta:
        verbose_name = "convention"
        verbose_name_plural = "conventions"
        ordering = ["-created_at", "-reference"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gt=models.F("start_date")),
                name="convention_dates_in_order",
                violation_error_message="La date de fin doit suivre la date de prise de cours.",
            )
        ]
        indexes = [models.Index(fields=["state"])]

    def __str__(self):
        return self.reference

    def get_absolute_url(self):
        return reverse("convention_detail", args=[self.reference])

    @property
    def is_frozen(self) -> bool:
        return self.state in FROZEN_STATES

    @property
    def kind(self) -> str:
        return self.template.kind

    def get_state_display(self) -> str:
        label = State(self.state).label
        # A cooperation agreement is reviewed by its centre, not by a federation.
        return label.replace("(fédération)", "(centre)") if self.guidance_centre_id else label

    def outside_period(self, day, *, what: str) -> str:
        """Why `day` cannot belong to this convention ("" if it can): what is recorded under a
        convention falls within its period, once the period is known."""
        if day is None or not (self.start_date and self.end_date):
            return ""
        if self.start_date <= day <= self.end_date:
            return ""
        return (
            f"{what} du {day:%d/%m/%Y} tombe en dehors de la convention {self.reference}, "
            f"en vigueur du {self.start_date:%d/%m/%Y} au {self.end_date:%d/%m/%Y}."
        )

    def clean(self):
        if self.start_date and self.end_date and self.end_date <= self.start_date:
            raise ValidationError({"end_date": "La date de fin doit suivre la date de prise de cours."})
        years = self.template.duration_years if self.template_id else None
        if (
            years
            and self.start_date
            and self.end_date
            and self.end_date > years_after(self.start_date, years)
        ):
            raise ValidationError(
                {
                    "end_date": f"Le modèle prévoit une durée de {years} an{'s' if years > 1 else ''} au plus : "
                    f"la fin ne peut dépasser le {years_after(self.start_date, years):%d/%m/%Y}."
                }
            )
        if self.council_decision_date and self.start_date and self.council_decision_date > self.start_date:
            raise ValidationError(
                {"council_decision_date": "La décision du conseil doit précéder la prise de cours."}
            )


class ConventionSignatory(models.Model):
    """A named signatory of a convention, in the place the template gives them."""

    convention = models.ForeignKey(
        Convention, on_delete=models.CASCADE, related_name="signatories", verbose_name="convention"
    )
    party = models.CharField("partie", max_length=10, choices=Party.choices)
    step = models.PositiveSmallIntegerField("étape de signature", default=1)
    position = models.PositiveSmallIntegerField("position", default=0)
    civility = models.CharField(
        "civilité", max_length=10, blank=True, choices=[("Madame", "Madame"), ("Monsieur", "Monsieur")]
    )
    full_name = models.CharField("nom et prénom", max_length=150, blank=True)
    function = models.CharField("fonction", max_length=200)
    email = models.EmailField("adresse e-mail", blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="signatory_roles",
        verbose_name="compte",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "signataire"
        verbose_name_plural = "signataires"
        ordering = ["convention", "step", "position"]

    def __str__(self):
        return f"{self.display_name}, {self.function}"

    @property
    def display_name(self) -> str:
        return " ".join(part for part in (self.civility, self.full_name) if part) or "…"

    @property
    def field_name(self) -> str:
        return f"Signature-{self.step}-{self.position}"


class ConventionContact(models.Model):
    """One of the PO's contact persons for the convention (référent pilotage…)."""

    convention = models.ForeignKey(
        Convention, on_delete=models.CASCADE, related_name="contacts", verbose_name="convention"
    )
    full_name = models.CharField("nom et prénom", max_length=150)
    function = models.CharField("fonction", max_length=200)
    email = models.EmailField("adresse e-mail")
    phone = models.CharField("téléphone", max_length=30, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "personne de contact"
        verbose_name_plural = "personnes de contact"
        ordering = ["convention", "position", "pk"]

    def __str__(self):
        return f"{self.full_name}, {self.function}"


class ConventionTransition(models.Model):
    """The history of a convention: who moved it from which state to which, when, why."""

    convention = models.ForeignKey(
        Convention, on_delete=models.CASCADE, related_name="transitions", verbose_name="convention"
    )
    name = models.CharField("action", max_length=40)
    from_state = models.CharField("de", max_length=20, choices=State.choices, blank=True)
    to_state = models.CharField("vers", max_length=20, choices=State.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="par",
    )
    at = models.DateTimeField("le", default=timezone.now)
    comment = models.TextField("commentaire", blank=True)

    class Meta:
        verbose_name = "étape de l'historique"
        verbose_name_plural = "historique"
        ordering = ["convention", "at", "pk"]

    def __str__(self):
        return f"{self.convention}: {self.from_state} → {self.to_state}"


class ConventionSnapshot(models.Model):
    """The text of a convention as it stood at a point of its history, for the diff between
    versions."""

    convention = models.ForeignKey(
        Convention, on_delete=models.CASCADE, related_name="snapshots", verbose_name="convention"
    )
    number = models.PositiveIntegerField("version du texte")
    transition = models.OneToOneField(
        ConventionTransition, on_delete=models.CASCADE, null=True, related_name="snapshot"
    )
    text = models.TextField("texte")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "version du texte"
        verbose_name_plural = "versions du texte"
        ordering = ["convention", "number"]
        constraints = [
            models.UniqueConstraint(fields=["convention", "number"], name="snapshot_unique_number")
        ]

    def __str__(self):
        return f"{self.convention} — version {self.number}"


class TerminationNotice(models.Model):
    """A written warning of termination: the other party has a number of calendar days to
    answer in writing, then the convention is terminated or maintained."""

    class Outcome(models.TextChoices):
        TERMINATED = "terminated", "Résiliée"
        MAINTAINED = "maintained", "Maintenue"

    convention = models.ForeignKey(
        Convention, on_delete=models.CASCADE, related_name="termination_notices", verbose_name="convention"
    )
    party = models.CharField("notifiée par", max_length=10, choices=Party.choices)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="par"
    )
    given_at = models.DateTimeField("le", default=timezone.now)
    reason = models.TextField("motif")
    answer_deadline = models.DateField("réponse attendue au plus tard le")
    answer = models.TextField("réponse écrite", blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField("répondu le", null=True, blank=True)
    outcome = models.CharField("issue", max_length=12, choices=Outcome.choices, blank=True)
    decided_at = models.DateTimeField("décidé le", null=True, blank=True)

    class Meta:
        verbose_name = "notification de résiliation"
        verbose_name_plural = "notifications de résiliation"
        ordering = ["convention", "-given_at"]

    def __str__(self):
        return f"{self.convention} : résiliation notifiée le {self.given_at:%d/%m/%Y}"


class ReferenceCounter(models.Model):
    """The last number given in a federation's reference series for a year."""

    federation = models.ForeignKey(Federation, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["federation", "year"], name="reference_counter_unique_year")
        ]

    def __str__(self):
        return f"{self.federation_id}/{self.year}: {self.last}"
