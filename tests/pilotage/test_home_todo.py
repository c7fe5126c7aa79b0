"""« À faire » on the home page of each demo role: what waits for that person, most urgent
first, each item a link that answers for them, a count in the navigation, bounded queries."""

import re
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from accounts.models import User
from pilotage.demo import load_full_demo
from pilotage.models import Accompaniment, ActionRecord, ActionType, Plan

pytestmark = pytest.mark.django_db

ATHENEE_DU_CENTRE = 9001  # CPEONS, Thomas Conseiller accompanies it; the DCO reads its plan


def _items(response):
    soup = BeautifulSoup(response.content, "html.parser")
    section = soup.find("section", attrs={"aria-labelledby": "a-faire"})
    assert section is not None, "no « À faire » section"
    return [
        {
            "group": li.find(class_="badge").get_text(strip=True),
            "text": " ".join(li.get_text(" ", strip=True).split()),
            "url": li.find("a")["href"],
        }
        for li in section.find_all("li")
    ]


def _nav_count(response) -> int:
    soup = BeautifulSoup(response.content, "html.parser")
    home = next(a for a in soup.find("nav").find_all("a") if a.get_text(strip=True).startswith("Accueil"))
    badge = home.find(class_="badge")
    return int(badge.contents[0]) if badge else 0


def _world():
    load_full_demo()
    today = timezone.localdate()
    athenee = Accompaniment.objects.get(school__fase=ATHENEE_DU_CENTRE)
    adviser = User.objects.get(email="conseiller.cpeons@pilotis.example")
    # Last week's intervision, never marked held nor cancelled: the adviser has to encode it.
    ActionRecord.objects.create(
        accompaniment=athenee,
        school=athenee.school,
        action_type=ActionType.objects.get(federation=athenee.federation, code="ot1i-intervision"),
        date=today - timedelta(days=6),
        adviser=adviser,
        created_by=adviser,
    )
    Plan.objects.filter(accompaniment=athenee).update(
        state=Plan.State.SUBMITTED, submitted_to_dco_on=today - timedelta(days=10)
    )


# Each demo role, and what their list must hold: (group, words of the item).
EXPECTED = {
    "staff.cpeons": [("Conventions à relire", "CPEONS-2026-0003"), ("Rapports de suivi annuel", "CPEONS")],
    "staff.cecp": [
        ("Conventions à envoyer en signature", "CECP-"),
        ("Engagements des PO en retard", "École primaire Adolphe Max"),
    ],
    "conseiller.cpeons": [
        ("Actions passées à encoder", "Athénée communal du Centre"),
        ("Échéances des étapes", "Étape"),
    ],
    "conseillere.cecp": [("Échéances des étapes", "Étape")],
    "referent.bruxelles": [("Engagements du PO à tenir", "École primaire Adolphe Max")],
    "referent.anderlecht": [("Conventions à compléter", "CECP-")],
    "referent.schaerbeek": [("Modifications demandées", "Commentaire de la fédération")],
    "referent.namur": [("Signatures attendues de votre PO", "Pas encore signé par")],
    "f.constant": [("À signer", "Lire et signer")],
    "direction.adolphemax": [("Prochaines actions et échéances", "École primaire Adolphe Max")],
    "dco": [("Plans de pilotage à lire", "Athénée communal du Centre")],
}


def test_every_demo_role_sees_what_waits_for_them(client, django_assert_max_num_queries):
    _world()
    today = timezone.localdate()
    for name, expected in EXPECTED.items():
        user = User.objects.get(email=f"{name}@pilotis.example")
        client.force_login(user)
        with django_assert_max_num_queries(30):
            response = client.get("/")
        assert response.status_code == 200
        items = _items(response)
        for group, words in expected:
            assert any(i["group"] == group and words in i["text"] for i in items), (name, group, items)
        assert _nav_count(response) == len(items), name
        # Most urgent first: the dated items (overdue first) before those without a deadline.
        dates = [re.search(r"(\d\d/\d\d/\d{4})", i["text"]) for i in items]
        dated = [i for i, found in enumerate(dates) if found and "En attente" not in items[i]["text"]]
        assert dated == list(range(len(dated))), (name, items)
        for item in items:
            target = client.get(item["url"])
            assert target.status_code == 200, (name, item)
        client.logout()
    assert today  # the world is built around today's date
    # One demo world (slow to build) for the two pages below.
    _the_signatory_is_led_from_the_convention_page_to_signing(client)
    _the_open_change_request_heads_the_convention_page(client)


def _the_signatory_is_led_from_the_convention_page_to_signing(client):
    signatory = User.objects.get(email="f.constant@pilotis.example")
    client.force_login(signatory)
    item = next(i for i in _items(client.get("/")) if i["group"] == "À signer")
    reference = item["url"].split("/")[2]
    page = client.get(f"/conventions/{reference}/")
    text = " ".join(BeautifulSoup(page.content, "html.parser").get_text(" ").split())
    assert "Votre signature est attendue" in text
    assert "Aucune action ne vous revient" not in text
    signing = client.get(item["url"])
    assert signing.status_code == 200
    assert "Signer" in signing.content.decode()
    # Nobody else reaches it: another signatory of another side gets a French 404.
    client.force_login(User.objects.get(email="r.galluccio@pilotis.example"))
    refused = client.get(item["url"])
    assert refused.status_code == 404
    assert "Aucune signature ne vous est demandée" in refused.content.decode()


def _the_open_change_request_heads_the_convention_page(client):
    client.force_login(User.objects.get(email="referent.schaerbeek@pilotis.example"))
    item = next(i for i in _items(client.get("/")) if i["group"] == "Modifications demandées")
    reference = item["url"].split("/")[2]
    soup = BeautifulSoup(client.get(f"/conventions/{reference}/").content, "html.parser")
    heading = soup.find(id="change-request-title")
    assert heading is not None
    first_h2 = soup.find("main").find("h2")
    assert first_h2 == heading, "the change request is not the first thing under the title"
    assert "Merci de préciser" in heading.find_parent("section").get_text()
