"""Factories for pilotage, and `accompany()`: a school under a signed convention with its
accompaniment started through the service, as the application does it."""

import uuid
from datetime import date, timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from accounts.models import Role
from conventions.models import (
    Convention,
    Framework,
    FrameworkNode,
    FrameworkVersion,
    State,
    TemplateEngagement,
)
from pilotage.models import (
    Accompaniment,
    ActionRecord,
    ActionType,
    AdviserAssignment,
    Evaluation,
    Indicator,
    Plan,
    SchoolObjective,
    Strategy,
)
from pilotage.services.accompaniment import start_accompaniment
from pilotage.services.calendar import calendar_feed_of
from tests.conventions.factories import TemplateFactory

# Beside the "referent" engagement (step 1) that every test template has.
ENGAGEMENTS = [
    ("support_team", "Veiller à ce que la direction constitue une équipe de soutien", 1),
    ("diagnosis", "Prendre connaissance du diagnostic et valider les objectifs spécifiques sélectionnés", 2),
    ("mission_letter", "Procéder à la modification de la lettre de mission de la direction", 5),
]


class ConventionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Convention
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"TEST-{n:04d}")
    template = factory.SubFactory(TemplateFactory)
    federation = factory.LazyAttribute(lambda o: o.template.federation)
    state = State.SIGNED
    signed_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def schools(convention, create, extracted, **kwargs):
        if create and extracted:
            convention.schools.add(*extracted)


class ActionTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionType
        django_get_or_create = ["federation", "code"]

    code = factory.Sequence(lambda n: f"action-{n}")
    step_id = 1
    kind = ActionType.Kind.SEMINAR
    title = factory.Sequence(lambda n: f"Séminaire d'échanges n° {n}")
    audience = ActionType.Audience.PO_AND_DIRECTIONS
    default_duration = Decimal("1")
    duration_unit = "half_days"


class ActionRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionRecord

    accompaniment = None
    school = factory.LazyAttribute(lambda o: o.accompaniment.school)
    action_type = factory.LazyAttribute(lambda o: ActionTypeFactory(federation=o.accompaniment.federation))
    date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=10))
    status = ActionRecord.Status.PLANNED
    duration = factory.LazyAttribute(lambda o: o.action_type.default_duration)
    duration_unit = factory.LazyAttribute(lambda o: o.action_type.duration_unit)


def accompany(
    side,
    *,
    school=None,
    schools=None,
    assign: bool = True,
    started_on: date | None = None,
    engagements=ENGAGEMENTS,
) -> Accompaniment:
    """`side`'s school (or `school`) under a signed school-level convention of the side's
    federation, its accompaniment started, the side's adviser assigned."""
    school = school or side.school
    template = TemplateFactory(federation=side.federation)
    for position, (code, label, step) in enumerate(engagements, start=1):
        TemplateEngagement.objects.create(
            template=template, code=code, label=label, step=step, position=position
        )
    convention = ConventionFactory(
        template=template, organising_authority=side.organising_authority, schools=schools or [school]
    )
    accompaniment = start_accompaniment(
        school=school,
        convention=convention,
        by=None,
        started_on=started_on or timezone.localdate() - timedelta(days=30),
    )
    if assign:
        AdviserAssignment.objects.create(accompaniment=accompaniment, adviser=side.users[Role.FPO_ADVISER])
    return Accompaniment.objects.with_parties().get(pk=accompaniment.pk)


def objective_with_indicator(accompaniment, **indicator) -> Indicator:
    plan = Plan.objects.get(accompaniment=accompaniment)
    objective = SchoolObjective.objects.create(
        plan=plan, label="OS 1", title="Améliorer la lecture", position=1
    )
    values = {"name": "Élèves lecteurs", "unit": "%", "direction": "rise", "baseline": 40, "target": 55}
    values.update(indicator)
    return Indicator.objects.create(objective=objective, **values)


