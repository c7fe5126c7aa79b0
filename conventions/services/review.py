"""The review's conversation: a comment on an article, an answer in its thread, and the
thread's closing (resolved, or dismissed with a reason). Each locks the convention's row, so that
a comment posted while the federation approves lands before the approval (which then refuses)
or is refused after it."""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.text import lower_first

from ..emails import send_review_comment_email
from ..models import COMMENT_MAX_LENGTH, NOTE_MAX_LENGTH, Convention, ReviewComment
from ..rules import actors_for, may_comment, may_read_review, review_party


def post_comment(
    *, convention: Convention, by: User, text: str, article_id=None, parent_id=None
) -> ReviewComment:
    """A new thread on the article `article_id`, or an answer in the thread `parent_id`."""
    text = _checked_text(text)
    with transaction.atomic():
        convention, actors = _locked_for(convention, by)
        if parent_id:
            parent = _thread(convention, parent_id)
            if not parent.is_open:
                raise ValidationError(
                    "Ce fil est clos : pour revenir sur cet article, ouvrez un nouveau commentaire."
                )
            article = parent.article
        else:
            parent = None
            article = convention.template.articles.filter(pk=_as_int(article_id)).first()
            if article is None:
                raise ValidationError({"article": "Cet article ne fait pas partie de cette convention."})
        comment = ReviewComment(
            convention=convention,
            article=article,
            parent=parent,
            author=by,
            party=review_party(actors, convention),
            text=text,
        )
        comment.full_clean()
        comment.save()
        transaction.on_commit(lambda: send_review_comment_email.enqueue(comment_id=comment.pk))
    return comment


def close_thread(
    *, convention: Convention, by: User, comment_id, outcome: str, note: str = ""
) -> ReviewComment:
    """Either party marks a thread resolved, or dismisses it with a short reason."""
    note = " ".join(note.split())
    if outcome not in ReviewComment.Outcome.values:
        raise ValidationError("Choisissez de marquer le commentaire résolu ou de le classer sans suite.")
    if outcome == ReviewComment.Outcome.DISMISSED and not note:
        raise ValidationError(
            {"note": "Indiquez en quelques mots pourquoi vous classez ce commentaire sans suite."}
        )
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError(
            {"note": f"Le motif ne peut dépasser {NOTE_MAX_LENGTH} caractères (il en compte {len(note)})."}
        )
    with transaction.atomic():
        convention, _ = _locked_for(convention, by)
        thread = _thread(convention, comment_id)
        if not thread.is_open:
            closer = thread.resolved_by.get_full_name() or thread.resolved_by.email
            raise ValidationError(
                f"Ce fil est déjà clos (« {lower_first(thread.get_outcome_display())} » par {closer}, "
                f"le {timezone.localtime(thread.resolved_at):%d/%m/%Y à %H:%M})."
            )
        thread.outcome, thread.resolution_note = outcome, note
        thread.resolved_by, thread.resolved_at = by, timezone.now()
        thread.full_clean()
        thread.save(update_fields=["outcome", "resolution_note", "resolved_by", "resolved_at"])
    return thread


def _checked_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Écrivez votre commentaire : il ne peut pas être vide."})
    if len(text) > COMMENT_MAX_LENGTH:
        raise ValidationError(
            {
                "text": f"Le commentaire ne peut dépasser {COMMENT_MAX_LENGTH} caractères "
                f"(il en compte {len(text)}) : scindez-le en plusieurs commentaires."
            }
        )
    return text


def _locked_for(convention: Convention, by: User):
    convention = (
        Convention.objects.select_for_update(of=("self",)).select_related("template").get(pk=convention.pk)
    )
    actors = actors_for(by, convention)
    if not may_read_review(actors):
        raise PermissionDenied("Seules les parties à la relecture commentent la convention.")
    if not may_comment(actors, convention):
        raise ValidationError(
            f"La convention est « {lower_first(convention.get_state_display())} » : les commentaires de "
            "relecture se lisent mais ne s'écrivent plus."
        )
    return convention, actors


def _thread(convention: Convention, comment_id) -> ReviewComment:
    thread = (
        ReviewComment.objects.select_for_update(of=("self",))
        .select_related("article", "resolved_by")
        .filter(convention=convention, parent__isnull=True, pk=_as_int(comment_id))
        .first()
    )
    if thread is None:
        raise ValidationError("Ce fil de commentaires n'existe pas sur cette convention.")
    return thread


def _as_int(value) -> int | None:
    """An id from a form, or None when it is not one (so that the lookup finds nothing)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- What the convention's page shows -------------------------------------------------------


@dataclass
class Thread:
    first: ReviewComment
    answers: list[ReviewComment] = field(default_factory=list)


@dataclass
class Draft:
    """A form the service refused, shown again, with its text, where it was written: a new
    comment on an article (no `thread`), or an answer to or the closing of the thread `thread`.
    The ids are as the browser sent them."""

    form: object
    article: object = None
    thread: object = None
    closing: bool = False

    def __post_init__(self):
        self.article, self.thread = _as_int(self.article), _as_int(self.thread)

    def belongs_to(self, article_id, threads) -> bool:
        if self.thread is not None:
            return any(t.first.pk == self.thread for t in threads)
        return self.article == article_id


@dataclass
class ArticleReview:
    article_id: int
    threads: list[Thread]
    can_write: bool
    draft: Draft | None = None


@dataclass
class ReviewPanel:
    """The conversation as the page shows it, from a single query: the threads under each
    article, the open ones for the top of the page, and whether the user may write."""

    can_write: bool
    threads_by_article: dict[int, list[Thread]]
    still_open: list[ReviewComment]

    def attach(self, sections, draft: Draft | None = None) -> None:
        """Each article section of the page gets its threads (and the refused form, if it was
        written there)."""
        for section in sections:
            threads = self.threads_by_article.get(section.article_id, [])
            section.review = ArticleReview(
                article_id=section.article_id,
                threads=threads,
                can_write=self.can_write,
                draft=draft if draft and draft.belongs_to(section.article_id, threads) else None,
            )


def review_panel(convention: Convention, user: User, actors) -> ReviewPanel | None:
    """None when the user takes no part in the review (they do not see it)."""
    if not may_read_review(actors):
        return None
    comments = (
        ReviewComment.objects.visible_to(user)
        .filter(convention=convention)
        .select_related("article", "author", "resolved_by")
        .order_by("created_at", "pk")
    )
    threads: dict[int, Thread] = {}
    by_article: dict[int, list[Thread]] = {}
    for comment in comments:
        if comment.parent_id is None:
            threads[comment.pk] = Thread(first=comment)
            by_article.setdefault(comment.article_id, []).append(threads[comment.pk])
        elif comment.parent_id in threads:
            threads[comment.parent_id].answers.append(comment)
    still_open = sorted(
        (t.first for t in threads.values() if t.first.is_open),
        key=lambda c: (c.article.position, c.created_at, c.pk),
    )
    return ReviewPanel(
        can_write=may_comment(actors, convention), threads_by_article=by_article, still_open=still_open
    )
