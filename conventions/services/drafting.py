"""Drafting conventions: creating them (one or many), the PO's and the federation's parts of the
form, what is missing before review, amendments, and the history both keep."""

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts.models import GuidanceCentre, Membership, OrganisingAuthority, Role, School, User
from core.text import lower_first

from ..models import (
    Convention,
    ConventionContact,
    ConventionSignatory,
    ConventionSnapshot,
    ConventionTemplate,
    ConventionTransition,
    Party,
    ReferenceCounter,
    State,
    record_version,
)
from ..rendering import plain_text
from ..rules import (
    can_amend,
    can_edit_fpo_part,
    can_edit_po_part,
    can_manage_conventions,
    may_start_cooperation,
)

STALE_MESSAGE = (
    "Quelqu'un d'autre a modifié cette convention pendant que vous la complétiez. Vos saisies sont "
    "conservées ci-dessous mais n'ont pas été enregistrées : rechargez la page pour voir la version "
    "actuelle, puis reportez-y vos changements."
)


class StaleConvention(Exception):
    """The convention changed since the form was opened."""


# --- Creation -----------------------------------------------------------------------------


def next_reference(federation, year: int) -> str:
    """`CPEONS-2026-0001`: a federation's numbering per year, without gaps or duplicates
    however many people create conventions at once."""
    ReferenceCounter.objects.get_or_create(federation=federation, year=year)
    counter = ReferenceCounter.objects.select_for_update().get(federation=federation, year=year)
    counter.last = F("last") + 1
    counter.save(update_fields=["last"])
    counter.refresh_from_db(fields=["last"])
    return f"{federation.code.upper()}-{year}-{counter.last:04d}"


# A convention in one of these states no longer stands in the way of a new one.
ENDED_STATES = (State.CANCELLED, State.EXPIRED, State.TERMINATED)


def conventions_standing(*, template: ConventionTemplate, schools, exclude: Convention | None = None):
    """The conventions of the template's federation and kind, neither ended nor amendments, that
    already cover one of `schools`: one convention at a time per school, federation and kind."""
    standing = Convention.objects.filter(
        federation=template.federation,
        template__kind=template.kind,
        schools__in=schools,
        amendment_of__isnull=True,
    ).exclude(state__in=ENDED_STATES)
    if exclude is not None:
        standing = standing.exclude(pk=exclude.pk)
    return standing.distinct()


def check_parties(
    *,
    template: ConventionTemplate,
    organising_authority: OrganisingAuthority,
    schools,
    convention: Convention | None = None,
) -> None:
    """The PO must be affiliated to the template's federation, the schools must be its own and
    the federation's, none may be under another convention of this kind with this federation
    (`convention` itself aside), and a school-level convention names exactly one school."""
    federation = template.federation
    if federation and not organising_authority.federations.filter(pk=federation.pk).exists():
        raise ValidationError(
            f"{organising_authority} n'est pas affilié à la fédération {federation.code.upper()}."
        )
    foreign = [s for s in schools if s.organising_authority_id != organising_authority.pk]
    if foreign:
        raise ValidationError(
            "Ces écoles ne relèvent pas de ce pouvoir organisateur : "
            + ", ".join(f"{s} ({s.fase})" for s in foreign)
        )
    if federation:
        elsewhere = [s for s in schools if s.federation_id != federation.pk]
        if elsewhere:
            raise ValidationError(
                f"Ces écoles ne sont pas affiliées à la fédération {federation.code.upper()} : "
                + ", ".join(f"{s} ({s.fase})" for s in elsewhere)
            )
    if (
        template.kind in (ConventionTemplate.Kind.SCHOOL, ConventionTemplate.Kind.CENTRE_SCHOOL)
        and len(schools) != 1
    ):
        raise ValidationError("Une convention pour une école porte sur une seule école.")
    standing = list(conventions_standing(template=template, schools=schools, exclude=convention))
    if standing:
        raise ValidationError(
            "Ces écoles relèvent déjà d'une convention de ce type avec la fédération : "
            + ", ".join(f"{c.reference} ({lower_first(c.get_state_display())})" for c in standing)
            + ". Une nouvelle convention n'est possible qu'une fois celle-ci expirée, résiliée ou annulée."
        )


def _federation_signatory(federation, function: str):
    """The federation's own signatory for a function of the template, if one is known."""
    wanted = function.casefold()
    for membership in Membership.objects.filter(role=Role.SIGNATORY, federation=federation).select_related(
        "user"
    ):
        if membership.function and (
            membership.function.casefold() in wanted or wanted in membership.function.casefold()
        ):
            return membership.user
    return None


