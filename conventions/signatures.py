"""Collecting the signatures of a convention: the prepared document, the signatories' personal
links in the template's order, signatures made by the platform on a signatory's behalf or
uploaded from their own certificate (Belgian eID), refusals, and the evidence log.

Every change runs with the convention's row locked (`select_for_update`), and a database
constraint allows one signature per signatory and prepared document: two requests at the same
moment give one signature, and the other a French message."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from . import pdf
from .models import (
    Convention,
    ConventionDocument,
    ConventionEvent,
    ConventionSignatory,
    ConventionTransition,
    Signature,
    SignatureRequest,
    State,
)
from .signing import SignatureFieldSpec, add_document_timestamp, prepare_for_signing, sign_field
from .verification import UploadRefused, check_signatory_upload

Kind = ConventionEvent.Kind
SIGNED_KINDS = (ConventionDocument.Kind.PREPARED, ConventionDocument.Kind.SIGNED)

LINK_UNKNOWN = (
    "Ce lien de signature n'existe pas ou n'est plus valable (un rappel plus récent l'a peut-être remplacé)."
)
LINK_USED = "Ce lien a déjà servi : la convention a déjà été signée (ou refusée) avec lui."
LINK_REVOKED = "Ce lien n'est plus valable : la convention a été renvoyée à la fédération ou annulée."
NOT_SIGNING = "La convention n'est plus en signature (elle est « {state} ») : rien n'a été signé."
ALREADY_SIGNED = "Vous avez déjà signé cette convention : rien n'a été ajouté."
DOCUMENT_CHANGED = (
    "Le document a changé depuis que vous l'avez ouvert (une autre signature y a été ajoutée) : "
    "relisez-le, puis signez à nouveau."
)
NOT_YOUR_TURN = (
    "Ce n'est pas encore votre tour : les signataires de l'étape {step} doivent d'abord signer. "
    "Vous recevrez un e-mail dès que ce sera le cas."
)


class SigningRefused(Exception):
    """A signing request cannot go through; the message says why, in French."""


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


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def link_days() -> int:
    return getattr(settings, "SIGNATURE_LINK_DAYS", 14)


def reminder_days() -> int:
    return getattr(settings, "SIGNATURE_REMINDER_DAYS", 5)


# --- The evidence log ---------------------------------------------------------------------


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


# --- Where the signatures stand -----------------------------------------------------------


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


def status(convention: Convention) -> list[SignatoryStatus]:
    """Each signatory of the current round: signed (when, how) or not, and whose turn it is."""
    prepared = current_round(convention)
    if prepared is None:
        return []
    signatures = {s.signatory_id: s for s in Signature.objects.filter(prepared=prepared)}
    step = current_step(convention, prepared) if convention.state == State.SIGNING else None
    return [
        SignatoryStatus(s, signatures.get(s.pk), s.pk not in signatures and s.step == step)
        for s in convention.signatories.order_by("step", "position")
    ]


# --- Preparing and sending ----------------------------------------------------------------


def check_can_prepare(convention: Convention) -> None:
    from .signing import signing_is_configured

    if not signing_is_configured():
        raise ValidationError(
            "La signature électronique n'est pas configurée sur ce serveur (certificat de cachet "
            "absent) : la convention ne peut pas être envoyée en signature."
        )
    if not convention.signatories.exists():
        raise ValidationError(
            "La convention n'a aucun signataire : elle ne peut pas être envoyée en signature."
        )


def freeze(convention: Convention) -> ConventionDocument:
    """The frozen text's PDF, with the place of each signatory's box."""
    from .services import store_document

    content, fields = pdf.render_frozen_convention_pdf(convention)
    document = store_document(convention, kind=ConventionDocument.Kind.FROZEN, content=content)
    document.fields = fields
    document.save(update_fields=["fields"])
    return document


def start_signing(convention: Convention, *, by) -> ConventionDocument:
    """Prepares the frozen PDF (one field per signatory, the platform's certification), stores
    it, and sends the first step's links. Runs inside `apply_transition`'s transaction."""
    from .services import store_document

    frozen = convention.documents.filter(kind=ConventionDocument.Kind.FROZEN).order_by("-revision").first()
    if frozen is None:
        frozen = freeze(convention)
    boxes = {field["name"]: field for field in frozen.fields or []}
    specs = []
    for signatory in convention.signatories.order_by("step", "position"):
        field = boxes.get(signatory.field_name)
        specs.append(
            SignatureFieldSpec(signatory.field_name, page=field["page"], box=tuple(field["box"]))
            if field
            else SignatureFieldSpec(signatory.field_name, page=-1, box=None)
        )
    prepared = store_document(
        convention,
        kind=ConventionDocument.Kind.PREPARED,
        content=prepare_for_signing(bytes(frozen.content), fields=specs),
    )
    record_event(
        convention,
        kind=Kind.PREPARED,
        actor=by,
        document_sha256=prepared.sha256,
        detail=f"Révision {prepared.revision} : {len(specs)} champ(s) de signature, certification de la plateforme.",
    )
    send_links(convention, prepared)
    return prepared


def _new_token(request: SignatureRequest) -> str:
    token = secrets.token_urlsafe(32)
    request.token_hash = hash_token(token)
    request.expires_at = timezone.now() + timedelta(days=link_days())
    return token


def signing_link(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("signature_page", args=[token])


def send_links(convention: Convention, prepared: ConventionDocument) -> list[SignatureRequest]:
    """A link for each signatory of the current step who has none yet."""
    from .tasks import send_signature_request_email

    step = current_step(convention, prepared)
    if step is None:
        return []
    made = []
    for signatory in pending_signatories(convention, prepared):
        if (
            signatory.step != step
            or SignatureRequest.objects.filter(
                prepared=prepared, signatory=signatory, used_at__isnull=True, revoked_at__isnull=True
            ).exists()
        ):
            continue
        request = SignatureRequest(convention=convention, signatory=signatory, prepared=prepared)
        token = _new_token(request)
        request.sent_at = timezone.now()
        request.save()
        record_event(
            convention,
            kind=Kind.SENT,
            signatory=signatory,
            document_sha256=prepared.sha256,
            detail=f"Lien envoyé à {signatory.email}"
            if signatory.email
            else "Aucune adresse e-mail : lien non envoyé",
        )
        if signatory.email:
            link = signing_link(token)
            transaction.on_commit(
                lambda pk=request.pk, link=link: send_signature_request_email.enqueue(
                    request_id=pk, link=link
                )
            )
        made.append(request)
    return made


def send_reminders(*, now=None) -> int:
    """A new link (the old one stops working) to each signatory whose turn it is and who has
    not acted for SIGNATURE_REMINDER_DAYS days, or whose link expired."""
    from .tasks import send_signature_request_email

    now = now or timezone.now()
    due = now - timedelta(days=reminder_days())
    count = 0
    open_requests = SignatureRequest.objects.filter(
        convention__state=State.SIGNING, used_at__isnull=True, revoked_at__isnull=True
    ).values_list("pk", flat=True)
    for pk in list(open_requests):
        with transaction.atomic():
            request = SignatureRequest.objects.select_related("signatory", "prepared").get(pk=pk)
            convention = Convention.objects.select_for_update().get(pk=request.convention_id)
            last_sent = request.last_reminded_at or request.sent_at or request.created_at
            if (
                convention.state != State.SIGNING
                or request.used_at
                or request.revoked_at
                or not request.signatory.email
                or (last_sent > due and request.expires_at > now)
            ):
                continue
            token = _new_token(request)
            request.last_reminded_at = now
            request.save(update_fields=["token_hash", "expires_at", "last_reminded_at"])
            record_event(
                convention,
                kind=Kind.REMINDED,
                signatory=request.signatory,
                document_sha256=request.prepared.sha256,
                detail=f"Rappel envoyé à {request.signatory.email}",
            )
            link = signing_link(token)
            transaction.on_commit(
                lambda pk=request.pk, link=link: send_signature_request_email.enqueue(
                    request_id=pk, link=link, reminder=True
                )
            )
            count += 1
    return count


# --- The signatory's link -----------------------------------------------------------------


def request_for_token(token: str) -> SignatureRequest:
    """The request behind a link, or SigningRefused saying why it cannot be used."""
    request = (
        SignatureRequest.objects.select_related("convention", "signatory", "prepared")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if request is None:
        raise SigningRefused(LINK_UNKNOWN)
    _check_usable(request)
    return request


def _check_usable(request: SignatureRequest) -> None:
    if request.used_at:
        raise SigningRefused(LINK_USED)
    if request.revoked_at:
        raise SigningRefused(LINK_REVOKED)
    if request.expires_at <= timezone.now():
        local = timezone.localtime(request.expires_at)
        raise SigningRefused(
            f"Ce lien a expiré le {local:%d/%m/%Y à %H:%M} : un nouveau lien vous sera envoyé avec le "
            "prochain rappel, ou demandez-le à la fédération."
        )
    if request.convention.state != State.SIGNING:
        raise SigningRefused(NOT_SIGNING.format(state=request.convention.get_state_display().lower()))


def check_signer(signatory: ConventionSignatory, user) -> None:
    """Only the signatory's own account may use their link."""
    if signatory.user_id and signatory.user_id == user.pk:
        return
    if signatory.email and user.email and signatory.email.casefold() == user.email.casefold():
        return
    raise PermissionDenied(
        f"Ce lien de signature est destiné à {signatory.display_name} : connectez-vous avec son compte "
        f"({_masked(signatory.email)})."
    )


def _masked(email: str) -> str:
    name, _, domain = email.partition("@")
    return f"{name[:2]}…@{domain}" if domain else "adresse inconnue"


def mark_opened(request: SignatureRequest, *, by, meta: RequestMeta) -> None:
    if request.opened_at:
        return
    with transaction.atomic():
        convention = Convention.objects.select_for_update().get(pk=request.convention_id)
        if SignatureRequest.objects.filter(pk=request.pk, opened_at__isnull=True).update(
            opened_at=timezone.now()
        ):
            record_event(
                convention,
                kind=Kind.OPENED,
                signatory=request.signatory,
                actor=by,
                meta=meta,
                document_sha256=request.prepared.sha256,
            )


def _locked(request_pk: int, *, by, allow_other_step: bool = False):
    """Locks the convention, re-reads the request and checks it may be used now by `by`.
    Returns (convention, request, latest document)."""
    request = SignatureRequest.objects.get(pk=request_pk)
    convention = Convention.objects.select_for_update(of=("self",)).get(pk=request.convention_id)
    request = SignatureRequest.objects.select_related("signatory", "prepared").get(pk=request_pk)
    request.convention = convention
    if by is not None:
        check_signer(request.signatory, by)
    if Signature.objects.filter(prepared=request.prepared, signatory=request.signatory).exists():
        raise SigningRefused(ALREADY_SIGNED)
    _check_usable(request)
    round_ = current_round(convention)
    if round_ is None or round_.pk != request.prepared_id:
        raise SigningRefused(LINK_REVOKED)
    step = current_step(convention, round_)
    if not allow_other_step and request.signatory.step != step:
        raise SigningRefused(NOT_YOUR_TURN.format(step=step))
    return convention, request, latest_document(convention)


def sign(
    *, request: SignatureRequest, by, meta: RequestMeta, shown_sha256: str, authenticated_at=None
) -> Signature:
    """The platform signs the signatory's field on their behalf. `shown_sha256` is the revision
    the signatory read: refused if another signature was added since. `by` is the signatory's
    account (None only for the demo, which signs for people who have no account)."""

    with transaction.atomic():
        convention, request, latest = _locked(request.pk, by=by)
        if shown_sha256 != latest.sha256:
            raise SigningRefused(DOCUMENT_CHANGED)
        signatory = request.signatory
        if by is not None and authenticated_at is not None:
            record_event(
                convention,
                kind=Kind.REAUTHENTICATED,
                signatory=signatory,
                actor=by,
                meta=meta,
                document_sha256=latest.sha256,
                detail=f"Dernière authentification le {timezone.localtime(authenticated_at):%d/%m/%Y à %H:%M:%S}",
            )
        when = timezone.now()
        content = sign_field(
            bytes(latest.content),
            field_name=signatory.field_name,
            signer_name=signatory.full_name or signatory.display_name,
            function=signatory.function,
            reason=f"Signature de la convention {convention.reference}",
            when=when,
        )
        return _keep_signature(
            convention,
            request,
            content=content,
            method=Signature.Method.PLATFORM,
            common_name=signatory.full_name,
            by=by,
            meta=meta,
            when=when,
            detail=f"Signé par la plateforme au nom de {signatory.display_name}, {signatory.function}",
        )


def upload(*, request: SignatureRequest, by, meta: RequestMeta, content: bytes) -> Signature:
    """Accepts the current document signed by the signatory with their own certificate, only if
    it is exactly the current bytes plus their signature in their own field."""

    if len(content) > settings.VERIFY_MAX_UPLOAD_BYTES:
        raise SigningRefused(
            f"Ce fichier dépasse la taille permise ({settings.VERIFY_MAX_UPLOAD_BYTES // (1024 * 1024)} Mo)."
        )
    with transaction.atomic():
        convention, request, latest = _locked(request.pk, by=by)
        signatory = request.signatory
        try:
            report = check_signatory_upload(
                current=bytes(latest.content), uploaded=content, field_name=signatory.field_name
            )
        except UploadRefused as refusal:
            raise SigningRefused(str(refusal)) from None
        signed = next(s for s in report.signatures if s.field_name == signatory.field_name)
        return _keep_signature(
            convention,
            request,
            content=content,
            method=Signature.Method.UPLOAD,
            common_name=signed.signer_common_name[:200],
            by=by,
            meta=meta,
            when=timezone.now(),
            detail=f"Signature déposée, certificat « {signed.signer_common_name} » "
            f"({'reconnu' if signed.trusted else 'non reconnu par les racines de confiance'}), "
            f"heure déclarée {signed.signing_time.isoformat() if signed.signing_time else 'aucune'}",
        )


def _keep_signature(
    convention, request, *, content: bytes, method: str, common_name: str, by, meta, when, detail: str
) -> Signature:
    """Stores the signed revision, the signature, spends the link, records the event, and goes on
    (next step's links or completion). The caller holds the convention's row lock."""
    from .services import store_document

    signatory = request.signatory
    document = store_document(convention, kind=ConventionDocument.Kind.SIGNED, content=content)
    signature = Signature.objects.create(
        convention=convention,
        signatory=signatory,
        prepared=request.prepared,
        document=document,
        method=method,
        signer_common_name=common_name,
        by=by,
        signed_at=when,
    )
    _used(request, when, signed=True)
    if by is not None and signatory.user_id is None:
        ConventionSignatory.objects.filter(pk=signatory.pk).update(user=by)
    record_event(
        convention,
        kind=Kind.SIGNED if method == Signature.Method.PLATFORM else Kind.UPLOADED,
        signatory=signatory,
        actor=by,
        meta=meta,
        document_sha256=document.sha256,
        detail=f"{detail} (champ {signatory.field_name}, révision {document.revision}).",
    )
    _after_signature(convention, request.prepared, by=by)
    return signature


def decline(*, request: SignatureRequest, by, meta: RequestMeta, reason: str) -> Convention:
    """The signatory refuses to sign: the convention goes back to the federation's review."""
    from .tasks import send_transition_email

    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {"reason": "Indiquez le motif de votre refus : il est communiqué à la fédération."}
        )
    with transaction.atomic():
        convention, request, latest = _locked(request.pk, by=by, allow_other_step=True)
        now = timezone.now()
        SignatureRequest.objects.filter(pk=request.pk).update(
            used_at=now, declined_at=now, decline_reason=reason
        )
        SignatureRequest.objects.filter(
            convention=convention, used_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=now)
        signatory = request.signatory
        record_event(
            convention,
            kind=Kind.DECLINED,
            signatory=signatory,
            actor=by,
            meta=meta,
            document_sha256=latest.sha256,
            detail=reason,
        )
        source = convention.state
        convention.state = State.IN_REVIEW
        convention.lock_version += 1
        convention.save(update_fields=["state", "lock_version", "updated_at"])
        record = ConventionTransition.objects.create(
            convention=convention,
            name="decline",
            from_state=source,
            to_state=State.IN_REVIEW,
            by=by,
            comment=f"Refus de signer de {signatory.display_name} ({signatory.function}) : {reason}",
        )
        transaction.on_commit(lambda: send_transition_email.enqueue(transition_id=record.pk))
    return convention


