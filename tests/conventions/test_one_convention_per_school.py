"""One convention at a time per school, federation and kind: another one is refused naming the
existing one, until that one has expired, been terminated or cancelled; and a convention only
covers the federation's own schools of its PO."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Role
from conventions.models import Convention, State
from conventions.services import bulk, drafting
from tests.accounts.factories import FederationFactory, SchoolFactory
from tests.conventions.factories import TemplateFactory, convention_for
from tests.utils import text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def template(side_a):
    return TemplateFactory(federation=side_a.federation)


def _new(side, template, school=None):
    return drafting.create_convention(
        template=template,
        organising_authority=side.organising_authority,
        schools=[school or side.school],
        by=side.users[Role.FPO_STAFF],
    )


def test_a_second_convention_for_a_covered_school_is_refused_naming_the_first(side_a, template):
    first = convention_for(side_a, template=template)
    with pytest.raises(ValidationError) as refusal:
        _new(side_a, TemplateFactory(federation=side_a.federation))
    assert first.reference in str(refusal.value) and "brouillon" in str(refusal.value)
    assert Convention.objects.count() == 1


@pytest.mark.parametrize("state", [State.EXPIRED, State.TERMINATED, State.CANCELLED])
def test_an_ended_convention_lets_a_new_one_be_made(side_a, template, state):
    first = convention_for(side_a, template=template)
    Convention.objects.filter(pk=first.pk).update(state=state)
    planned = bulk.plan_for_po_schools(
        template=template, organising_authority=side_a.organising_authority, schools=[side_a.school]
    )
    assert [item.schools for item in planned] == [[side_a.school]], "the per-school creation offers it again"
    assert _new(side_a, template).schools.get() == side_a.school


def test_a_school_of_another_federation_is_refused(side_a, template):
    other = SchoolFactory(
        organising_authority=side_a.organising_authority, federation=FederationFactory(code="AUTRE")
    )
    with pytest.raises(ValidationError, match="pas affiliées à la fédération FPO-A"):
        _new(side_a, template, school=other)


def test_a_file_row_for_a_covered_school_says_which_convention_covers_it(client, side_a, template):
    first = convention_for(side_a, template=template)
    client.force_login(side_a.users[Role.FPO_STAFF])
    rows = f"po;ecoles;signataires\n{side_a.organising_authority.name};{side_a.school.fase};\n"
    response = client.post(
        "/conventions/import/", {"template": template.pk, "file": SimpleUploadedFile("c.csv", rows.encode())}
    )
    assert response.status_code == 400
    assert "Fichier lu en UTF-8." in text_of(response)
    assert (
        f"Ligne 2 : ces écoles relèvent déjà d'une convention de ce type avec la fédération : {first.reference}"
        in text_of(response)
    )
    assert Convention.objects.count() == 1


def test_the_schools_step_offers_the_federations_schools_of_the_po_only(client, side_a):
    po_level = TemplateFactory(federation=side_a.federation, kind="po")
    convention = convention_for(side_a, template=po_level, state_path=["send_to_po"])
    other = SchoolFactory(
        name="École d'une autre fédération",
        organising_authority=side_a.organising_authority,
        federation=FederationFactory(code="AUTRE"),
    )
    client.force_login(side_a.users[Role.PO_REFERENT])
    page = text_of(client.get(f"/conventions/{convention.reference}/modifier/ecoles/"))
    assert side_a.school.name in page and side_a.other_school.name in page
    assert other.name not in page
