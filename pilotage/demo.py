"""The demo's pilotage: every demo school under a signed convention gets an accompaniment with
varied progress over the school years 2023-2024 to 2025-2026 (steps, actions held, planned
and cancelled, engagements ticked or late, a plan in each state, objectives, indicators and
their values, evaluations, notes). Deterministic (one seeded generator per school) and
idempotent: an accompaniment already there is left as it is."""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.demo import load_demo
from accounts.models import Membership, Role
from conventions.demo import load_conventions_demo
from conventions.models import Convention, FrameworkNode, State
from core.school_years import school_year_of

from .catalogue import load_catalogues, load_steps
from .models import (
    Accompaniment,
    ActionRecord,
    ActionType,
    AdviserAssignment,
    AdviserProfile,
    EngagementCheck,
    Evaluation,
    EvaluationResult,
    Indicator,
    IndicatorValue,
    Note,
    ObjectiveStatus,
    Plan,
    SchoolObjective,
    StepEntry,
    Strategy,
    add_months,
)
from .services.accompaniment import start_accompaniment

# When each step starts, in months after the start of the accompaniment (CECP art. 3:
# step 1 from March of year 0, step 2 from August, step 3 from December, step 4 from
# March of the next year, step 5 from the following September).
STEP_OFFSETS = {1: 0, 2: 5, 3: 9, 4: 12, 5: 18}
# The demo schools' progress, spread over the steps; a few schools always show the same
# (the browser tests and the README rely on them).
PROGRESS = [5, 5, 4, 3, 5, 2, 4, 5, 3, 5, 1, 4]
FIXED_PROGRESS = {104: 5, 9001: 4}
DEMO_YEARS = (2023, 2024, 2025)

OBJECTIVES = [
    (
        "OA 1",
        "Améliorer la compréhension en lecture des élèves de 3e à 6e primaire",
        "Élèves maîtrisant la lecture à l'épreuve externe",
        "%",
        "rise",
    ),
    (
        "OA 4",
        "Réduire le redoublement au premier degré",
        "Taux de redoublement au premier degré",
        "%",
        "fall",
    ),
    (
        "OA 7",
        "Améliorer le climat scolaire sur les temps de récréation",
        "Incidents relevés par trimestre",
        "incidents",
        "fall",
    ),
    (
        "OA 3",
        "Réduire l'écart de résultats en mathématiques entre les élèves",
        "Écart de score moyen en mathématiques (points)",
        "points",
        "fall",
    ),
    (
        "OA 6",
        "Accueillir davantage d'élèves à besoins spécifiques dans les classes ordinaires",
        "Élèves à besoins spécifiques intégrés",
        "élèves",
        "rise",
    ),
    (
        "OA 2",
        "Augmenter la part des élèves qui obtiennent le CESS",
        "Élèves de 6e obtenant le CESS",
        "%",
        "rise",
    ),
]
STRATEGIES = [
    (
        "Ateliers de lecture en petits groupes",
        "Quatre périodes par semaine, groupes de besoin",
        "Équipe de 3e à 6e",
        "2024-2027",
    ),
    (
        "Concertation hebdomadaire par cycle",
        "Une heure de concertation outillée par semaine",
        "Direction et titulaires",
        "dès septembre",
    ),
    (
        "Charte de la récréation co-construite",
        "Conseil des élèves, médiation par les pairs",
        "Éducateurs",
        "année 1",
    ),
    (
        "Remédiation immédiate en mathématiques",
        "Dispositif de différenciation en classe",
        "Enseignants de mathématiques",
        "années 1 à 3",
    ),
]
CANCEL_REASONS = [
    "Grève des transports : séance reportée.",
    "Direction absente (maladie).",
    "Journée pédagogique déplacée par le PO.",
]
NOTES = [
    ("private", "Équipe motivée mais direction très sollicitée : prévoir un coaching court avant l'été."),
    ("shared", "Le diagnostic a été présenté au PO ; les objectifs spécifiques sont validés."),
    ("private", "Tensions au sein de l'équipe de soutien : à suivre lors de la prochaine intervision."),
    ("shared", "Merci pour l'accueil lors de la journée en école ; les supports sont sur la plateforme."),
]


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