def create_convention(
    *,
    template: ConventionTemplate,
    organising_authority: OrganisingAuthority,
    schools: list[School],
    by: User,
    start_date: date | None = None,
    signatories: list[dict] | None = None,
) -> Convention:
    federation = template.federation
    if federation is None or not can_manage_conventions(by, federation):
        raise PermissionDenied("Seule la coordination de la fédération crée ses conventions.")
    check_parties(template=template, organising_authority=organising_authority, schools=schools)
    end_date = None
    if start_date and template.duration_years:
        end_date = start_date.replace(year=start_date.year + template.duration_years) - timedelta(days=1)
    with transaction.atomic():
        convention = Convention(
            reference=next_reference(federation, timezone.localdate().year),
            template=template,
            federation=federation,
            organising_authority=organising_authority,
            start_date=start_date,
            end_date=end_date,
            created_by=by,
        )
        convention.full_clean()
        # Who created it, for the audit trail, also from a background job (no request).
        convention._history_user = by
        convention.save()
        convention.schools.set(schools)
        named = {(s["party"], s["function"]): s for s in signatories or []}
        rows = []
        for position, slot in enumerate(template.signatories.all()):
            given = named.get((slot.party, slot.function), {})
            user = _federation_signatory(federation, slot.function) if slot.party == Party.FPO else None
            rows.append(
                ConventionSignatory(
                    convention=convention,
                    party=slot.party,
                    step=slot.step,
                    position=position,
                    function=slot.function,
                    full_name=given.get("full_name") or (user.get_full_name() if user else ""),
                    email=given.get("email") or (user.email if user else ""),
                    user=user,
                )
            )
        bulk_create_with_history(rows, ConventionSignatory, default_user=by)
        record_transition(convention, name="create", from_state="", to_state=State.DRAFT, by=by, comment="")
    return convention


def create_cooperation_agreement(
    *,
    template: ConventionTemplate,
    school: School,
    centre: GuidanceCentre,
    by: User,
    start_date: date | None = None,
) -> Convention:
    """A centre–school cooperation agreement. The school takes the initiative (decree of 27 April
    2018, art. 14, § 1er): its PO's référent creates it, already « à compléter par le PO », and the
    centre reviews and freezes it. It belongs to no federation: it is numbered in the school's."""
    if template.kind != ConventionTemplate.Kind.CENTRE_SCHOOL:
        raise ValidationError("Ce modèle n'est pas une convention de collaboration centre – école.")
    po = school.organising_authority
    if not may_start_cooperation(by, school):
        raise PermissionDenied("Seul le référent du PO de l'école prend l'initiative de cette convention.")
    if school.federation_id is None:
        raise ValidationError(
            f"{school} n'est affiliée à aucune fédération : elle ne peut pas être numérotée."
        )
    standing = (
        Convention.objects.filter(template__kind=template.kind, schools=school, guidance_centre=centre)
        .exclude(state__in=ENDED_STATES)
        .first()
    )
    if standing:
        raise ValidationError(
            f"{school} a déjà une convention de collaboration avec {centre} : {standing.reference} "
            f"({lower_first(standing.get_state_display())})."
        )
    with transaction.atomic():
        convention = Convention(
            reference=next_reference(school.federation, timezone.localdate().year),
            template=template,
            federation=school.federation,
            organising_authority=po,
            guidance_centre=centre,
            start_date=start_date,
            state=State.TO_COMPLETE,
            created_by=by,
        )
        convention.full_clean()
        convention.save()
        convention.schools.set([school])
        ConventionSignatory.objects.bulk_create(
            ConventionSignatory(
                convention=convention,
                party=slot.party,
                step=slot.step,
                position=position,
                function=slot.function,
            )
            for position, slot in enumerate(template.signatories.all())
        )
        record_transition(
            convention, name="create", from_state="", to_state=State.TO_COMPLETE, by=by, comment=""
        )
    return convention


# --- The PO's part and the federation's part ----------------------------------------------


def _replace_contacts(convention: Convention, rows: list[dict]) -> None:
    """The contact persons become `rows`, in order: each one is updated in place, the extra ones
    deleted one by one, so that the audit trail shows what changed rather than a new list."""
    existing = list(convention.contacts.order_by("position", "pk"))
    for position, row in enumerate(rows):
        contact = existing[position] if position < len(existing) else ConventionContact(convention=convention)
        wanted = {**row, "position": position}
        if contact.pk and all(getattr(contact, name) == value for name, value in wanted.items()):
            continue
        for name, value in wanted.items():
            setattr(contact, name, value)
        contact.save()
    for contact in existing[len(rows) :]:
        contact.delete()


