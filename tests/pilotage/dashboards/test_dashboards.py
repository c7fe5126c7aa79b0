"""The dashboards: what each role sees, scoped to its organisations; lists that filter, sort,
paginate and export; charts drawn as accessible SVG beside their data; a constant number of
queries whatever the number of rows."""

from datetime import timedelta
from io import BytesIO

import pytest
import tablib
from bs4 import BeautifulSoup
from django.db import connection
from django.utils import timezone

from accounts.models import Role
from core.school_years import current_school_year, school_year_bounds
from pilotage.dashboards.charts import Chart, nice_ticks, number
from pilotage.models import (
    ActionRecord,
    AdviserProfile,
    EngagementCheck,
    Evaluation,
    EvaluationResult,
    ObjectiveStatus,
    Plan,
    SchoolObjective,
)
from tests.accounts.factories import SchoolFactory
from tests.pilotage.factories import ActionRecordFactory, ActionTypeFactory, accompany
from tests.utils import text_of

pytestmark = pytest.mark.django_db

ADVISER = "/pilotage/conseiller/"
FEDERATION = "/pilotage/federation/"
PO = "/pilotage/po/"


def _today():
    return timezone.localdate()


def _held(accompaniment, action_type, day, adviser=None):
    return ActionRecordFactory(
        accompaniment=accompaniment,
        action_type=action_type,
        status=ActionRecord.Status.HELD,
        date=day,
        adviser=adviser,
    )


def _at_risk(accompaniment, year=None):
    """An objective of the plan, « non atteint » at its last evaluation."""
    plan = Plan.objects.get(accompaniment=accompaniment)
    objective = SchoolObjective.objects.create(plan=plan, label="OS 1", title="Lire mieux", position=1)
    evaluation = Evaluation.objects.create(
        plan=plan, kind=Evaluation.Kind.ANNUAL, school_year=year or current_school_year() - 1
    )
    EvaluationResult.objects.create(
        evaluation=evaluation, objective=objective, status=ObjectiveStatus.NOT_MET
    )
    return objective


@pytest.fixture
def followed(side_a, side_b, seminar_a):
    """Side A: its school accompanied since 200 days (the adviser assigned), an action held
    today and one planned, the first engagement late; its other school accompanied without
    the adviser. Side B: its school accompanied too."""
    adviser = side_a.users[Role.FPO_ADVISER]
    accompaniment = accompany(side_a, started_on=_today() - timedelta(days=200))
    _held(accompaniment, seminar_a, _today(), adviser=adviser)
    ActionRecordFactory(
        accompaniment=accompaniment, action_type=seminar_a, date=_today() + timedelta(days=7), adviser=adviser
    )
    other = accompany(side_a, school=side_a.other_school, assign=False)
    accompany(side_b)
    return accompaniment, other


# --- Who sees which dashboard -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        (ADVISER, {Role.FPO_ADVISER}),
        (FEDERATION, {Role.FPO_STAFF}),
        (PO, {Role.PO_REFERENT, Role.SCHOOL_DIRECTION}),
        ("/pilotage/rapport/", {Role.FPO_STAFF}),
    ],
)
def test_each_dashboard_is_for_its_roles(client, side_a, url, allowed):
    for role in Role:
        client.force_login(side_a.users[role])
        assert client.get(url).status_code == (200 if role in allowed else 403), role


def test_the_menu_shows_each_role_its_dashboard(client, side_a):
    links = {
        Role.FPO_ADVISER: {"Mes écoles"},
        Role.FPO_STAFF: {"Tableau de bord"},
        Role.PO_REFERENT: {"Suivi des écoles"},
        Role.SCHOOL_DIRECTION: {"Suivi des écoles"},
        Role.SIGNATORY: set(),
        Role.DCO: set(),
    }
    for role, expected in links.items():
        client.force_login(side_a.users[role])
        nav = BeautifulSoup(client.get("/").content, "html.parser").find("nav")
        shown = {a.get_text(strip=True) for a in nav.find_all("a")}
        assert shown & {"Mes écoles", "Tableau de bord", "Suivi des écoles"} == expected, role


# --- The adviser ------------------------------------------------------------------------------


def test_the_adviser_sees_their_schools_with_step_actions_and_flags(client, side_a, followed):
    accompaniment, _ = followed
    _at_risk(accompaniment)
    client.force_login(side_a.users[Role.FPO_ADVISER])
    page = text_of(client.get(ADVISER))
    assert "1 école suivie" in page
    assert "École A 1" in page
    assert "Athénée A 2" not in page  # not assigned to them
    assert "École B 1" not in page
    assert "1. Mobiliser, donner du sens" in page
    assert f"{_today():%d/%m/%Y} Séminaire d'échanges PO – directions" in page  # last action
    assert f"{_today() + timedelta(days=7):%d/%m/%Y}" in page  # next action
    assert "2 en retard" in page  # the two engagements of step 1 (due after 4 months)
    assert "1 à risque" in page
    assert "En élaboration" in page


