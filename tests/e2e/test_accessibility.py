"""Every page of every demo role, in Chromium: axe-core finds no serious or critical violation,
the Content-Security-Policy blocks nothing and no JavaScript error occurs."""

import re
from dataclasses import dataclass
from datetime import date

import pytest
from playwright.sync_api import expect

from accounts.demo import DEMO_PASSWORD
from tests.e2e.browser import totp_code

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class Account:
    email: str
    name: str  # shown in the header
    role: str  # shown on the home page
    school: tuple[int, str]  # (FASE, name) of a school this account can see
    search: str  # a search in the school list that finds that school
    invites: bool = False
    two_factor: bool = False
    # Further pages as (path, a text the page shows).
    more_pages: tuple[tuple[str, str], ...] = ()

    def __str__(self):
        return self.email.split("@")[0]


ADOLPHE_MAX = (104, "École primaire Adolphe Max")  # Ville de Bruxelles, CECP
ATHENEE_DU_CENTRE = (9001, "Athénée communal du Centre")  # Ville de Bruxelles, CPEONS
# The demo's first conventions of the year it is loaded: CPEONS ↔ Ville de Bruxelles (signed)
# and CPEONS ↔ Ville de Liège (in review).
CPEONS_BRUXELLES = f"CPEONS-{date.today().year}-0001"
CECP_ADOLPHE_MAX = f"CECP-{date.today().year}-0001"  # signed; its text states a termination procedure
CPEONS_LIEGE = f"CPEONS-{date.today().year}-0003"

ACCOUNTS = [
    Account(
        "admin@pilotis.example",
        "Alice Administratrice",
        "Administrateur",
        ADOLPHE_MAX,
        search="Adolphe",
        invites=True,
        two_factor=True,
        more_pages=(
            ("/admin/", "Administration"),
            ("/admin/accounts/school/", "écoles"),
            ("/admin/accounts/school/import/", "Importer"),
        ),
    ),
    Account(
        "staff.cpeons@pilotis.example",
        "Claire Coordinatrice",
        "Coordination de la fédération",
        ATHENEE_DU_CENTRE,
        search="Athénée",
        invites=True,
        two_factor=True,
        more_pages=(
            ("/conventions/", "Conventions"),
            (f"/conventions/{CPEONS_BRUXELLES}/", f"Convention {CPEONS_BRUXELLES}"),
            (f"/conventions/{CPEONS_LIEGE}/", "Approuver et figer le texte"),
            ("/conventions/nouvelle/", "Nouvelles conventions"),
            ("/conventions/import/", "Créer des conventions depuis un fichier"),
            ("/referentiels/", "Référentiels"),
            ("/referentiels/cpeons-annexe-1/v2/?q=intervision", "Objectif transversal 1"),
            ("/referentiels/strategie-numerique-fwb/v2/", "AP 1.1"),
            ("/modeles/", "Modèles de convention"),
            ("/modeles/cpeons-po/v2/", "Signataires requis"),
        ),
    ),
    Account(
        "conseiller.cpeons@pilotis.example",
        "Thomas Conseiller",
        "Conseiller au soutien et à l'accompagnement",
        ATHENEE_DU_CENTRE,
        search="9001",
    ),
    Account(
        "referent.bruxelles@pilotis.example",
        "Nadia Référente",
        "Référent pilotage du PO",
        ADOLPHE_MAX,
        search="Adolphe",
        invites=True,
        more_pages=(
            ("/conventions/", "Conventions"),
            (f"/conventions/{CPEONS_BRUXELLES}/", f"Convention {CPEONS_BRUXELLES}"),
            (f"/conventions/{CECP_ADOLPHE_MAX}/", "Notifier la résiliation"),
            ("/verifier/", "Vérifier"),
            ("/protection-des-donnees/", "Protection des données"),
        ),
    ),
    Account("f.hariche@pilotis.example", "Faouzia Hariche", "Signataire", ADOLPHE_MAX, search="primaire"),
    Account(
        "direction.adolphemax@pilotis.example",
        "Isabelle Directrice",
        "Direction d'école",
        ADOLPHE_MAX,
        search="104",
    ),
    Account(
        "dco@pilotis.example", "Paul Délégué", "Délégué au contrat d'objectifs", ADOLPHE_MAX, search="Max"
    ),
]


