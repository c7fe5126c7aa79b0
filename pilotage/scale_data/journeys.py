"""A realistic world of N schools for measuring (`manage.py generate_scale_data --schools 3000`).

The five federations share the schools about as in the Fédération Wallonie-Bruxelles (CECP,
SeGEC, WBE, CPEONS, FELSI); each has its coordination, its advisers (one per 28 schools or
so, with their ETP), a catalogue, a school-level convention model with the PO's engagements.
Every PO has a référent, every school a direction; most schools have a signed convention and
an accompaniment begun with their wave (six school years ago for the first) or lately, with
the steps entered, the actions of each step held (some cancelled), the actions of step 5 year
after year, a few planned, the engagements ticked (or late), the plan in its state, objectives
linked to the objectifs d'amélioration, indicators with yearly values and evaluations.

Rows are written with `bulk_create` in batches. The same `--seed` (and `--today`) gives the
same world. Fake accounts: only where the demo is allowed (PILOTIS_DEMO)."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from conventions.models import FrameworkNode
from core.school_years import school_year_of
from pilotage.catalogue import load_catalogues, load_steps
from pilotage.models import (
    Accompaniment,
    ActionRecord,
    AdviserAssignment,
    EngagementCheck,
    Evaluation,
    EvaluationResult,
    Indicator,
    IndicatorValue,
    ObjectiveStatus,
    Plan,
    SchoolObjective,
    Step,
    StepEntry,
    add_months,
    engagement_due_on,
)

from .parties import ScaleParties, bulk

# When each step starts, in months after the start of the accompaniment (CECP art. 3).
STEP_OFFSETS = {1: 0, 2: 5, 3: 9, 4: 12, 5: 18}
OBJECTIVE_TITLES = [
    ("Améliorer la compréhension en lecture", "Élèves maîtrisant la lecture", "%", "rise", 1),
    ("Réduire le redoublement", "Taux de redoublement", "%", "fall", 4),
    ("Réduire le décrochage scolaire", "Absences injustifiées par élève", "jours", "fall", 4),
    ("Améliorer le bien-être à l'école", "Élèves se sentant bien à l'école", "%", "rise", 7),
    (
        "Renforcer la maîtrise des mathématiques",
        "Réussite de l'épreuve externe en mathématiques",
        "%",
        "rise",
        1,
    ),
    ("Accroître l'inclusion des élèves à besoins spécifiques", "Élèves intégrés", "élèves", "rise", 6),
]


def recorded_at(day: date) -> datetime:
    """When a generated step move was recorded: the evening of the day it took effect."""
    return timezone.make_aware(datetime.combine(day, time(17)))


class ScaleWorld(ScaleParties):
    def build(self) -> dict:
        load_steps()
        self.steps = {step.number: step for step in Step.objects.all()}
        federations = self.federations()
        load_catalogues()
        self.copy_catalogues(federations)
        plan = self.share(federations)
        self.organising_authorities(plan)
        self.schools(plan)
        self.people(plan)
        self.conventions(plan)
        self.accompaniments(plan)
        return self.counts

    # --- The accompaniments and all that hangs off them ----------------------------------

    def accompaniments(self, plan) -> None:
        rng, today = self.rng, self.today
        accompaniments, journeys = [], []
        for part in plan:
            for school, convention, started in part["accompanied"]:
                entries = {}
                delay = rng.choice([0, 0, 0, 0, 0, 0, 1, 2, 4, 8])
                for step, offset in STEP_OFFSETS.items():
                    day = add_months(started, offset + (delay if step > 1 else 0)) + timedelta(
                        days=rng.randrange(0, 20)
                    )
                    if step == 1:
                        day = started
                    if day > today:
                        break
                    entries[step] = day
                if rng.random() < 0.05 and len(entries) > 2:  # a school that stalls
                    entries.pop(max(entries))
                accompaniments.append(
                    Accompaniment(
                        school=school,
                        convention=convention,
                        federation=part["federation"],
                        current_step_id=max(entries),
                        started_on=started,
                    )
                )
                journeys.append((part, school, entries))
        accompaniments = bulk(Accompaniment, accompaniments)
        self.counts["accompagnements"] = len(accompaniments)

        entries_rows, assignments = [], []
        for accompaniment, (part, _, entries) in zip(accompaniments, journeys, strict=True):
            previous = [None, *entries][:-1]
            entries_rows += [
                StepEntry(
                    accompaniment_id=accompaniment.pk,
                    step_id=step,
                    from_step_id=before,
                    entered_on=day,
                    recorded_at=recorded_at(day),
                )
                for before, (step, day) in zip(previous, entries.items(), strict=True)
            ]
            advisers = part["advisers"]
            main = advisers[(accompaniment.school.organising_authority_id + rng.randrange(2)) % len(advisers)]
            accompaniment.adviser_ids = [main.pk]
            assignments.append(AdviserAssignment(accompaniment=accompaniment, adviser=main))
            if rng.random() < 0.1:
                other = advisers[rng.randrange(len(advisers))]
                if other.pk != main.pk:
                    accompaniment.adviser_ids.append(other.pk)
                    assignments.append(AdviserAssignment(accompaniment=accompaniment, adviser=other))
        bulk(StepEntry, entries_rows)
        bulk(AdviserAssignment, assignments)

        self.actions(accompaniments, journeys)
        self.engagements(accompaniments, journeys)
        plans = self.plans(accompaniments, journeys)
        self.objectives(plans)

    def _day_between(self, first: date, last: date) -> date:
        if last <= first:
            return first
        return first + timedelta(days=self.rng.randrange((last - first).days + 1))

    def actions(self, accompaniments, journeys) -> None:
        rng, today = self.rng, self.today
        records = []
        for accompaniment, (part, school, entries) in zip(accompaniments, journeys, strict=True):
            by_step = {}
            for action_type in part["types"]:
                by_step.setdefault(action_type.step_id, []).append(action_type)

            def record(action_type, day, status, accompaniment=accompaniment, school=school):
                records.append(
                    ActionRecord(
                        accompaniment_id=accompaniment.pk,
                        school_id=school.pk,
                        action_type_id=action_type.pk,
                        status=status,
                        date=day,
                        duration=action_type.default_duration,
                        duration_unit=action_type.duration_unit,
                        adviser_id=accompaniment.adviser_ids[0],
                        participant_count=rng.randrange(2, 25)
                        if status == ActionRecord.Status.HELD
                        else None,
                        cancel_reason="Report à la demande de l'école."
                        if status == ActionRecord.Status.CANCELLED
                        else "",
                    )
                )

            steps = sorted(entries)
            for index, step in enumerate(steps):
                if step == 5:
                    break
                end = entries[steps[index + 1]] - timedelta(days=1) if index + 1 < len(steps) else today
                for action_type in by_step.get(step, []):
                    day = self._day_between(entries[step], min(end, today))
                    held = rng.random() < 0.94
                    record(
                        action_type, day, ActionRecord.Status.HELD if held else ActionRecord.Status.CANCELLED
                    )
            if 5 in entries:
                for year in range(school_year_of(entries[5]), self.current_year + 1):
                    first, last = max(date(year, 9, 1), entries[5]), date(year + 1, 6, 30)
                    for action_type in by_step.get(5, []) + by_step.get(None, []):
                        if rng.random() > (0.7 if action_type.step_id else 0.25):
                            continue
                        day = self._day_between(first, last)
                        if day > today:
                            record(action_type, day, ActionRecord.Status.PLANNED)
                        else:
                            held = rng.random() < 0.95
                            record(
                                action_type,
                                day,
                                ActionRecord.Status.HELD if held else ActionRecord.Status.CANCELLED,
                            )
            current = by_step.get(max(entries)) or part["types"]
            for _ in range(rng.randrange(0, 3)):
                record(current[rng.randrange(len(current))], today + timedelta(days=rng.randrange(1, 60)),
                       ActionRecord.Status.PLANNED)  # fmt: skip
        bulk(ActionRecord, records)
        self.counts["actions"] = len(records)

    def engagements(self, accompaniments, journeys) -> None:
        rng, today = self.rng, self.today
        months = {number: step.months_from_start for number, step in self.steps.items()}
        checks = []
        for accompaniment, (part, _, _) in zip(accompaniments, journeys, strict=True):
            referent = part["referent_of"][accompaniment.school.organising_authority_id]
            for engagement in part["engagements"]:
                due = engagement_due_on(
                    started_on=accompaniment.started_on, step=engagement.step, months_by_step=months
                )
                done_at = None
                if due and (due <= today and rng.random() < 0.85 or due > today and rng.random() < 0.2):
                    day = min(due + timedelta(days=rng.randrange(-60, 25)), today)
                    done_at = timezone.make_aware(datetime.combine(day, time(14)))
                checks.append(
                    EngagementCheck(
                        accompaniment_id=accompaniment.pk,
                        engagement_id=engagement.pk,
                        due_on=due,
                        done_at=done_at,
                        done_by_id=referent.pk,
                        comment="",
                    )
                )
        bulk(EngagementCheck, checks)
        self.counts["engagements"] = len(checks)

    def plans(self, accompaniments, journeys) -> list[Plan]:
        rng, today = self.rng, self.today
        plans = []
        for accompaniment, (_, school, entries) in zip(accompaniments, journeys, strict=True):
            plan = Plan(accompaniment=accompaniment, school=school, state=Plan.State.DRAFTING)
            if 4 in entries:
                plan.submitted_to_dco_on = entries[4] + timedelta(days=rng.randrange(5, 40))
                plan.dco_meeting_on = plan.submitted_to_dco_on + timedelta(days=rng.randrange(10, 40))
                if plan.submitted_to_dco_on > today:
                    plan.submitted_to_dco_on = plan.dco_meeting_on = None
                else:
                    plan.state = Plan.State.SUBMITTED
                if plan.state == Plan.State.SUBMITTED and rng.random() < 0.3:
                    plan.adjustment_requested_on = min(plan.dco_meeting_on, today)
                    plan.state = Plan.State.TO_ADJUST
            if 5 in entries and plan.submitted_to_dco_on:
                plan.accepted_on = max(
                    entries[5] - timedelta(days=rng.randrange(0, 20)), plan.submitted_to_dco_on
                )
                plan.state = Plan.State.ACCEPTED
                plan.contract_start = date(
                    school_year_of(plan.accepted_on) + (plan.accepted_on.month >= 9), 9, 1
                )
                plan.contract_start = max(plan.contract_start, plan.accepted_on)
                plan.dco_meeting_on = min(plan.dco_meeting_on, plan.accepted_on)
            plan.entries = entries
            plans.append(plan)
        plans_saved = bulk(Plan, plans)
        for saved, plan in zip(plans_saved, plans, strict=True):
            saved.entries = plan.entries
        self.counts["plans"] = len(plans_saved)
        return plans_saved

    def objectives(self, plans) -> None:
        rng = self.rng
        goals = {
            node.label: node
            for node in FrameworkNode.objects.filter(version__framework__code="objectifs-amelioration")
        }
        objectives, owners = [], []
        for plan in plans:
            if 2 not in plan.entries:
                continue
            for position, index in enumerate(
                rng.sample(range(len(OBJECTIVE_TITLES)), rng.randrange(3, 5)), 1
            ):
                objectives.append(
                    SchoolObjective(
                        plan=plan, label=f"OS {position}", title=OBJECTIVE_TITLES[index][0], position=position
                    )
                )
                owners.append((plan, index))
        objectives = bulk(SchoolObjective, objectives)
        links = [
            SchoolObjective.framework_nodes.through(schoolobjective_id=objective.pk, frameworknode_id=node.pk)
            for objective, (_, index) in zip(objectives, owners, strict=True)
            if (node := goals.get(f"OA {OBJECTIVE_TITLES[index][4]}"))
        ]
        bulk(SchoolObjective.framework_nodes.through, links)

        indicators, evaluations, results, values = [], [], [], []
        for objective, (plan, index) in zip(objectives, owners, strict=True):
            _, name, unit, direction, _ = OBJECTIVE_TITLES[index]
            baseline = Decimal(rng.randrange(20, 70))
            change = Decimal(rng.randrange(3, 15))
            target = baseline + change if direction == "rise" else max(baseline - change, Decimal(0))
            indicator = Indicator(
                objective=objective, name=name, unit=unit, direction=direction, baseline=baseline, target=target,
                baseline_year=school_year_of(plan.entries[2]), position=1,
            )  # fmt: skip
            indicators.append(indicator)
        indicators = bulk(Indicator, indicators)

        by_plan = {}
        for objective, (plan, _) in zip(objectives, owners, strict=True):
            by_plan.setdefault(plan.pk, (plan, []))[1].append(objective)
        for indicator, (plan, _) in zip(indicators, owners, strict=True):
            if plan.state != Plan.State.ACCEPTED:
                continue
            first = school_year_of(plan.contract_start)
            for year in range(first, min(self.current_year, first + 6)):
                step = (indicator.target - indicator.baseline) / 6 * (year - first + 1)
                noise = Decimal(rng.randrange(-30, 31)) / 10
                values.append(
                    IndicatorValue(
                        indicator_id=indicator.pk,
                        school_year=year,
                        value=round(indicator.baseline + step + noise, 3),
                    )
                )
        bulk(IndicatorValue, values)

        for plan, plan_objectives in by_plan.values():
            if plan.state != Plan.State.ACCEPTED:
                continue
            first = school_year_of(plan.contract_start)
            for year in range(first, min(self.current_year, first + 6)):
                kinds = [Evaluation.Kind.ANNUAL] + (
                    [Evaluation.Kind.INTERMEDIATE] if year == first + 2 else []
                )
                for kind in kinds:
                    evaluation = Evaluation(
                        plan=plan, kind=kind, school_year=year, held_on=date(year + 1, 6, 15)
                    )
                    evaluation.objectives = plan_objectives
                    evaluation.progress = (year - first + 1) / 6
                    evaluations.append(evaluation)
        evaluations = bulk(Evaluation, evaluations)
        for evaluation in evaluations:
            for objective in evaluation.objectives:
                chance = rng.random()
                if chance < 0.15 + 0.5 * evaluation.progress:
                    status = ObjectiveStatus.MET
                elif chance < 0.8:
                    status = ObjectiveStatus.IN_PROGRESS
                else:
                    status = ObjectiveStatus.NOT_MET
                results.append(
                    EvaluationResult(evaluation_id=evaluation.pk, objective_id=objective.pk, status=status)
                )
        bulk(EvaluationResult, results)
        self.counts["objectifs"] = len(objectives)
        self.counts["évaluations"] = len(evaluations)
