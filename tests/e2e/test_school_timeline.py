"""A school's timeline in Chromium: filtered by a click, audited by axe-core on a desktop and on
a phone (where it must not scroll sideways)."""

import pytest
from playwright.sync_api import expect

from pilotage.demo import load_pilotage_demo

pytestmark = pytest.mark.browser

ATHENEE_DU_CENTRE = 9001  # Ville de Bruxelles, CPEONS: Thomas Conseiller accompanies it


def test_an_adviser_reads_and_filters_a_schools_timeline(visitor):
    load_pilotage_demo()
    page = visitor.page
    visitor.log_in("conseiller.cpeons@pilotis.example")
    visitor.check(f"/ecoles/{ATHENEE_DU_CENTRE}/", shows="Historique de l'école")
    visitor.click(page.get_by_role("link", name="Voir l'historique"))
    visitor.audit("timeline", shows="Début de l'accompagnement")

    page.get_by_label("Actions", exact=True).check()
    visitor.click(page.get_by_role("button", name="Filtrer"))
    main = page.get_by_role("main")
    expect(main).to_contain_text("Filtres : Événements : actions")
    expect(main).not_to_contain_text("Début de l'accompagnement")
    visitor.audit("timeline filtered", shows="Filtres")
    visitor.assert_no_problems()
