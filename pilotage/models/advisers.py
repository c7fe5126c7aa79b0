"""What a federation knows of its advisers, and their private calendar address."""

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from accounts.models import Federation


class AdviserProfile(models.Model):
    """What a federation knows of one of its advisers: working time and speciality, for the
    workload figures."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="adviser_profiles",
        verbose_name="conseiller",
    )
    federation = models.ForeignKey(
        Federation, on_delete=models.CASCADE, related_name="adviser_profiles", verbose_name="fédération"
    )
    fte = models.DecimalField(
        "temps de travail (ETP)",
        max_digits=3,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0.05")), MaxValueValidator(Decimal("1.00"))],
    )
    technopedagogical = models.BooleanField("conseiller technopédagogique", default=False)

    class Meta:
        verbose_name = "profil de conseiller"
        verbose_name_plural = "profils de conseiller"
        constraints = [
            models.UniqueConstraint(fields=["user", "federation"], name="adviser_profile_unique"),
        ]

    def __str__(self):
        return f"{self.user} ({self.federation}, {self.fte} ETP)"


class CalendarFeed(models.Model):
    """The private address of an adviser's calendar (.ics): whoever knows the token reads
    it, so it is long, random, and can be replaced at any time."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="calendar_feed",
        verbose_name="utilisateur",
    )
    token = models.CharField("jeton", max_length=64, unique=True)
    created_at = models.DateTimeField("créé le", auto_now=True)

    class Meta:
        verbose_name = "calendrier privé"
        verbose_name_plural = "calendriers privés"

    def __str__(self):
        return f"Calendrier de {self.user}"

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)
