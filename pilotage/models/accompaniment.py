"""The accompaniment of a school under a signed convention, its advisers and its timeline
through the five steps, and the scoping every pilotage model shares.

Every model a user can reach has `objects.visible_to(user)`, built like the accounts app's
scoping: subqueries on keys only. Federation members see the accompaniments of their
federation; a PO's people those of the PO's schools; a school's direction and DCO their school's.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts.models import Federation, Role, School, membership_ids
from conventions.models import Convention
from core import scoping as core_scoping
from core.values import sane_date

from .common import user_link
from .process import Step

# --- Scoping --------------------------------------------------------------------------------


def accompaniment_visibility(user, prefix: str = "") -> Q:
    """Which accompaniments `user` reaches, as a condition on `<prefix>federation` and
    `<prefix>school`: keys and subqueries only, no join to remove duplicates from."""
    schools_of_pos = School.objects.filter(
        organising_authority__in=membership_ids(user, "organising_authority")
    ).values("pk")
    return (
        Q(**{f"{prefix}federation__in": membership_ids(user, "federation")})
        | Q(**{f"{prefix}school__in": schools_of_pos})
        | Q(**{f"{prefix}school__in": membership_ids(user, "school")})
    )


class ScopedQuerySet(core_scoping.ScopedQuerySet):
    """`visible_to(user)` for the models that hang off an accompaniment (`scope_prefix`
    names the path to it)."""

    scope_prefix = "accompaniment__"

    def visibility(self, user) -> Q:
        return Q(
            **{
                f"{self.scope_prefix}in": Accompaniment.objects.filter(accompaniment_visibility(user)).values(
                    "pk"
                )
            }
        )


class AccompanimentQuerySet(core_scoping.ScopedQuerySet):
    def visibility(self, user) -> Q:
        return accompaniment_visibility(user)

    def recordable_by(self, user):
        """Where `user` records actions and notes: the staff of the accompaniment's
        federation, and the advisers assigned to it."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(
            Q(federation__in=Federation.objects.staffed_by(user))
            | Q(
                federation__in=membership_ids(user, "federation", [Role.FPO_ADVISER]),
                pk__in=AdviserAssignment.objects.filter(adviser=user).values("accompaniment"),
            )
        )

    def staffed_by(self, user):
        """The accompaniments of the federations where `user` is staff."""
        if user.is_superuser:
            return self.all()
        return self.filter(federation__in=Federation.objects.staffed_by(user))

    def assigned_to(self, user):
        return self.filter(pk__in=AdviserAssignment.objects.filter(adviser=user).values("accompaniment"))

    def active(self):
        return self.filter(closed_on__isnull=True)

    def with_parties(self):
        return self.select_related("school__organising_authority", "federation", "current_step", "convention")


class Accompaniment(models.Model):
    """The federation's accompaniment of one school under one signed convention."""

    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="accompaniments", verbose_name="école"
    )
    convention = models.ForeignKey(
        Convention, on_delete=models.PROTECT, related_name="accompaniments", verbose_name="convention"
    )
    # The convention's federation, kept here so that scoping and dashboards need no join.
    federation = models.ForeignKey(
        Federation, on_delete=models.PROTECT, related_name="accompaniments", verbose_name="fédération"
    )
    advisers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="AdviserAssignment",
        through_fields=("accompaniment", "adviser"),
        related_name="accompaniments_advised",
        verbose_name="conseillers",
        blank=True,
    )
    current_step = models.ForeignKey(
        Step, on_delete=models.PROTECT, related_name="+", default=1, verbose_name="étape en cours"
    )
    started_on = models.DateField("début de l'accompagnement", validators=[sane_date])
    closed_on = models.DateField("fin de l'accompagnement", null=True, blank=True, validators=[sane_date])
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    # What a nightly sync through the API asks for (`updated_since`).
    updated_at = models.DateTimeField("modifié le", auto_now=True, db_index=True)

    objects = AccompanimentQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = "accompagnement"
        verbose_name_plural = "accompagnements"
        ordering = ["school__name", "-started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "convention"],
                name="accompaniment_unique_school_convention",
                violation_error_message="Cette école est déjà accompagnée dans le cadre de cette convention.",
            ),
        ]
        indexes = [
            models.Index(fields=["federation", "current_step"], name="accomp_federation_step"),
            models.Index(fields=["school", "started_on"], name="accomp_school_started"),
        ]

    def __str__(self):
        return f"{self.school.name} — {self.convention}"

    def get_absolute_url(self):
        return self.school.get_absolute_url()


