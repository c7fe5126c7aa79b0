"""Behaviour that a review of the foundation found missing, kept by tests."""

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import CommandError, call_command
from django.test import override_settings

from accounts.models import Invitation, Membership, Role, School, User
from tests.accounts.factories import PASSWORD, UserFactory
from tests.utils import text_of

pytestmark = pytest.mark.django_db


class BrokenSMTP(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("le serveur SMTP ne répond pas")


def post_invitation(client, organisation, role, email="nouvelle.personne@pilotis.example"):
    return client.post("/invitations/nouvelle/", {"organisation": organisation, "role": role, "email": email})


@override_settings(TRUSTED_PROXIES=["127.0.0.1"])
def test_failed_logins_of_one_client_do_not_lock_out_the_others_behind_the_proxy(client, side_a):
    cache.clear()
    for _ in range(6):
        client.post(
            "/comptes/login/",
            {"login": "intrus@pilotis.example", "password": "mauvais"},
            headers={"X-Forwarded-For": "203.0.113.9"},
        )
    victim = side_a.users[Role.PO_REFERENT]
    response = client.post(
        "/comptes/login/",
        {"login": victim.email, "password": PASSWORD},
        headers={"X-Forwarded-For": "198.51.100.4"},
    )
    assert response.headers.get("Location") == "/"


def test_staff_invites_only_the_first_referent_of_a_po_and_never_themselves(client, side_a):
    staff = side_a.users[Role.FPO_STAFF]
    client.force_login(staff)
    new_po = side_a.organising_authority.__class__.objects.create(name="Commune nouvelle", kind="commune")
    new_po.federations.add(side_a.federation)
    po_key = f"organising_authority-{new_po.pk}"

    page = text_of(post_invitation(client, po_key, Role.PO_REFERENT, email=staff.email))
    assert "Vous ne pouvez pas vous inviter vous-même." in page
    page = text_of(post_invitation(client, po_key, Role.SIGNATORY))
    assert "Rôles possibles pour cette organisation : Référent pilotage du PO." in page
    assert post_invitation(client, po_key, Role.PO_REFERENT).status_code == 302

    # Ville A already has its référent: from now on, it is the PO's business.
    page = text_of(
        post_invitation(client, f"organising_authority-{side_a.organising_authority.pk}", Role.PO_REFERENT)
    )
    assert "Sélectionnez un choix valide" in page
    assert Invitation.objects.count() == 1


def test_an_invitation_falls_when_its_sender_loses_the_right_to_invite(
    client, side_a, django_capture_on_commit_callbacks
):
    staff = side_a.users[Role.FPO_STAFF]
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        post_invitation(client, f"federation-{side_a.federation.pk}", Role.FPO_ADVISER)
    link = mail.outbox[-1].body.split("http://testserver")[1].split()[0]
    Membership.objects.filter(user=staff).delete()
    client.logout()
    response = client.get(link)
    assert response.status_code == 410
    assert "ne peut plus inviter à ce rôle" in text_of(response)


@override_settings(EMAIL_BACKEND="tests.accounts.test_review_fixes.BrokenSMTP")
def test_a_mail_server_failure_does_not_fail_the_invitation(
    client, side_a, django_capture_on_commit_callbacks
):
    client.force_login(side_a.users[Role.FPO_STAFF])
    with django_capture_on_commit_callbacks(execute=True):
        response = post_invitation(client, f"federation-{side_a.federation.pk}", Role.FPO_ADVISER)
    assert response.status_code == 302
    assert Invitation.objects.count() == 1


def test_nobody_changes_their_own_login_address(client, side_a):
    user = side_a.users[Role.SCHOOL_DIRECTION]
    client.force_login(user)
    page = text_of(client.get("/comptes/email/"))
    assert "seul un administrateur de Pilotis peut la modifier" in page
    client.post("/comptes/email/", {"action_add": "", "email": "quelquun.dautre@pilotis.example"})
    user.refresh_from_db()
    assert user.email == "school_direction.a@pilotis.example"
    assert not User.objects.filter(email="quelquun.dautre@pilotis.example").exists()


def test_whoever_can_open_the_admin_needs_two_factor(client):
    clerk = UserFactory(is_staff=True)
    client.force_login(clerk)
    assert client.get("/admin/").headers["Location"] == "/comptes/2fa/totp/activate/"


def test_invitations_cannot_be_made_in_the_admin(client, admin_user):
    client.force_login(admin_user)
    assert client.get("/admin/accounts/invitation/add/").status_code == 403


def test_a_federation_stops_seeing_the_schools_of_a_po_that_left_it(client, side_a, admin_user):
    adviser = side_a.users[Role.FPO_ADVISER]
    assert School.objects.visible_to(adviser).count() == 2
    side_a.organising_authority.federations.remove(side_a.federation)
    assert School.objects.visible_to(adviser).count() == 0

    # Through the admin, the schools are also detached from the federation the PO left.
    side_a.organising_authority.federations.add(side_a.federation)
    client.force_login(admin_user)
    po = side_a.organising_authority
    response = client.post(
        f"/admin/accounts/organisingauthority/{po.pk}/change/",
        {
            "name": po.name,
            "kind": po.kind,
            "street": "",
            "postcode": po.postcode,
            "city": po.city,
            "email": "",
            "federations": [],
        },
    )
    assert response.status_code == 302
    assert not School.objects.filter(organising_authority=po, federation__isnull=False).exists()


def test_back_button_restoring_the_school_list_gets_the_whole_page(client, side_a):
    client.force_login(side_a.users[Role.PO_REFERENT])
    response = client.get("/ecoles/", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert b"<nav" in response.content and b"<form" in response.content
    assert "HX-Request" in response.headers["Vary"]


def test_unicode_digits_in_the_search_are_just_text(client, side_a):
    client.force_login(side_a.users[Role.PO_REFERENT])
    response = client.get("/ecoles/", {"q": "²"})
    assert response.status_code == 200
    assert "0 école" in text_of(response)


def test_membership_in_two_organisations_gets_a_french_message(side_a):
    membership = Membership(
        user=UserFactory(),
        role=Role.SIGNATORY,
        federation=side_a.federation,
        organising_authority=side_a.organising_authority,
    )
    with pytest.raises(ValidationError) as error:
        membership.full_clean()
    assert "Choisissez une seule organisation" in str(error.value)


@override_settings(DEMO_ENABLED=False)
def test_demo_accounts_are_never_created_where_the_demo_is_off():
    with pytest.raises(CommandError, match="PILOTIS_DEMO"):
        call_command("load_demo")
    assert not User.objects.exists()
