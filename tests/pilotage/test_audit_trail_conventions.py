"""The audit trail of conventions, signatories, invitations and memberships: the changes made
through their forms show with who, when and the old and new values."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import Role
from conventions.models import ConventionTemplate
from tests.accounts.factories import SchoolFactory
from tests.conventions.factories import TemplateFactory, convention_for
from tests.conventions.signatures.helpers import (  # noqa: F401 - fixture
    links,
    mails_at_once,
    send_for_signature,
    sign_through_page,
)
from tests.utils import text_of

pytestmark = pytest.mark.django_db


def journal_text(client, user, **params):
    client.force_login(user)
    response = client.get(reverse("journal"), params)
    assert response.status_code == 200
    return text_of(response)


def test_the_po_part_and_its_signatories_show_old_and_new_values(client, side_a):
    convention = convention_for(side_a, state_path=["send_to_po"])
    referent, staff = side_a.users[Role.PO_REFERENT], side_a.users[Role.FPO_STAFF]
    client.force_login(referent)
    url = f"/conventions/{convention.reference}/modifier/dates/"
    response = client.post(
        url,
        {
            "lock_version": convention.lock_version,
            "start_date": "01/09/2025",
            "end_date": "31/08/2031",
            "council_decision_reference": "CC/2025/17",
        },
    )
    assert response.status_code == 302
    convention.refresh_from_db()
    signatories = list(convention.signatories.exclude(party="fpo"))
    data = {
        "lock-lock_version": convention.lock_version,
        "sig-TOTAL_FORMS": len(signatories),
        "sig-INITIAL_FORMS": len(signatories),
    }
    for i, s in enumerate(signatories):
        data |= {
            f"sig-{i}-id": s.pk,
            f"sig-{i}-civility": "Madame",
            f"sig-{i}-full_name": "Jeanne DUPONT",
            f"sig-{i}-function": s.function,
            f"sig-{i}-email": "jeanne.dupont@pilotis.example",
        }
    response = client.post(f"/conventions/{convention.reference}/modifier/signataires/", data)
    assert response.status_code == 302

    text = journal_text(client, staff, convention=convention.reference)
    assert "Prise de cours : — → 01/09/2025" in text
    assert "Fin : — → 31/08/2031" in text
    assert "Référence de la décision du conseil : — → CC/2025/17" in text
    assert "Nom et prénom : — → Jeanne DUPONT" in text
    assert "Civilité : — → Madame" in text
    assert referent.get_full_name() in text
    # The trail of the creation: the federation's staff created the convention and its signatories.
    assert "Création" in text and "État : — → Brouillon" in text

    page = client.get(convention.get_absolute_url()).content.decode()
    assert f"/journal/?convention={convention.reference}" in page
    client.force_login(referent)
    assert "Historique des modifications" not in text_of(client.get(convention.get_absolute_url()))
    assert client.get(reverse("journal"), {"convention": convention.reference}).status_code == 403


def test_another_federations_staff_sees_nothing_of_it(client, side_a, side_b):
    convention = convention_for(side_a)
    staff_b = side_b.users[Role.FPO_STAFF]
    assert convention.reference not in journal_text(client, staff_b)
    client.force_login(staff_b)
    assert client.get(reverse("journal"), {"convention": convention.reference}).status_code == 404
    assert (
        client.get(reverse("journal"), {"convention": convention.reference, "format": "csv"}).status_code
        == 404
    )


def test_an_invitation_and_the_membership_it_gives(
    client, side_a, side_b, django_capture_on_commit_callbacks
):
    staff = side_a.users[Role.FPO_STAFF]
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/invitations/nouvelle/",
            {
                "organisation": f"federation-{side_a.federation.pk}",
                "role": Role.FPO_ADVISER,
                "email": "nouvelle.personne@pilotis.example",
                "first_name": "",
                "last_name": "",
                "function": "Conseillère technopédagogique",
            },
        )
    assert response.status_code == 302
    link = re.search(r"http://testserver(/invitations/\S+/)", mail.outbox[-1].body).group(1)
    client.logout()
    client.post(
        link,
        {
            "first_name": "Léa",
            "last_name": "Dupont",
            "password1": "un mot de passe solide",
            "password2": "un mot de passe solide",
        },
    )
    text = journal_text(client, staff, type="invitation")
    assert "Adresse e-mail : — → nouvelle.personne@pilotis.example" in text
    assert "Acceptée par : — → Léa Dupont" in text
    assert "token" not in text.lower()
    text = journal_text(client, staff, type="role")
    assert "Rôle : — → Conseiller au soutien et à l'accompagnement" in text
    assert "Fonction : — → Conseillère technopédagogique" in text
    # Another federation's staff does not read it.
    assert "nouvelle.personne" not in journal_text(client, side_b.users[Role.FPO_STAFF], type="invitation")


def test_the_schools_and_contacts_steps_show_old_and_new_values(client, side_a):
    template = TemplateFactory(federation=side_a.federation, kind=ConventionTemplate.Kind.PO)
    convention = convention_for(side_a, template=template, state_path=["send_to_po"])
    second = SchoolFactory(
        name="École B 3", organising_authority=side_a.organising_authority, federation=side_a.federation
    )
    referent = side_a.users[Role.PO_REFERENT]
    client.force_login(referent)
    base = f"/conventions/{convention.reference}/modifier"
    response = client.post(
        f"{base}/ecoles/",
        {"lock_version": convention.lock_version, "schools": [side_a.school.pk, second.pk]},
    )
    assert response.status_code == 302, text_of(response)
    contact = {
        "contact-0-full_name": "Marc LEROY",
        "contact-0-function": "Échevin",
        "contact-0-email": "m@l.be",
    }
    for name in ("Marc LEROY", "Marc LEROY-DUBOIS"):
        convention.refresh_from_db()
        data = {"lock-lock_version": convention.lock_version, "lock_version": convention.lock_version}
        data |= {"contact-TOTAL_FORMS": "1", "contact-INITIAL_FORMS": "0"}
        response = client.post(f"{base}/contacts/", data | contact | {"contact-0-full_name": name})
        assert response.status_code == 302, text_of(response)

    text = journal_text(client, side_a.users[Role.FPO_STAFF], convention=convention.reference)
    schools = ", ".join(sorted([str(second), str(side_a.school)]))
    assert f"Écoles : {side_a.school} → {schools}" in text
    assert "Nom et prénom : — → Marc LEROY" in text
    assert "Nom et prénom : Marc LEROY → Marc LEROY-DUBOIS" in text
    assert text.count("Personne de contact") >= 2


def test_the_signatory_account_linked_at_signing_is_in_the_trail(side_a):
    convention = send_for_signature(side_a)
    signer = side_a.users[Role.SIGNATORY]
    response = sign_through_page(Client(), signer, links()[signer.email])
    assert response.status_code == 302
    signatory = convention.signatories.get(step=1)
    assert signatory.history.latest().user_id == signer.pk
    assert signatory.history.latest().history_user_id == signer.pk