def save_part(
    *,
    convention: Convention,
    by: User,
    lock_version: int,
    fields: dict | None = None,
    signatories: list[dict] | None = None,
    contacts: list[dict] | None = None,
    schools: list[School] | None = None,
) -> Convention:
    """Saves one step of the form. Refused if someone else saved in between (optimistic
    concurrency) or if the user may not edit this convention now."""
    po_side, fpo_side = can_edit_po_part(by, convention), can_edit_fpo_part(by, convention)
    if not (po_side or fpo_side):
        raise PermissionDenied("Cette convention ne peut pas être modifiée par vous dans son état actuel.")
    with transaction.atomic():
        updated = Convention.objects.filter(
            pk=convention.pk, lock_version=lock_version, state=convention.state
        ).update(lock_version=F("lock_version") + 1, updated_at=timezone.now(), **(fields or {}))
        if not updated:
            raise StaleConvention(STALE_MESSAGE)
        if fields:
            for name, value in fields.items():
                setattr(convention, name, value)
            convention.full_clean(exclude=["reference", "template", "federation", "organising_authority"])
            # The conditional update() above sends no signal: the audit trail is written here.
            record_version(convention, by=by)
        if signatories is not None:
            editable = {Party.PO, Party.SCHOOL, Party.CENTRE} if po_side else {Party.FPO}
            for row in signatories:
                signatory = convention.signatories.filter(pk=row["id"]).first() if row["id"] else None
                if signatory is None:
                    raise ValidationError(
                        "Ce signataire n'est pas l'un de ceux de cette convention : rechargez la page."
                    )
                if signatory.party not in editable:
                    raise PermissionDenied("Vous ne pouvez pas désigner les signataires de l'autre partie.")
                for name in ("civility", "full_name", "function", "email"):
                    setattr(signatory, name, row[name])
                signatory.full_clean()
                signatory.save()
        if contacts is not None:
            _replace_contacts(convention, contacts)
        if schools is not None:
            check_parties(
                template=convention.template,
                organising_authority=convention.organising_authority,
                schools=schools,
                convention=convention,
            )
            convention.schools.set(schools)
    convention.refresh_from_db()
    return convention


def missing_for_review(convention: Convention) -> list[str]:
    """What the PO still has to fill before the federation can review."""
    missing = []
    if not convention.start_date:
        missing.append("la date de prise de cours")
    po_signatories = [s for s in convention.signatories.all() if s.party != Party.FPO]
    if any(not s.full_name for s in po_signatories):
        missing.append("le nom de chaque signataire du pouvoir organisateur")
    if not convention.contacts.exists():
        missing.append("au moins une personne de contact")
    if convention.template.kind == "po" and not convention.council_decision_date:
        missing.append("la date de la décision du conseil")
    if not convention.schools.exists():
        missing.append("les écoles couvertes")
    return missing


# --- History ------------------------------------------------------------------------------


def record_transition(convention, *, name, from_state, to_state, by, comment) -> ConventionTransition:
    return ConventionTransition.objects.create(
        convention=convention, name=name, from_state=from_state, to_state=to_state, by=by, comment=comment
    )


def keep_snapshot(convention: Convention, transition: ConventionTransition) -> None:
    """Keeps the text as it stands, when it differs from the last kept version."""
    text = plain_text(convention)
    last = convention.snapshots.order_by("-number").first()
    if last and last.text == text:
        return
    ConventionSnapshot.objects.create(
        convention=convention, number=(last.number + 1 if last else 1), transition=transition, text=text
    )


def create_amendment(*, convention: Convention, by: User, ground: str) -> Convention:
    """An avenant: a new version of the convention, which goes through the same workflow.
    Only on the grounds the template allows."""
    if not can_amend(by, convention):
        raise PermissionDenied(
            "Un avenant ne peut être proposé que sur une convention signée, par ses parties."
        )
    if ground not in convention.template.amendment_grounds:
        raise ValidationError({"ground": "Ce motif n'est pas prévu par la convention."})
    with transaction.atomic():
        number = convention.amendments.count() + 1
        amendment = Convention.objects.create(
            reference=f"{convention.reference}-A{number}",
            template=convention.template,
            federation=convention.federation,
            organising_authority=convention.organising_authority,
            amendment_of=convention,
            amendment_ground=ground,
            start_date=convention.start_date,
            end_date=convention.end_date,
            council_decision_date=convention.council_decision_date,
            council_decision_reference=convention.council_decision_reference,
            created_by=by,
        )
        amendment.schools.set(convention.schools.all())
        bulk_create_with_history(
            [
                ConventionSignatory(
                    convention=amendment,
                    **{
                        f: getattr(s, f)
                        for f in (
                            "party",
                            "step",
                            "position",
                            "civility",
                            "full_name",
                            "function",
                            "email",
                            "user_id",
                        )
                    },
                )
                for s in convention.signatories.all()
            ],
            ConventionSignatory,
            default_user=by,
        )
        bulk_create_with_history(
            [
                ConventionContact(
                    convention=amendment,
                    **{f: getattr(c, f) for f in ("full_name", "function", "email", "phone", "position")},
                )
                for c in convention.contacts.all()
            ],
            ConventionContact,
            default_user=by,
        )
        record = record_transition(
            amendment,
            name="create",
            from_state="",
            to_state=State.DRAFT,
            by=by,
            comment=f"Avenant : {ground}",
        )
        keep_snapshot(amendment, record)
    return amendment
