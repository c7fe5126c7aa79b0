"""Personal API tokens: a person makes one for a system that reads Pilotis on their behalf
(`/api/`), sees it once, and may revoke it. Only its SHA-256 is kept."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

TOKEN_PREFIX = "pil_"  # noqa: S105 (a label, not a secret)


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def new_raw_token() -> str:
    """A random token (256 bits), with a prefix that tells what it is when it turns up in a log."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


class ApiTokenQuerySet(models.QuerySet):
    def of(self, user):
        """A person's own tokens: nobody else sees them, administrators included (they see them
        in the admin)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)

    def usable(self):
        return self.filter(revoked_at__isnull=True, user__is_active=True)


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name="personne"
    )
    name = models.CharField(
        "nom", max_length=100, help_text="Le système qui s'en sert, par exemple « GED de la commune »."
    )
    token_hash = models.CharField("empreinte SHA-256", max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField("créé le", default=timezone.now, editable=False)
    last_used_at = models.DateTimeField("dernière utilisation", null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField("révoqué le", null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "jeton d'API"
        verbose_name_plural = "jetons d'API"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.name} ({self.user})"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def problem(self) -> str | None:
        """Why this token may not be used (in French), or None."""
        if self.is_revoked:
            return "Ce jeton a été révoqué."
        if not self.user.is_active:
            return "Le compte de ce jeton est désactivé."
        return None
