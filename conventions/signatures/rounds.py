"""Where the signatures of a convention stand: the round (prepared document) being signed, the
latest signed revision, who has signed and whose turn it is."""

from dataclasses import dataclass

from ..models import Convention, ConventionDocument, ConventionSignatory, Signature, SignatureRequest, State

SIGNED_KINDS = (ConventionDocument.Kind.PREPARED, ConventionDocument.Kind.SIGNED)


def current_round(convention: Convention) -> ConventionDocument | None:
    """The prepared document the signatures are being collected on."""
    return (
        convention.documents.filter(kind=ConventionDocument.Kind.PREPARED)
        .defer("content")
        .order_by("-revision")
        .first()
    )


def latest_document(convention: Convention) -> ConventionDocument | None:
    """The latest prepared or signed revision: the bytes the next signature goes into."""
    return convention.documents.filter(kind__in=SIGNED_KINDS).order_by("-revision").first()


def pending_signatories(convention: Convention, prepared: ConventionDocument) -> list[ConventionSignatory]:
    signed = Signature.objects.filter(prepared=prepared).values("signatory")
    return list(convention.signatories.exclude(pk__in=signed).order_by("step", "position"))


def current_step(convention: Convention, prepared: ConventionDocument) -> int | None:
    pending = pending_signatories(convention, prepared)
    return min(s.step for s in pending) if pending else None


@dataclass
class SignatoryStatus:
    signatory: ConventionSignatory
    signature: Signature | None
    waiting: bool  # it is their turn
    # The round ended with a refusal to sign: this signature will never take effect.
    declined: SignatureRequest | None = None


def declined_request(prepared: ConventionDocument) -> SignatureRequest | None:
    """The refusal that ended this round of signatures, if one did."""
    return (
        SignatureRequest.objects.filter(prepared=prepared, declined_at__isnull=False)
        .select_related("signatory")
        .first()
    )


def status(convention: Convention) -> list[SignatoryStatus]:
    """Each signatory of the current round: signed (when, how) or not, whose turn it is, and
    whether a refusal ended the round (the signatures already given are then without effect)."""
    prepared = current_round(convention)
    if prepared is None:
        return []
    signatures = {s.signatory_id: s for s in Signature.objects.filter(prepared=prepared)}
    step = current_step(convention, prepared) if convention.state == State.SIGNING else None
    declined = declined_request(prepared) if convention.state != State.SIGNED else None
    return [
        SignatoryStatus(s, signatures.get(s.pk), s.pk not in signatures and s.step == step, declined)
        for s in convention.signatories.order_by("step", "position")
    ]


def last_signature_time(convention: Convention):
    prepared = current_round(convention)
    last = (
        Signature.objects.filter(prepared=prepared).order_by("-signed_at").first()
        if prepared is not None
        else None
    )
    return last.signed_at if last else None
