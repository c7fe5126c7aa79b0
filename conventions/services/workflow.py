"""Moving a convention through the workflow: every change of state goes through
`apply_transition`: it checks the rule, locks the row, records the history, and queues the
e-mails for after the commit. Then the termination notice's answer, and expiry."""

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.text import lower_first

from ..emails import send_transition_email
from ..models import Convention, Party, State, TerminationNotice
from ..rules import (
    actors_for,
    approval_blocker,
    may_decide_notice,
    offers_termination,
    open_notice,
    parties_for,
)
from ..signatures.rounds import last_signature_time
from ..workflow import TRANSITIONS, Actor, Transition
from .documents import freeze
from .drafting import keep_snapshot, missing_for_review, record_transition
from .sending import check_can_prepare, start_signing


def apply_transition(
    *, convention: Convention, name: str, by: User | None, comment: str = "", as_system: bool = False
) -> Convention:
    """Takes the workflow action `name`. Refused, changing nothing, if the action does not
    exist, is not possible from the current state, or is not the user's to take."""
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise ValidationError("Action inconnue.")
    comment = comment.strip()
    with transaction.atomic():
        convention = (
            Convention.objects.select_for_update(of=("self",))
            .select_related("template", "federation", "organising_authority")
            .get(pk=convention.pk)
        )
        actors = {Actor.SYSTEM} if as_system else actors_for(by, convention)
        if not transition.actors & actors:
            raise PermissionDenied(f"Vous ne pouvez pas « {lower_first(transition.label)} ».")
        if convention.state not in transition.sources:
            raise ValidationError(
                f"Action impossible : la convention est « {lower_first(convention.get_state_display())} »."
            )
        if transition.comment_required and not comment:
            raise ValidationError({"comment": "Indiquez le motif : il est communiqué à l'autre partie."})
        _before(transition, convention, by=by, actors=actors, comment=comment)
        source = convention.state
        convention.state = transition.target
        convention.lock_version += 1
        convention.save(update_fields=["state", "lock_version", "signed_at", "updated_at"])
        record = record_transition(
            convention, name=name, from_state=source, to_state=transition.target, by=by, comment=comment
        )
        if name in ("submit", "approve"):
            keep_snapshot(convention, record)
        if name == "approve":
            # The frozen text: its exact bytes are kept in the same transaction as the change,
            # with the place of each signatory's box for the signature fields.
            freeze(convention)
        if name == "send_for_signature":
            # The prepared document (fields + certification) and the first step's links.
            start_signing(convention, by=by)
        transaction.on_commit(lambda: send_transition_email.enqueue(transition_id=record.pk))
    return convention


def _before(transition: Transition, convention: Convention, *, by, actors, comment) -> None:
    """What a transition requires or does beyond the change of state."""
    if transition.name == "submit" and (missing := missing_for_review(convention)):
        raise ValidationError("Avant de soumettre, complétez : " + ", ".join(missing) + ".")
    if transition.name == "approve" and (blocker := approval_blocker(convention)):
        # Here rather than in the view, so that every caller (API, commands) is held back too.
        raise ValidationError(blocker)
    if transition.name == "send_for_signature":
        check_can_prepare(convention)
    if transition.name == "complete_signatures":
        # In force from the last signature.
        convention.signed_at = last_signature_time(convention) or timezone.now()
    if transition.name == "give_notice":
        if not offers_termination(convention):
            raise ValidationError("Le texte de cette convention ne prévoit pas de procédure de résiliation.")
        days = convention.template.termination_notice_days
        TerminationNotice.objects.create(
            convention=convention,
            party=Party.FPO if Actor.FPO in actors else Party.PO,
            given_by=by,
            reason=comment,
            answer_deadline=timezone.localdate() + timedelta(days=days),
        )
    if transition.name in ("terminate", "maintain"):
        notice = open_notice(convention)
        if not may_decide_notice(actors, notice):
            raise PermissionDenied(
                "Seule la partie qui a notifié la résiliation peut la prononcer ou la retirer ; "
                "l'autre partie y répond par écrit."
            )
        if (
            transition.name == "terminate"
            and not notice.answered_at
            and timezone.localdate() <= notice.answer_deadline
        ):
            raise ValidationError(
                f"L'autre partie peut répondre par écrit jusqu'au {notice.answer_deadline:%d/%m/%Y} : "
                "la résiliation ne peut être prononcée qu'après sa réponse ou cette date."
            )
        notice.outcome = (
            TerminationNotice.Outcome.TERMINATED
            if transition.name == "terminate"
            else TerminationNotice.Outcome.MAINTAINED
        )
        notice.decided_at = timezone.now()
        notice.save(update_fields=["outcome", "decided_at"])


def answer_termination_notice(*, convention: Convention, by: User, answer: str) -> TerminationNotice:
    """The other party's written answer to a notice of termination."""
    answer = answer.strip()
    if not answer:
        raise ValidationError({"answer": "La réponse écrite ne peut pas être vide."})
    with transaction.atomic():
        convention = Convention.objects.select_for_update().get(pk=convention.pk)
        notice = open_notice(convention)
        if convention.state != State.TERMINATION_NOTICE or notice is None:
            raise ValidationError("Aucune résiliation n'est en cours pour cette convention.")
        answering = parties_for(actors_for(by, convention))
        answering.discard(notice.party)
        if not answering:
            raise PermissionDenied("Seule l'autre partie répond à la notification de résiliation.")
        if notice.answered_at:
            raise ValidationError("L'autre partie a déjà répondu.")
        notice.answer, notice.answered_by, notice.answered_at = answer, by, timezone.now()
        notice.save(update_fields=["answer", "answered_by", "answered_at"])
        record = record_transition(
            convention,
            name="answer_notice",
            from_state=convention.state,
            to_state=convention.state,
            by=by,
            comment=answer,
        )
        transaction.on_commit(lambda: send_transition_email.enqueue(transition_id=record.pk))
    return notice


def expire_conventions(*, today: date | None = None) -> list[str]:
    """Signed conventions whose end date has passed become expired."""
    today = today or timezone.localdate()
    expired = []
    for convention in Convention.objects.filter(state=State.SIGNED, end_date__lt=today):
        apply_transition(convention=convention, name="expire", by=None, as_system=True)
        expired.append(convention.reference)
    return expired