@transaction.atomic
def load_pilotage_demo() -> list[Accompaniment]:
    """Accompaniments for the schools of the signed demo conventions (conventions/demo.py)."""
    load_steps()
    load_catalogues()
    _adviser_profiles()
    today = timezone.localdate()
    made = []
    conventions = (
        Convention.objects.filter(state=State.SIGNED).select_related("template").prefetch_related("schools")
    )
    for convention in conventions.order_by("pk"):
        for school in sorted(convention.schools.all(), key=lambda s: s.fase):
            if Accompaniment.objects.filter(school=school, convention=convention).exists():
                continue
            made.append(_accompany(school, convention, today))
    return made


def _adviser_profiles() -> None:
    for membership in Membership.objects.filter(role=Role.FPO_ADVISER).select_related("user"):
        technopedagogical = "techno" in membership.function.lower()
        AdviserProfile.objects.get_or_create(
            user=membership.user,
            federation_id=membership.federation_id,
            defaults={
                "fte": Decimal("0.80") if technopedagogical else Decimal("1.00"),
                "technopedagogical": technopedagogical,
            },
        )


def _accompany(school, convention, today: date) -> Accompaniment:
    rng = random.Random(school.fase)  # noqa: S311 - demo data, the same at every load
    step = FIXED_PROGRESS.get(school.fase, PROGRESS[school.fase % len(PROGRESS)])
    # Far enough in the past for the current step to have begun a few months ago.
    started_on = add_months(today.replace(day=1), -(STEP_OFFSETS[step] + rng.randint(2, 5)))
    if step == 5:
        started_on = date(2023, 3, 1) if rng.random() < 0.6 else date(2023, 9, 1)
    accompaniment = start_accompaniment(school=school, convention=convention, by=None, started_on=started_on)

    advisers = list(
        Membership.objects.filter(role=Role.FPO_ADVISER, federation=convention.federation_id).values_list(
            "user", flat=True
        )
    )
    if advisers and (school.fase in FIXED_PROGRESS or rng.random() < 0.85):
        AdviserAssignment.objects.bulk_create(
            [AdviserAssignment(accompaniment=accompaniment, adviser_id=user) for user in advisers],
            ignore_conflicts=True,
        )
    referent = (
        Membership.objects.filter(role=Role.PO_REFERENT, organising_authority=school.organising_authority_id)
        .values_list("user", flat=True)
        .first()
    )

    entries = {number: add_months(started_on, STEP_OFFSETS[number]) for number in range(1, step + 1)}
    StepEntry.objects.bulk_create(
        [
            StepEntry(
                accompaniment=accompaniment,
                step_id=number,
                from_step_id=number - 1,
                entered_on=day,
                recorded_at=_at(day, 17),
            )
            for number, day in entries.items()
            if number > 1
        ]
    )
    Accompaniment.objects.filter(pk=accompaniment.pk).update(current_step_id=step)
    accompaniment.current_step_id = step

    _actions(accompaniment, entries, step, advisers[0] if advisers else None, rng, today)
    _engagements(accompaniment, step, referent, rng, today)
    plan = _plan(accompaniment, entries, step, rng, today)
    _notes(accompaniment, advisers[0] if advisers else None, rng, step)
    if plan.state == Plan.State.ACCEPTED:
        _evaluations(plan, rng, today)
    return accompaniment