def test_the_adviser_filters_sorts_and_pages(client, side_a, followed):
    for n in range(30):
        school = SchoolFactory(
            name=f"École des Tilleuls {n:02d}",
            organising_authority=side_a.organising_authority,
            federation=side_a.federation,
        )
        accompany(side_a, school=school, engagements=[])
    client.force_login(side_a.users[Role.FPO_ADVISER])

    page = text_of(client.get(ADVISER))
    assert "31 lignes" in page and "page 1 sur 2" in page
    assert "École A 1" in page  # « École A » sorts before « École des Tilleuls »

    page = text_of(client.get(ADVISER, {"ecoles-page": "2"}))
    assert "École des Tilleuls 29" in page and "École A 1" not in page

    page = text_of(client.get(ADVISER, {"ecoles-q": "tilleuls"}))
    assert "30 lignes" in page
    page = text_of(client.get(ADVISER, {"ecoles-late": "on"}))
    assert "1 ligne" in page and "École A 1" in page

    soup = BeautifulSoup(client.get(ADVISER, {"ecoles-tri": "-ecole"}).content, "html.parser")
    names = [row.find_all("td")[1].get_text(strip=True) for row in soup.select("#liste-ecoles tbody tr")]
    assert names[0] == "École des Tilleuls 29"
    assert soup.select_one('th[aria-sort="descending"]').get_text(strip=True).startswith("École")


@pytest.mark.parametrize(
    "query",
    [
        {"ecoles-page": "abc"},
        {"ecoles-page": "999"},
        {"ecoles-tri": "inconnu"},
        {"ecoles-step": "neuf"},
        {"ecoles-q": "x" * 500},
    ],
)
def test_bad_list_parameters_never_fail(client, side_a, followed, query):
    client.force_login(side_a.users[Role.FPO_ADVISER])
    response = client.get(ADVISER, query)
    assert response.status_code == 200
    assert "Mes écoles" in text_of(response)


def test_a_list_answers_htmx_with_itself_only(client, side_a, followed):
    client.force_login(side_a.users[Role.FPO_ADVISER])
    response = client.get(
        ADVISER, {"ecoles-q": "École A"}, headers={"HX-Request": "true", "HX-Target": "liste-ecoles"}
    )
    assert b"<html" not in response.content
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.find("section")["id"] == "liste-ecoles"
    assert "1 ligne" in text_of(response)


# --- The federation ---------------------------------------------------------------------------


def test_the_federation_dashboard_shows_its_schools_only(client, side_a, followed):
    client.force_login(side_a.users[Role.FPO_STAFF])
    response = client.get(FEDERATION)
    page = text_of(response)
    assert "Tableau de bord FPO-A" in page
    assert "École A 1" in page and "Athénée A 2" in page
    assert "École B 1" not in page and "Ville B" not in page
    year = current_school_year()
    assert f"année scolaire {year}-{year + 1}" in page
    soup = BeautifulSoup(response.content, "html.parser")
    schools = {
        row.find_all("td")[1].get_text(strip=True): row for row in soup.select("#liste-ecoles tbody tr")
    }
    cells = [td.get_text(" ", strip=True) for td in schools["École A 1"].find_all("td")]
    assert cells[4] == "1"  # the step
    assert cells[5] == "1"  # actions held this school year
    # Engagements: none met, two due and late, four in all (the list shows met, due, late).
    assert cells[7:10] == ["0", "2", "2"]
    assert "Ville A" in text_of(client.get(FEDERATION, {"po-late": "on"}))


def test_every_chart_is_an_accessible_svg_with_its_data_table(client, side_a, followed):
    client.force_login(side_a.users[Role.FPO_STAFF])
    soup = BeautifulSoup(client.get(FEDERATION).content, "html.parser")
    figures = soup.select("figure.chart-figure")
    assert len(figures) == 5
    for figure in figures:
        svg = figure.find("svg")
        if svg is None:
            assert "Rien à représenter" in figure.get_text()
            continue
        assert svg["role"] == "img"
        title_id, desc_id = svg["aria-labelledby"].split()
        assert svg.find("title", id=title_id).get_text()
        assert svg.find("desc", id=desc_id).get_text()
        assert "style" not in str(svg)  # the CSP allows no inline style
        # The chart first; its table opens on demand, still captioned and with its headers.
        details = figure.find("details", class_="chart-data")
        assert details.find("summary").get_text(" ", strip=True).startswith("Voir les données")
        assert figure.find("div", class_="chart-picture").find_next("details") is details
        table = details.find("table")
        assert table.find("caption") and table.find("th", scope="col")
    steps = soup.select_one("#etapes table")
    assert "Pas d'accompagnement" not in steps.get_text()  # both schools of A are accompanied
    assert steps.select_one("tfoot").get_text(" ", strip=True) == "Total 2 0 0 2"


