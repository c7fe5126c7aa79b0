"""The life of a convention in one table: which action leads from which states to which, who
may take it, whether it needs a comment and whom it notifies. Views, buttons, rules, services
and tests all read this table."""

from dataclasses import dataclass
from enum import StrEnum

from .models import State


class Actor(StrEnum):
    FPO = "fpo"  # the federation's staff (coordination)
    PO = "po"  # the PO's référent
    SIGNATORY = "signatory"  # a named signatory, through their personal link, in their turn
    SYSTEM = "system"  # the application itself: signatures completed, end date passed


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset
    target: State
    actors: frozenset
    notify: frozenset = frozenset()
    comment_required: bool = False
    button: str = "btn-primary"
    help: str = ""
    # Why the action cannot be taken just now although it is the user's (filled by the rules).
    blocked: str = ""


EDITABLE_STATES = (State.DRAFT, State.TO_COMPLETE, State.IN_REVIEW, State.CHANGES_REQUESTED)
CANCELLABLE_STATES = (*EDITABLE_STATES, State.READY, State.SIGNING)
# Reviewed by the federation, or being corrected by the PO: the two parties discuss the text.
REVIEW_STATES = (State.IN_REVIEW, State.CHANGES_REQUESTED)

TRANSITIONS = {
    t.name: t
    for t in [
        Transition(
            "send_to_po",
            "Envoyer au PO pour compléter",
            frozenset({State.DRAFT}),
            State.TO_COMPLETE,
            frozenset({Actor.FPO}),
            notify=frozenset({Actor.PO}),
            help="Le référent du PO est invité à compléter sa partie.",
        ),
        Transition(
            "submit",
            "Soumettre à la relecture de la fédération",
            frozenset({State.TO_COMPLETE, State.CHANGES_REQUESTED}),
            State.IN_REVIEW,
            frozenset({Actor.PO}),
            notify=frozenset({Actor.FPO}),
        ),
        Transition(
            "request_changes",
            "Demander des modifications",
            frozenset({State.IN_REVIEW}),
            State.CHANGES_REQUESTED,
            frozenset({Actor.FPO}),
            notify=frozenset({Actor.PO}),
            comment_required=True,
            button="btn-outline-primary",
        ),
        Transition(
            "approve",
            "Approuver et figer le texte",
            frozenset({State.IN_REVIEW}),
            State.READY,
            frozenset({Actor.FPO}),
            notify=frozenset({Actor.PO}),
            help="Le texte ne pourra plus changer : le PDF à signer est produit et conservé.",
        ),
        Transition(
            "send_for_signature",
            "Envoyer en signature",
            frozenset({State.READY}),
            State.SIGNING,
            frozenset({Actor.FPO}),
            notify=frozenset({Actor.PO}),
        ),
        Transition(
            "sign",
            "Signer la convention",
            frozenset({State.SIGNING}),
            State.SIGNING,
            frozenset({Actor.SIGNATORY}),
            help="Chaque signataire signe par son lien personnel, à son tour ; la dernière signature "
            "met la convention en vigueur.",
        ),
        Transition(
            "decline",
            "Refuser de signer",
            frozenset({State.SIGNING}),
            State.IN_REVIEW,
            frozenset({Actor.SIGNATORY}),
            notify=frozenset({Actor.FPO, Actor.PO}),
            comment_required=True,
            button="btn-outline-danger",
            help="Le motif est communiqué à la fédération ; la convention revient en relecture.",
        ),
        Transition(
            "complete_signatures",
            "Enregistrer la dernière signature",
            frozenset({State.SIGNING}),
            State.SIGNED,
            frozenset({Actor.SYSTEM}),
            notify=frozenset({Actor.FPO, Actor.PO}),
        ),
        Transition(
            "cancel",
            "Annuler la convention",
            frozenset(CANCELLABLE_STATES),
            State.CANCELLED,
            frozenset({Actor.FPO}),
            notify=frozenset({Actor.FPO, Actor.PO}),
            comment_required=True,
            button="btn-outline-danger",
        ),
        Transition(
            "give_notice",
            "Notifier la résiliation",
            frozenset({State.SIGNED}),
            State.TERMINATION_NOTICE,
            frozenset({Actor.FPO, Actor.PO}),
            notify=frozenset({Actor.FPO, Actor.PO}),
            comment_required=True,
            button="btn-outline-danger",
            help="Avertissement écrit et motivé ; l'autre partie dispose du délai prévu pour répondre par écrit.",
        ),
        Transition(
            "terminate",
            "Prononcer la résiliation",
            frozenset({State.TERMINATION_NOTICE}),
            State.TERMINATED,
            frozenset({Actor.FPO, Actor.PO}),
            notify=frozenset({Actor.FPO, Actor.PO}),
            button="btn-danger",
            help="Possible après la réponse écrite de l'autre partie ou à l'échéance du délai.",
        ),
        Transition(
            "maintain",
            "Maintenir la convention",
            frozenset({State.TERMINATION_NOTICE}),
            State.SIGNED,
            frozenset({Actor.FPO, Actor.PO}),
            notify=frozenset({Actor.FPO, Actor.PO}),
            button="btn-outline-primary",
        ),
        Transition(
            "expire",
            "Constater l'expiration",
            frozenset({State.SIGNED}),
            State.EXPIRED,
            frozenset({Actor.SYSTEM}),
            notify=frozenset({Actor.FPO, Actor.PO}),
        ),
    ]
}


def available(state: State, actors: set) -> list[Transition]:
    """The transitions these actors may take from `state`, in the table's order."""
    return [t for t in TRANSITIONS.values() if state in t.sources and t.actors & actors]
