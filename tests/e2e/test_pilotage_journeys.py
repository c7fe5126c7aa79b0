"""The pilotage journeys in Chromium, with axe-core on every page and every htmx update:
the adviser's day and the PO référent's engagements."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from pilotage.demo import load_pilotage_demo

pytestmark = pytest.mark.browser

ATHENEE_DU_CENTRE = 9001  # Ville de Bruxelles, CPEONS: Thomas Conseiller accompanies it
ADOLPHE_MAX = 104  # Ville de Bruxelles, CECP convention for one school, with the PO's engagements


@pytest.fixture
def pilotage_demo(demo):
    load_pilotage_demo()


def test_the_advisers_day(visitor, pilotage_demo):
    page = visitor.page
    visitor.log_in("conseiller.cpeons@pilotis.example")
    visitor.check("/pilotage/conseiller/", shows="Athénée communal du Centre")
    last_action = page.locator("tr", has_text="Athénée communal du Centre").locator("td").nth(4)
    last_action_before = last_action.inner_text()
    visitor.check(f"/ecoles/{ATHENEE_DU_CENTRE}/", shows="Pilotage")
    actions = page.locator("#pilotage-actions")

    # Plan an action: the section changes in place, the page does not reload.
    page.get_by_text("Prévoir une action", exact=True).click()
    form = actions.locator("form")
    form.get_by_label("Action").select_option(label="Intervision entre les équipes de pilotage (obligatoire)")
    form.get_by_label("Date").fill(timezone.localdate().isoformat())
    form.get_by_label("Qui participe").fill("Directions de l'Athénée et du Lycée")
    page.evaluate("window.notReloaded = true")
    form.get_by_role("button", name="Prévoir l'action").click()
    expect(actions).to_contain_text("Action prévue le")
    assert page.evaluate("window.notReloaded") is True
    visitor.audit("action planned", shows="Action prévue le")

    # Mark it held, from its row.
    row = actions.locator("tr", has_text="Directions de l'Athénée et du Lycée")
    row.get_by_role("link", name="Marquer réalisée").click()
    row_form = actions.locator("form", has_text="Réalisée le")
    expect(row_form).to_be_visible()
    visitor.audit("held form open", shows="Réalisée le")
    row_form.get_by_label("Nombre de participants").fill("6")
    row_form.get_by_label("Note").fill("Partage des présentations au DCO.")
    row_form.get_by_role("button", name="Marquer réalisée").click()
    expect(actions).to_contain_text("Action réalisée le")
    held = actions.locator("tr", has_text="Partage des présentations au DCO.")
    expect(held).to_contain_text("Réalisée")
    expect(held).to_contain_text("(6)")
    assert page.evaluate("window.notReloaded") is True
    visitor.audit("action held", shows="Action réalisée le")

    # Corrected from its row, with the reason kept under it.
    held.get_by_role("link", name=re.compile(r"^Corriger")).click()
    fix = actions.locator("form", has_text="Motif de la correction")
    fix.get_by_label("Participants", exact=True).fill("Directions de l'Athénée, du Lycée et le PO")
    fix.get_by_label("Motif de la correction").fill("Le PO était là aussi")
    visitor.audit("correction form open", shows="Motif de la correction")
    fix.get_by_role("button", name="Enregistrer la correction").click()
    expect(actions).to_contain_text("Action corrigée")
    expect(actions).to_contain_text("motif : Le PO était là aussi")
    assert page.evaluate("window.notReloaded") is True

    # Still there after a reload, and the dashboard shows it as the school's last action.
    visitor.check(f"/ecoles/{ATHENEE_DU_CENTRE}/", shows="Partage des présentations au DCO.")
    visitor.check("/pilotage/conseiller/", shows="Athénée communal du Centre")
    expect(last_action).to_contain_text(timezone.localdate().strftime("%d/%m/%Y"))
    expect(last_action).to_contain_text("Intervision")
    assert last_action.inner_text() != last_action_before
    visitor.check("/pilotage/actions-groupees/", shows="Action pour plusieurs écoles")
    visitor.check("/pilotage/calendrier/", shows="Mon calendrier")
    visitor.assert_no_problems()


def test_the_po_referent_ticks_an_engagement(visitor, pilotage_demo):
    page = visitor.page
    visitor.log_in("referent.bruxelles@pilotis.example")
    visitor.check(f"/ecoles/{ADOLPHE_MAX}/", shows="Engagements du PO")
    engagements = page.locator("#pilotage-engagements")
    tick = re.compile(r"^Cocher")  # not « Décocher »
    item = engagements.locator("li", has=page.get_by_role("button", name=tick)).first
    label = item.locator("span").first.inner_text()
    item.get_by_label("Commentaire (facultatif)").fill("Validé au collège du 12 mars")
    item.get_by_role("button", name=tick).click()
    expect(engagements).to_contain_text("Engagement coché")
    done = engagements.locator("li", has_text=label)
    expect(done).to_contain_text("Fait")
    expect(done).to_contain_text(
        f"Coché le {timezone.localdate():%d/%m/%Y} par Nadia Référente — Validé au collège du 12 mars"
    )
    expect(done.get_by_role("button", name=tick)).to_have_count(0)
    visitor.audit("engagement ticked", shows="Engagement coché")

    # Ticked by mistake: unticked with a reason, kept under it.
    done.get_by_label("Pourquoi le décocher ?").fill("Le collège n'a pas encore délibéré")
    done.get_by_role("button", name=re.compile(r"^Décocher")).click()
    expect(engagements).to_contain_text("Engagement décoché")
    undone = engagements.locator("li", has_text=label)
    expect(undone).to_contain_text("motif : Le collège n'a pas encore délibéré")
    expect(undone.get_by_role("button", name=tick)).to_have_count(1)

    # The plan's pages the référent fills.
    page.get_by_role("link", name="Modifier le plan").click()
    page.wait_for_url("**/plan/")
    visitor.audit("plan form", shows="Plan de pilotage")
    visitor.check("/pilotage/indicateurs/import/", shows="Importer des valeurs d'indicateurs")
    visitor.assert_no_problems()


def test_the_referent_reads_the_indicators_and_picks_what_an_objective_contributes_to(visitor, pilotage_demo):
    page = visitor.page
    visitor.log_in("referent.bruxelles@pilotis.example")
    visitor.check(f"/ecoles/{ATHENEE_DU_CENTRE}/", shows="Objectifs spécifiques")
    plan = page.locator("#pilotage-plan")
    expect(plan.locator("svg.indicator-chart[role=img]").first).to_have_attribute(
        "aria-label", re.compile(r"cible")
    )
    expect(plan.locator(".indicator-figures").first).to_contain_text("→ cible")

    plan.get_by_role("link", name=re.compile(r"^Modifier l'objectif")).first.click()
    page.wait_for_url("**/objectifs/*/")
    picker = page.locator("[data-framework-picker]")
    # With the script, the filter filters as one types; its button is for browsers without it.
    expect(picker.get_by_role("button", name="Filtrer")).to_be_hidden()
    expect(picker.locator("details")).not_to_have_attribute("open", re.compile(".*"))
    visitor.audit("objective form", shows="Afficher les autres référentiels")
    search = page.get_by_label("Filtrer les référentiels")
    search.fill("numerique tronc commun")
    expect(picker).to_contain_text("élément")
    choice = picker.get_by_label(re.compile(r"^AP 1\.1 "))
    expect(picker.get_by_label(re.compile(r"^OA 2 "))).to_be_hidden()
    choice.focus()
    page.keyboard.press("Space")
    expect(choice).to_be_checked()
    visitor.audit("objective form filtered", shows="Stratégie numérique pour l'éducation")
    search.fill("")
    visitor.click(page.get_by_role("button", name="Enregistrer"))
    expect(page.get_by_role("main")).to_contain_text("Objectif enregistré")
    expect(page.locator("#pilotage-plan")).to_contain_text("AP 1.1")
    visitor.assert_no_problems()