def test_the_federation_dashboard_follows_the_school_year(client, side_a, followed, seminar_a):
    accompaniment, _ = followed
    last_year = current_school_year() - 1
    start, _ = school_year_bounds(last_year)
    accompaniment.started_on = start
    accompaniment.save()
    _held(accompaniment, seminar_a, start + timedelta(days=20))
    _held(accompaniment, seminar_a, start + timedelta(days=21))
    client.force_login(side_a.users[Role.FPO_STAFF])
    soup = BeautifulSoup(client.get(FEDERATION, {"annee": last_year}).content, "html.parser")
    assert f"{last_year}-{last_year + 1}" in soup.find("h1").find_next("p").get_text()
    assert soup.select_one("#actions table tfoot").get_text(" ", strip=True) == "Total 2"
    # An unknown year or federation falls back on the current year of one's own federation.
    page = text_of(client.get(FEDERATION, {"annee": "1900", "federation": "FPO-B"}))
    assert "Tableau de bord FPO-A" in page and f"{last_year + 1}-{last_year + 2}" in page


def test_workload_counts_schools_and_actions_per_fte(client, side_a, followed):

    AdviserProfile.objects.create(
        user=side_a.users[Role.FPO_ADVISER], federation=side_a.federation, fte="0.50"
    )
    client.force_login(side_a.users[Role.FPO_STAFF])
    soup = BeautifulSoup(client.get(FEDERATION).content, "html.parser")
    row = soup.select_one("#liste-conseillers tbody tr")
    cells = [td.get_text(strip=True) for td in row.find_all("td")]
    assert cells[1:] == ["0,50", "non", "1", "2,0", "1", "2,0", "1"]


# --- The PO and the direction -------------------------------------------------------------------


def test_the_po_referent_sees_the_po_schools_and_what_comes_next(client, side_a, followed):
    accompaniment, other = followed
    EngagementCheck.objects.filter(accompaniment=accompaniment, engagement__code="referent").update(
        done_at=timezone.now()
    )
    client.force_login(side_a.users[Role.PO_REFERENT])
    page = text_of(client.get(PO))
    assert "2 écoles accompagnées" in page
    assert "École A 1" in page and "Athénée A 2" in page and "École B 1" not in page
    assert "1 / 4" in page  # engagements ticked at École A 1
    assert "Veiller à ce que la direction constitue une équipe de soutien" in page
    assert "(en retard)" in page

    client.force_login(side_a.users[Role.SCHOOL_DIRECTION])
    page = text_of(client.get(PO))
    assert "1 école accompagnée" in page and "École A 1" in page and "Athénée A 2" not in page


def test_the_po_dashboard_shows_the_next_deadline_of_the_plan(client, side_a, followed):
    accompaniment, _ = followed
    meeting = _today() + timedelta(days=20)
    Plan.objects.filter(accompaniment=accompaniment).update(
        state=Plan.State.SUBMITTED, submitted_to_dco_on=_today(), dco_meeting_on=meeting
    )
    client.force_login(side_a.users[Role.SCHOOL_DIRECTION])
    assert f"Rencontre avec le DCO : {meeting:%d/%m/%Y}" in text_of(client.get(PO))


# --- Exports ------------------------------------------------------------------------------------


def _export(client, url, params, fmt):
    response = client.get(url, {**params, "format": fmt})
    assert response.status_code == 200, response.status_code
    assert f'.{fmt}"' in response["Content-Disposition"]
    if fmt == "csv":
        text = response.getvalue().decode("utf-8-sig")
        return tablib.Dataset().load(text, format="csv", delimiter=";")
    return tablib.Dataset().load(BytesIO(response.getvalue()), format=fmt)


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ods"])
def test_every_list_exports_and_parses_back(client, side_a, followed, fmt):
    client.force_login(side_a.users[Role.FPO_ADVISER])
    data = _export(client, ADVISER, {"export": "ecoles"}, fmt)
    assert data.headers[:3] == ["FASE", "École", "Pouvoir organisateur"]
    assert [row[1] for row in data] == ["École A 1"]
    assert "Dernière action (intitulé)" in data.headers  # the page shows it within a cell

    client.force_login(side_a.users[Role.FPO_STAFF])
    schools = _export(client, FEDERATION, {"export": "ecoles", "ecoles-tri": "ecole"}, fmt)
    assert [row[1] for row in schools] == ["Athénée A 2", "École A 1"]
    assert int(schools.dict[1]["Actions réalisées"]) == 1
    pos = _export(client, FEDERATION, {"export": "po"}, fmt)
    assert [row[0] for row in pos] == ["Ville A"]
    assert [int(v) for v in pos[0][1:6]] == [2, 8, 2, 0, 2]
    advisers = _export(client, FEDERATION, {"export": "conseillers"}, fmt)
    assert len(advisers) == 1
    chart = _export(client, FEDERATION, {"export": "actions-types"}, fmt)
    assert chart[-1][0] == "Total" and int(chart[-1][1]) == 1

    client.force_login(side_a.users[Role.PO_REFERENT])
    data = _export(client, PO, {"export": "ecoles"}, fmt)
    assert sorted(row[1] for row in data) == ["Athénée A 2", "École A 1"]


