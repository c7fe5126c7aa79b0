"""The evidence log of a convention's signature: append-only events, each one's hash covering
its fields and the previous event's hash (a chain per convention)."""

from dataclasses import dataclass

from django.utils import timezone

from ..models import Convention, ConventionEvent, ConventionSignatory

Kind = ConventionEvent.Kind


@dataclass(frozen=True)
class RequestMeta:
    """Where a request came from, for the evidence log."""

    ip: str | None = None
    user_agent: str = ""

    @classmethod
    def from_request(cls, request) -> "RequestMeta":
        return cls(
            ip=request.META.get("REMOTE_ADDR") or None,
            user_agent=request.META.get("HTTP_USER_AGENT", "")[:300],
        )


def record_event(
    convention: Convention,
    *,
    kind: str,
    signatory: ConventionSignatory | None = None,
    actor=None,
    meta: RequestMeta | None = None,
    document_sha256: str = "",
    detail: str = "",
) -> ConventionEvent:
    """Appends an event to the convention's chain. The caller holds the convention's row lock."""
    last = ConventionEvent.objects.filter(convention=convention).order_by("-sequence").first()
    meta = meta or RequestMeta()
    event = ConventionEvent(
        convention=convention,
        sequence=(last.sequence + 1) if last else 1,
        kind=kind,
        signatory=signatory,
        actor=actor,
        actor_label=actor.email if actor is not None else "Pilotis",
        at=timezone.now(),
        ip=meta.ip,
        user_agent=meta.user_agent[:300],
        document_sha256=document_sha256,
        detail=detail,
        previous_hash=last.hash if last else "",
    )
    event.hash = event.compute_hash()
    event.save()
    return event


def check_chain(convention: Convention) -> list[str]:
    """What is wrong with the convention's evidence chain (an empty list: intact)."""
    problems, previous, expected = [], "", 1
    for event in ConventionEvent.objects.filter(convention=convention).select_related("convention"):
        if event.sequence != expected:
            problems.append(f"Événement n° {expected} manquant.")
        if event.previous_hash != previous:
            problems.append(f"Événement n° {event.sequence} : le lien avec l'événement précédent est rompu.")
        if event.compute_hash() != event.hash:
            problems.append(f"Événement n° {event.sequence} : son contenu a été modifié.")
        previous, expected = event.hash, event.sequence + 1
    return problems
