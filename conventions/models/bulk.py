"""Conventions created in bulk: the batch and its progress, for the background task."""

from django.conf import settings
from django.db import models

from accounts.models import Federation

from .templates import ConventionTemplate


class BulkCreation(models.Model):
    """A batch of conventions created at once by federation staff, in a background task."""

    class Status(models.TextChoices):
        PENDING = "pending", "En attente"
        RUNNING = "running", "En cours"
        DONE = "done", "Terminée"
        FAILED = "failed", "Échouée"

    federation = models.ForeignKey(Federation, on_delete=models.CASCADE, related_name="+")
    template = models.ForeignKey(ConventionTemplate, on_delete=models.PROTECT, related_name="+")
    rows = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    done = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    references = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "création groupée"
        verbose_name_plural = "créations groupées"

    def __str__(self):
        return f"Création groupée {self.pk} ({self.get_status_display()})"

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100