def improvement_goals() -> list[FrameworkNode]:
    """The seven objectifs d'amélioration, as a public framework."""
    framework, _ = Framework.objects.get_or_create(
        code="objectifs-amelioration", defaults={"title": "Objectifs d'amélioration du système éducatif"}
    )
    version, _ = FrameworkVersion.objects.get_or_create(framework=framework, number=1)
    titles = [
        "Améliorer significativement les savoirs et les compétences des élèves",
        "Augmenter la part des jeunes diplômés de l'enseignement secondaire supérieur",
        "Réduire les différences entre les résultats des élèves les plus et les moins favorisés",
        "Réduire progressivement le redoublement et le décrochage",
        "Réduire les phénomènes de relégation",
        "Augmenter progressivement l'inclusion des élèves à besoins spécifiques",
        "Accroître les indices du bien-être à l'école et du climat scolaire",
    ]
    return [
        FrameworkNode.objects.get_or_create(
            version=version,
            path=f"{number:04d}",
            defaults={"kind": "objective", "label": f"OA {number}", "title": title, "position": number},
        )[0]
        for number, title in enumerate(titles, start=1)
    ]


def pilotage_world(side) -> dict:
    """For the access matrix: `side`'s accompaniment (its first school; the convention also
    covers its other school, not started yet) with one of everything."""
    accompaniment = accompany(side, schools=[side.school, side.other_school])
    indicator = objective_with_indicator(accompaniment)
    strategy = Strategy.objects.create(plan=indicator.objective.plan, title="Stratégie")
    return {
        "accompaniment": accompaniment,
        "action": ActionRecordFactory(accompaniment=accompaniment),
        "grouped_action": ActionRecordFactory(accompaniment=accompaniment, batch=uuid.uuid4()),
        "held_action": ActionRecordFactory(
            accompaniment=accompaniment, status=ActionRecord.Status.HELD, date=timezone.localdate()
        ),
        "evaluation": Evaluation.objects.create(
            plan=indicator.objective.plan, kind=Evaluation.Kind.ANNUAL, school_year=2024
        ),
        "check": accompaniment.engagement_checks.first(),
        "indicator": indicator,
        "strategy": strategy,
        "feed": calendar_feed_of(user=side.users[Role.FPO_ADVISER]),
        "side": side,
    }


def pilotage_sample_kwargs(world: dict) -> dict:
    """The URL arguments of every pilotage page, for the access matrix."""
    accompaniment = world["accompaniment"]
    by_accompaniment = [
        "pilotage_advisers",
        "pilotage_step_move",
        "pilotage_action_plan",
        "pilotage_plan_edit",
        "pilotage_objective_create",
        "pilotage_strategy_create",
        "pilotage_evaluation_create",
        "pilotage_note_add",
    ]
    return {
        **{name: {"pk": accompaniment.pk} for name in by_accompaniment},
        "pilotage_start": {"fase": world["side"].other_school.fase},
        "pilotage_action_held": {"pk": world["action"].pk},
        "pilotage_action_cancel": {"pk": world["action"].pk},
        "pilotage_action_correct": {"pk": world["action"].pk},
        "pilotage_action_reopen": {"pk": world["held_action"].pk},
        "pilotage_action_delete": {"pk": world["action"].pk},
        "pilotage_engagement_untick": {"pk": world["check"].pk},
        "pilotage_evaluation_edit": {"pk": world["evaluation"].pk},
        "pilotage_engagement_tick": {"pk": world["check"].pk},
        "pilotage_objective_edit": {"pk": world["indicator"].objective_id},
        "pilotage_indicator_create": {"pk": world["indicator"].objective_id},
        "pilotage_indicator_edit": {"pk": world["indicator"].pk},
        "pilotage_indicator_value": {"pk": world["indicator"].pk},
        "pilotage_strategy_edit": {"pk": world["strategy"].pk},
        "pilotage_calendar_feed": {"token": world["feed"].token},
        "pilotage_action_group": {"batch": world["grouped_action"].batch},
    }
