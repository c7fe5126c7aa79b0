"""Why a recorded action or engagement changed: small append-only records (who, when, why,
what it was before), shown under the action or the engagement. They outlive a deleted action."""

from django.db import models

from .accompaniment import Accompaniment, ScopedQuerySet
from .common import user_link
from .follow_up import ActionRecord, EngagementCheck


class AppendOnly(models.Model):
    """Written once, never changed."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Une trace de correction ne se modifie pas.")
        super().save(*args, **kwargs)


class ActionCorrection(AppendOnly):
    class Kind(models.TextChoices):
        RESCHEDULED = "rescheduled", "Reportée"
        CORRECTED = "corrected", "Corrigée"
        REOPENED = "reopened", "Remise en « prévue »"
        DELETED = "deleted", "Supprimée"

    accompaniment = models.ForeignKey(
        Accompaniment,
        on_delete=models.CASCADE,
        related_name="action_corrections",
        verbose_name="accompagnement",
    )
    # Kept as nothing when the action is deleted: the record of its deletion stays.
    action = models.ForeignKey(
        ActionRecord,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name="action",
    )
    action_label = models.CharField("action concernée", max_length=300)
    kind = models.CharField("nature", max_length=12, choices=Kind.choices)
    changes = models.TextField("changements", blank=True)
    reason = models.TextField("motif")
    by = user_link("par")
    at = models.DateTimeField("le", auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "correction d'une action"
        verbose_name_plural = "corrections des actions"
        ordering = ["-at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(reason=""), name="action_correction_needs_reason"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} : {self.action_label}"


class UntickQuerySet(ScopedQuerySet):
    scope_prefix = "engagement_check__accompaniment__"


class EngagementUntick(AppendOnly):
    """An engagement of the PO unticked: what the tick was, who took it back, when and why."""

    engagement_check = models.ForeignKey(
        EngagementCheck, on_delete=models.CASCADE, related_name="unticks", verbose_name="engagement"
    )
    was_done_at = models.DateTimeField("coché le", null=True, blank=True)
    was_done_by = user_link("coché par")
    was_comment = models.TextField("commentaire du cochage", blank=True)
    reason = models.TextField("motif")
    by = user_link("décoché par")
    at = models.DateTimeField("décoché le", auto_now_add=True)

    objects = UntickQuerySet.as_manager()

    class Meta:
        verbose_name = "engagement décoché"
        verbose_name_plural = "engagements décochés"
        ordering = ["-at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(reason=""), name="engagement_untick_needs_reason"),
        ]

    def __str__(self):
        return f"{self.engagement_check} décoché"
