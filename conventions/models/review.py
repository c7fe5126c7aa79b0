"""The review as a conversation: the federation and the PO comment on an article of a
convention under review and answer each other; a thread stays open, and blocks approval, until
one of them marks it resolved or dismisses it with a reason."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from accounts.models import Role, membership_ids
from core.scoping import ScopedQuerySet

from .conventions import Convention
from .templates import Party, TemplateArticle

COMMENT_MAX_LENGTH = 4000
NOTE_MAX_LENGTH = 500


class ReviewCommentQuerySet(ScopedQuerySet):
    def visibility(self, user) -> Q:
        """The conversation is between the parties that review: the federation's staff and the
        PO's référents (for a cooperation agreement, the centre's people), nobody else."""
        return (
            Q(convention__federation__in=membership_ids(user, "federation", roles=[Role.FPO_STAFF]))
            | Q(
                convention__organising_authority__in=membership_ids(
                    user, "organising_authority", roles=[Role.PO_REFERENT]
                )
            )
            | Q(convention__guidance_centre__in=membership_ids(user, "guidance_centre"))
        )

    def threads(self):
        return self.filter(parent__isnull=True)

    def still_open(self):
        return self.threads().filter(outcome="")


class ReviewComment(models.Model):
    """A comment on one article, or (with a parent) an answer in its thread. Only the thread's
    first comment carries the outcome."""

    class Outcome(models.TextChoices):
        RESOLVED = "resolved", "Résolu"
        DISMISSED = "dismissed", "Classé sans suite"

    convention = models.ForeignKey(
        Convention, on_delete=models.CASCADE, related_name="review_comments", verbose_name="convention"
    )
    # The articles of a template in use never change (a new version is made instead).
    article = models.ForeignKey(
        TemplateArticle, on_delete=models.PROTECT, related_name="review_comments", verbose_name="article"
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="answers",
        verbose_name="en réponse à",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="auteur"
    )
    party = models.CharField("partie", max_length=10, choices=Party.choices)
    text = models.TextField("commentaire")
    created_at = models.DateTimeField("le", default=timezone.now)
    outcome = models.CharField("issue", max_length=10, choices=Outcome.choices, blank=True)
    resolution_note = models.CharField("motif", max_length=NOTE_MAX_LENGTH, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="clos par",
    )
    resolved_at = models.DateTimeField("clos le", null=True, blank=True)

    objects = ReviewCommentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "commentaire de relecture"
        verbose_name_plural = "commentaires de relecture"
        ordering = ["convention", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="", resolved_at__isnull=True, resolved_by__isnull=True)
                | (~Q(outcome="") & Q(resolved_at__isnull=False)),
                name="review_comment_closed_with_date",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="dismissed") | ~Q(resolution_note=""),
                name="review_comment_dismissed_with_reason",
                violation_error_message="Indiquez pourquoi le commentaire est classé sans suite.",
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | Q(outcome=""),
                name="review_comment_answers_not_closed",
            ),
        ]
        indexes = [models.Index(fields=["convention", "outcome"])]

    def __str__(self):
        return f"{self.convention} – article {self.article.number} – {self.excerpt}"

    @property
    def is_open(self) -> bool:
        return not self.outcome

    @property
    def excerpt(self) -> str:
        text = " ".join(self.text.split())
        return text if len(text) <= 60 else text[:59].rstrip() + "…"
