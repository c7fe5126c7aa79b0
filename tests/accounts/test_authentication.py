import re
import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core import mail
from django.core.cache import cache

from accounts.models import Role
from tests.accounts.factories import PASSWORD, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def login(client, email, password=PASSWORD):
    return client.post("/comptes/login/", {"login": email, "password": password})


def reauthenticate(client, password=PASSWORD):
    """allauth asks for the password again before any change to two-factor settings."""
    return client.post("/comptes/reauthenticate/", {"password": password})


def test_login_page_is_french(client):
    page = client.get("/comptes/login/").content.decode()
    assert "Connexion à Pilotis" in page
    assert 'lang="fr-BE"' in page
    assert "Mot de passe oublié ?" in page


def test_login_with_email_and_password(client, side_a):
    response = login(client, side_a.users[Role.PO_REFERENT].email)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Référent pilotage du PO · Ville A" in client.get("/").content.decode()


def test_wrong_password_gets_a_french_message(client, side_a):
    response = login(client, side_a.users[Role.PO_REFERENT].email, "mauvais")
    assert response.status_code == 200
    assert "L’adresse e-mail ou le mot de passe sont incorrects." in response.content.decode()


def test_login_attempts_are_rate_limited(client, side_a):
    email = side_a.users[Role.PO_REFERENT].email
    for _ in range(5):
        login(client, email, "mauvais")
    response = login(client, email)  # even the right password is refused for a while
    assert response.headers.get("Location") != "/"
    assert "Trop de tentatives" in response.content.decode()


def test_every_page_requires_login(client, side_a):
    response = client.get(f"/ecoles/{side_a.school.fase}/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/comptes/login/?next=")


def test_staff_login_asks_for_the_totp_code(client, side_a):
    staff = side_a.users[Role.FPO_STAFF]
    response = login(client, staff.email)
    assert response.headers["Location"] == "/comptes/2fa/authenticate/"
    assert client.get("/").status_code == 302  # not logged in before the code

    refused = client.post("/comptes/2fa/authenticate/", {"code": "123456"})
    assert "Code incorrect" in refused.content.decode()

    accepted = client.post("/comptes/2fa/authenticate/", {"code": current_code(staff.totp_secret)})
    assert accepted.headers["Location"] == "/"
    assert client.get("/").status_code == 200


def test_staff_without_two_factor_must_set_it_up_first(client, side_a):
    staff = UserFactory()
    MembershipFactory(user=staff, role=Role.FPO_STAFF, federation=side_a.federation)
    login(client, staff.email)
    response = client.get("/ecoles/")
    assert response.headers["Location"] == "/comptes/2fa/totp/activate/"
    reauthenticate(client)
    page = client.get("/comptes/2fa/totp/activate/").content.decode()
    assert "Activer la double authentification" in page
    assert "<svg" in page  # the QR code is inline: the CSP allows no data: image

    client.post("/comptes/2fa/totp/activate/", {"code": current_code(client.session["mfa.totp.secret"])})
    assert client.get("/ecoles/").status_code == 200


def test_administrator_without_two_factor_must_set_it_up_first(client):
    admin = UserFactory(is_superuser=True, is_staff=True)
    login(client, admin.email)
    assert client.get("/admin/").headers["Location"] == "/comptes/2fa/totp/activate/"


def test_others_may_use_two_factor_without_being_forced(client, side_a):
    login(client, side_a.users[Role.PO_REFERENT].email)
    assert client.get("/ecoles/").status_code == 200
    reauthenticate(client)
    assert "Activer la double authentification" in client.get("/comptes/2fa/totp/activate/").content.decode()


def test_staff_cannot_deactivate_two_factor(client, side_a):
    staff = side_a.users[Role.FPO_STAFF]
    login(client, staff.email)
    client.post("/comptes/2fa/authenticate/", {"code": current_code(staff.totp_secret)})
    reauthenticate(client)
    response = client.post("/comptes/2fa/totp/deactivate/")
    assert "vous ne pouvez pas la désactiver" in response.content.decode()
    assert staff.authenticator_set.filter(type="totp").exists()


def test_password_reset_sends_a_french_email(client, side_a):
    user = side_a.users[Role.SIGNATORY]
    response = client.post("/comptes/password/reset/", {"email": user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    assert message.subject == "[Pilotis] E-mail de réinitialisation de mot de passe"
    link = re.search(r"http://testserver(/comptes/password/reset/key/\S+)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert "Nouveau mot de passe" in form_page.content.decode()


def test_admin_sends_people_through_the_application_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login/")
    response = client.get(response.headers["Location"])
    assert response.headers["Location"].startswith("/comptes/login/")


def test_signup_is_closed(client):
    response = client.get("/comptes/signup/")
    assert "Pilotis fonctionne sur invitation" in response.content.decode()
