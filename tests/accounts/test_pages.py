import pytest
from django.urls import reverse

from accounts.models import Role
from tests.accounts.factories import SchoolFactory
from tests.utils import text_of

pytestmark = pytest.mark.django_db


def test_home_shows_each_role_what_it_reaches(client, side_a, side_b):
    client.force_login(side_a.users[Role.FPO_STAFF])
    page = text_of(client.get("/"))
    assert "Coordination de la fédération · FPO-A" in page
    assert "Ville A" in page and "Ville B" not in page
    assert "Vous suivez 2 écoles" in page

    client.force_login(side_a.users[Role.SCHOOL_DIRECTION])
    page = text_of(client.get("/"))
    assert "Mon école" in page and "École A 1" in page
    assert "Vous suivez 1 école." in page


def test_school_list_is_scoped_searchable_and_paginated(client, side_a, side_b):
    for n in range(30):
        SchoolFactory(name=f"École des Tilleuls {n:02d}", organising_authority=side_a.organising_authority)
    client.force_login(side_a.users[Role.PO_REFERENT])

    page = text_of(client.get("/ecoles/"))
    assert "32 écoles" in page and "Page 1 / 2" in page
    assert "École B 1" not in page

    assert "1 école" in text_of(client.get("/ecoles/", {"q": str(side_a.school.fase)}))
    assert "30 écoles" in text_of(client.get("/ecoles/", {"q": "tilleuls"}))
    assert "32 écoles" in text_of(client.get("/ecoles/", {"q": "ville a"}))
    assert "0 école" in text_of(client.get("/ecoles/", {"q": "École B"}))
    assert "Athénée A 2" in text_of(client.get("/ecoles/", {"level": "secondaire"}))


def test_school_list_partial_for_htmx(client, side_a):
    client.force_login(side_a.users[Role.FPO_ADVISER])
    response = client.get("/ecoles/", {"q": "Athénée"}, headers={"HX-Request": "true"})
    assert b"<html" not in response.content
    assert "1 école" in text_of(response)


@pytest.mark.parametrize(
    "query",
    [{"page": "abc"}, {"page": "999"}, {"wave": "neuf"}, {"level": "inconnu"}, {"q": "x" * 500}],
)
def test_school_list_bad_input_never_fails(client, side_a, query):
    client.force_login(side_a.users[Role.PO_REFERENT])
    response = client.get("/ecoles/", query)
    assert response.status_code == 200
    assert "école" in text_of(response)


def test_school_list_query_count_does_not_grow_with_rows(client, side_a, queries_stay_flat):
    client.force_login(side_a.users[Role.FPO_STAFF])
    response = queries_stay_flat(
        "/ecoles/",
        grow=lambda: SchoolFactory.create_batch(
            40, organising_authority=side_a.organising_authority, federation=side_a.federation
        ),
        at_most=12,
    )
    assert "42 écoles" in text_of(response)


def test_school_page(client, side_a):
    client.force_login(side_a.users[Role.FPO_ADVISER])
    page = text_of(client.get(reverse("school_detail", kwargs={"fase": side_a.school.fase})))
    assert f"Numéro FASE {side_a.school.fase}" in page
    assert "Rue de l'École 1, 5000 Namur" in page
    assert "Pouvoir organisateur Ville A" in page
    assert "Primaire ordinaire" in page
    # The people of the school: its direction and its DCO.
    assert "Direction d'école" in page


def test_po_referent_cannot_open_a_school_of_another_po(client, side_a, side_b):
    client.force_login(side_b.users[Role.PO_REFERENT])
    response = client.get(f"/ecoles/{side_a.school.fase}/")
    assert response.status_code == 404
    page = text_of(response)
    assert "Page introuvable" in page
    assert side_a.school.name not in page


def test_unknown_fase_is_a_french_404(client, side_a):
    client.force_login(side_a.users[Role.PO_REFERENT])
    response = client.get("/ecoles/999999/")
    assert response.status_code == 404
    assert "Page introuvable" in text_of(response)


def test_pages_carry_a_self_only_content_security_policy(client, side_a):
    client.force_login(side_a.users[Role.PO_REFERENT])
    policy = client.get("/").headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"


def test_school_list_filters_by_a_visible_po_only(client, side_a, side_b):
    client.force_login(side_a.users[Role.FPO_STAFF])
    page = text_of(client.get("/ecoles/", {"po": side_a.organising_authority.pk}))
    assert "2 écoles" in page
    response = client.get("/ecoles/", {"po": side_b.organising_authority.pk})
    assert response.status_code == 200
    assert "Critères de recherche non valables" in text_of(response)
    assert "École B 1" not in text_of(response)
