"""Collecting the signatures of a convention from the signatories' personal links: signatures
made by the platform on a signatory's behalf or uploaded from their own certificate (Belgian
eID), refusals, and what follows the last signature.

Every change runs with the convention's row locked (`select_for_update`), and a database
constraint allows one signature per signatory and prepared document: two requests at the same
moment give one signature, and the other a French message."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from core.text import lower_first

from ..emails import send_declined_to_signers_email, send_signed_convention_email, send_transition_email
from ..models import (
    Convention,
    ConventionDocument,
    ConventionSignatory,
    Party,
    Signature,
    SignatureRequest,
)
from ..rules import is_signatory, may_act_as_signatory, signatories_of
from ..signatures.archival import add_document_timestamp
from ..signatures.crypto import (
    field_signer_certificate,
    sign_field,
    signing_ca_is_configured,
)
from ..signatures.eid import check_eid_upload
from ..signatures.evidence import Kind, RequestMeta, binding, record_event
from ..signatures.rounds import current_round, current_step, latest_document, pending_signatories
from ..signatures.verification import UploadRefused
from ..workflow import TRANSITIONS
from .documents import store_document
from .drafting import record_transition
from .sending import hash_token, send_links
from .workflow import apply_transition

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


NOTHING_TO_SIGN = (
    "Aucune signature ne vous est demandée sur cette convention pour l'instant : vous avez peut-être "
    "déjà signé, ou votre tour n'est pas encore venu (vous recevrez alors un e-mail)."
)


def request_for_signer(*, reference: str, user) -> SignatureRequest:
    """The signature `user` owes on a convention, reached from inside Pilotis rather than from
    the e-mailed link: their latest request not yet used nor revoked, checked like a link."""
    request = (
        SignatureRequest.objects.select_related("convention", "signatory", "prepared")
        .filter(
            convention__reference=reference,
            signatory__in=ConventionSignatory.objects.filter(signatories_of(user)),
            used_at__isnull=True,
            revoked_at__isnull=True,
        )
        .order_by("-created_at", "-pk")
        .first()
    )
    if request is None:
        raise SigningRefused(NOTHING_TO_SIGN)
    _check_usable(request)
    return request


def pending_requests(user):
    """The signature requests waiting for `user` to sign: links still valid, not used, on
    conventions still in signature, on a document they have not signed yet (newest first)."""
    now = timezone.now()
    signed = Signature.objects.filter(prepared=OuterRef("prepared"), signatory=OuterRef("signatory"))
    return (
        SignatureRequest.objects.filter(
            signatory__in=ConventionSignatory.objects.filter(signatories_of(user)),
            convention__state__in=TRANSITIONS["sign"].sources,
            used_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=now,
        )
        .exclude(Exists(signed))
        .select_related("convention__organising_authority", "signatory")
        .order_by("-created_at")
    )


def last_used_request(*, reference: str, user) -> SignatureRequest | None:
    """The request `user` last signed (or refused) a convention with, for the page that follows."""
    return (
        SignatureRequest.objects.select_related("convention", "signatory")
        .filter(
            convention__reference=reference,
            signatory__in=ConventionSignatory.objects.filter(signatories_of(user)),
            used_at__isnull=False,
        )
        .order_by("-used_at", "-pk")
        .first()
    )


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
    if request.convention.state not in TRANSITIONS["sign"].sources:
        raise SigningRefused(NOT_SIGNING.format(state=lower_first(request.convention.get_state_display())))


SIGNER_LEFT = (
    "Ce lien de signature n'est plus valable : {name} n'a plus de rôle dans {organisation} "
    "ou son compte a été désactivé. Rien n'a été signé ; la fédération désignera un autre signataire."
)


def _party_organisations(signatory: ConventionSignatory) -> Q:
    """The memberships that make someone part of the signatory's side of the convention."""
    convention = signatory.convention
    return {
        Party.FPO: Q(federation=convention.federation_id),
        Party.PO: Q(organising_authority=convention.organising_authority_id),
        Party.SCHOOL: Q(school__in=convention.schools.values("pk")),
        Party.CENTRE: Q(guidance_centre=convention.guidance_centre_id),
    }[signatory.party]


