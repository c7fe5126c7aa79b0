"""The documents issued for a convention and the evidence of its signature: the exact PDF bytes,
the signatories' personal links, the signatures, and the hash-chained event log."""

import hashlib
import json
from datetime import UTC

from django.conf import settings
from django.db import models
from django.utils import timezone

from .conventions import Convention, ConventionSignatory


class ConventionDocument(models.Model):
    """The exact PDF bytes issued for a convention: the frozen text, then each signed
    revision. Stored in the database, never rewritten."""

    class Kind(models.TextChoices):
        FROZEN = "frozen", "Texte figé"
        PREPARED = "prepared", "Préparé pour la signature"
        SIGNED = "signed", "Révision signée"
        EVIDENCE = "evidence", "Certificat de preuve"

    convention = models.ForeignKey(
        Convention, on_delete=models.PROTECT, related_name="documents", verbose_name="convention"
    )
    revision = models.PositiveIntegerField("révision")
    kind = models.CharField("nature", max_length=10, choices=Kind.choices)
    content = models.BinaryField("contenu")
    sha256 = models.CharField("empreinte SHA-256", max_length=64, db_index=True)
    # Where each signatory's box lies in a frozen PDF: the signature fields go there.
    fields = models.JSONField("champs de signature", default=list, blank=True)
    created_at = models.DateTimeField("créé le", default=timezone.now)

    class Meta:
        verbose_name = "document PDF"
        verbose_name_plural = "documents PDF"
        ordering = ["convention", "revision"]
        constraints = [
            models.UniqueConstraint(fields=["convention", "revision"], name="document_unique_revision")
        ]

    def __str__(self):
        return f"{self.convention} r{self.revision} ({self.get_kind_display()})"


class SignatureRequest(models.Model):
    """A signatory's personal link to sign one round of signatures (one prepared document).
    Only a hash of the token is kept; the link serves once (signature, upload or refusal)."""

    convention = models.ForeignKey(
        Convention, on_delete=models.CASCADE, related_name="signature_requests", verbose_name="convention"
    )
    signatory = models.ForeignKey(
        ConventionSignatory, on_delete=models.CASCADE, related_name="requests", verbose_name="signataire"
    )
    prepared = models.ForeignKey(
        ConventionDocument, on_delete=models.PROTECT, related_name="+", verbose_name="document préparé"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField("créée le", default=timezone.now)
    expires_at = models.DateTimeField("expire le")
    sent_at = models.DateTimeField("envoyée le", null=True, blank=True)
    last_reminded_at = models.DateTimeField("dernier rappel", null=True, blank=True)
    opened_at = models.DateTimeField("ouverte le", null=True, blank=True)
    used_at = models.DateTimeField("utilisée le", null=True, blank=True)
    signed_at = models.DateTimeField("signée le", null=True, blank=True)
    declined_at = models.DateTimeField("refusée le", null=True, blank=True)
    decline_reason = models.TextField("motif du refus", blank=True)
    revoked_at = models.DateTimeField("révoquée le", null=True, blank=True)

    class Meta:
        verbose_name = "demande de signature"
        verbose_name_plural = "demandes de signature"
        ordering = ["convention", "signatory__step", "signatory__position", "created_at"]

    def __str__(self):
        return f"{self.convention} — {self.signatory}"


class Signature(models.Model):
    """A signatory's signature in one round (one prepared document): at most one, enforced by
    the database, however many requests arrive at once."""

    class Method(models.TextChoices):
        PLATFORM = "platform", "Signature par la plateforme au nom du signataire"
        UPLOAD = "upload", "Signature par le certificat du signataire (eID)"

    convention = models.ForeignKey(
        Convention, on_delete=models.PROTECT, related_name="signatures", verbose_name="convention"
    )
    signatory = models.ForeignKey(
        ConventionSignatory, on_delete=models.PROTECT, related_name="signatures", verbose_name="signataire"
    )
    prepared = models.ForeignKey(
        ConventionDocument, on_delete=models.PROTECT, related_name="+", verbose_name="document préparé"
    )
    document = models.OneToOneField(
        ConventionDocument, on_delete=models.PROTECT, related_name="signature", verbose_name="révision signée"
    )
    method = models.CharField("mode", max_length=10, choices=Method.choices)
    signer_common_name = models.CharField("nom du certificat", max_length=200, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="par"
    )
    signed_at = models.DateTimeField("signée le")

    class Meta:
        verbose_name = "signature"
        verbose_name_plural = "signatures"
        ordering = ["convention", "signed_at"]
        constraints = [
            models.UniqueConstraint(fields=["prepared", "signatory"], name="signature_once_per_document")
        ]

    def __str__(self):
        return f"{self.convention} — {self.signatory}"


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Le journal de preuve ne se modifie pas.")

    def delete(self):
        raise PermissionError("Le journal de preuve ne s'efface pas.")


class ConventionEvent(models.Model):
    """One step of the signature of a convention, as evidence: append-only, each record's hash
    covers its fields and the previous record's hash (a chain per convention)."""

    class Kind(models.TextChoices):
        PREPARED = "prepared", "Document préparé"
        SENT = "sent", "Lien envoyé"
        OPENED = "opened", "Lien ouvert"
        REAUTHENTICATED = "reauthenticated", "Identité confirmée"
        SIGNED = "signed", "Signé"
        UPLOADED = "uploaded", "Signé (fichier déposé)"
        DECLINED = "declined", "Refus de signer"
        REMINDED = "reminded", "Rappel envoyé"
        CORRECTED = "corrected", "Adresse corrigée ou lien renvoyé"
        REPLACED = "replaced", "Signataire remplacé"
        COMPLETED = "completed", "Toutes les signatures recueillies"

    convention = models.ForeignKey(
        Convention, on_delete=models.PROTECT, related_name="events", verbose_name="convention"
    )
    sequence = models.PositiveIntegerField("numéro")
    kind = models.CharField("événement", max_length=20, choices=Kind.choices)
    signatory = models.ForeignKey(
        ConventionSignatory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name="signataire",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="par",
    )
    actor_label = models.CharField("auteur", max_length=254)
    at = models.DateTimeField("le")
    ip = models.GenericIPAddressField("adresse IP", null=True, blank=True)
    user_agent = models.CharField("navigateur", max_length=300, blank=True)
    document_sha256 = models.CharField("empreinte du document", max_length=64, blank=True)
    detail = models.TextField("détail", blank=True)
    previous_hash = models.CharField("empreinte précédente", max_length=64, blank=True)
    hash = models.CharField("empreinte", max_length=64)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = "événement de preuve"
        verbose_name_plural = "journal de preuve"
        ordering = ["convention", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["convention", "sequence"], name="event_unique_sequence")
        ]

    def __str__(self):
        return f"{self.convention} #{self.sequence} {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("Le journal de preuve ne se modifie pas.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Le journal de preuve ne s'efface pas.")

    def canonical(self) -> dict:
        """What the hash covers."""
        return {
            "convention": self.convention.reference,
            "sequence": self.sequence,
            "kind": self.kind,
            "signatory": self.signatory_id,
            "actor": self.actor_label,
            "at": self.at.astimezone(UTC).isoformat(timespec="microseconds"),
            "ip": self.ip or "",
            "user_agent": self.user_agent,
            "document_sha256": self.document_sha256,
            "detail": self.detail,
            "previous_hash": self.previous_hash,
        }

    def compute_hash(self) -> str:
        return canonical_hash(self.canonical())


def canonical_hash(canonical: dict) -> str:
    """The hash of an event from what it covers (`ConventionEvent.canonical`)."""
    data = json.dumps(canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(data.encode()).hexdigest()
