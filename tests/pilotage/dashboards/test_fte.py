"""The federation dashboard sets its advisers' ETP against the ETP its signed conventions commit."""

from datetime import date
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup

from accounts.models import Role
from conventions.loading import load_reference_data
from conventions.models import ConventionTemplate, State
from core.school_years import current_school_year
from pilotage.dashboards.queries import fte_against_conventions
from pilotage.models import AdviserProfile
from tests.accounts.factories import FederationFactory, MembershipFactory, UserFactory
from tests.conventions.factories import TemplateFactory
from tests.pilotage.factories import ConventionFactory

pytestmark = pytest.mark.django_db

YEAR = current_school_year()


def test_the_cpeons_template_states_the_etp_of_its_annex():
    FederationFactory(code="CPEONS", name="CPEONS")
    FederationFactory(code="CECP", name="CECP")
    load_reference_data()
    template = ConventionTemplate.objects.get(code="cpeons-po", is_current=True)
    assert (template.committed_fte, template.committed_adviser_fte) == (Decimal("63.2"), Decimal("41.2"))
    annex = "\n".join(template.annex_sections.values_list("body", flat=True))
    # the annex lists them as the seed does
    assert "\n\nTOTAL : 63,2 ETP." in annex and "- 41,2 ETP conseillers au soutien" in annex


@pytest.fixture
def committed(side_a):
    template = TemplateFactory(
        federation=side_a.federation, committed_fte=Decimal("12.5"), committed_adviser_fte=Decimal("3")
    )
    convention = ConventionFactory(
        template=template,
        organising_authority=side_a.organising_authority,
        schools=[side_a.school],
        state=State.SIGNED,
        start_date=date(YEAR, 9, 1),
        end_date=date(YEAR + 3, 8, 31),
    )
    AdviserProfile.objects.create(
        user=side_a.users[Role.FPO_ADVISER], federation=side_a.federation, fte=Decimal("0.8")
    )
    second = UserFactory()
    MembershipFactory(user=second, role=Role.FPO_ADVISER, federation=side_a.federation)  # no profile: 1 ETP
    return convention


def test_each_year_compares_the_advisers_etp_with_the_conventions_in_force(side_a, side_b, committed):
    this_year, last_year = fte_against_conventions(side_a.federation, [YEAR, YEAR - 1])
    assert this_year.advisers_fte == Decimal("1.8")
    assert (this_year.committed_adviser_fte, this_year.committed_fte) == (Decimal("3"), Decimal("12.5"))
    assert this_year.gap == Decimal("-1.2")
    assert this_year.conventions == (committed.reference,)
    # The convention starts this year: last year nothing was committed.
    assert last_year.committed_adviser_fte is None and last_year.gap is None
    # Another federation's conventions commit nothing here.
    assert fte_against_conventions(side_b.federation, [YEAR])[0].committed_adviser_fte is None


def test_the_dashboard_shows_the_comparison(client, side_a, committed):
    client.force_login(side_a.users[Role.FPO_STAFF])
    page = BeautifulSoup(client.get("/pilotage/federation/").content, "html.parser")
    section = page.select_one("#etp-conventions")
    row = [cell.get_text(" ", strip=True) for cell in section.select("tbody tr")[0].find_all(["th", "td"])]
    assert row[:5] == [f"{YEAR}-{YEAR + 1}", "1,8", "3", "-1,2", "12,5"]
    assert committed.reference in row[5]
