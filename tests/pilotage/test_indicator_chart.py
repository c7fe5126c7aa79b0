"""Each indicator of the plan as a small chart on the school page, with its figures as text."""

from decimal import Decimal

from bs4 import BeautifulSoup

from pilotage.indicator_chart import IndicatorChart, figure
from pilotage.models import Indicator
from pilotage.services.plans import set_indicator_value
from tests.pilotage.factories import objective_with_indicator


def test_a_figure_is_written_the_belgian_way():
    assert figure(Decimal("62.500"), "%") == "62,5\u00a0%"
    assert figure(Decimal("12.000"), "élèves") == "12\u00a0élèves"
    assert figure(Decimal("0.125")) == "0,125"
    assert figure(Decimal("-3")) == "−3"


def test_the_school_page_draws_each_indicator_with_its_figures(client, referent_a, accompaniment_a):
    indicator = objective_with_indicator(
        accompaniment_a, baseline=Decimal("62"), baseline_year=2023, target=Decimal("75"), target_year=2029
    )
    set_indicator_value(indicator=indicator, school_year=2024, value=Decimal("65.5"), by=None)
    set_indicator_value(indicator=indicator, school_year=2025, value=Decimal("68"), by=None)
    client.force_login(referent_a)
    soup = BeautifulSoup(client.get(accompaniment_a.school.get_absolute_url()).content, "html.parser")

    item = soup.select_one("#pilotage-plan li.indicator")
    svg = item.find("svg")
    assert svg["role"] == "img"
    assert svg["aria-label"] == (
        "Élèves lecteurs : départ 62\u00a0%, dernière valeur 68\u00a0% (2025-2026), cible 75\u00a0%."
    )
    assert svg["width"] == "100%" and svg["viewbox"].startswith("0 0 ")
    assert "style" not in str(svg)  # the CSP allows no inline style
    # Baseline hollow, two values filled, the target dashed.
    assert len(svg.find_all("circle")) == 3
    assert svg.find("line", attrs={"stroke-dasharray": True})
    figures = item.select_one(".indicator-figures").get_text()
    assert figures == (
        "Départ 2023-2024 : 62\u00a0% → 2024-2025 : 65,5\u00a0% → 2025-2026 : 68\u00a0% → cible 2029-2030 : 75\u00a0%"
    )


def test_an_indicator_without_years_or_values_still_draws(accompaniment_a):
    indicator = objective_with_indicator(
        accompaniment_a, name="Absences", unit="jours", direction="fall", baseline=9, target=4
    )
    chart = IndicatorChart(Indicator.objects.prefetch_related("values").get(pk=indicator.pk))
    svg = BeautifulSoup(chart.render(), "html.parser").find("svg")
    assert len(svg.find_all("circle")) == 1
    assert chart.figures == "Départ : 9\u00a0jours → cible : 4\u00a0jours"
    assert (
        chart.summary == "Absences : départ 9\u00a0jours, aucune valeur encodée encore, cible 4\u00a0jours."
    )
