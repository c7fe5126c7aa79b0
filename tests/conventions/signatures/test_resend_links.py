"""No convention stuck in signing (issue 11, point 7): sending is refused while a signatory has
no address, and the federation's staff correct an address and resend a link while it signs."""

from io import BytesIO

import pytest
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from accounts.models import Role
from conventions.models import ConventionDocument, ConventionEvent, Signature, State
from conventions.rendering import text_version
from conventions.signatures import evidence, rounds
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


def _replace(client, user, convention, signatory, **given):
    client.force_login(user)
    url = reverse("convention_replace_signatory", args=[convention.reference, signatory.pk])
    fields = {
        "civility": signatory.civility,
        "full_name": signatory.full_name,
        "function": signatory.function,
    }
    return client.post(url, {**fields, "email": signatory.email, **given}, follow=True)


def _frozen_text(convention) -> str:
    frozen = convention.documents.filter(kind=ConventionDocument.Kind.FROZEN).order_by("-revision").first()
    return " ".join(
        " ".join(p.extract_text() for p in PdfReader(BytesIO(bytes(frozen.content))).pages).split()
    )


def test_before_the_first_signature_staff_replace_a_signatory_and_the_text_is_frozen_again(client, side_a):
    convention = send_for_signature(side_a)
    first = convention.signatories.order_by("step", "position").first()
    old_token = links()[first.email]
    version = text_version(convention)
    client.force_login(side_a.users[Role.FPO_STAFF])
    assert f"Remplacer {first.display_name}" in text_of(client.get(convention.get_absolute_url()))
    mail.outbox.clear()

    page = _replace(
        client,
        side_a.users[Role.FPO_STAFF],
        convention,
        first,
        civility="Madame",
        full_name="Nadia D’HONDT",
        function="Bourgmestre faisant fonction",
        email="n.dhondt@commune.example",
    )

    assert "est remplacé(e) par Madame Nadia D’HONDT, Bourgmestre faisant fonction" in text_of(page)
    # The new text carries the new name; the old link is dead; the new person gets a link.
    text = _frozen_text(convention)
    assert "Madame Nadia D’HONDT" in text and "Bourgmestre faisant fonction" in text
    assert f"{convention.reference} – version {version + 1}" in text
    assert client.get(reverse("signature_page", args=[old_token])).status_code == 410
    assert [m.to for m in mail.outbox] == [["n.dhondt@commune.example"]]
    first.refresh_from_db()
    assert first.user_id is None  # the former person's account no longer signs for the new one
    event = convention.events.get(kind=ConventionEvent.Kind.REPLACED)
    assert "→ Madame Nadia D’HONDT, Bourgmestre faisant fonction (n.dhondt@commune.example)" in event.detail
    assert evidence.check_chain(convention) == []
    convention.refresh_from_db()
    assert convention.state == State.SIGNING
    assert convention.transitions.filter(name="replace_signatory").count() == 1


def test_a_corrected_function_is_signed_under_the_new_text(client, side_a):
    convention = send_for_signature(side_a)
    first = convention.signatories.order_by("step", "position").first()
    mail.outbox.clear()
    _replace(client, side_a.users[Role.FPO_STAFF], convention, first, function="Échevine de l'Enseignement")
    token = links()[first.email]  # the same person, same address: a new link
    signed = sign_through_page(client, side_a.users[Role.SIGNATORY], token)
    assert signed.status_code == 302
    signature = Signature.objects.get(signatory=first)
    assert signature.prepared == rounds.current_round(convention)
    assert "Échevine de l'Enseignement" in _frozen_text(convention)


def test_once_someone_has_signed_nobody_is_replaced_and_nothing_changes(client, side_a):
    convention = send_for_signature(side_a)
    first = convention.signatories.order_by("step", "position").first()
    sign_through_page(client, side_a.users[Role.SIGNATORY], links()[first.email])
    second = convention.signatories.get(step=2)
    documents = convention.documents.count()
    client.force_login(side_a.users[Role.FPO_STAFF])
    assert "Remplacer" not in text_of(client.get(convention.get_absolute_url()))

    page = _replace(client, side_a.users[Role.FPO_STAFF], convention, second, full_name="Autre PERSONNE")

    assert "Une signature est déjà apposée : un signataire ne peut plus être remplacé." in text_of(page)
    second.refresh_from_db()
    assert second.full_name != "Autre PERSONNE"
    assert convention.documents.count() == documents
    assert second.requests.filter(used_at__isnull=True, revoked_at__isnull=True).exists()


def test_a_replacement_twice_or_with_bad_input_says_why_in_french(client, side_a, side_b):
    convention = send_for_signature(side_a)
    first = convention.signatories.order_by("step", "position").first()
    staff = side_a.users[Role.FPO_STAFF]
    documents = convention.documents.count()
    assert "Indiquez le nom et le prénom du signataire." in text_of(
        _replace(client, staff, convention, first, full_name="")
    )
    assert "Saisissez une adresse e-mail valide." in text_of(
        _replace(client, staff, convention, first, email="non")
    )
    assert "Rien à changer" in text_of(_replace(client, staff, convention, first))
    assert convention.documents.count() == documents

    _replace(client, staff, convention, first, full_name="Nouvelle PERSONNE", email="np@commune.example")
    first.refresh_from_db()
    again = _replace(client, staff, convention, first)  # the same form sent twice
    assert "Rien à changer" in text_of(again)
    assert convention.documents.count() == documents + 2  # frozen again and prepared again, once

    url = reverse("convention_replace_signatory", args=[convention.reference, first.pk])
    client.force_login(side_a.users[Role.PO_REFERENT])
    assert client.post(url, {"full_name": "X", "function": "Y", "email": "x@y.example"}).status_code == 403
    client.force_login(side_b.users[Role.FPO_STAFF])
    assert client.post(url, {"full_name": "X", "function": "Y", "email": "x@y.example"}).status_code == 404
