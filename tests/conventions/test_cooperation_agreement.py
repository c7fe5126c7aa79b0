"""The centre–school cooperation agreement, end to end: the school's PO référent takes the
initiative and completes it, the centre freezes it and sends it for signature, the direction and
the centre sign, and the centre's name is in the text."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import Role
from conventions.loading import FIXTURES, load_template
from conventions.models import State
from conventions.rendering import plain_text
from conventions.services import drafting, workflow
from tests.accounts.factories import GuidanceCentreFactory, MembershipFactory, UserFactory
from tests.conventions.signatures.helpers import mails_at_once, sign_step  # noqa: F401 - fixture
from tests.conventions.test_pdf import pdf_text
from tests.utils import text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreement_world(side_a):
    template = load_template(FIXTURES / "templates" / "cooperation-centre-ecole.json")
    centre = GuidanceCentreFactory(
        name="Centre PMS de la Ville A", street="Rue du Centre 5", postcode="1000", city="Bruxelles"
    )
    centre_signatory = UserFactory(
        email="directrice.pms@pilotis.example", first_name="Claire", last_name="Centre"
    )
    MembershipFactory(user=centre_signatory, role=Role.SIGNATORY, guidance_centre=centre)
    return template, centre, centre_signatory


def create(side, template, centre, by=None):
    return drafting.create_cooperation_agreement(
        template=template, school=side.school, centre=centre, by=by or side.users[Role.PO_REFERENT]
    )


def test_the_po_referent_creates_it_and_nobody_else(side_a, side_b, agreement_world):
    template, centre, centre_signatory = agreement_world
    for user in (
        side_a.users[Role.FPO_STAFF],
        side_a.users[Role.SCHOOL_DIRECTION],
        side_b.users[Role.PO_REFERENT],
        centre_signatory,
    ):
        with pytest.raises(PermissionDenied):
            create(side_a, template, centre, by=user)

    convention = create(side_a, template, centre)

    assert convention.state == State.TO_COMPLETE
    assert convention.guidance_centre == centre
    assert convention.reference.startswith("FPO-A-")
    assert sorted(convention.signatories.values_list("party", flat=True)) == ["centre", "school"]
    with pytest.raises(ValidationError, match="déjà une convention de collaboration"):
        create(side_a, template, centre)


def test_the_whole_journey_to_the_signatures(client, side_a, agreement_world):
    template, centre, centre_signatory = agreement_world
    referent, direction = side_a.users[Role.PO_REFERENT], side_a.users[Role.SCHOOL_DIRECTION]
    convention = create(side_a, template, centre)

    drafting.save_part(
        convention=convention,
        by=referent,
        lock_version=convention.lock_version,
        fields={"start_date": date(2026, 9, 1)},
    )
    convention.refresh_from_db()
    people = {"school": direction, "centre": centre_signatory}
    rows = [
        {
            "id": s.pk,
            "civility": "Madame",
            "full_name": people[s.party].get_full_name() or "Isabelle Directrice",
            "function": s.function,
            "email": people[s.party].email,
        }
        for s in convention.signatories.all()
    ]
    drafting.save_part(
        convention=convention, by=referent, lock_version=convention.lock_version, signatories=rows
    )
    convention.refresh_from_db()
    drafting.save_part(
        convention=convention,
        by=referent,
        lock_version=convention.lock_version,
        contacts=[
            {
                "full_name": "Référente Test",
                "function": "Référente",
                "email": "ref@pilotis.example",
                "phone": "",
            }
        ],
    )
    client.force_login(referent)
    page = text_of(client.get(reverse("convention_detail", args=[convention.reference])))
    assert "Soumettre à la relecture du centre" in page and "fédération" not in page.split("Pilotis —")[0]
    workflow.apply_transition(convention=convention, name="submit", by=referent)
    convention.refresh_from_db()
    assert convention.get_state_display() == "En relecture (centre)"
    with pytest.raises(PermissionDenied):
        workflow.apply_transition(convention=convention, name="approve", by=side_a.users[Role.FPO_STAFF])

    workflow.apply_transition(convention=convention, name="approve", by=centre_signatory)
    convention.refresh_from_db()
    assert convention.state == State.READY and convention.is_frozen
    frozen = pdf_text(bytes(convention.documents.order_by("-revision").first().content))
    assert "Centre PMS de la Ville A" in frozen
    assert "Centre PMS de la Ville A, Rue du Centre 5, 1000 Bruxelles" in plain_text(convention)
    client.force_login(centre_signatory)
    assert "Centre PMS de la Ville A" in text_of(
        client.get(reverse("convention_detail", args=[convention.reference]))
    )
    assert client.get(reverse("convention_pdf", args=[convention.reference])).status_code == 200

    workflow.apply_transition(convention=convention, name="send_for_signature", by=centre_signatory)
    convention.refresh_from_db()
    sign_step(convention, 1, direction)
    convention.refresh_from_db()
    sign_step(convention, 2, centre_signatory)
    convention.refresh_from_db()

    assert convention.state == State.SIGNED
    assert convention.signatures.count() == 2


def test_the_referent_creates_it_from_the_form(client, side_a, agreement_world):
    template, centre, _ = agreement_world
    client.force_login(side_a.users[Role.PO_REFERENT])
    url = reverse("cooperation_create", args=[side_a.school.fase])

    assert "Convention de collaboration centre – école" in text_of(client.get(url))
    empty = client.post(url, {"centre": "", "start_date": ""})
    tampered = client.post(url, {"centre": "999999", "start_date": ""})
    response = client.post(url, {"centre": centre.pk, "start_date": "2026-09-01"})

    assert "Choisissez le centre avec lequel l'école coopère." in text_of(empty)
    assert "Choisissez un centre de la liste." in text_of(tampered)
    convention = centre.conventions.get()
    assert response.status_code == 302 and response.headers["Location"] == convention.get_absolute_url()
    assert convention.state == State.TO_COMPLETE and convention.start_date == date(2026, 9, 1)
    again = client.post(url, {"centre": centre.pk, "start_date": ""})
    assert f"déjà une convention de collaboration avec {centre} : {convention.reference}" in text_of(again)
    assert centre.conventions.count() == 1


def test_other_roles_may_not_start_it(client, side_a, agreement_world):
    client.force_login(side_a.users[Role.SCHOOL_DIRECTION])

    response = client.post(
        reverse("cooperation_create", args=[side_a.school.fase]), {"centre": agreement_world[1].pk}
    )

    assert response.status_code == 403
    assert not agreement_world[1].conventions.exists()


def test_the_school_page_offers_it_to_the_referent_only(client, side_a):
    link = "Préparer la convention de collaboration avec un centre"
    client.force_login(side_a.users[Role.PO_REFERENT])
    assert link in text_of(client.get(side_a.school.get_absolute_url()))
    client.force_login(side_a.users[Role.SCHOOL_DIRECTION])
    assert link not in text_of(client.get(side_a.school.get_absolute_url()))
