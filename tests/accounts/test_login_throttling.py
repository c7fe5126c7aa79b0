"""Wrong passwords slow an attacker down without locking the owner out: the address that guesses
is refused, the account is never locked, and after five failures its owner also gives a second
proof (the TOTP, or a code sent by e-mail). X-Forwarded-For counts only from a trusted proxy."""

import re
import time
from io import BytesIO

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core import mail
from django.core.cache import cache
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from accounts.models import Role
from conventions.views import verification as verification_views
from core.client_ip import client_ip
from tests.accounts.factories import PASSWORD
from tests.utils import text_of

pytestmark = pytest.mark.django_db

ATTACKER, OWNER = "203.0.113.9", "198.51.100.4"
LOGIN = "/comptes/login/"
TOO_MANY = "Trop de tentatives"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


def login(client, email, password=PASSWORD):
    return client.post(LOGIN, {"login": email, "password": password})


def guess(email, *, address=ATTACKER, times=5, **headers):
    attacker = Client(REMOTE_ADDR=address, headers=headers)
    return [login(attacker, email, "devine-moi") for _ in range(times)][-1]


def emailed_code() -> str:
    body = mail.outbox[-1].body
    return re.search(r"^\s*([A-Z0-9]{4}-?[A-Z0-9]{4})\s*$", body, re.MULTILINE).group(1)


def test_the_guessing_address_is_refused_even_with_the_right_password(side_a):
    email = side_a.users[Role.PO_REFERENT].email
    guess(email)
    attacker = Client(REMOTE_ADDR=ATTACKER)
    response = login(attacker, email)
    assert response.headers.get("Location") != "/"
    assert TOO_MANY in text_of(response)


def test_the_owner_still_gets_in_from_elsewhere_with_an_emailed_code(side_a):
    referent = side_a.users[Role.PO_REFERENT]
    guess(referent.email)
    mail.outbox.clear()

    owner = Client(REMOTE_ADDR=OWNER)
    response = login(owner, referent.email)
    assert response.headers["Location"] == reverse("account_confirm_login_code")
    assert owner.get("/").status_code == 302  # the password alone did not open the account
    page = text_of(owner.get(response.headers["Location"]))
    assert "Plusieurs mots de passe erronés ont été essayés pour ce compte" in page
    assert mail.outbox[-1].to == [referent.email]

    assert (
        "incorrect" in text_of(owner.post(reverse("account_confirm_login_code"), {"code": "ZZZZZZ"})).lower()
    )
    response = owner.post(reverse("account_confirm_login_code"), {"code": emailed_code()})
    assert response.headers["Location"] == "/"
    assert owner.get("/").status_code == 200

    # Once the owner is in, the count starts again: the next login needs the password only.
    again = Client(REMOTE_ADDR=OWNER)
    assert login(again, referent.email).headers["Location"] == "/"


def test_guesses_from_many_addresses_never_lock_the_account(side_a):
    referent = side_a.users[Role.PO_REFERENT]
    for number in range(20):
        guess(referent.email, address=f"192.0.2.{number + 1}", times=2)
    owner = Client(REMOTE_ADDR=OWNER)
    response = login(owner, referent.email)
    assert response.headers["Location"] == reverse("account_confirm_login_code")
    assert (
        owner.post(reverse("account_confirm_login_code"), {"code": emailed_code()}).headers["Location"] == "/"
    )


def test_an_administrator_with_totp_is_asked_for_the_totp_not_locked(side_a):
    staff = side_a.users[Role.FPO_STAFF]
    guess(staff.email)
    owner = Client(REMOTE_ADDR=OWNER)
    response = login(owner, staff.email)
    assert response.headers["Location"] == "/comptes/2fa/authenticate/"
    code = format_hotp_value(hotp_value(staff.totp_secret, int(time.time()) // 30))
    assert owner.post("/comptes/2fa/authenticate/", {"code": code}).headers["Location"] == "/"


def test_a_few_typos_cost_the_owner_nothing(side_a):
    email = side_a.users[Role.PO_REFERENT].email
    owner = Client(REMOTE_ADDR=OWNER)
    for _ in range(3):
        login(owner, email, "faute-de-frappe")
    assert login(owner, email).headers["Location"] == "/"


# --- the address behind the request ----------------------------------------------------------


def request_from(remote, forwarded=None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **headers)


def test_x_forwarded_for_is_ignored_without_trusted_proxies(settings):
    settings.TRUSTED_PROXIES = []
    assert client_ip(request_from("198.51.100.4", "10.9.8.7")) == "198.51.100.4"


def test_x_forwarded_for_is_believed_only_from_a_trusted_proxy(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]
    assert client_ip(request_from("127.0.0.1", "198.51.100.4")) == "198.51.100.4"
    # What the client wrote itself, on the left, does not count: the first untrusted hop does.
    assert client_ip(request_from("127.0.0.1", "6.6.6.6, 198.51.100.4, 10.1.2.3")) == "198.51.100.4"
    # Sent by someone who is not a proxy: their own address.
    assert client_ip(request_from("203.0.113.9", "198.51.100.4")) == "203.0.113.9"
    assert client_ip(request_from("127.0.0.1", "pas une adresse")) == "127.0.0.1"
    assert client_ip(request_from("127.0.0.1")) == "127.0.0.1"


def test_a_forged_x_forwarded_for_does_not_escape_the_login_limit(side_a, settings):
    settings.TRUSTED_PROXIES = []
    email = side_a.users[Role.PO_REFERENT].email
    for number in range(5):
        guess(email, times=1, x_forwarded_for=f"192.0.2.{number}")
    response = guess(email, times=1, x_forwarded_for="192.0.2.200")
    assert TOO_MANY in text_of(response)


@override_settings(TRUSTED_PROXIES=["127.0.0.1"])
def test_behind_the_trusted_proxy_each_client_has_its_own_limit(side_a):
    email = side_a.users[Role.PO_REFERENT].email
    guess(email, address="127.0.0.1", x_forwarded_for=ATTACKER)
    assert TOO_MANY in text_of(guess(email, address="127.0.0.1", times=1, x_forwarded_for=ATTACKER))
    owner = Client(REMOTE_ADDR="127.0.0.1", headers={"x-forwarded-for": OWNER})
    assert login(owner, email).headers["Location"] == reverse("account_confirm_login_code")


def test_a_forged_x_forwarded_for_does_not_escape_the_verifier_limit(settings):
    settings.TRUSTED_PROXIES = []
    for number in range(verification_views.RATE_LIMIT + 1):
        forger = Client(REMOTE_ADDR=ATTACKER, headers={"x-forwarded-for": f"192.0.2.{number}"})
        document = BytesIO(b"pas un pdf")
        document.name = "x.pdf"
        response = forger.post(reverse("verify_document"), {"document": document})
    assert response.status_code == 429