@pytest.mark.parametrize("account", ACCOUNTS, ids=str)
def test_the_pages_of_each_role_are_accessible(visitor, account):
    assert visitor.log_in(account.email) == account.two_factor
    expect(visitor.page.get_by_role("banner")).to_contain_text(account.name)
    expect(visitor.page.get_by_role("main")).to_contain_text(account.role)

    fase, school = account.school
    visitor.check("/", shows=account.role)
    visitor.check("/ecoles/", shows="Écoles")
    visitor.check(f"/ecoles/?q={account.search}", shows=school)
    visitor.check(f"/ecoles/{fase}/", shows=school)
    if account.invites:
        visitor.check("/invitations/nouvelle/", shows="Inviter une personne")
    visitor.check("/comptes/password/change/", shows="Modifier le mot de passe")
    visitor.check("/comptes/2fa/", shows="Double authentification")
    visitor.check("/comptes/jetons/", shows="Jetons d'API")
    for path, shows in account.more_pages:
        visitor.check(path, shows=shows)
    visitor.assert_no_problems()


def test_setting_up_two_factor_is_accessible(visitor):
    page = visitor.page
    visitor.log_in("conseiller.cpeons@pilotis.example")
    visitor.check("/comptes/2fa/", shows="pas active")
    visitor.click(page.get_by_role("link", name="Activer"))
    visitor.audit("/comptes/reauthenticate/", shows="Confirmer")
    page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
    visitor.click(page.get_by_role("button", name="Confirmer"))
    visitor.audit("/comptes/2fa/totp/activate/", shows="Activer la double authentification")
    secret = page.get_by_label("Clé secrète").input_value()
    page.get_by_role("textbox", name="Code de l'authentificateur").fill(totp_code(secret))
    visitor.click(page.get_by_role("button", name="Activer"))
    visitor.audit(page.url.removeprefix(visitor.base_url), shows="Codes de récupération")
    visitor.assert_no_problems()


def test_the_pages_before_login_are_accessible(visitor):
    page = visitor.page
    visitor.check("/comptes/login/", shows="Connexion à Pilotis")
    page.get_by_label("Rester connecté·e").check()
    visitor.click(page.get_by_role("button", name="Se connecter"))
    visitor.audit("/comptes/login/ with errors", shows="Ce champ est obligatoire")

    visitor.check("/comptes/password/reset/", shows="Mot de passe oublié")
    page.get_by_label("Adresse e-mail").fill("referent.liege@pilotis.example")
    visitor.click(page.get_by_role("button", name="Recevoir le lien"))
    visitor.audit("/comptes/password/reset/done/", shows="Vérifiez votre boîte e-mail")

    # The footer's pages, for anyone: reached from the footer, then on a phone too.
    visitor.check("/comptes/login/", shows="Connexion à Pilotis")
    visitor.click(
        page.get_by_role("navigation", name="Informations sur le site").get_by_role(
            "link", name="Accessibilité : partiellement conforme"
        )
    )
    visitor.audit("/accessibilite/", shows="Procédure de mise en œuvre")
    visitor.check("/mentions-legales/", shows="Hébergement")
    page.set_viewport_size({"width": 390, "height": 844})
    visitor.check("/accessibilite/", shows="Signaler un problème")
    visitor.check("/mentions-legales/", shows="Droit applicable")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    visitor.assert_no_problems()


def test_the_menu_opens_on_a_phone(visitor):
    page = visitor.page
    page.set_viewport_size({"width": 390, "height": 844})
    visitor.log_in("conseiller.cpeons@pilotis.example")
    schools = page.get_by_role("link", name="Écoles", exact=True)
    expect(schools).to_be_hidden()
    page.get_by_role("button", name="Ouvrir le menu").click()
    expect(schools).to_be_visible()
    visitor.audit("/ with the menu open", shows="Bonjour Thomas")
    visitor.click(schools)
    expect(page).to_have_url(f"{visitor.base_url}/ecoles/")
    visitor.assert_no_problems()