def _actions(accompaniment, entries: dict, step: int, adviser_id, rng: random.Random, today: date) -> None:
    catalogue = list(
        ActionType.objects.filter(federation=accompaniment.federation_id, active=True, step__isnull=False)
    )
    records = []

    def record(action_type, day, status, **extra):
        records.append(
            ActionRecord(
                accompaniment=accompaniment,
                school_id=accompaniment.school_id,
                action_type=action_type,
                date=day,
                status=status,
                duration=action_type.default_duration,
                duration_unit=action_type.duration_unit,
                adviser_id=adviser_id,
                created_by_id=adviser_id,
                status_changed_at=_at(day, 17) if status != ActionRecord.Status.PLANNED else None,
                **extra,
            )
        )

    for number, entered_on in entries.items():
        end = entries.get(number + 1, today)
        for action_type in (a for a in catalogue if a.step_id == number):
            if number == 5:
                continue  # step 5 repeats every year, below
            span = max((end - entered_on).days, 1)
            day = entered_on + timedelta(days=rng.randrange(span))
            if number == step and rng.random() < 0.5:
                record(action_type, today + timedelta(days=rng.randint(3, 60)), ActionRecord.Status.PLANNED)
            elif rng.random() < 0.1:
                record(
                    action_type,
                    min(day, today - timedelta(days=1)),
                    ActionRecord.Status.CANCELLED,
                    cancel_reason=rng.choice(CANCEL_REASONS),
                )
            else:
                record(
                    action_type,
                    min(day, today - timedelta(days=1)),
                    ActionRecord.Status.HELD,
                    participants=_participants(action_type, rng),
                    participant_count=rng.randint(2, 25),
                    note="Bonne dynamique ; supports partagés." if rng.random() < 0.4 else "",
                )
    if step == 5:
        yearly = [a for a in catalogue if a.step_id == 5]
        first_year = school_year_of(entries[5])
        for year in range(first_year, school_year_of(today) + 1):
            for action_type in rng.sample(yearly, k=min(len(yearly), 3)):
                day = date(year, 10, 1) + timedelta(days=rng.randrange(240))
                if day >= today:
                    record(
                        action_type, today + timedelta(days=rng.randint(3, 45)), ActionRecord.Status.PLANNED
                    )
                elif rng.random() < 0.1:
                    record(
                        action_type,
                        day,
                        ActionRecord.Status.CANCELLED,
                        cancel_reason=rng.choice(CANCEL_REASONS),
                    )
                else:
                    record(
                        action_type,
                        day,
                        ActionRecord.Status.HELD,
                        participants=_participants(action_type, rng),
                        participant_count=rng.randint(2, 25),
                    )
    ActionRecord.objects.bulk_create(records)


def _participants(action_type, rng: random.Random) -> str:
    return {
        "directions": "La direction",
        "po_directions": "Le référent du PO et la direction",
        "team": f"L'équipe éducative ({rng.randint(8, 30)} personnes)",
        "direction_team": "La direction et l'équipe de soutien",
        "po": "Les référents des PO",
        "community": "Équipe, parents et élèves (questionnaires en ligne)",
    }.get(action_type.audience, "")


def _engagements(accompaniment, step: int, referent_id, rng: random.Random, today: date) -> None:
    checks = list(accompaniment.engagement_checks.select_related("engagement"))
    for check in checks:
        engagement_step = check.engagement.step or 5
        chance = 0.9 if engagement_step < step else 0.4 if engagement_step == step else 0.0
        if rng.random() < chance:
            due = check.due_on or today
            check.done_at = _at(min(due - timedelta(days=rng.randint(0, 40)), today - timedelta(days=1)))
            check.done_by_id = referent_id
            check.comment = rng.choice(
                ["", "", "Validé en conseil communal.", "Présenté en réunion d'équipe."]
            )
    EngagementCheck.objects.bulk_update(checks, ["done_at", "done_by", "comment"])


def _plan(accompaniment, entries: dict, step: int, rng: random.Random, today: date) -> Plan:
    plan = Plan.objects.get(accompaniment=accompaniment)
    if step >= 4:
        plan.submitted_to_dco_on = entries[4] + timedelta(days=45)
        plan.state = Plan.State.SUBMITTED
        plan.dco_meeting_on = entries[4] + timedelta(days=75)
        if step == 4:
            # Some meetings still to come (their reminders go out), some plans to adjust.
            if rng.random() < 0.5:
                plan.submitted_to_dco_on = min(plan.submitted_to_dco_on, today - timedelta(days=5))
                plan.dco_meeting_on = today + timedelta(days=rng.randint(5, 40))
            else:
                plan.state = Plan.State.TO_ADJUST
                plan.dco_meeting_on = min(plan.dco_meeting_on, today - timedelta(days=3))
                plan.adjustment_requested_on = plan.dco_meeting_on
                plan.dco_comment = "Préciser les indicateurs de l'objectif 2 et le phasage des stratégies."
    if step == 5:
        plan.state = Plan.State.ACCEPTED
        plan.accepted_on = entries[5] - timedelta(days=40)
        plan.contract_start = date(school_year_of(plan.accepted_on) + 1, 9, 1)
    if step >= 3:
        plan.diagnosis = "Résultats en lecture sous la moyenne des écoles comparables ; climat de classe jugé bon par les élèves."
    plan.full_clean()
    plan.save()
    if step >= 3:
        _objectives(plan, rng, today)
    return plan


