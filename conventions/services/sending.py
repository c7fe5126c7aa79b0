"""Sending a convention for signature: the prepared document (one field per signatory, the
platform's certification), the signatories' personal links in the template's order, and the
reminders. Only a hash of each link's token is kept."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from ..emails import send_signature_request_email
from ..models import Convention, ConventionDocument, Signature, SignatureRequest, State
from ..signatures.crypto import SignatureFieldSpec, prepare_for_signing, signing_is_configured
from ..signatures.evidence import Kind, record_event
from ..signatures.rounds import current_round, current_step, pending_signatories
from .documents import freeze, store_document
from .drafting import keep_snapshot, record_transition


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def link_days() -> int:
    return getattr(settings, "SIGNATURE_LINK_DAYS", 14)


def reminder_days() -> int:
    return getattr(settings, "SIGNATURE_REMINDER_DAYS", 5)


def check_can_prepare(convention: Convention) -> None:
    """Refused before anything is prepared when the server cannot seal, or nobody would sign."""
    if not signing_is_configured():
        raise ValidationError(
            "La signature électronique n'est pas configurée sur ce serveur (certificat de cachet "
            "absent) : la convention ne peut pas être envoyée en signature."
        )
    if not convention.signatories.exists():
        raise ValidationError(
            "La convention n'a aucun signataire : elle ne peut pas être envoyée en signature."
        )
    # A signatory without an address would never get a link, and the convention would wait for
    # them for ever.
    unreachable = [str(s) for s in convention.signatories.order_by("step", "position") if not s.email]
    if unreachable:
        raise ValidationError(
            "Envoi en signature impossible : il manque l'adresse e-mail de "
            + " ; ".join(unreachable)
            + ". Complétez-la dans l'étape « Signataires » de la convention."
        )


def start_signing(convention: Convention, *, by) -> ConventionDocument:
    """Prepares the frozen PDF (one field per signatory, the platform's certification), stores
    it, and sends the first step's links. Runs inside `apply_transition`'s transaction."""
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


def correct_address_and_resend(*, signatory, email: str, by) -> SignatureRequest | None:
    """Staff correct a signatory's address while the convention is in signing, or just resend
    the link: the old link stops working and a new one goes to the address now given. Only for a
    signatory who has not signed this round; their name and function are printed in the frozen
    text and cannot change here. Returns the new request, or None when their turn has not come
    yet (the link goes to the new address when it does)."""
    with transaction.atomic():
        convention = Convention.objects.select_for_update().get(pk=signatory.convention_id)
        signatory = convention.signatories.get(pk=signatory.pk)
        if convention.state != State.SIGNING:
            raise ValidationError("La convention n'est pas en signature : aucun lien à renvoyer.")
        prepared = current_round(convention)
        if signatory not in pending_signatories(convention, prepared):
            raise ValidationError(f"{signatory} a déjà signé : son lien ne peut plus être renvoyé.")
        before = signatory.email
        if email != before:
            signatory.email = email
            signatory.full_clean()
            signatory._history_user = by
            signatory.save(update_fields=["email"])
        revoked = SignatureRequest.objects.filter(
            signatory=signatory, used_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=timezone.now())
        record_event(
            convention,
            kind=Kind.CORRECTED,
            signatory=signatory,
            actor=by,
            detail=(f"Adresse corrigée : {before or 'aucune'} → {email}. " if email != before else "")
            + ("Ancien lien désactivé." if revoked else "Aucun lien en cours."),
        )
        made = [
            request for request in send_links(convention, prepared) if request.signatory_id == signatory.pk
        ]
        return made[0] if made else None


def replace_signatory(*, signatory, civility: str, full_name: str, function: str, email: str, by):
    """Before anybody has signed, staff replace a signatory by another person (or correct their
    name or function). These are printed in the text: the text is frozen again as a new version,
    prepared again, and the links of the first step go out anew; every earlier link stops working.
    Returns the new prepared document."""
    with transaction.atomic():
        convention = Convention.objects.select_for_update().get(pk=signatory.convention_id)
        signatory = convention.signatories.get(pk=signatory.pk)
        if convention.state != State.SIGNING:
            raise ValidationError(
                "La convention n'est pas en signature : modifiez ses signataires dans son texte."
            )
        prepared = current_round(convention)
        if Signature.objects.filter(prepared=prepared).exists():
            raise ValidationError(
                "Une signature est déjà apposée : un signataire ne peut plus être remplacé. "
                "Annulez la convention pour en établir une nouvelle."
            )
        before = str(signatory)
        given = {
            "civility": civility,
            "full_name": full_name.strip(),
            "function": function.strip(),
            "email": email,
        }
        if all(getattr(signatory, name) == value for name, value in given.items()):
            raise ValidationError(f"Rien à changer : {before} ({email}) est déjà le signataire prévu.")
        person_changes = (given["full_name"], given["email"].casefold()) != (
            signatory.full_name,
            signatory.email.casefold(),
        )
        for name, value in given.items():
            setattr(signatory, name, value)
        if person_changes:
            signatory.user = None  # the former person's account no longer signs in their place
        signatory.full_clean()
        signatory._history_user = by
        signatory.save(update_fields=[*given, "user"])
        now = timezone.now()
        SignatureRequest.objects.filter(
            convention=convention, used_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=now)
        detail = (
            f"Signataire remplacé : {before} → {signatory} ({signatory.email}). Anciens liens désactivés."
        )
        record_event(convention, kind=Kind.REPLACED, signatory=signatory, actor=by, detail=detail)
        record = record_transition(
            convention,
            name="replace_signatory",
            from_state=State.SIGNING,
            to_state=State.SIGNING,
            by=by,
            comment=detail,
        )
        keep_snapshot(convention, record)
        freeze(convention)
        return start_signing(convention, by=by)


def send_reminders(*, now=None) -> int:
    """A new link (the old one stops working) to each signatory whose turn it is and who has
    not acted for SIGNATURE_REMINDER_DAYS days, or whose link expired."""
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
