"""Shared fixtures: a small world of two sides, A and B, so that every test can check that
what belongs to A stays out of B's reach."""

from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

from accounts.models import Role, School
from tests.accounts.factories import (
    FederationFactory,
    MembershipFactory,
    OrganisingAuthorityFactory,
    SchoolFactory,
    UserFactory,
)


@dataclass
class Side:
    """One federation, one PO affiliated to it, two schools of that PO, and one user per role."""

    federation: object
    organising_authority: object
    school: object
    other_school: object
    users: dict


def _side(label: str) -> Side:
    federation = FederationFactory(code=f"FPO-{label}", name=f"Fédération {label}")
    po = OrganisingAuthorityFactory(name=f"Ville {label}", federations=[federation])
    school = SchoolFactory(name=f"École {label} 1", organising_authority=po, federation=federation)
    other_school = SchoolFactory(
        name=f"Athénée {label} 2",
        organising_authority=po,
        federation=federation,
        level=School.Level.SECONDAIRE,
    )
    organisation_of = {
        Role.FPO_STAFF: {"federation": federation},
        Role.FPO_ADVISER: {"federation": federation},
        Role.PO_REFERENT: {"organising_authority": po},
        Role.SIGNATORY: {"organising_authority": po},
        Role.SCHOOL_DIRECTION: {"school": school},
        Role.DCO: {"school": school},
    }
    users = {}
    for role, organisation in organisation_of.items():
        user = UserFactory(email=f"{role}.{label.lower()}@pilotis.example", two_factor=role == Role.FPO_STAFF)
        MembershipFactory(user=user, role=role, **organisation)
        users[role] = user
    return Side(federation, po, school, other_school, users)


def pytest_sessionstart(session):
    """SQLite's test database is a file (config/settings/test.py): a new one each session, as
    the in-memory one was, since the transactional tests empty the tables that migrations fill
    (the five steps) at the end of a session."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        Path(database["TEST"]["NAME"]).unlink(missing_ok=True)


def pytest_collection_modifyitems(config, items):
    """The browser tests run last: Playwright keeps its event loop running in the main thread
    for the whole session, and code that calls async_to_sync there (the task worker run in
    process by the ops tests) refuses to run after it."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture
def side_a(db):
    return _side("A")


@pytest.fixture
def side_b(db):
    return _side("B")


@pytest.fixture
def admin_user(db):
    return UserFactory(email="admin.test@pilotis.example", is_superuser=True, is_staff=True, two_factor=True)


@pytest.fixture(autouse=True, scope="session")
def test_settings_in_force():
    """An exported DJANGO_SETTINGS_MODULE wins over pyproject's: insist on the test settings."""
    from django.conf import settings

    assert settings.SETTINGS_MODULE == "config.settings.test", (
        f"les tests tournent avec {settings.SETTINGS_MODULE} : lancez-les avec `make test`"
    )


@pytest.fixture
def queries_stay_flat(client, django_assert_max_num_queries):
    """Fetch `url`, add rows with `grow()`, fetch again: the second fetch may not make more
    queries than the first (nor the first more than `at_most`). Returns the second response."""

    def fetch(url):
        response = client.get(url)
        if response.streaming:
            # A streamed download reads its rows as it is sent: counted while it is read.
            response.streaming_content = [response.getvalue()]
        return response

    def check(url, *, grow, at_most):
        with django_assert_max_num_queries(at_most) as before:
            fetch(url)
        grow()
        with django_assert_max_num_queries(len(before.captured_queries)):
            return fetch(url)

    return check


@pytest.fixture(autouse=True, scope="session")
def platform_signing_key(tmp_path_factory, test_settings_in_force):
    """A sealing key and its local CA, whose key issues each signatory's one-time certificate, for
    the whole session (as `make run` makes for the demo): approving a convention and sending it
    for signature need one."""
    from io import StringIO

    from django.conf import settings
    from django.core.management import call_command
    from django.test import override_settings

    directory = tmp_path_factory.mktemp("signing")
    p12 = directory / "pilotis-sealing.p12"
    call_command(
        "create_signing_certificate",
        output=str(p12),
        passphrase=settings.SIGNING_P12_PASSPHRASE,
        stdout=StringIO(),
    )
    override = override_settings(
        SIGNING_P12_PATH=str(p12),
        SIGNING_CA_P12_PATH=str(directory / "pilotis-ca.p12"),
        SIGNING_TRUST_ROOTS=[str(directory / "pilotis-ca.pem")],
        SIGNING_TSA_URL="",
        SIGNING_TSA_P12_PATH=str(directory / "pilotis-tsa.p12"),
    )
    override.enable()
    yield {
        "p12": str(p12),
        "ca_p12": str(directory / "pilotis-ca.p12"),
        "ca_pem": str(directory / "pilotis-ca.pem"),
        "tsa_p12": str(directory / "pilotis-tsa.p12"),
    }
    override.disable()