def _used(request: SignatureRequest, when, *, signed: bool) -> None:
    SignatureRequest.objects.filter(pk=request.pk).update(used_at=when, signed_at=when if signed else None)


def _after_signature(convention: Convention, prepared: ConventionDocument, *, by) -> None:
    """The next step's links, or, when everybody has signed, the signed convention."""
    from .services import apply_transition, store_document
    from .tasks import send_signed_convention_email

    if pending_signatories(convention, prepared):
        send_links(convention, prepared)
        return
    latest = latest_document(convention)
    stamped = add_document_timestamp(bytes(latest.content))
    if stamped != bytes(latest.content):
        latest = store_document(convention, kind=ConventionDocument.Kind.SIGNED, content=stamped)
    apply_transition(convention=convention, name="complete_signatures", by=None, as_system=True)
    record_event(
        convention,
        kind=Kind.COMPLETED,
        document_sha256=latest.sha256,
        detail=f"Toutes les signatures sont recueillies : révision finale {latest.revision}.",
    )
    transaction.on_commit(
        lambda: send_signed_convention_email.enqueue(convention_id=convention.pk, revision=latest.revision)
    )


def last_signature_time(convention: Convention):
    prepared = current_round(convention)
    last = (
        Signature.objects.filter(prepared=prepared).order_by("-signed_at").first()
        if prepared is not None
        else None
    )
    return last.signed_at if last else None
