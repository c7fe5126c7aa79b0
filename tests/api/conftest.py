"""The API's world: the two sides of tests/conftest.py, each with the pilotage world of the
access matrix (an accompaniment, an action, an indicator…), a stored PDF on A's convention, and
a token for every person."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client

from accounts import services
from accounts.models import Role
from conventions.models import ConventionDocument
from conventions.services.documents import store_document
from pilotage.models import IndicatorValue, Note
from tests.pilotage.factories import pilotage_world

ANONYMOUS = "anonyme"
ADMIN = "administrateur"
ROLES = list(Role)


class ApiClient:
    """Django's test client with a bearer token (or none)."""

    def __init__(self, token: str | None = None):
        self.client = Client()
        self.token = token

    def get(self, url, **params):
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return self.client.get(url, params, headers=headers)


def token_for(user, name="Synchronisation") -> str:
    return services.create_api_token(user=user, name=name)[1]


@pytest.fixture(autouse=True)
def fresh_rate_counts():
    """The rate limit counts in the cache, which outlives each test's database."""
    cache.clear()


@pytest.fixture
def api_world(side_a, side_b, admin_user):
    worlds = {"A": pilotage_world(side_a), "B": pilotage_world(side_b)}
    for label, world in worlds.items():
        accompaniment = world["accompaniment"]
        IndicatorValue.objects.create(indicator=world["indicator"], school_year=2024, value=Decimal("47.5"))
        Note.objects.create(
            accompaniment=accompaniment,
            school=accompaniment.school,
            author=world["side"].users[Role.FPO_ADVISER],
            text=f"Note privée secrète {label}",
        )
    convention_a = worlds["A"]["accompaniment"].convention
    document = store_document(convention_a, kind=ConventionDocument.Kind.FROZEN, content=b"%PDF-1.7 test A")
    tokens = {ADMIN: token_for(admin_user)}
    for label, side in (("A", side_a), ("B", side_b)):
        for role, user in side.users.items():
            tokens[(role, label)] = token_for(user)
    return {
        "A": side_a,
        "B": side_b,
        "admin": admin_user,
        "pilotage": worlds,
        "document": document,
        "tokens": tokens,
    }


def visitors(world):
    """(who, side, client): anonymous (no token), the administrator, then each role of A and B."""
    yield ANONYMOUS, None, ApiClient()
    yield ADMIN, None, ApiClient(world["tokens"][ADMIN])
    for role in ROLES:
        for side in ("A", "B"):
            yield role, side, ApiClient(world["tokens"][(role, side)])
