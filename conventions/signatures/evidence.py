"""The evidence log of a convention's signature: append-only events, each one's hash covering
its fields and the previous event's hash (a chain per convention).

A chain kept in the database alone proves nothing against whoever can write to the database:
rewrite an event and recompute the hashes after it, and the chain is whole again. So each
signature the platform makes states, in its reason (/Reason, inside the bytes the signature
covers, and shown by every PDF reader), the number and hash of the last event before it. The
signed PDF then vouches for the events up to that point: `check_chain` compares the database
with what the signatures state, which nobody can rewrite without the signing key."""

import json
import re
from dataclasses import dataclass
from io import BytesIO

from django.utils import timezone
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader

from ..models import Convention, ConventionDocument, ConventionEvent, ConventionSignatory
from ..models.evidence import canonical_hash
from .verification import verify_pdf_bytes

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


BINDING = "preuve n° {sequence} : {hash}"
# The chain as the evidence certificate carries it, attached to the PDF.
CHAIN_ATTACHMENT = "chaine-de-preuve.json"
_BINDING = re.compile(r"preuve n° (\d+) : ([0-9a-f]{64})")


@dataclass(frozen=True)
class BoundHead:
    """What one signature states of the evidence chain: the last event before it."""

    field_name: str
    sequence: int
    hash: str


def binding(convention: Convention) -> str:
    """The chain's head as a signature states it (the caller holds the convention's lock)."""
    last = ConventionEvent.objects.filter(convention=convention).order_by("-sequence").first()
    return BINDING.format(sequence=last.sequence, hash=last.hash) if last else ""


def bound_heads(pdf: bytes) -> list[BoundHead]:
    """The chain heads the signatures of `pdf` state, in signing order."""
    heads = []
    for signature in PdfFileReader(BytesIO(pdf), strict=False).embedded_regular_signatures:
        match = _BINDING.search(str(signature.sig_object.get("/Reason", "")))
        if match:
            heads.append(BoundHead(signature.field_name, int(match[1]), match[2]))
    return heads


def disagreements(hashes: dict[int, str], heads: list[BoundHead]) -> list[str]:
    """Where the chain `hashes` (sequence → hash) differs from what the signatures state."""
    problems = []
    for head in heads:
        if hashes.get(head.sequence) != head.hash:
            problems.append(
                f"La signature « {head.field_name} » atteste l'événement n° {head.sequence} "
                f"d'empreinte {head.hash[:16]}… : le journal ne le contient plus tel quel "
                "(événements réécrits ou supprimés depuis)."
            )
    return problems


def check_chain(convention: Convention) -> list[str]:
    """What is wrong with the convention's evidence chain (an empty list: intact): each event
    against its own hash and its predecessor, and the chain against what the signatures of the
    latest signed document state."""
    problems, previous, expected, hashes = [], "", 1, {}
    for event in ConventionEvent.objects.filter(convention=convention).select_related("convention"):
        hashes[event.sequence] = event.hash
        if event.sequence != expected:
            problems.append(f"Événement n° {expected} manquant.")
        if event.previous_hash != previous:
            problems.append(f"Événement n° {event.sequence} : le lien avec l'événement précédent est rompu.")
        if event.compute_hash() != event.hash:
            problems.append(f"Événement n° {event.sequence} : son contenu a été modifié.")
        previous, expected = event.hash, event.sequence + 1
    latest = (
        convention.documents.filter(kind=ConventionDocument.Kind.SIGNED)
        .only("content")
        .order_by("-revision")
        .first()
    )
    if latest is not None:
        problems += disagreements(hashes, bound_heads(bytes(latest.content)))
    return problems


def compare_with_certificate(signed_pdf: bytes, certificate_pdf: bytes) -> list[str]:
    """What keeps the evidence certificate `certificate_pdf` (preuve.pdf) from vouching for
    `signed_pdf`: its seal, its attached chain, and the chain heads the signatures state."""
    problems = []
    if not verify_pdf_bytes(certificate_pdf).ok:
        problems.append(
            "Le certificat de preuve n'est pas scellé par la plateforme, ou il a été modifié depuis."
        )
    try:
        events = json.loads(_attachment(certificate_pdf, CHAIN_ATTACHMENT))["events"]
    except (PdfError, ValueError, KeyError, TypeError, IndexError):
        events = None
    if events is None:
        return [*problems, f"Le certificat de preuve ne contient pas le journal ({CHAIN_ATTACHMENT})."]
    hashes, previous = {}, ""
    for event in events:
        canonical = {key: value for key, value in event.items() if key != "hash"}
        if event.get("previous_hash") != previous or canonical_hash(canonical) != event.get("hash"):
            problems.append(
                f"Journal du certificat : l'événement n° {event.get('sequence')} ne tient pas à la chaîne."
            )
        hashes[event.get("sequence")] = previous = event.get("hash")
    heads = bound_heads(signed_pdf)
    if not heads:
        problems.append("Aucune signature de ce document n'atteste d'état du journal de preuve.")
    return problems + disagreements(hashes, heads)


def _attachment(pdf: bytes, name: str) -> bytes:
    """The embedded file `name` of `pdf` (KeyError when there is none)."""
    names = PdfFileReader(BytesIO(pdf), strict=False).root["/Names"]["/EmbeddedFiles"]["/Names"]
    for index in range(0, len(names) - 1, 2):
        if str(names[index]) == name:
            return names[index + 1]["/EF"]["/F"].data
    raise KeyError(name)
