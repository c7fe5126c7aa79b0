"""The five steps and the catalogues, faithful to the conventions."""

import json
from io import StringIO

from django.core.management import call_command

from accounts.models import Federation, Role
from pilotage.catalogue import FIXTURES, load_catalogues, load_steps
from pilotage.models import ActionType, Step
from tests.pilotage.factories import ActionTypeFactory


def test_the_five_steps_of_the_cecp_convention(db):
    load_steps()
    steps = list(Step.objects.values_list("number", "name", "period"))
    assert steps == [
        (1, "Mobiliser les acteurs et donner du sens à la démarche", "année 0 : mars-juin"),
        (
            2,
            "Réaliser un état des lieux et sélectionner les objectifs spécifiques à poursuivre",
            "année 0 : août – décembre",
        ),
        (3, "Définir et planifier les stratégies à mettre en œuvre", "année 0 : décembre – mars"),
        (4, "Négocier et communiquer le contrat d'objectifs", "mars-juin"),
        (5, "Mettre en œuvre le contrat d'objectifs et organiser le suivi", "années 1 à 6"),
    ]


def test_the_catalogues_load_once_and_keep_the_staffs_edits(db):
    cecp = Federation.objects.create(
        code="CECP", name="Conseil de l'Enseignement des Communes et des Provinces"
    )
    cpeons = Federation.objects.create(code="CPEONS", name="Réseau CPEONS")
    call_command("load_catalogue", stdout=StringIO())
    cecp_actions = ActionType.objects.filter(federation=cecp)
    assert cecp_actions.count() == len(json.loads((FIXTURES / "catalogue-cecp.json").read_text())["actions"])
    # The three days of mandatory training in school (CECP art. 4).
    assert list(cecp_actions.filter(mandatory=True).values_list("step", flat=True)) == [2, 2, 3]
    assert cecp_actions.filter(
        kind="intervision", step=3, default_duration=1, duration_unit="half_days"
    ).exists()
    # The CPEONS offer is split into mandatory and optional actions.
    assert {True, False} == set(
        ActionType.objects.filter(federation=cpeons).values_list("mandatory", flat=True)
    )
    edited = cecp_actions.get(code="e1-seminaire")
    edited.title = "Séminaire de rentrée"
    edited.save()
    load_catalogues()
    assert cecp_actions.get(code="e1-seminaire").title == "Séminaire de rentrée"
    assert (
        ActionType.objects.count()
        == cecp_actions.count() + ActionType.objects.filter(federation=cpeons).count()
    )


def test_a_federations_coordination_edits_its_own_catalogue_in_the_admin(client, side_a, side_b):

    load_steps()
    own = ActionTypeFactory(federation=side_a.federation, title="Séminaire de A")
    other = ActionTypeFactory(federation=side_b.federation, title="Séminaire de B")
    staff = side_a.users[Role.FPO_STAFF]
    staff.is_staff = True  # an administrator opened the admin to them
    staff.save()
    client.force_login(staff)
    page = client.get("/admin/pilotage/actiontype/").content.decode()
    assert "Séminaire de A" in page and "Séminaire de B" not in page
    # Another federation's action is "not found": back to the list.
    assert client.get(f"/admin/pilotage/actiontype/{other.pk}/change/").status_code == 302
    assert client.get(f"/admin/pilotage/actiontype/{own.pk}/change/").status_code == 200
    assert client.get("/admin/pilotage/accompaniment/").status_code == 403