def _party_organisation(signatory: ConventionSignatory):
    """The organisation the signatory signs for (the first school for a school's side), or None."""
    convention = signatory.convention
    return {
        Party.FPO: convention.federation,
        Party.PO: convention.organising_authority,
        Party.SCHOOL: convention.schools.first(),
        Party.CENTRE: convention.guidance_centre,
    }[signatory.party]


def _party_name(signatory: ConventionSignatory) -> str:
    organisation = _party_organisation(signatory)
    return str(organisation) if organisation else "son organisation"


def check_signer(signatory: ConventionSignatory, user) -> None:
    """Only the signatory's own account may use their link, and only while that account is
    active and still holds a role in the signatory's side (access ends with the role)."""
    if is_signatory(user, signatory):
        if not user.is_active or not user.memberships.filter(_party_organisations(signatory)).exists():
            raise PermissionDenied(
                SIGNER_LEFT.format(name=signatory.display_name, organisation=_party_name(signatory))
            )
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


def _locked(request_pk: int, *, by, action: str = "sign"):
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
    # A signatory may decline before their turn, never sign before it.
    if action == "sign" and request.signatory.step != step:
        raise SigningRefused(NOT_YOUR_TURN.format(step=step))
    if by is not None and not may_act_as_signatory(by, request.signatory, action):
        raise PermissionDenied("Vous ne pouvez pas agir comme signataire de cette convention.")
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
        organisation = _party_organisation(signatory)
        content = sign_field(
            bytes(latest.content),
            field_name=signatory.field_name,
            signer_name=signatory.full_name or signatory.display_name,
            function=signatory.function,
            organisation=organisation.name if organisation else "",
            # The chain's head, inside the signed bytes: see signatures/evidence.py.
            reason=f"Signature de la convention {convention.reference} – {binding(convention)}",
            when=when,
        )
        certificate = field_signer_certificate(content, signatory.field_name)
        if signing_ca_is_configured():
            how = (
                f"avec un certificat à usage unique à son nom (n° de série {certificate.serial_number:X}, "
                f"émis par {certificate.issuer.native.get('common_name', '')})"
            )
        else:
            how = "avec le certificat du cachet de la plateforme"
        return _keep_signature(
            convention,
            request,
            content=content,
            method=Signature.Method.PLATFORM,
            common_name=certificate.subject.native.get("common_name", "")[:200],
            by=by,
            meta=meta,
            when=when,
            detail=f"Signé par la plateforme au nom de {signatory.display_name}, {signatory.function}, {how}",
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
            report, certificate = check_eid_upload(
                current=bytes(latest.content),
                uploaded=content,
                field_name=signatory.field_name,
                signatory_name=signatory.full_name or signatory.display_name,
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
            detail=certificate.detail,
        )


def _keep_signature(
    convention, request, *, content: bytes, method: str, common_name: str, by, meta, when, detail: str
) -> Signature:
    """Stores the signed revision, the signature, spends the link, records the event, and goes on
    (next step's links or completion). The caller holds the convention's row lock."""
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
        signatory.user = by
        signatory.save(update_fields=["user"])
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

    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {"reason": "Indiquez le motif de votre refus : il est communiqué à la fédération."}
        )
    with transaction.atomic():
        convention, request, latest = _locked(request.pk, by=by, action="decline")
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
        source, declined = convention.state, TRANSITIONS["decline"]
        convention.state = declined.target
        convention.lock_version += 1
        convention.save(update_fields=["state", "lock_version", "updated_at"])
        record = record_transition(
            convention,
            name=declined.name,
            from_state=source,
            to_state=declined.target,
            by=by,
            comment=f"Refus de signer de {signatory.display_name} ({signatory.function}) : {reason}",
        )
        transaction.on_commit(lambda: send_transition_email.enqueue(transition_id=record.pk))
        transaction.on_commit(lambda: send_declined_to_signers_email.enqueue(request_id=request.pk))
    return convention


def _used(request: SignatureRequest, when, *, signed: bool) -> None:
    SignatureRequest.objects.filter(pk=request.pk).update(used_at=when, signed_at=when if signed else None)


def _after_signature(convention: Convention, prepared: ConventionDocument, *, by) -> None:
    """The next step's links, or, when everybody has signed, the signed convention."""
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
