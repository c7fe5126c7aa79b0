"""Sane convention values: dates within 1990–2100, a duration within the template's, and a
tampered signatory id refused without a 500, nothing saved."""

from datetime import date

import pytest

from accounts.models import Role
from conventions.models import Convention, ConventionSignatory
from tests.conventions.factories import convention_for
from tests.utils import text_of

pytestmark = pytest.mark.django_db

OUT_OF_RANGE = "Saisissez une date entre le 01/01/1990 et le 31/12/2100."


def _post_dates(client, convention, **dates):
    url = f"/conventions/{convention.reference}/modifier/dates/"
    return client.post(url, {"lock_version": convention.lock_version, **dates})


@pytest.mark.parametrize(
    "dates",
    [
        {"council_decision_date": "01/01/0001", "start_date": "01/09/2025"},
        {"start_date": "31/12/9999"},
        {"start_date": "01/09/2025", "end_date": "2101-01-01"},
    ],
)
def test_absurd_convention_dates_are_refused_beside_the_field(client, side_a, dates):
    convention = convention_for(side_a, state_path=["send_to_po"])
    client.force_login(side_a.users[Role.PO_REFERENT])
    response = _post_dates(client, convention, **dates)
    assert response.status_code == 400
    assert OUT_OF_RANGE in text_of(response)
    convention.refresh_from_db()
    assert (convention.start_date, convention.end_date, convention.council_decision_date) == (
        None,
        None,
        None,
    )


def test_a_convention_cannot_last_longer_than_its_template_says(client, side_a):
    convention = convention_for(side_a, state_path=["send_to_po"])  # the template: 6 years
    client.force_login(side_a.users[Role.PO_REFERENT])
    response = _post_dates(client, convention, start_date="01/09/2025", end_date="31/08/2040")
    assert response.status_code == 400
    assert "Le modèle prévoit une durée de 6 ans au plus : la fin ne peut dépasser le 01/09/2031." in text_of(
        response
    )
    convention.refresh_from_db()
    assert convention.end_date is None
    response = _post_dates(client, convention, start_date="01/09/2025", end_date="31/08/2031")
    assert response.status_code == 302
    convention.refresh_from_db()
    assert convention.end_date == date(2031, 8, 31)


def _signatory_data(convention, rows):
    data = {
        "lock-lock_version": convention.lock_version,
        "sig-TOTAL_FORMS": len(rows),
        "sig-INITIAL_FORMS": len(rows),
    }
    for i, pk in enumerate(rows):
        data |= {
            f"sig-{i}-id": pk,
            f"sig-{i}-full_name": "Jeanne DUPONT",
            f"sig-{i}-function": "Bourgmestre",
            f"sig-{i}-email": "",
        }
    return data


@pytest.mark.parametrize("tampered", ["other", "missing", "absent", "text", "fpo"])
def test_a_tampered_signatory_id_is_refused_without_a_500(client, side_a, side_b, tampered):
    convention = convention_for(side_a, state_path=["send_to_po"])
    theirs = convention_for(side_b, state_path=["send_to_po"])
    ids = list(convention.signatories.exclude(party="fpo").values_list("pk", flat=True))
    ids[0] = {
        "other": theirs.signatories.exclude(party="fpo").first().pk,
        "missing": 987654,
        "absent": "",
        "text": "abc",
        "fpo": convention.signatories.get(party="fpo").pk,
    }[tampered]
    client.force_login(side_a.users[Role.PO_REFERENT])
    url = f"/conventions/{convention.reference}/modifier/signataires/"
    response = client.post(url, _signatory_data(convention, ids))
    assert response.status_code in (400, 403, 404)
    assert not ConventionSignatory.objects.filter(full_name="Jeanne DUPONT").exists(), "nothing saved"
    assert Convention.objects.get(pk=convention.pk).lock_version == convention.lock_version
