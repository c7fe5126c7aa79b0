"""Before signing, a person proves they know their password: a code sent to their mailbox, where
the signing link also arrives, is not offered."""

import pytest
from django.urls import reverse

from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_reauthentication_asks_for_the_password_and_offers_no_emailed_code(client):
    client.force_login(UserFactory())
    page = client.get(reverse("account_reauthenticate")).content.decode()
    assert 'name="password"' in page
    assert reverse("account_request_reauthentication_code") not in page
    assert client.post(reverse("account_request_reauthentication_code")).status_code == 403
