"""The conventions' CSV export streams, with as many queries for many conventions as for one."""

import pytest
from django.utils import timezone

from accounts.models import Role
from tests.accounts.factories import SchoolFactory
from tests.conventions.factories import TemplateFactory, convention_for

pytestmark = pytest.mark.django_db


def _more_conventions(side, template, n):
    def grow():
        for index in range(n):
            school = SchoolFactory(
                name=f"École ajoutée {index}",
                organising_authority=side.organising_authority,
                federation=side.federation,
            )
            convention_for(side, template=template, school=school)

    return grow


def test_the_csv_export_streams_every_visible_convention_with_its_schools(client, side_a, side_b):
    template = TemplateFactory(federation=side_a.federation)
    mine, theirs = convention_for(side_a, template=template), convention_for(side_b)
    _more_conventions(side_a, template, 3)()
    client.force_login(side_a.users[Role.FPO_STAFF])
    response = client.get("/conventions/", {"format": "csv"})
    assert response.status_code == 200 and response.streaming
    lines = response.getvalue().decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Référence;Modèle;Fédération;Pouvoir organisateur;Écoles (FASE);État")
    assert len(lines) == 1 + 4
    mine_line = next(line for line in lines if line.startswith(mine.reference + ";"))
    assert f"{side_a.school.name} ({side_a.school.fase})" in mine_line
    assert mine_line.endswith(f";{timezone.localdate(mine.created_at):%d/%m/%Y}")
    assert theirs.reference not in "\n".join(lines)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_export_makes_as_many_queries_for_many_conventions_as_for_one(
    client, side_a, queries_stay_flat, fmt
):
    template = TemplateFactory(federation=side_a.federation)
    convention_for(side_a, template=template)
    client.force_login(side_a.users[Role.FPO_STAFF])
    response = queries_stay_flat(
        f"/conventions/?format={fmt}", grow=_more_conventions(side_a, template, 8), at_most=12
    )
    assert response.status_code == 200
