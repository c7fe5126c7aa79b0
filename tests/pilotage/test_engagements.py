"""The PO's engagements: the référent ticks them, everybody concerned sees them, late ones
are flagged."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from pilotage.models import EngagementCheck
from pilotage.services.engagements import tick_engagement
from tests.pilotage.factories import accompany
from tests.utils import text_of

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_the_checklist_comes_from_the_template_with_due_dates(side_a):
    started = timezone.localdate() - timedelta(days=200)
    accompaniment = accompany(side_a, started_on=started)
    checks = list(
        accompaniment.engagement_checks.select_related("engagement").order_by("engagement__position")
    )
    assert [c.engagement.code for c in checks] == ["referent", "support_team", "diagnosis", "mission_letter"]
    # Step 1 ends 4 months after the start, step 2 after 10 (CECP art. 3).
    assert checks[0].due_on.month == (started.month + 3) % 12 + 1
    today = timezone.localdate()
    assert [c.is_late(today) for c in checks] == [True, True, False, False]
    assert EngagementCheck.objects.late(today).count() == 2


def test_the_referent_ticks_an_engagement(client, accompaniment_a, referent_a):
    check = accompaniment_a.engagement_checks.order_by("engagement__position").first()
    client.force_login(referent_a)
    response = client.post(
        reverse("pilotage_engagement_tick", args=[check.pk]), {"comment": "Désigné par le collège"}, **HTMX
    )
    assert response.headers["HX-Retarget"] == "#pilotage-engagements"
    text = text_of(response)
    assert "Engagement coché" in text
    assert f"Coché le {timezone.localdate():%d/%m/%Y} par {referent_a}" in text
    assert "Désigné par le collège" in text
    check.refresh_from_db()
    assert check.done_by == referent_a and check.done_at is not None


def test_late_engagements_are_flagged_and_done_ones_shown_done(client, side_a, referent_a):
    accompaniment = accompany(side_a, started_on=timezone.localdate() - timedelta(days=200))
    first = accompaniment.engagement_checks.order_by("engagement__position").first()
    tick_engagement(accompaniment=accompaniment, engagement=first.engagement, by=referent_a)
    client.force_login(side_a.users[Role.FPO_ADVISER])
    text = text_of(client.get(accompaniment.school.get_absolute_url()))
    assert "1 sur 4 tenu · 1 en retard" in text
    assert "Fait" in text and "En retard" in text
    assert "Cocher" not in text  # the adviser sees, the référent ticks


def test_an_engagement_ticked_twice_at_once_makes_one_record(client, accompaniment_a, referent_a):
    check = accompaniment_a.engagement_checks.first()
    url = reverse("pilotage_engagement_tick", args=[check.pk])
    client.force_login(referent_a)
    client.post(url, {"comment": "première fenêtre"}, **HTMX)
    response = client.post(url, {"comment": "seconde fenêtre"}, **HTMX)
    assert response.status_code == 200
    text = text_of(response)
    assert f"Cet engagement a déjà été coché par {referent_a} le" in text
    assert EngagementCheck.objects.filter(engagement=check.engagement).count() == 1
    check.refresh_from_db()
    assert check.comment == "première fenêtre"


def test_a_tick_racing_for_a_missing_line_makes_one_record(accompaniment_a, referent_a):
    """Without its line (a template engagement added later), two ticks still make one."""
    check = accompaniment_a.engagement_checks.first()
    engagement = check.engagement
    check.delete()
    tick_engagement(accompaniment=accompaniment_a, engagement=engagement, by=referent_a)
    with pytest.raises(ValidationError, match="déjà été coché"):
        tick_engagement(accompaniment=accompaniment_a, engagement=engagement, by=referent_a)
    assert EngagementCheck.objects.filter(engagement=engagement).count() == 1


@pytest.mark.parametrize("role", [Role.FPO_ADVISER, Role.FPO_STAFF, Role.SCHOOL_DIRECTION, Role.DCO])
def test_only_the_referent_ticks(client, side_a, accompaniment_a, role):
    check = accompaniment_a.engagement_checks.first()
    client.force_login(side_a.users[role])
    assert client.post(reverse("pilotage_engagement_tick", args=[check.pk]), {}).status_code == 403
    with pytest.raises(PermissionDenied):
        tick_engagement(accompaniment=accompaniment_a, engagement=check.engagement, by=side_a.users[role])
    assert not EngagementCheck.objects.filter(done_at__isnull=False).exists()


def test_the_other_sides_referent_gets_a_404(client, accompaniment_a, side_b):
    check = accompaniment_a.engagement_checks.first()
    client.force_login(side_b.users[Role.PO_REFERENT])
    assert client.post(reverse("pilotage_engagement_tick", args=[check.pk]), {}).status_code == 404
