"""Identity and trust: the wordmark, the footer's links on every page, the accessibility
statement and the legal notice, open to everyone."""

import pytest
from bs4 import BeautifulSoup

from accounts.models import Role
from tests.utils import text_of

FOOTER_LINKS = {
    "/accessibilite/": "Accessibilité : partiellement conforme",
    "/mentions-legales/": "Mentions légales",
    "/protection-des-donnees/": "Protection des données",
    "mailto:contact@pilotis.example": "Contact",
}


def footer_links(response) -> dict[str, str]:
    footer = BeautifulSoup(response.content, "html.parser").find("footer")
    return {link["href"]: link.get_text(strip=True) for link in footer.find_all("a")}


@pytest.mark.parametrize(
    ("url", "heading"),
    [
        ("/accessibilite/", "Déclaration d'accessibilité"),
        ("/mentions-legales/", "Mentions légales"),
        ("/protection-des-donnees/", "Protection des données"),
    ],
)
def test_each_page_answers_anyone_with_its_heading(client, db, url, heading):
    response = client.get(url)

    assert response.status_code == 200
    assert BeautifulSoup(response.content, "html.parser").h1.get_text(strip=True) == heading


def test_the_accessibility_statement_says_its_status_and_how_to_report_a_problem(client, db, settings):
    settings.ACCESSIBILITY_EMAIL = "accessibilite@cpeons.example"

    page = text_of(client.get("/accessibilite/"))

    assert "Pilotis est partiellement conforme" in page
    assert "WCAG) 2.1 de niveau AA" in page
    assert "ne sont pas balisés" in page  # the known non-conformities (untagged PDFs), said honestly
    assert "défilent horizontalement" not in page  # the phone layouts are fixed
    assert "accessibilite@cpeons.example" in page
    assert "Médiateur de la Wallonie et de la Fédération Wallonie-Bruxelles" in page
    assert "établie le 2 décembre 2026" in page


def test_the_legal_notice_names_the_publisher_and_host_the_instance_is_set_up_with(client, db, settings):
    settings.PUBLISHER_NAME = "CPEONS asbl"
    settings.PUBLISHER_ADDRESS = "Avenue de l'Exemple 1, 1000 Bruxelles"
    settings.PUBLISHER_COMPANY_NUMBER = "0123.456.789"
    settings.HOST_NAME = "Hébergeur Exemple sa"
    settings.CONTACT_EMAIL = "info@cpeons.example"

    response = client.get("/mentions-legales/")

    page = text_of(response)
    for shown in (
        "CPEONS asbl",
        "Avenue de l'Exemple 1, 1000 Bruxelles",
        "0123.456.789",
        "Hébergeur Exemple sa",
    ):
        assert shown in page
    assert footer_links(response)["mailto:info@cpeons.example"] == "Contact"
    assert "éditeur : CPEONS asbl" in text_of(response)


def test_an_instance_not_yet_set_up_says_so_rather_than_invent(client, db):
    page = text_of(client.get("/mentions-legales/"))

    assert "Adresse non renseignée par l'exploitant de cette instance" in page
    assert "Hébergeur non renseigné par l'exploitant de cette instance" in page


def test_the_footer_links_appear_on_the_login_page(client, db):
    response = client.get("/comptes/login/")

    assert footer_links(response) == FOOTER_LINKS


def test_the_footer_links_and_the_wordmark_appear_on_the_home_page(client, side_a):
    client.force_login(side_a.users[Role.PO_REFERENT])

    response = client.get("/")

    assert footer_links(response) == FOOTER_LINKS
    brand = BeautifulSoup(response.content, "html.parser").select_one("header a.navbar-brand")
    assert brand["href"] == "/"
    assert brand.get_text(strip=True) == "Pilotis"  # the link's accessible name
    assert brand.svg["aria-hidden"] == "true"
