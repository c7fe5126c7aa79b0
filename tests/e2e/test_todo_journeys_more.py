"""From « À faire » to done for the other demo roles, in Chromium with axe-core at 1366 and
390 px on every page: the federation's staff approve a convention and send it to be signed, a
direction reads her next action where the link leads, the DCO reads the plan handed to him.
Then the pages of this round's grouped work, as those who use them: an adviser plans one
seminar for two schools and marks it held for all but one, the staff assign a new adviser to
two schools and see his load change."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Federation, Membership, Role, User
from pilotage.models import Accompaniment, ActionRecord, ActionType, AdviserProfile, Plan
from tests.e2e.browser import nav_count, todo_list

pytestmark = pytest.mark.browser

ADOLPHE_MAX = 104  # Ville de Bruxelles, CECP: Isabelle Directrice directs it
ATHENEE_DU_CENTRE = 9001  # Ville de Bruxelles, CPEONS: the DCO reads its plan
CPEONS_LIEGE = f"CPEONS-{date.today().year}-0003"  # the demo's convention in review


def test_the_federation_staff_approve_a_convention_and_send_it_from_their_home_page(visitor):
    page = visitor.page
    assert visitor.log_in("staff.cpeons@pilotis.example")  # staff give a two-factor code
    visitor.audit("/ (staff)", shows="À faire")
    before = nav_count(page)
    item = todo_list(page).locator("li", has_text=CPEONS_LIEGE)
    expect(item).to_contain_text("Conventions à relire")
    visitor.click(item.get_by_role("link", name=re.compile(r"^Relire")))
    assert page.url.endswith(f"/conventions/{CPEONS_LIEGE}/")
    visitor.audit("convention in review", shows=CPEONS_LIEGE)
    # The demo's review has no open comment thread: nothing holds the approval back.
    expect(page.locator(".review-open")).to_have_count(0)
    visitor.click(page.get_by_role("button", name="Approuver et figer le texte"))
    expect(page.get_by_role("main")).to_contain_text("« prête à signer »")
    visitor.audit("approved", shows="prête à signer")

    # Approved, the convention waits for its next step, still the staff's: the review item
    # has gone, the sending one has come, and the count holds.
    visitor.check("/", shows="À faire")
    item = todo_list(page).locator("li", has_text=CPEONS_LIEGE)
    expect(item).to_have_count(1)
    expect(item).not_to_contain_text("Conventions à relire")
    expect(item).to_contain_text("Conventions à envoyer en signature")
    assert nav_count(page) == before
    visitor.click(item.get_by_role("link", name=re.compile(r"^Envoyer")))
    visitor.click(page.get_by_role("button", name="Envoyer en signature"))
    expect(page.get_by_role("main")).to_contain_text("« en signature »")
    visitor.audit("sent to be signed", shows="en signature")

    visitor.check("/", shows="À faire")
    expect(todo_list(page)).not_to_contain_text(CPEONS_LIEGE)
    assert nav_count(page) == before - 1
    visitor.assert_no_problems()


def test_a_direction_reads_her_next_action_where_her_home_page_leads(visitor):
    school = Accompaniment.objects.get(school__fase=ADOLPHE_MAX)
    adviser = User.objects.get(email="conseillere.cecp@pilotis.example")
    intervision = ActionRecord.objects.create(
        accompaniment=school,
        school=school.school,
        action_type=ActionType.objects.get(federation=school.federation, code="e3-intervision"),
        date=timezone.localdate() + timedelta(days=1),
        participants="Directions des écoles de la Ville",
        adviser=adviser,
        created_by=adviser,
    )
    page = visitor.page
    visitor.log_in("direction.adolphemax@pilotis.example")
    visitor.audit("/ (direction)", shows="À faire")
    title = f"{intervision.action_type.title} — École primaire Adolphe Max"
    item = todo_list(page).locator("li", has_text=title)
    expect(item).to_contain_text("Prochaines actions et échéances")
    expect(item).to_contain_text(f"Pour le {intervision.date:%d/%m/%Y}")
    visitor.click(item.get_by_role("link"))
    assert page.url.endswith(f"/ecoles/{ADOLPHE_MAX}/#pilotage-actions")
    # For a direction, done is having read it: the action is on screen where the link lands.
    row = page.locator(f"#pilotage-actions #action-{intervision.pk}")
    expect(row).to_be_in_viewport()
    expect(row).to_contain_text(intervision.action_type.title)
    expect(row).to_contain_text("Directions des écoles de la Ville")
    expect(row).to_contain_text(f"{intervision.date:%d/%m/%Y}")
    # Reading only: recording it is the adviser's.
    expect(row.get_by_role("link", name=re.compile("^Marquer réalisée"))).to_have_count(0)
    visitor.audit("school page, actions (direction)", shows=intervision.action_type.title)
    visitor.assert_no_problems()


def test_the_dco_reads_the_plan_handed_to_him_where_his_home_page_leads(visitor):
    # The demo may have no plan « remis au DCO » today: the Athénée hands its plan in.
    handed_in_on = timezone.localdate() - timedelta(days=10)
    Plan.objects.filter(accompaniment__school__fase=ATHENEE_DU_CENTRE).update(
        state=Plan.State.SUBMITTED, submitted_to_dco_on=handed_in_on
    )
    page = visitor.page
    visitor.log_in("dco@pilotis.example")
    visitor.audit("/ (DCO)", shows="À faire")
    before = nav_count(page)
    item = todo_list(page).locator("li", has_text="Athénée communal du Centre")
    expect(item).to_contain_text("Plans de pilotage à lire")
    expect(item).to_contain_text(f"Remis le {handed_in_on:%d/%m/%Y}")
    visitor.click(item.get_by_role("link", name=re.compile(r"^Lire le plan")))
    assert page.url.endswith(f"/ecoles/{ATHENEE_DU_CENTRE}/#pilotage-plan")
    plan = page.locator("#pilotage-plan")
    expect(plan.get_by_role("heading", name="Plan de pilotage et contrat d'objectifs")).to_be_in_viewport()
    expect(plan.locator(".badge").first).to_have_text("Remis au DCO")
    expect(plan.locator("dl")).to_contain_text(re.compile(rf"Remis au DCO le\s*{handed_in_on:%d/%m/%Y}"))
    # The DCO's role is read-only in Pilotis (his acceptance is recorded by the federation):
    # the page offers him no change, and the plan stays on his list until it is accepted.
    expect(plan.get_by_role("link", name="Modifier le plan")).to_have_count(0)
    expect(plan.locator("form")).to_have_count(0)
    visitor.audit("school page, plan (DCO)", shows="Remis au DCO le")
    visitor.check("/", shows="À faire")
    assert nav_count(page) == before
    visitor.assert_no_problems()


def test_an_adviser_plans_a_seminar_for_two_schools_and_marks_it_held_for_all_but_one(visitor):
    page = visitor.page
    visitor.log_in("conseiller.cpeons@pilotis.example")
    visitor.check("/pilotage/actions-groupees/", shows="Action pour plusieurs écoles")
    form = page.get_by_role("main").locator("form")
    seminar = form.get_by_label("Action")
    seminar.select_option(
        label=seminar.locator("option", has_text="Échanges de pratiques").inner_text().strip()
    )
    today = timezone.localdate()
    form.get_by_label("Date").fill(today.isoformat())
    form.get_by_label("Lieu").fill("Hôtel de ville de Bruxelles")
    schools = form.get_by_role("group", name="Écoles").get_by_role("checkbox")
    assert schools.count() >= 2, "the adviser accompanies fewer than two schools"
    names = [re.sub(r" \(FASE.*", "", schools.nth(i).evaluate("e => e.labels[0].innerText")) for i in (0, 1)]
    schools.nth(0).check()
    schools.nth(1).check()
    visitor.click(form.get_by_role("button", name="Prévoir pour ces écoles"))
    assert re.search(r"/pilotage/actions-groupees/[0-9a-f-]{36}/$", page.url), page.url
    main = page.get_by_role("main")
    expect(main).to_contain_text(f"prévue le {today:%d/%m/%Y} pour 2 écoles")
    visitor.audit("grouped action, planned", shows="Action prévue ensemble pour 2 écoles")

    # One school could not come: unticked, it stays planned.
    page.get_by_label(names[1], exact=True).uncheck()
    page.get_by_label("Note").fill("Séminaire tenu avec une seule des deux écoles.")
    visitor.click(page.get_by_role("button", name="Marquer réalisée pour les écoles cochées"))
    expect(main).to_contain_text(f"Action réalisée le {today:%d/%m/%Y} pour 1 école.")
    rows = main.locator("tbody tr")
    expect(rows.filter(has_text=names[0])).to_contain_text("Réalisée")
    expect(rows.filter(has_text=names[1])).to_contain_text("Prévue")
    visitor.audit("grouped action, held for one school", shows="Action réalisée le")
    visitor.assert_no_problems()


def test_the_staff_assign_a_new_adviser_to_two_schools_and_see_his_load_change(visitor):
    cpeons = Federation.objects.get(code="CPEONS")
    newcomer = User.objects.create_user(
        email="nouveau.cpeons@pilotis.example", first_name="Léo", last_name="Nouveau"
    )
    Membership.objects.create(user=newcomer, federation=cpeons, role=Role.FPO_ADVISER, function="Conseiller")
    AdviserProfile.objects.create(user=newcomer, federation=cpeons, fte=Decimal("0.50"))
    page = visitor.page
    visitor.log_in("staff.cpeons@pilotis.example")
    visitor.check("/pilotage/conseillers/", shows="Désigner les conseillers")
    load = page.locator("#charge tbody tr", has_text="Léo Nouveau")
    expect(load.locator("td").nth(2)).to_have_text("0")
    rows = page.locator("#ecoles tbody tr")
    assert rows.count() >= 2
    names = [rows.nth(i).locator("label").inner_text() for i in (0, 1)]
    for name in names:
        page.get_by_label(name, exact=True).check()
    choice = page.get_by_label("Conseiller à désigner")
    option = choice.locator("option", has_text="Léo Nouveau")
    expect(option).to_have_text(re.compile(r"^Léo Nouveau — 0 école\(s\), 0,5\d* ETP$"))
    choice.select_option(value=option.get_attribute("value"))
    visitor.click(page.get_by_role("button", name="Désigner pour les écoles cochées"))
    expect(page.get_by_role("main")).to_contain_text("Conseiller désigné pour 2 écoles : Léo Nouveau.")
    expect(load.locator("td").nth(2)).to_have_text("2")
    expect(load.locator("td").nth(3)).to_have_text("4,0")  # schools per ETP: 2 / 0,50
    for name in names:
        expect(rows.filter(has_text=name).locator("td").nth(3)).to_contain_text("Léo Nouveau")
    visitor.audit("advisers assigned", shows="Conseiller désigné pour 2 écoles")
    visitor.assert_no_problems()


def test_the_staff_lists_that_no_other_browser_test_opens_are_accessible(visitor):
    # From an earlier round, but no browser test visited them: the audit trail and the
    # schools left without a current adviser.
    visitor.log_in("staff.cpeons@pilotis.example")
    visitor.check("/journal/", shows="Journal des modifications")
    visitor.check("/pilotage/a-reassigner/", shows="À réassigner")
    visitor.assert_no_problems()
