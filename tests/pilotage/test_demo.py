from django.core import mail

from accounts.demo import load_demo
from conventions.demo import load_conventions_demo
from conventions.models import Convention, State
from pilotage.demo import load_pilotage_demo
from pilotage.models import (
    Accompaniment,
    ActionRecord,
    EngagementCheck,
    Evaluation,
    IndicatorValue,
    Note,
    Plan,
)


def test_the_demo_gives_every_signed_school_varied_progress(db):
    load_demo()
    load_conventions_demo()
    made = load_pilotage_demo()
    signed_schools = {
        (s.pk, c.pk) for c in Convention.objects.filter(state=State.SIGNED) for s in c.schools.all()
    }
    assert {(a.school_id, a.convention_id) for a in Accompaniment.objects.all()} == signed_schools
    assert len(made) == len(signed_schools) > 5
    assert set(Accompaniment.objects.values_list("current_step", flat=True)) >= {3, 4, 5}
    assert set(Plan.objects.values_list("state", flat=True)) >= {"drafting", "submitted", "accepted"}
    statuses = set(ActionRecord.objects.values_list("status", flat=True))
    assert statuses == {"planned", "held", "cancelled"}
    assert EngagementCheck.objects.filter(done_at__isnull=False).exists()
    assert Evaluation.objects.exists() and IndicatorValue.objects.exists() and Note.objects.exists()
    years = set(IndicatorValue.objects.values_list("school_year", flat=True))
    assert {2024, 2025} <= years

    counts = (ActionRecord.objects.count(), Note.objects.count(), Evaluation.objects.count())
    assert load_pilotage_demo() == []  # idempotent
    assert (ActionRecord.objects.count(), Note.objects.count(), Evaluation.objects.count()) == counts
    assert not mail.outbox
