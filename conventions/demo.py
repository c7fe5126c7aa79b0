"""Demo conventions, in every state of the workflow, made through the same services as the
pages: the CPEONS ↔ Ville de Bruxelles convention of the seeds and the CECP convention for the
École primaire Adolphe Max (FASE 104) among them."""

from datetime import date, timedelta

from django.db import transaction

from accounts.models import Membership, OrganisingAuthority, Role, School, User

from .loading import load_reference_data
from .models import Convention, ConventionTemplate, Party, SignatureRequest, State
from .services import collecting, drafting, workflow
from .signatures import rounds
from .signatures.evidence import RequestMeta

# A convention in signature whose first step has signed (not a state of its own).
HALF_SIGNED = "half_signed"
# Which actions lead to each state, from a fresh draft. Signatures are real: the platform signs
# each signatory's field in turn (`conventions.services.collecting.sign`), as the signing page does.
PATHS = {
    State.DRAFT: [],
    State.TO_COMPLETE: ["send_to_po"],
    State.IN_REVIEW: ["send_to_po", "fill", "submit"],
    State.CHANGES_REQUESTED: ["send_to_po", "fill", "submit", "request_changes"],
    State.READY: ["send_to_po", "fill", "submit", "approve"],
    State.SIGNING: ["send_to_po", "fill", "submit", "approve", "send_for_signature"],
    State.SIGNED: ["send_to_po", "fill", "submit", "approve", "send_for_signature", "sign_all"],
    State.TERMINATION_NOTICE: [
        "send_to_po",
        "fill",
        "submit",
        "approve",
        "send_for_signature",
        "sign_all",
        "give_notice",
    ],
    State.TERMINATED: [
        "send_to_po",
        "fill",
        "submit",
        "approve",
        "send_for_signature",
        "sign_all",
        "give_notice",
        "answer_notice",
        "terminate",
    ],
    State.EXPIRED: [
        "send_to_po",
        "fill",
        "submit",
        "approve",
        "send_for_signature",
        "sign_all",
        "expire",
    ],
    State.CANCELLED: ["send_to_po", "cancel"],
    # In signature, the first step (the PO's signatories) signed, the federation's next.
    HALF_SIGNED: ["send_to_po", "fill", "submit", "approve", "send_for_signature", "sign_first_step"],
}
COMMENTS = {
    "request_changes": "Merci de préciser la référence de la décision du conseil communal.",
    "cancel": "L'école a fusionné avec une autre implantation : convention sans objet.",
    "give_notice": "Le pouvoir organisateur confie l'accompagnement à une autre cellule de soutien.",
}
# The seed conventions' people, as the documents name them, in the order of each template's
# signatories: the CPEONS convention names the alderwoman then the town clerk; the CECP's
# « représenté par … en sa qualité de Secrétaire communal et … en sa qualité de
# Bourgmestre/Echevin-délégué » the clerk first. A function None keeps the template's.
HARICHE = ("Madame", "Faouzia HARICHE", "f.hariche@pilotis.example")
SYMOENS = ("Monsieur", "Luc SYMOENS", "l.symoens@pilotis.example")
SEED_SIGNATORIES = {
    ("cpeons-po", "Ville de Bruxelles"): [
        (*HARICHE, "Échevine en charge de l'Instruction Publique, de la Jeunesse et des Ressources Humaines"),
        (*SYMOENS, "Secrétaire communal de la Ville de Bruxelles"),
    ],
    ("cecp-ecole", "Ville de Bruxelles"): [(*SYMOENS, None), (*HARICHE, None)],
}
FEDERATION_SIGNATORIES = {"cpeons": ("Monsieur", "Roberto GALLUCCIO"), "cecp": ("Madame", "Fanny CONSTANT")}

# (template code, PO, FASE numbers or None for all the PO's schools of that federation, target state)
PLAN = [
    ("cpeons-po", "Ville de Bruxelles", None, State.SIGNED),
    ("cecp-ecole", "Ville de Bruxelles", [104], State.SIGNED),
    ("cpeons-po", "Province de Hainaut", None, State.SIGNED),
    ("cpeons-po", "Ville de Liège", None, State.IN_REVIEW),
]
CECP_STATES = [
    State.SIGNED,
    HALF_SIGNED,
    State.READY,
    State.TO_COMPLETE,
    State.CHANGES_REQUESTED,
    State.DRAFT,
    State.SIGNED,
    State.SIGNED,
    State.CANCELLED,
    State.EXPIRED,
    State.SIGNED,
    State.SIGNED,
    State.TERMINATION_NOTICE,
    State.SIGNED,
    State.SIGNED,
    State.TERMINATED,
    State.SIGNED,
    State.SIGNING,  # awaiting its first signature
]


def _people(convention):
    staff = (
        Membership.objects.filter(role=Role.FPO_STAFF, federation=convention.federation)
        .select_related("user")
        .first()
    )
    referent = (
        Membership.objects.filter(role=Role.PO_REFERENT, organising_authority=convention.organising_authority)
        .select_related("user")
        .first()
    )
    return staff.user, referent.user if referent else None


