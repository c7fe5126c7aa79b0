"""Access ends with the account: deactivating a user ends every one of their sessions at once,
and the invitations they sent fall with it."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client

from accounts.models import Invitation, Membership, Role, User
from tests.utils import text_of

pytestmark = pytest.mark.django_db


def _sessions_of(user) -> int:
    return sum(1 for s in Session.objects.all() if s.get_decoded().get(SESSION_KEY) == str(user.pk))


def test_deactivating_a_user_ends_all_their_sessions(client, side_a):
    adviser = side_a.users[Role.FPO_ADVISER]
    other_device = Client()
    client.force_login(adviser)
    other_device.force_login(adviser)
    bystander = side_a.users[Role.PO_REFERENT]
    Client().force_login(bystander)
    assert _sessions_of(adviser) == 2
    assert client.get("/").status_code == 200

    adviser.is_active = False
    adviser.save()

    assert _sessions_of(adviser) == 0
    assert _sessions_of(bystander) == 1
    for device in (client, other_device):
        response = device.get("/")
        assert response.status_code == 302 and response["Location"].startswith("/comptes/login/")


def test_accounts_deactivated_many_at_once_lose_their_sessions_too(side_a):
    """An update() of many accounts (a shell, a script, a future bulk action) sends no post_save."""
    adviser, staff = side_a.users[Role.FPO_ADVISER], side_a.users[Role.FPO_STAFF]
    bystander = side_a.users[Role.PO_REFERENT]
    for user in (adviser, staff, bystander):
        Client().force_login(user)

    assert User.objects.filter(pk__in=[adviser.pk, staff.pk]).update(is_active=False) == 2

    assert (_sessions_of(adviser), _sessions_of(staff), _sessions_of(bystander)) == (0, 0, 1)


def test_an_invitation_falls_when_its_sender_is_deactivated(
    client, side_a, django_capture_on_commit_callbacks
):
    staff = side_a.users[Role.FPO_STAFF]
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/invitations/nouvelle/",
            {
                "organisation": f"federation-{side_a.federation.pk}",
                "role": Role.FPO_ADVISER,
                "email": "nouvelle.personne@pilotis.example",
                "first_name": "",
                "last_name": "",
                "function": "",
            },
        )
    link = mail.outbox[-1].body.split("http://testserver")[1].split()[0]
    staff.is_active = False
    staff.save()
    client.logout()
    response = client.get(link)
    assert response.status_code == 410
    assert "ne peut plus inviter à ce rôle" in text_of(response)
    response = client.post(
        link,
        {
            "first_name": "Léa",
            "last_name": "Dupont",
            "password1": "Un-mot-de-passe-long-42",
            "password2": "Un-mot-de-passe-long-42",
        },
    )
    assert response.status_code in (400, 410)
    assert not User.objects.filter(email="nouvelle.personne@pilotis.example").exists()
    assert not Membership.objects.filter(user__email="nouvelle.personne@pilotis.example").exists()
    assert Invitation.objects.get().accepted_at is None
