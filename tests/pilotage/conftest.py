import pytest

from accounts.models import Role
from tests.pilotage.factories import ActionTypeFactory, accompany


@pytest.fixture
def accompaniment_a(side_a):
    return accompany(side_a)


@pytest.fixture
def accompaniment_b(side_b):
    return accompany(side_b)


@pytest.fixture
def seminar_a(side_a):
    return ActionTypeFactory(federation=side_a.federation, title="Séminaire d'échanges PO – directions")


@pytest.fixture
def adviser_a(side_a):
    return side_a.users[Role.FPO_ADVISER]


@pytest.fixture
def referent_a(side_a):
    return side_a.users[Role.PO_REFERENT]


@pytest.fixture
def staff_a(side_a):
    return side_a.users[Role.FPO_STAFF]
