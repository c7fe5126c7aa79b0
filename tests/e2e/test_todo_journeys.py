"""From « À faire » to done, in Chromium with axe-core on every page: a signatory signs, a PO
référent ticks a late engagement, an adviser encodes last week's action. Each time the item
leaves the list and the count in the navigation goes down."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.demo import DEMO_PASSWORD
from accounts.models import User
from pilotage.models import Accompaniment, ActionRecord, ActionType
from tests.e2e.browser import nav_count as _nav_count
from tests.e2e.browser import todo_list as _todo

pytestmark = pytest.mark.browser

ATHENEE_DU_CENTRE = 9001  # CPEONS: Thomas Conseiller accompanies it


def test_a_signatory_signs_from_her_home_page(visitor):
    page = visitor.page
    visitor.log_in("f.constant@pilotis.example")
    visitor.audit("/ (signatory)", shows="À faire")
    before = _nav_count(page)
    item = _todo(page).locator("li", has_text="À signer").first
    link = item.get_by_role("link", name=re.compile(r"^Lire et signer"))
    reference = re.search(r"CECP-\d{4}-\d{4}", link.inner_text()).group(0)
    visitor.click(link)
    visitor.audit(f"/conventions/{reference}/signer/", shows="Signer")
    page.get_by_label("J'ai lu l'intégralité de la convention").check()
    visitor.click(page.get_by_role("button", name="Signer la convention"))
    if "/comptes/reauthenticate/" in page.url:
        # Signing asks for the password again (allauth then resumes the signature, or shows
        # the page anew).
        visitor.audit("/comptes/reauthenticate/", shows="Confirmer")
        page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
        visitor.click(page.get_by_role("button", name="Confirmer"))
        if not page.url.endswith("/fait/"):
            page.get_by_label("J'ai lu l'intégralité de la convention").check()
            visitor.click(page.get_by_role("button", name="Signer la convention"))
    expect(page.get_by_role("main")).to_contain_text("Votre signature a été enregistrée")
    visitor.audit("signed", shows="Votre signature a été enregistrée")
    visitor.check("/", shows="À faire")
    expect(_todo(page)).not_to_contain_text(reference)
    assert _nav_count(page) == before - 1
    visitor.check(f"/conventions/{reference}/", shows=reference)
    expect(page.get_by_role("main")).not_to_contain_text("Votre signature est attendue")
    visitor.assert_no_problems()


def test_a_referent_ticks_a_late_engagement_from_her_home_page(visitor):
    page = visitor.page
    visitor.log_in("referent.bruxelles@pilotis.example")
    before = _nav_count(page)
    item = _todo(page).locator("li", has_text="École primaire Adolphe Max").first
    expect(item).to_contain_text("En retard")
    link = item.get_by_role("link", name=re.compile(r"^Cocher l'engagement"))
    words = link.inner_text().split(" : ", 1)[1].split("…")[0].strip()
    visitor.click(link)
    assert page.url.endswith("#pilotage-engagements")
    visitor.audit("school page, engagements", shows="Engagements du PO")
    engagements = page.locator("#pilotage-engagements")
    tick = re.compile(r"^Cocher")
    row = engagements.locator("li", has_text=words).filter(has=page.get_by_role("button", name=tick)).first
    row.get_by_role("button", name=tick).click()
    expect(engagements).to_contain_text("Engagement coché")
    visitor.audit("engagement ticked", shows="Engagement coché")
    visitor.check("/", shows="À faire")
    # The same engagement may still wait at another school: this school's line is gone.
    left = _todo(page).locator("li", has_text=words).filter(has_text="École primaire Adolphe Max")
    expect(left).to_have_count(0)
    assert _nav_count(page) == before - 1
    visitor.assert_no_problems()


def test_an_adviser_encodes_last_weeks_action_from_his_home_page(visitor):
    adviser = User.objects.get(email="conseiller.cpeons@pilotis.example")
    athenee = Accompaniment.objects.get(school__fase=ATHENEE_DU_CENTRE)
    ActionRecord.objects.create(
        accompaniment=athenee,
        school=athenee.school,
        action_type=ActionType.objects.get(federation=athenee.federation, code="ot1i-intervision"),
        date=timezone.localdate() - timedelta(days=6),
        participants="Directions de l'Athénée et du Lycée",
        adviser=adviser,
        created_by=adviser,
    )
    page = visitor.page
    visitor.log_in("conseiller.cpeons@pilotis.example")
    before = _nav_count(page)
    item = _todo(page).locator("li", has_text="Actions passées à encoder")
    expect(item).to_contain_text("Athénée communal du Centre")
    visitor.click(item.get_by_role("link"))
    visitor.audit("school page, actions", shows="Pilotage")
    actions = page.locator("#pilotage-actions")
    row = actions.locator("tr", has_text="Directions de l'Athénée et du Lycée")
    row.get_by_role("link", name="Marquer réalisée").click()
    form = actions.locator("form", has_text="Réalisée le")
    expect(form).to_be_visible()
    form.get_by_label("Nombre de participants").fill("5")
    form.get_by_role("button", name="Marquer réalisée").click()
    expect(actions).to_contain_text("Action réalisée le")
    visitor.audit("action held", shows="Action réalisée le")
    visitor.check("/", shows="À faire")
    expect(_todo(page)).not_to_contain_text("Actions passées à encoder")
    assert _nav_count(page) == before - 1
    visitor.assert_no_problems()