def fill_po_part(convention, *, referent: User, start: date, signatories: list[dict]) -> None:
    """The PO's part as its référent fills it: the dates and the council's decision, the
    signatories given (id, civility, full_name, function, email), the référent as the contact.
    Also used by `make load`'s world (bench/load/signing_world.py)."""
    drafting.save_part(
        convention=convention,
        by=referent,
        lock_version=convention.lock_version,
        fields={
            "council_decision_date": start - timedelta(days=40),
            "council_decision_reference": f"CC/{start.year}/{convention.pk:03d}",
            "start_date": start,
            "end_date": start.replace(year=start.year + 6) - timedelta(days=1),
        },
    )
    convention.refresh_from_db()
    drafting.save_part(
        convention=convention, by=referent, lock_version=convention.lock_version, signatories=signatories
    )
    convention.refresh_from_db()
    drafting.save_part(
        convention=convention,
        by=referent,
        lock_version=convention.lock_version,
        contacts=[
            {
                "full_name": referent.get_full_name(),
                "function": "Référent(e) pilotage",
                "email": referent.email,
                "phone": "02 279 00 00",
            }
        ],
    )


def _fill(convention, referent: User, start: date):
    po = convention.organising_authority
    seeds = SEED_SIGNATORIES.get((convention.template.code, po.name), [])
    rows = []
    for index, signatory in enumerate(s for s in convention.signatories.all() if s.party != Party.FPO):
        if index < len(seeds) and signatory.party == Party.PO:
            civility, name, email, function = seeds[index]
            function = function or signatory.function
        elif signatory.party == Party.SCHOOL:
            school = convention.schools.first()
            direction = User.objects.filter(
                memberships__school=school, memberships__role=Role.SCHOOL_DIRECTION
            ).first()
            civility, function = "Madame", "Directrice"
            name = direction.get_full_name() if direction else f"Direction de {school.name}"
            email = direction.email if direction else f"direction.{school.fase}@pilotis.example"
        else:
            civility, name, function, email = (
                "Monsieur",
                f"Signataire {index + 1} de {po.name}",
                signatory.function,
                f"signataire{index + 1}.po{po.pk}@pilotis.example",
            )
        rows.append(
            {
                "id": signatory.pk,
                "civility": civility,
                "full_name": name,
                "function": function,
                "email": email,
            }
        )
    fill_po_part(convention, referent=referent, start=start, signatories=rows)


def _name_federation_signatories(convention, staff):
    civility, name = FEDERATION_SIGNATORIES[convention.federation.code.lower()]
    convention.signatories.filter(party=Party.FPO).update(civility=civility, full_name=name)


def _sign(convention, *, first_step_only: bool = False) -> None:
    """Each signatory signs in turn, through the signing service: with their own account when the
    demo has one for their e-mail (Hariche, Symoens, Galluccio, Constant, the directions),
    otherwise on behalf of a person who has no account."""
    prepared = rounds.current_round(convention)
    first_step = rounds.current_step(convention, prepared)
    meta = RequestMeta(ip="127.0.0.1", user_agent="Pilotis – chargement de la démonstration")
    while (step := rounds.current_step(convention, prepared)) is not None:
        if first_step_only and step != first_step:
            return
        for request in SignatureRequest.objects.filter(
            prepared=prepared, signatory__step=step, used_at__isnull=True, revoked_at__isnull=True
        ).select_related("signatory"):
            email = request.signatory.email
            by = User.objects.filter(email__iexact=email).first() if email else None
            latest = rounds.latest_document(convention)
            collecting.sign(request=request, by=by, meta=meta, shown_sha256=latest.sha256)


def _drive(convention, target: State, start: date):
    staff, referent = _people(convention)
    _name_federation_signatories(convention, staff)
    for step in PATHS[target]:
        convention.refresh_from_db()
        if step == "fill":
            _fill(convention, referent, start)
        elif step == "answer_notice":
            workflow.answer_termination_notice(
                convention=convention,
                by=referent,
                answer="Le pouvoir organisateur prend acte et ne s'y oppose pas.",
            )
        elif step in ("sign_all", "sign_first_step"):
            _sign(convention, first_step_only=step == "sign_first_step")
        elif step == "expire":
            Convention.objects.filter(pk=convention.pk).update(end_date=date.today() - timedelta(days=1))
            workflow.apply_transition(convention=convention, name=step, by=None, as_system=True)
        else:
            by = referent if step == "submit" else staff
            workflow.apply_transition(convention=convention, name=step, by=by, comment=COMMENTS.get(step, ""))


@transaction.atomic
def load_conventions_demo() -> list[Convention]:
    load_reference_data()
    if Convention.objects.exists():
        return list(Convention.objects.order_by("reference"))
    templates = {t.code: t for t in ConventionTemplate.objects.current()}
    start = date(2024, 9, 1)
    made = []
    for code, po_name, fases, target in PLAN:
        template = templates[code]
        po = OrganisingAuthority.objects.get(name=po_name)
        schools = School.objects.filter(organising_authority=po, federation=template.federation)
        if fases:
            schools = schools.filter(fase__in=fases)
        staff, _ = _people(Convention(federation=template.federation, organising_authority=po))
        convention = drafting.create_convention(
            template=template, organising_authority=po, schools=list(schools.order_by("fase")), by=staff
        )
        _drive(convention, target, start)
        made.append(convention)
    cecp_schools = (
        School.objects.filter(federation__code__iexact="cecp")
        .exclude(fase=104)
        .order_by("organising_authority__name", "fase")
    )
    for school, target in zip(cecp_schools, CECP_STATES, strict=False):
        template = templates["cecp-ecole"]
        staff, _ = _people(
            Convention(federation=template.federation, organising_authority=school.organising_authority)
        )
        convention = drafting.create_convention(
            template=template, organising_authority=school.organising_authority, schools=[school], by=staff
        )
        _drive(convention, target, start)
        made.append(convention)
    return list(
        Convention.objects.filter(pk__in=[c.pk for c in made]).select_related("template").order_by("pk")
    )