def test_the_export_follows_the_filters(client, side_a, followed):
    client.force_login(side_a.users[Role.FPO_STAFF])
    data = _export(client, FEDERATION, {"export": "ecoles", "ecoles-q": "Athénée"}, "csv")
    assert [row[1] for row in data] == ["Athénée A 2"]


@pytest.mark.parametrize(
    "params", [{"export": "inconnue", "format": "csv"}, {"export": "ecoles", "format": "pdf"}]
)
def test_an_unknown_export_is_a_404(client, side_a, followed, params):
    client.force_login(side_a.users[Role.FPO_STAFF])
    assert client.get(FEDERATION, params).status_code == 404


# --- Queries ------------------------------------------------------------------------------------


def _grow(side, seminar, count=6):
    """More accompanied schools, each with actions, engagements and an objective at risk."""

    def grow():
        for n in range(count):
            school = SchoolFactory(
                name=f"École nouvelle {n}",
                organising_authority=side.organising_authority,
                federation=side.federation,
            )
            accompaniment = accompany(side, school=school, started_on=_today() - timedelta(days=300))
            _held(accompaniment, seminar, _today())
            ActionRecordFactory(accompaniment=accompaniment, action_type=seminar)
            _at_risk(accompaniment)
            other_type = ActionTypeFactory(federation=side.federation, title=f"Coaching {n}")
            _held(accompaniment, other_type, _today() - timedelta(days=1))

    return grow


@pytest.mark.parametrize(
    ("role", "url", "at_most"),
    [
        (Role.FPO_ADVISER, ADVISER, 15),
        (Role.FPO_STAFF, FEDERATION, 29),
        (Role.PO_REFERENT, PO, 15),
        (Role.SCHOOL_DIRECTION, PO, 15),
    ],
)
def test_queries_stay_flat_as_rows_grow(
    client, side_a, followed, seminar_a, queries_stay_flat, role, url, at_most
):
    client.force_login(side_a.users[role])
    response = queries_stay_flat(url, grow=_grow(side_a, seminar_a), at_most=at_most)
    assert response.status_code == 200


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_make_as_many_queries_whatever_the_rows(
    client, side_a, followed, seminar_a, queries_stay_flat, fmt
):
    client.force_login(side_a.users[Role.FPO_STAFF])
    # PostgreSQL makes three more (SAVEPOINT, SET LOCAL jit = off, RELEASE) to read the whole
    # list without JIT compiling.
    at_most = 13 if connection.vendor == "postgresql" else 10
    response = queries_stay_flat(
        f"{FEDERATION}?export=ecoles&format={fmt}", grow=_grow(side_a, seminar_a), at_most=at_most
    )
    # CSV streams (its rows read in batches as it is sent); a spreadsheet is built whole.
    assert response.streaming == (fmt == "csv")
    if fmt == "csv":
        names = [line.split(";")[1] for line in response.getvalue().decode("utf-8-sig").splitlines()[1:]]
        assert len(names) == 2 + 6 and "École nouvelle 5" in names


# --- Charts -------------------------------------------------------------------------------------


def test_chart_axes_have_round_steps():
    assert nice_ticks(0) == (1, 1)
    assert nice_ticks(3) == (1, 3)
    assert nice_ticks(47) == (10, 5)
    assert nice_ticks(1234) == (500, 3)
    assert number(1234) == "1\u202f234"
    assert number(2.5) == "2,5"


def test_chart_text_is_escaped_and_long_labels_keep_their_full_text():
    chart = Chart(
        key="essai",
        title="Titre <b>",
        description="Description",
        category="Catégorie",
        series=["Une", "Deux"],
        rows=[("<script>alert(1)</script> et un intitulé bien trop long pour la marge", 1, 2)],
    )
    svg = str(chart.svg)
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt; et un intitulé bien trop long" in svg
    assert chart.table_rows == [
        ("<script>alert(1)</script> et un intitulé bien trop long pour la marge", 1, 2, 3)
    ]
    assert chart.total_row == ("Total", 1, 2, 3)