def _objectives(plan: Plan, rng: random.Random, today: date) -> None:
    nodes = {
        node.label: node
        for node in FrameworkNode.objects.filter(
            version__framework__code="objectifs-amelioration", kind=FrameworkNode.Kind.OBJECTIVE
        )
    }
    chosen = rng.sample(OBJECTIVES, k=rng.randint(2, 3))
    # The demo's school years: 2023-2024 to 2025-2026, the baseline the year before.
    base_year = DEMO_YEARS[0] - 1
    for position, (oa, title, indicator_name, unit, direction) in enumerate(chosen, start=1):
        objective = SchoolObjective.objects.create(
            plan=plan, label=f"OS {position}", title=title, position=position
        )
        if oa in nodes:
            objective.framework_nodes.add(nodes[oa])
        baseline = Decimal(rng.randint(20, 60))
        target = (
            baseline + Decimal(rng.randint(5, 15))
            if direction == "rise"
            else baseline - Decimal(rng.randint(3, 15))
        )
        indicator = Indicator.objects.create(
            objective=objective,
            name=indicator_name,
            unit=unit,
            direction=direction,
            baseline=baseline,
            baseline_year=base_year,
            target=target,
            target_year=base_year + 6,
            position=1,
        )
        values, value = [], baseline
        for year in DEMO_YEARS:
            if plan.state != Plan.State.ACCEPTED or year >= school_year_of(today):
                continue
            step_size = (target - baseline) / 6
            value = (
                value
                + step_size * Decimal(rng.choice([0, 1, 1, 2]))
                - (step_size if rng.random() < 0.15 else 0)
            )
            values.append(
                IndicatorValue(indicator=indicator, school_year=year, value=value.quantize(Decimal("0.1")))
            )
        IndicatorValue.objects.bulk_create(values)
    for position, (title, actions, responsible, timeline) in enumerate(rng.sample(STRATEGIES, k=2), start=1):
        strategy = Strategy.objects.create(
            plan=plan,
            title=title,
            actions=actions,
            responsible=responsible,
            timeline=timeline,
            position=position,
        )
        strategy.objectives.add(*plan.objectives.all()[:1])


def _evaluations(plan: Plan, rng: random.Random, today: date) -> None:
    objectives = list(plan.objectives.all())
    first = school_year_of(plan.contract_start)
    for year in range(first, school_year_of(today)):
        contract_year = year - first + 1
        kind = Evaluation.Kind.INTERMEDIATE if contract_year == 3 else Evaluation.Kind.ANNUAL
        evaluation = Evaluation.objects.create(
            plan=plan,
            kind=kind,
            school_year=year,
            held_on=date(year + 1, 6, rng.randint(5, 25)),
            comment="Auto-évaluation menée avec l'équipe de soutien."
            if kind == Evaluation.Kind.ANNUAL
            else "Dialogue avec le DCO.",
        )
        EvaluationResult.objects.bulk_create(
            [
                EvaluationResult(
                    evaluation=evaluation,
                    objective=objective,
                    status=rng.choice(
                        [
                            ObjectiveStatus.MET,
                            ObjectiveStatus.IN_PROGRESS,
                            ObjectiveStatus.IN_PROGRESS,
                            ObjectiveStatus.NOT_MET,
                        ]
                    ),
                    comment=rng.choice(
                        ["", "Progression visible aux épreuves internes.", "Stratégie à renforcer."]
                    ),
                )
                for objective in objectives
            ]
        )


def _notes(accompaniment, adviser_id, rng: random.Random, step: int) -> None:
    if adviser_id is None:
        return
    Note.objects.bulk_create(
        [
            Note(
                accompaniment=accompaniment,
                school_id=accompaniment.school_id,
                author_id=adviser_id,
                text=text,
                visibility=visibility,
            )
            for visibility, text in rng.sample(NOTES, k=min(step, 3))
        ]
    )


@transaction.atomic
def load_full_demo():
    """The whole demo world, in the order its parts build on one another: the parties and
    people, then the conventions between them, then the schools' progress under the signed ones.
    Returns the demo accounts and the demo conventions. Safe to run again."""
    accounts = load_demo()
    conventions = load_conventions_demo()
    load_pilotage_demo()
    return accounts, conventions
