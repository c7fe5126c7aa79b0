import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import Invitation, Membership, Role, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def invite(client, django_capture_on_commit_callbacks):
    """Post the invitation form; the e-mail leaves after commit, as in production."""

    def post(organisation_key, role, email="nouvelle.personne@pilotis.example", **extra):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                "/invitations/nouvelle/",
                {
                    "organisation": organisation_key,
                    "role": role,
                    "email": email,
                    "first_name": "",
                    "last_name": "",
                    "function": "",
                    **extra,
                },
            )

    return post


def link_in_last_email() -> str:
    return re.search(r"http://testserver(/invitations/\S+/)", mail.outbox[-1].body).group(1)


def test_staff_invites_an_adviser_who_sets_a_password_and_gets_the_role(client, invite, side_a):
    client.force_login(side_a.users[Role.FPO_STAFF])
    response = invite(
        f"federation-{side_a.federation.pk}",
        Role.FPO_ADVISER,
        function="Conseillère technopédagogique",
    )
    assert response.status_code == 302
    message = mail.outbox[-1]
    assert message.to == ["nouvelle.personne@pilotis.example"]
    assert "Conseiller au soutien et à l'accompagnement pour FPO-A" in message.subject
    assert "valable 7 jours" in message.body
    link = link_in_last_email()

    client.logout()
    page = client.get(link).content.decode()
    assert "conseiller au soutien et à l&#x27;accompagnement" in page and "FPO-A" in page
    response = client.post(
        link,
        {
            "first_name": "Léa",
            "last_name": "Dupont",
            "password1": "un mot de passe solide",
            "password2": "un mot de passe solide",
        },
    )
    assert response.headers["Location"] == "/"
    user = User.objects.get(email="nouvelle.personne@pilotis.example")
    assert user.get_full_name() == "Léa Dupont"
    membership = user.memberships.get()
    assert (membership.role, membership.federation, membership.function) == (
        Role.FPO_ADVISER,
        side_a.federation,
        "Conseillère technopédagogique",
    )
    assert "Conseiller au soutien et à l&#x27;accompagnement · FPO-A" in client.get("/").content.decode()

    # Single use: the same link again is refused, nothing changes.
    client.logout()
    again = client.get(link)
    assert again.status_code == 410
    assert "déjà été utilisée" in again.content.decode()


def test_expired_invitation_is_refused(client, invite, side_a):
    client.force_login(side_a.users[Role.FPO_STAFF])
    invite(f"federation-{side_a.federation.pk}", Role.FPO_ADVISER)
    link = link_in_last_email()
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    client.logout()
    response = client.post(
        link,
        {
            "first_name": "A",
            "last_name": "B",
            "password1": "un mot de passe solide",
            "password2": "un mot de passe solide",
        },
    )
    assert response.status_code == 410
    assert "a expiré" in response.content.decode()
    assert not User.objects.filter(email="nouvelle.personne@pilotis.example").exists()


def test_unknown_token_is_refused(client):
    response = client.get("/invitations/nimporte-quoi/")
    assert response.status_code == 410
    assert "n'est pas valable" in response.content.decode().replace("&#x27;", "'")


def test_weak_or_mismatched_passwords_get_french_errors(client, invite, side_a):
    client.force_login(side_a.users[Role.PO_REFERENT])
    invite(f"organising_authority-{side_a.organising_authority.pk}", Role.SIGNATORY)
    link = link_in_last_email()
    client.logout()
    page = client.post(
        link, {"first_name": "A", "last_name": "B", "password1": "123", "password2": "456"}
    ).content.decode()
    assert "Les deux mots de passe ne correspondent pas." in page
    page = client.post(
        link, {"first_name": "A", "last_name": "B", "password1": "12345678", "password2": "12345678"}
    ).content.decode()
    assert "Ce mot de passe est entièrement numérique." in page
    assert not User.objects.filter(email="nouvelle.personne@pilotis.example").exists()
    assert Invitation.objects.get().accepted_at is None


def test_po_referent_invites_to_their_po_and_its_schools_only(client, invite, side_a, side_b):
    client.force_login(side_a.users[Role.PO_REFERENT])
    form_page = client.get("/invitations/nouvelle/").content.decode()
    assert "Ville A" in form_page and "École A 1" in form_page
    assert "Ville B" not in form_page and "FPO-A (" not in form_page

    response = invite(f"organising_authority-{side_b.organising_authority.pk}", Role.PO_REFERENT)
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()

    response = invite(f"school-{side_a.school.pk}", Role.PO_REFERENT)
    assert "Rôles possibles pour cette organisation : Direction d&#x27;école." in response.content.decode()
    assert not Invitation.objects.exists()

    assert invite(f"school-{side_a.school.pk}", Role.SCHOOL_DIRECTION).status_code == 302


def test_bad_email_is_reported_in_french(client, invite, side_a):
    client.force_login(side_a.users[Role.FPO_STAFF])
    response = invite(f"federation-{side_a.federation.pk}", Role.FPO_ADVISER, email="pas-une-adresse")
    assert "Saisissez une adresse de courriel valide." in response.content.decode()
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("role", [Role.FPO_ADVISER, Role.SIGNATORY, Role.SCHOOL_DIRECTION, Role.DCO])
def test_other_roles_cannot_invite(client, invite, side_a, role):
    client.force_login(side_a.users[role])
    assert client.get("/invitations/nouvelle/").status_code == 403
    assert invite(f"federation-{side_a.federation.pk}", Role.FPO_ADVISER).status_code == 403


def test_existing_user_accepts_while_logged_in(client, invite, side_a, side_b):
    existing = side_b.users[Role.SIGNATORY]
    client.force_login(side_a.users[Role.FPO_STAFF])
    invite(f"federation-{side_a.federation.pk}", Role.SIGNATORY, email=existing.email.upper())
    link = link_in_last_email()

    client.logout()
    refused = client.post(
        link,
        {
            "first_name": "A",
            "last_name": "B",
            "password1": "un mot de passe solide",
            "password2": "un mot de passe solide",
        },
    )
    assert "connectez-vous pour accepter" in refused.content.decode()

    client.force_login(existing)
    assert client.post(link).headers["Location"] == "/"
    assert Membership.objects.filter(
        user=existing, role=Role.SIGNATORY, federation=side_a.federation
    ).exists()
