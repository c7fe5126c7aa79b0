"""`manage.py generate_scale_data`: N schools with everything that hangs off them, the same world
for the same seed, and the pages and the report working on it."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from accounts.models import Federation, Membership, Role, School
from pilotage.dashboards import report
from pilotage.models import (
    Accompaniment,
    ActionRecord,
    AdviserAssignment,
    EngagementCheck,
    Evaluation,
    Plan,
    StepEntry,
)

pytestmark = pytest.mark.django_db

TODAY = "2026-03-15"


def _generate(schools=40, seed=7, **options):
    out = StringIO()
    call_command("generate_scale_data", schools=schools, seed=seed, today=TODAY, stdout=out, **options)
    return out.getvalue()


def _signature():
    return (
        list(
            School.objects.order_by("fase").values_list("fase", "name", "wave", "organising_authority__name")
        ),
        list(
            ActionRecord.objects.order_by("school__fase", "date", "action_type__code", "status").values_list(
                "school__fase", "date", "action_type__code", "status"
            )
        ),
        list(
            Accompaniment.objects.order_by("school__fase").values_list(
                "school__fase", "current_step", "started_on"
            )
        ),
    )


def test_it_builds_n_schools_with_all_that_hangs_off_them():
    output = _generate(schools=40)
    assert "40 écoles" in output
    schools = School.objects.filter(fase__gte=300_000)
    assert schools.count() == 40
    assert set(Federation.objects.values_list("code", flat=True)) >= {
        "CECP",
        "CPEONS",
        "SEGEC",
        "WBE",
        "FELSI",
    }
    accompaniments = Accompaniment.objects.all()
    assert 30 <= accompaniments.count() <= 40
    assert not accompaniments.exclude(pk__in=AdviserAssignment.objects.values("accompaniment")).exists()
    assert not accompaniments.exclude(
        pk__in=StepEntry.objects.filter(step=1).values("accompaniment")
    ).exists()
    assert Plan.objects.count() == accompaniments.count()
    assert EngagementCheck.objects.filter(done_at__isnull=False).exists()
    assert EngagementCheck.objects.filter(done_at__isnull=True, due_on__lt=TODAY).exists()  # some late
    assert set(ActionRecord.objects.values_list("status", flat=True)) == {"planned", "held", "cancelled"}
    years = {day.year for day in ActionRecord.objects.values_list("date", flat=True)}
    assert min(years) <= 2020  # six school years of actions
    assert not ActionRecord.objects.filter(status="held", date__gt=TODAY).exists()
    assert Evaluation.objects.exists()
    # Every school has its direction, every PO its référent, every federation its staff.
    assert Membership.objects.filter(role=Role.SCHOOL_DIRECTION, school__in=schools).count() == 40
    assert not Federation.objects.exclude(
        pk__in=Membership.objects.filter(role=Role.FPO_STAFF).values("federation")
    )


def test_the_same_seed_gives_the_same_world():
    with transaction.atomic():
        _generate(seed=3)
        first = _signature()
        transaction.set_rollback(True)
    _generate(seed=3)
    assert _signature() == first
    assert len(first[1]) > 500


def test_it_refuses_a_second_world_and_a_production_database(settings):
    _generate(schools=5)
    with pytest.raises(CommandError, match="Des données d'échelle existent déjà"):
        _generate(schools=5)
    settings.DEMO_ENABLED = False
    with pytest.raises(CommandError, match="PILOTIS_DEMO=True"):
        _generate(schools=5)


def test_the_dashboards_and_the_report_work_on_it(client):
    _generate(schools=60)
    federation = Federation.objects.get(code="CECP")
    staff = Membership.objects.get(role=Role.FPO_STAFF, federation=federation).user
    adviser = Membership.objects.filter(role=Role.FPO_ADVISER, federation=federation).first().user
    client.force_login(staff)
    assert client.get("/pilotage/federation/").status_code == 200
    client.force_login(adviser)
    assert client.get("/pilotage/conseiller/").status_code == 200
    data = report.build(federation, 2024, today=None)
    assert len(data.lines) == federation.schools.count() > 0
