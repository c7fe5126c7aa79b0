"""What the yearly report gives the administration beyond the dashboard: advisers, days of
accompaniment by type, cancelled actions, the evaluation, indicator values against baseline and
target, and the federation's totals beside the year before's."""

from datetime import date, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from accounts.models import Role
from core.school_years import school_year_bounds
from pilotage.dashboards import report, report_files
from pilotage.dashboards import report_details as details
from pilotage.models import (
    Accompaniment,
    ActionRecord,
    Evaluation,
    Indicator,
    IndicatorValue,
    Plan,
    SchoolObjective,
)
from tests.pilotage.dashboards.conftest import LAST_YEAR, held
from tests.pilotage.dashboards.test_report import _xlsx_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def detailed_year(year_of_a):
    """`year_of_a`, its first school with an indicator valued last year, a named adviser, a
    dated evaluation, and one action the year before."""
    side = year_of_a
    adviser = side.users[Role.FPO_ADVISER]
    adviser.first_name, adviser.last_name = "Nadia", "Lambert"
    adviser.save()
    plan = Plan.objects.get(accompaniment__school=side.school)
    Evaluation.objects.filter(plan=plan).update(held_on=date(LAST_YEAR + 1, 5, 12))
    objective = SchoolObjective.objects.filter(plan=plan).order_by("position").first()
    indicator = Indicator.objects.create(
        objective=objective,
        name="Élèves en retard d'un an",
        unit="%",
        baseline=Decimal("20"),
        baseline_year=LAST_YEAR - 1,
        target=Decimal("10"),
        target_year=LAST_YEAR + 3,
        direction=Indicator.Direction.FALL,
    )
    IndicatorValue.objects.create(indicator=indicator, school_year=LAST_YEAR, value=Decimal("15"))
    start, _ = school_year_bounds(LAST_YEAR - 1)
    first = Accompaniment.objects.get(school=side.school)
    held(
        first, ActionRecord.objects.filter(accompaniment=first).first().action_type, start + timedelta(days=5)
    )
    return side


def test_each_school_shows_its_advisers_days_cancelled_actions_and_evaluation(detailed_year):
    side = detailed_year
    rows = {
        row["École"]: row
        for row in _xlsx_rows(report_files.render_xlsx(report.build(side.federation, LAST_YEAR)))
    }
    first = rows["École A 1"]
    assert first["Conseiller(s)"] == "Nadia Lambert"
    # 4 actions held of one half-day each: 2 days, 4 half-days; the coaching after the year is out.
    assert (first["Jours d'accompagnement"], first["Demi-journées d'accompagnement"]) == (2, 4)
    assert first["Jours : Séminaire d'échanges PO – directions"] == 1.5
    assert first["Jours : Coaching en école"] == 0.5
    assert first["Actions annulées"] == 1
    assert first["Évaluation de l'année"] == "Auto-évaluation annuelle du 12/05/" + str(LAST_YEAR + 1)
    assert rows["École sans convention"]["Conseiller(s)"] in ("", None)


def test_indicators_are_listed_with_the_years_value_against_baseline_and_target(detailed_year):
    side = detailed_year
    book = load_workbook(BytesIO(report_files.render_xlsx(report.build(side.federation, LAST_YEAR))))
    rows = list(book["Indicateurs"].iter_rows(values_only=True))
    line = dict(zip(rows[0], rows[1], strict=True))
    assert line["Indicateur"] == "Élèves en retard d'un an" and line["École"] == "École A 1"
    assert (line["Valeur de départ"], line["Cible"], line["Valeur de l'année"]) == (20, 10, 15)
    assert line["Année de départ"] == f"{LAST_YEAR - 1}-{LAST_YEAR}"
    assert line["Chemin parcouru vers la cible"] == "50 %"


def test_the_first_sheet_gives_the_federations_totals_beside_the_year_before(detailed_year):
    side = detailed_year
    book = load_workbook(BytesIO(report_files.render_xlsx(report.build(side.federation, LAST_YEAR))))
    assert book.sheetnames[0] == "Totaux" and book.active.title == "Totaux"
    rows = list(book["Totaux"].iter_rows(values_only=True))
    assert rows[0] == (
        "Totaux de la fédération",
        f"{LAST_YEAR}-{LAST_YEAR + 1}",
        f"{LAST_YEAR - 1}-{LAST_YEAR}",
    )
    totals = {label: (now, before) for label, now, before in rows[1:]}
    assert totals["Actions réalisées"] == (5, 1)
    assert totals["Actions annulées"] == (1, 0)
    assert totals["Jours d'accompagnement"] == (2.5, 0.5)
    assert totals["Conseillers au soutien et à l'accompagnement"] == (1, 1)
    assert totals["ETP des conseillers"] == (1, 1)


def test_the_pdf_prints_every_cell_of_the_wide_tables_on_landscape_pages(detailed_year):
    side = detailed_year
    data = report.build(side.federation, LAST_YEAR)
    reader = PdfReader(BytesIO(report_files.render_pdf(data)))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    for line in data.lines:
        for cell in (line.name, line.organising_authority, line.advisers, line.evaluation):
            assert " ".join(cell.split()) in text, cell
    assert "Élèves en retard d'un an (%)" in text and "50 %" in text
    landscape = [page for page in reader.pages if page.mediabox.width > page.mediabox.height]
    assert landscape, "les tableaux larges sont sur des pages en paysage"
    assert reader.pages[0].mediabox.width < reader.pages[0].mediabox.height


def test_a_name_that_looks_like_a_formula_stays_text_in_the_report(detailed_year):
    side = detailed_year
    side.school.name = '=HYPERLINK("http://evil.example/";"Cliquez ici")'
    side.school.save()
    content = report_files.render_xlsx(report.build(side.federation, LAST_YEAR))
    names = [row["École"] for row in _xlsx_rows(content)]
    assert "'" + side.school.name in names
    indicators = list(load_workbook(BytesIO(content))["Indicateurs"].iter_rows(values_only=True))
    assert indicators[1][1] == "'" + side.school.name


def test_the_way_covered_never_reads_minus_zero_and_units_are_not_repeated():
    line = details.IndicatorLine(
        fase=1,
        school="É",
        objective="OS 1",
        indicator="Écart de score (points)",
        unit="points",
        direction="",
        baseline=Decimal("20"),
        baseline_year="",
        target=Decimal("10"),
        target_year="",
        value=Decimal("20.02"),
    )
    assert line.progress == "0 %"
    assert line.name_with_unit == "Écart de score (points)"
