"""Personal tokens: made and revoked in one's account pages, shown once, kept hashed; refused
when revoked, unknown or when their person is deactivated; rate-limited per token."""

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

from accounts.models import ApiToken, Role, hash_token

from .conftest import ApiClient, token_for

pytestmark = pytest.mark.django_db


def test_a_token_is_made_in_the_account_pages_shown_once_and_kept_hashed(client, side_a):
    user = side_a.users[Role.PO_REFERENT]
    client.force_login(user)
    page = client.get("/comptes/jetons/")
    assert page.status_code == 200
    assert "Vous n'avez encore créé aucun jeton." in page.content.decode()
    response = client.post("/comptes/jetons/", {"name": "GED de la commune"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    secret = response.context["created"]["secret"]
    assert secret in response.content.decode()
    token = ApiToken.objects.get(user=user)
    assert token.token_hash == hash_token(secret) and secret not in token.token_hash
    # Shown once: the page never shows it again.
    assert secret not in client.get("/comptes/jetons/").content.decode()
    assert ApiClient(secret).get("/api/schools").status_code == 200


def test_a_nameless_token_is_refused_in_french(client, side_a):
    client.force_login(side_a.users[Role.PO_REFERENT])
    response = client.post("/comptes/jetons/", {"name": "   "})
    assert response.status_code == 400
    assert "Ce champ est obligatoire." in response.content.decode()
    assert not ApiToken.objects.exists()


def test_the_token_page_needs_its_csrf_token(side_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(side_a.users[Role.PO_REFERENT])
    assert client.post("/comptes/jetons/", {"name": "Sans CSRF"}).status_code == 403
    assert not ApiToken.objects.exists()


def test_a_revoked_token_gets_a_401_in_french(client, side_a):
    user = side_a.users[Role.FPO_ADVISER]
    secret = token_for(user)
    token = ApiToken.objects.get(user=user)
    client.force_login(user)
    response = client.post(f"/comptes/jetons/{token.pk}/revoquer/", follow=True)
    assert "ne donne plus accès à l&#x27;API" in response.content.decode()
    assert "Révoqué le" in response.content.decode()
    refused = ApiClient(secret).get("/api/schools")
    assert refused.status_code == 401
    assert refused.json() == {"detail": "Ce jeton a été révoqué."}
    assert refused["WWW-Authenticate"].startswith("Bearer")


def test_nobody_revokes_another_persons_token(client, side_a):
    secret = token_for(side_a.users[Role.FPO_ADVISER])
    token = ApiToken.objects.get()
    client.force_login(side_a.users[Role.FPO_STAFF])
    assert client.post(f"/comptes/jetons/{token.pk}/revoquer/").status_code == 404
    assert ApiClient(secret).get("/api/schools").status_code == 200


def test_a_deactivated_persons_token_gets_a_401(side_a):
    user = side_a.users[Role.SCHOOL_DIRECTION]
    secret = token_for(user)
    user.is_active = False
    user.save()
    refused = ApiClient(secret).get("/api/schools")
    assert refused.status_code == 401
    assert refused.json() == {"detail": "Le compte de ce jeton est désactivé."}


@pytest.mark.parametrize(
    "header",
    ["Bearer pil_inconnu", "Bearer ", "Basic dXNlcjpwYXNz", "pil_sans_schema", "Bearer " + "x" * 5000],
)
def test_a_bad_or_missing_token_gets_a_401_without_data(side_a, header):
    token_for(side_a.users[Role.FPO_STAFF])
    response = Client().get("/api/schools", headers={"Authorization": header})
    assert response.status_code == 401
    assert list(response.json()) == ["detail"]
    assert "jeton" in response.json()["detail"].lower()


def test_a_session_does_not_open_the_api(client, side_a):
    client.force_login(side_a.users[Role.FPO_STAFF])
    response = client.get("/api/schools")
    assert response.status_code == 401
    assert "Authorization: Bearer" in response.json()["detail"]


def test_the_last_use_is_recorded(side_a):
    secret = token_for(side_a.users[Role.FPO_ADVISER])
    assert ApiToken.objects.get().last_used_at is None
    ApiClient(secret).get("/api/schools")
    assert ApiToken.objects.get().last_used_at is not None


@override_settings(API_RATE_LIMIT="3/m")
def test_each_token_is_rate_limited(side_a):
    first = ApiClient(token_for(side_a.users[Role.FPO_ADVISER], "un"))
    second = ApiClient(token_for(side_a.users[Role.FPO_ADVISER], "deux"))
    assert [first.get("/api/schools").status_code for _ in range(3)] == [200, 200, 200]
    refused = first.get("/api/schools")
    assert refused.status_code == 429
    assert refused.json()["detail"].startswith("Trop de requêtes pour ce jeton : réessayez dans")
    assert int(refused["Retry-After"]) > 0
    assert b"items" not in refused.content
    # Another token of the same person has its own count.
    assert second.get("/api/schools").status_code == 200


@override_settings(
    API_RATE_LIMIT="2/m",
    CACHES={
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "api_test_cache"}
    },
)
def test_the_rate_limit_works_with_the_database_cache_of_production(side_a):
    """In production the cache is a database table: counting is the one write a GET of the API
    makes (declared, see core.readonly.bookkeeping), and it does not trip the read-only guard."""
    call_command("createcachetable", verbosity=0)
    client = ApiClient(token_for(side_a.users[Role.FPO_ADVISER]))
    assert [client.get("/api/schools").status_code for _ in range(3)] == [200, 200, 429]