def test_the_menu_holds_on_one_line_on_a_desktop_and_the_account_menu_opens_with_the_keyboard(visitor):
    page = visitor.page
    visitor.log_in("admin@pilotis.example")  # the longest menu
    items = page.locator("#menu .main-menu .nav-link, #menu .user-menu > summary")
    middles = [box["y"] + box["height"] / 2 for box in (item.bounding_box() for item in items.all())]
    assert max(middles) - min(middles) < 4, f"the menu wraps at 1366 px: its items stand at {middles}"
    log_out = page.get_by_role("button", name="Se déconnecter")
    expect(log_out).to_be_hidden()
    page.locator(".user-menu > summary").focus()
    page.keyboard.press("Enter")
    expect(log_out).to_be_visible()
    expect(page.get_by_role("banner")).to_contain_text("Administrateur")
    visitor.audit("/ with the account menu open", shows="Bonjour Alice")
    visitor.click(log_out)
    expect(page).to_have_url(re.compile("/comptes/login/"))
    visitor.assert_no_problems()


def test_on_a_phone_a_school_shows_its_steps_and_its_actions_buttons_on_screen(visitor):
    page = visitor.page
    page.set_viewport_size({"width": 390, "height": 844})
    visitor.log_in("conseiller.cpeons@pilotis.example")
    visitor.check("/ecoles/9001/", shows="Athénée communal du Centre")
    steps = page.get_by_role("list", name="Étapes du plan de pilotage")
    expect(steps.get_by_role("listitem")).to_have_count(5)
    expect(steps.locator('[aria-current="step"]')).to_contain_text("Étape en cours")
    held = page.get_by_role("link", name=re.compile("^Marquer réalisée")).first
    held.scroll_into_view_if_needed()
    box = held.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, f"« Marquer réalisée » is off-screen: {box}"
    visitor.assert_no_problems()


def test_a_school_of_another_po_is_a_french_404(visitor):
    visitor.log_in("referent.liege@pilotis.example")
    visitor.check("/ecoles/104/", status=404, shows="Page introuvable")
    expect(visitor.page).to_have_title("Page introuvable · Pilotis")
    visitor.assert_no_problems()


# The pilotage dashboards, with the demo's pilotage loaded: charts, their tables, the lists.
DASHBOARDS = [
    ("conseiller.cpeons@pilotis.example", (("/pilotage/conseiller/", "Mes écoles"),)),
    (
        "staff.cpeons@pilotis.example",
        (
            ("/pilotage/federation/", "Tableau de bord CPEONS"),
            ("/pilotage/rapport/", "Rapport de suivi annuel"),
        ),
    ),
    ("referent.bruxelles@pilotis.example", (("/pilotage/po/", "Suivi de nos écoles"),)),
    ("direction.adolphemax@pilotis.example", (("/pilotage/po/", "Suivi de nos écoles"),)),
]


@pytest.mark.parametrize(("email", "pages"), DASHBOARDS, ids=[email.split("@")[0] for email, _ in DASHBOARDS])
def test_the_dashboards_are_accessible(visitor, email, pages):
    from pilotage.demo import load_pilotage_demo

    load_pilotage_demo()
    visitor.log_in(email)
    for path, shows in pages:
        visitor.check(path, shows=shows)
    visitor.assert_no_problems()


def test_a_dashboard_list_filters_in_place_and_the_report_is_produced(visitor):
    from pilotage.demo import load_pilotage_demo

    load_pilotage_demo()
    page = visitor.page
    visitor.log_in("staff.cpeons@pilotis.example")
    visitor.check("/pilotage/federation/", shows="Tableau de bord CPEONS")
    schools = page.locator("#liste-ecoles")
    page.evaluate("window.notReloaded = true")
    schools.get_by_label("Étape").select_option(label="5. Mettre en œuvre et organiser le suivi")
    expect(page).to_have_url(re.compile(r"ecoles-step=5"))
    expect(schools.locator("tbody tr").first.locator("td").nth(4)).to_have_text("5")  # the step
    assert page.evaluate("window.notReloaded") is True
    visitor.audit("school list filtered", shows="Tableau de bord CPEONS")

    visitor.click(page.get_by_role("link", name="Rapport de suivi annuel…"))
    page.get_by_label("Excel (XLSX, une ligne par école)").check()
    visitor.click(page.get_by_role("button", name="Produire le rapport"))
    expect(page.get_by_role("main")).to_contain_text("Le rapport est prêt")
    visitor.audit("report ready", shows="Télécharger")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Télécharger")).click()
    assert download.value.suggested_filename.startswith("rapport-suivi-annuel-cpeons-")
    visitor.assert_no_problems()