class AdviserAssignment(models.Model):
    accompaniment = models.ForeignKey(
        Accompaniment, on_delete=models.CASCADE, related_name="assignments", verbose_name="accompagnement"
    )
    adviser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="adviser_assignments",
        verbose_name="conseiller",
    )
    assigned_by = user_link("désigné par")
    assigned_at = models.DateTimeField("désigné le", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "conseiller désigné"
        verbose_name_plural = "conseillers désignés"
        constraints = [
            models.UniqueConstraint(fields=["accompaniment", "adviser"], name="assignment_unique_adviser"),
        ]
        indexes = [models.Index(fields=["adviser", "accompaniment"], name="assignment_adviser")]

    def __str__(self):
        return f"{self.adviser} → {self.accompaniment}"


class StepEntryQuerySet(ScopedQuerySet):
    """Step entries are an append-only history: a queryset never updates nor deletes them."""

    def update(self, **kwargs):
        raise TypeError("L'historique des étapes ne se modifie pas : ajoutez un nouveau passage.")

    def delete(self):
        raise TypeError("L'historique des étapes ne s'efface pas : ajoutez un nouveau passage.")

    def in_order(self):
        """Oldest first: by the date each move takes effect, then by when it was recorded."""
        return self.order_by("entered_on", "recorded_at", "pk")


class StepEntry(models.Model):
    """One move of an accompaniment to a step, an append-only event: who recorded it and when,
    the day it takes effect, from which step to which, and why. The accompaniment's opening
    entry (step 1, at its start) has no `from_step`; a move back to an earlier step is a
    correction and carries its reason. The timeline of the five steps is read from these."""

    accompaniment = models.ForeignKey(
        Accompaniment, on_delete=models.CASCADE, related_name="step_entries", verbose_name="accompagnement"
    )
    step = models.ForeignKey(Step, on_delete=models.PROTECT, related_name="+", verbose_name="étape")
    from_step = models.ForeignKey(
        Step,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name="étape précédente",
    )
    entered_on = models.DateField("entrée le", validators=[sane_date])
    entered_by = user_link("par")
    recorded_at = models.DateTimeField("enregistré le", default=timezone.now, editable=False)
    reason = models.TextField("motif", blank=True)

    objects = StepEntryQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "passage d'étape"
        verbose_name_plural = "passages d'étape"
        ordering = ["accompaniment", "entered_on", "recorded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(from_step__isnull=True) | ~Q(from_step=F("step")),
                name="step_entry_moves",
                violation_error_message="Un passage d'étape change d'étape.",
            ),
            models.CheckConstraint(
                condition=Q(from_step__isnull=True) | Q(step__gt=F("from_step")) | ~Q(reason=""),
                name="step_entry_back_has_reason",
                violation_error_message="Un retour à une étape antérieure doit être motivé.",
            ),
        ]
        indexes = [
            models.Index(fields=["accompaniment", "entered_on", "recorded_at"], name="step_entry_timeline"),
        ]

    def __str__(self):
        return f"{self.accompaniment} : étape {self.step_id} le {self.entered_on:%d/%m/%Y}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise TypeError("L'historique des étapes ne se modifie pas : ajoutez un nouveau passage.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("L'historique des étapes ne s'efface pas : ajoutez un nouveau passage.")

    @property
    def is_correction(self) -> bool:
        """A move back to an earlier step."""
        return self.from_step_id is not None and self.step_id < self.from_step_id
