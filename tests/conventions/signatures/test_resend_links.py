"""No convention stuck in signing (issue 11, point 7): sending is refused while a signatory has
no address, and the federation's staff correct an address and resend a link while it signs."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Role
from conventions.models import ConventionEvent, State
from tests.conventions.signatures.helpers import (
    links,
    login_recently,
    mails_at_once,  # noqa: F401 (fixture)
    ready_convention,
    send_for_signature,
    sign_through_page,
)
from tests.utils import text_of

pytestmark = pytest.mark.django_db


def _resend(client, user, convention, signatory, email):
    client.force_login(user)
    url = reverse("convention_resend_link", args=[convention.reference, signatory.pk])
    return client.post(url, {"email": email}, follow=True)


def test_sending_is_refused_with_the_names_of_signatories_without_an_address(client, side_a):
    convention = ready_convention(side_a)
    first = convention.signatories.order_by("step", "position").first()
    first.email = ""
    first.save(update_fields=["email"])
    client.force_login(side_a.users[Role.FPO_STAFF])
    mail.outbox.clear()
    page = client.post(
        reverse("convention_transition", args=[convention.reference, "send_for_signature"]), follow=True
    )
    convention.refresh_from_db()
    assert convention.state != State.SIGNING
    assert f"il manque l'adresse e-mail de {first}" in text_of(page)
    assert not mail.outbox


def test_staff_correct_an_address_the_old_link_dies_and_the_new_one_goes_to_the_new_address(client, side_a):
    convention = send_for_signature(side_a)
    first = convention.signatories.order_by("step", "position").first()
    old_token = links()[first.email]
    mail.outbox.clear()

    page = _resend(client, side_a.users[Role.FPO_STAFF], convention, first, "bonne.adresse@commune.example")

    assert "Nouveau lien de signature envoyé" in text_of(page)
    assert [m.to for m in mail.outbox] == [["bonne.adresse@commune.example"]]
    new_token = links()["bonne.adresse@commune.example"]
    assert new_token != old_token
    assert client.get(reverse("signature_page", args=[old_token])).status_code == 410
    first.refresh_from_db()
    assert first.email == "bonne.adresse@commune.example"
    event = convention.events.filter(kind=ConventionEvent.Kind.CORRECTED).get()
    assert "→ bonne.adresse@commune.example" in event.detail and "Ancien lien désactivé" in event.detail


def test_a_signatory_who_signed_has_no_link_to_resend_and_twice_is_harmless(client, side_a):
    convention = send_for_signature(side_a)
    first = convention.signatories.order_by("step", "position").first()
    sign_through_page(client, side_a.users[Role.SIGNATORY], links()[first.email])
    page = _resend(client, side_a.users[Role.FPO_STAFF], convention, first, first.email)
    assert "a déjà signé : son lien ne peut plus être renvoyé" in text_of(page)

    second = convention.signatories.get(step=2)
    mail.outbox.clear()
    for _ in range(2):
        _resend(client, side_a.users[Role.FPO_STAFF], convention, second, second.email)
    # Each resend kills the previous link: one link works, the last one.
    assert len(mail.outbox) == 2
    assert second.requests.filter(used_at__isnull=True, revoked_at__isnull=True).count() == 1


def test_only_the_federations_staff_resend_and_only_their_own(client, side_a, side_b):
    convention = send_for_signature(side_a)
    first = convention.signatories.order_by("step", "position").first()
    client.force_login(side_a.users[Role.PO_REFERENT])
    url = reverse("convention_resend_link", args=[convention.reference, first.pk])
    assert client.post(url, {"email": "x@y.example"}).status_code == 403
    client.force_login(side_b.users[Role.FPO_STAFF])
    assert client.post(url, {"email": "x@y.example"}).status_code == 404
    first.refresh_from_db()
    assert first.email != "x@y.example"


def test_a_bad_address_is_refused_in_french_and_nothing_changes(client, side_a):
    convention = send_for_signature(side_a)
    first = convention.signatories.order_by("step", "position").first()
    before = first.email
    page = _resend(client, side_a.users[Role.FPO_STAFF], convention, first, "pas une adresse")
    assert "Saisissez une adresse e-mail valide." in text_of(page)
    first.refresh_from_db()
    assert first.email == before


def test_the_convention_page_offers_the_correction_to_staff_only(client, side_a):
    convention = send_for_signature(side_a)
    client.force_login(side_a.users[Role.FPO_STAFF])
    assert "Corriger l'adresse et renvoyer le lien" in text_of(client.get(convention.get_absolute_url()))
    client.force_login(side_a.users[Role.PO_REFERENT])
    assert "Corriger l'adresse" not in text_of(client.get(convention.get_absolute_url()))


def test_after_a_refusal_those_who_signed_are_told_and_their_signature_shows_without_effect(client, side_a):
    convention = send_for_signature(side_a)
    first = convention.signatories.order_by("step", "position").first()
    sign_through_page(client, side_a.users[Role.SIGNATORY], links()[first.email])
    second = convention.signatories.get(step=2)
    token = links()[second.email]
    mail.outbox.clear()
    login_recently(client, side_a.users[Role.FPO_ADVISER])
    refused = client.post(reverse("signature_decline", args=[token]), {"reason": "L'article 3 a changé."})
    assert refused.status_code == 302

    told = [m for m in mail.outbox if m.to == [first.email]]
    assert len(told) == 1, [m.to for m in mail.outbox]
    assert "signature interrompue par un refus" in told[0].subject
    assert "« L'article 3 a changé. »" in told[0].body and "n'a pas d'effet" in told[0].body
    assert "&#x27;" not in told[0].body

    client.force_login(side_a.users[Role.FPO_STAFF])
    page = text_of(client.get(convention.get_absolute_url()))
    assert "sans effet" in page and "a refusé de signer" in page
