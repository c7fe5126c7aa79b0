"""The framework picker of an objective: the federation's and the Belgian frameworks first, a
French académie's project behind « Afficher les autres référentiels », a filter, choices kept."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from conventions.loading import FIXTURES, load_framework
from conventions.models import Framework, FrameworkNode, FrameworkVersion
from pilotage.forms.framework_picker import matches, searchable
from pilotage.models import SchoolObjective
from tests.pilotage.factories import improvement_goals


def _framework(code: str, title: str, federation, node_title: str) -> FrameworkNode:
    framework = Framework.objects.create(code=code, title=title, federation=federation)
    version = FrameworkVersion.objects.create(framework=framework, number=1)
    return FrameworkNode.objects.create(
        version=version, kind="objective", label="OT 1", title=node_title, position=1, path="0001"
    )


@pytest.fixture
def frameworks(side_a, side_b):
    return {
        "goals": improvement_goals(),
        "own": _framework(
            "annexe-a", "Annexe de la fédération A", side_a.federation, "Accompagner les directions"
        ),
        "other_federation": _framework(
            "annexe-b", "Annexe de la fédération B", side_b.federation, "Objectif réservé à B"
        ),
        "academie": load_framework(FIXTURES / "frameworks" / "projet-academique-clermont.json"),
    }


def _soup(response):
    return BeautifulSoup(response.content, "html.parser")


def _checked(soup) -> set[int]:
    return {int(box["value"]) for box in soup.select("input[name=framework_nodes][checked]")}


def test_the_federations_and_belgian_frameworks_come_first_the_academie_behind_a_summary(
    client, referent_a, accompaniment_a, frameworks
):
    client.force_login(referent_a)
    soup = _soup(client.get(reverse("pilotage_objective_create", args=[accompaniment_a.pk])))
    picker = soup.select_one("[data-framework-picker]")
    assert picker.find("label", string="Filtrer les référentiels")
    legends = [legend.get_text(" ", strip=True) for legend in picker.select("fieldset legend")]
    assert legends[:2] == [
        "Annexe de la fédération A votre fédération",
        "Objectifs d'amélioration du système éducatif",
    ]
    others = picker.find("details")
    assert others.find("summary").get_text(strip=True).startswith("Afficher les autres référentiels")
    assert not others.has_attr("open")
    academie = others.find("legend").get_text(" ", strip=True)
    assert academie.startswith("Projet stratégique académique de l'académie de Clermont-Ferrand")
    assert "hors Belgique" in academie
    assert "Annexe de la fédération B" not in picker.get_text()
    # Each checkbox has its label; the script lives in static/ (the CSP forbids inline scripts).
    for box in picker.select("input[type=checkbox]"):
        assert soup.find("label", attrs={"for": box["id"]})
    assert soup.find("script", src=lambda src: src and "framework-picker" in src)
    assert not soup.find("script", src=None)


def test_the_filter_narrows_the_list_without_javascript_and_keeps_what_was_typed(
    client, referent_a, accompaniment_a, frameworks
):
    goals = frameworks["goals"]
    client.force_login(referent_a)
    response = client.post(
        reverse("pilotage_objective_create", args=[accompaniment_a.pk]),
        {
            "title": "Moins de redoublements",
            "framework_nodes": [goals[0].pk],
            "recherche_referentiel": "Redoublement",
            "filtrer_referentiels": "1",
        },
    )
    assert response.status_code == 200
    assert not SchoolObjective.objects.exists()  # filtering saves nothing
    soup = _soup(response)
    shown = {int(box["value"]) for box in soup.select("input[name=framework_nodes]")}
    assert goals[3].pk in shown  # « Réduire progressivement le redoublement et le décrochage »
    assert goals[0].pk in shown and _checked(soup) == {goals[0].pk}  # chosen, so kept
    assert goals[1].pk not in shown and frameworks["own"].pk not in shown
    assert soup.find("input", attrs={"name": "title"})["value"] == "Moins de redoublements"
    assert "2 éléments pour « Redoublement »" in soup.get_text()
    assert soup.find("ul", class_="errorlist") is None  # nothing validated yet


def test_the_filter_ignores_case_and_accents():
    assert searchable("Bien-être à l'École") == "bien etre a l'ecole"
    assert matches("bien etre ecole", "Accroître les indices du bien-être à l'école")
    assert not matches("bien etre lycée", "Accroître les indices du bien-être à l'école")


def test_a_selection_stays_after_an_error_then_saves(client, referent_a, accompaniment_a, frameworks):
    own, academie_node = frameworks["own"], frameworks["academie"].nodes.filter(kind="objective").first()
    url = reverse("pilotage_objective_create", args=[accompaniment_a.pk])
    client.force_login(referent_a)
    response = client.post(url, {"title": "", "framework_nodes": [own.pk, academie_node.pk]})
    assert response.status_code == 200
    soup = _soup(response)
    assert _checked(soup) == {own.pk, academie_node.pk}
    assert soup.select_one("[data-framework-picker] details").has_attr("open")  # a choice in it shows
    response = client.post(url, {"title": "Accompagner", "framework_nodes": [own.pk, academie_node.pk]})
    assert response.status_code == 302
    assert set(SchoolObjective.objects.get().framework_nodes.all()) == {own, academie_node}


def test_a_node_of_another_federations_framework_is_refused_in_french(
    client, referent_a, accompaniment_a, frameworks
):
    client.force_login(referent_a)
    node = frameworks["other_federation"]
    response = client.post(
        reverse("pilotage_objective_create", args=[accompaniment_a.pk]),
        {"title": "Emprunter", "framework_nodes": [node.pk]},
    )
    assert response.status_code == 200
    assert (
        f"« {node.pk} » n'est pas un élément des référentiels proposés à votre fédération."
        in _soup(response).get_text()
    )
    assert not SchoolObjective.objects.exists()
