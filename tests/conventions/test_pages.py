"""The pages of conventions, as their users meet them."""

from io import BytesIO

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from accounts.models import Role
from conventions.loading import load_reference_data
from conventions.models import Convention, State
from conventions.services import bulk
from core.models import Job
from tests.accounts.factories import FederationFactory, SchoolFactory
from tests.conventions.factories import TemplateFactory, convention_for
from tests.utils import text_of

pytestmark = pytest.mark.django_db


def test_the_list_is_scoped_filtered_and_exported(client, side_a, side_b):
    mine, theirs = convention_for(side_a), convention_for(side_b)
    client.force_login(side_a.users[Role.FPO_ADVISER])
    page = text_of(client.get("/conventions/"))
    assert mine.reference in page and theirs.reference not in page
    assert mine.reference not in text_of(client.get("/conventions/", {"state": "signed"}))
    assert mine.reference in text_of(client.get("/conventions/", {"school": str(side_a.school.fase)}))
    export = client.get("/conventions/", {"format": "xlsx"})
    rows = list(load_workbook(BytesIO(export.content)).active.values)
    assert rows[0][0] == "Référence" and [r[0] for r in rows[1:]] == [mine.reference]
    csv = client.get("/conventions/", {"format": "csv"}).getvalue().decode("utf-8")
    assert mine.reference in csv and theirs.reference not in csv
    # The same dialect as every other download: a BOM and semicolons, for Excel in Belgium.
    assert csv.startswith("\ufeffRéférence;Modèle;Fédération;")
    assert (
        client.get("/conventions/", {"format": "ods"})["Content-Type"]
        == "application/vnd.oasis.opendocument.spreadsheet"
    )


def test_the_list_makes_as_many_queries_for_many_conventions_as_for_one(client, side_a, queries_stay_flat):
    template = TemplateFactory(federation=side_a.federation)
    convention_for(side_a, template=template)
    client.force_login(side_a.users[Role.FPO_STAFF])

    def grow():
        for _ in range(5):
            convention_for(
                side_a,
                template=template,
                school=SchoolFactory(
                    organising_authority=side_a.organising_authority, federation=side_a.federation
                ),
            )

    queries_stay_flat("/conventions/", grow=grow, at_most=15)


def test_the_detail_page_shows_the_text_the_history_and_only_the_users_actions(client, side_a):
    convention = convention_for(side_a, state_path=["send_to_po"])
    client.force_login(side_a.users[Role.PO_REFERENT])
    page = BeautifulSoup(client.get(convention.get_absolute_url()).content, "html.parser")
    assert "À compléter par le PO" in page.get_text()
    assert "Accompagnement de " + side_a.school.name in page.get_text()
    assert [b.get_text(strip=True) for b in page.select(".transition-form button")] == [
        "Soumettre à la relecture de la fédération"
    ]
    assert page.find("a", string="Compléter la convention")
    client.force_login(side_a.users[Role.FPO_STAFF])
    page = BeautifulSoup(client.get(convention.get_absolute_url()).content, "html.parser")
    assert [b.get_text(strip=True) for b in page.select(".transition-form button")] == [
        "Annuler la convention"
    ]


def test_a_refused_action_from_the_page_shows_a_message_and_changes_nothing(client, side_a):
    convention = convention_for(side_a)
    client.force_login(side_a.users[Role.PO_REFERENT])
    response = client.post(f"/conventions/{convention.reference}/actions/approve/", follow=True)
    assert "Vous ne pouvez pas" in text_of(response)
    convention.refresh_from_db()
    assert convention.state == State.DRAFT


def test_the_po_fills_its_part_step_by_step_with_french_errors_beside_the_fields(client, side_a):
    convention = convention_for(side_a, state_path=["send_to_po"])
    client.force_login(side_a.users[Role.PO_REFERENT])
    url = f"/conventions/{convention.reference}/modifier/dates/"
    response = client.post(
        url,
        {
            "lock_version": convention.lock_version,
            "start_date": "2025-09-01",
            "end_date": "2025-01-01",
            "council_decision_reference": "<script>x</script>",
        },
    )
    assert response.status_code == 400
    page = text_of(response)
    assert "La date de fin doit suivre la date de prise de cours." in page
    assert "Le texte ne peut pas contenir de balises HTML ni de script." in page
    response = client.post(url, {"lock_version": convention.lock_version, "start_date": "pas une date"})
    assert "Saisissez une date valide" in text_of(response)
    convention.refresh_from_db()
    assert convention.start_date is None, "rien n'est enregistré à moitié"
    response = client.post(
        url, {"lock_version": convention.lock_version, "start_date": "01/09/2025", "end_date": "31/08/2031"}
    )
    assert response.status_code == 302 and response["Location"].endswith("/modifier/signataires/")
    convention.refresh_from_db()
    assert convention.start_date.isoformat() == "2025-09-01"

    signatories = list(convention.signatories.exclude(party="fpo"))
    data = {
        "lock-lock_version": convention.lock_version,
        "sig-TOTAL_FORMS": len(signatories),
        "sig-INITIAL_FORMS": len(signatories),
    }
    for i, s in enumerate(signatories):
        data |= {
            f"sig-{i}-id": s.pk,
            f"sig-{i}-full_name": "Jeanne DUPONT",
            f"sig-{i}-function": "",
            f"sig-{i}-email": "pas-une-adresse",
        }
    response = client.post(f"/conventions/{convention.reference}/modifier/signataires/", data)
    assert "Indiquez la fonction du signataire." in text_of(response)
    assert "Saisissez une adresse e-mail valide." in text_of(response)


def test_a_second_person_saving_the_same_convention_is_refused_and_loses_nothing(client, side_a):
    convention = convention_for(side_a, state_path=["send_to_po"])
    referent, staff = side_a.users[Role.PO_REFERENT], side_a.users[Role.FPO_STAFF]
    url = f"/conventions/{convention.reference}/modifier/dates/"
    opened_at = convention.lock_version  # both open the form on this version
    client.force_login(staff)
    first = client.post(
        url, {"lock_version": opened_at, "start_date": "2025-09-01", "council_decision_reference": "CC/1"}
    )
    assert first.status_code == 302
    client.force_login(referent)
    second = client.post(
        url, {"lock_version": opened_at, "start_date": "2026-01-01", "council_decision_reference": "CC/2"}
    )
    assert second.status_code == 409
    page = text_of(second)
    assert "Quelqu'un d'autre a modifié cette convention" in page
    assert 'value="CC/2"' in second.content.decode(), (
        "la saisie de la deuxième personne reste dans le formulaire"
    )
    convention.refresh_from_db()
    assert (convention.start_date.isoformat(), convention.council_decision_reference) == (
        "2025-09-01",
        "CC/1",
    )


def test_staff_create_conventions_from_a_file_after_a_preview_all_or_nothing(client, side_a, side_b):
    template = TemplateFactory(federation=side_a.federation)
    client.force_login(side_a.users[Role.FPO_STAFF])
    bad = (
        "po,ecoles,signataires\n"
        f"{side_a.organising_authority.name},{side_a.school.fase},Jeanne DUPONT | Bourgmestre | j@ville.example\n"
        f"Ville inconnue,{side_a.school.fase},\n"
        f"{side_a.organising_authority.name},{side_b.school.fase},\n"
        f"{side_a.organising_authority.name},{side_a.other_school.fase},Jean | | j@x.example\n"
    )
    response = client.post(
        "/conventions/import/", {"template": template.pk, "file": SimpleUploadedFile("c.csv", bad.encode())}
    )
    page = text_of(response)
    assert "Ligne 3 : pouvoir organisateur inconnu « Ville inconnue »." in page
    assert f"Ligne 4 : numéro(s) FASE inconnu(s) : {side_b.school.fase}." in page
    assert "Ligne 5 :" in page and "la fonction est obligatoire" in page
    assert not Convention.objects.exists()

    good = f"po;ecoles;signataires\n{side_a.organising_authority.name};{side_a.school.fase};Jeanne DUPONT | Bourgmestre | j@ville.example\n{side_a.organising_authority.name};{side_a.other_school.fase};\n"
    preview = client.post(
        "/conventions/import/", {"template": template.pk, "file": SimpleUploadedFile("c.csv", good.encode())}
    )
    assert "Aperçu : 2 conventions à créer" in text_of(preview)
    assert not Convention.objects.exists(), "rien n'est créé avant la confirmation"
    job = Job.objects.get(kind=bulk.KIND)
    done = client.post("/conventions/import/", {"job_rows": job.pk}, follow=True)
    assert "2 conventions créées" in text_of(done)
    assert Convention.objects.count() == 2
    first = Convention.objects.get(schools=side_a.school)
    assert first.signatories.get(party="po").full_name == "Jeanne DUPONT"


def test_a_batch_that_became_invalid_creates_nothing_and_says_why(client, side_a):
    template = TemplateFactory(federation=side_a.federation)
    staff = side_a.users[Role.FPO_STAFF]
    job = bulk.new_job(
        template=template,
        by=staff,
        rows=[
            {
                "line": 2,
                "po": side_a.organising_authority.pk,
                "schools": [side_a.school.pk],
                "signatories": [],
            },
            {"line": 3, "po": side_a.organising_authority.pk, "schools": [999999], "signatories": []},
        ],
    )
    client.force_login(staff)
    client.post("/conventions/import/", {"job_rows": job.pk})
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and "Ligne 3" in job.error
    assert not Convention.objects.exists()
    assert "Aucune convention n'a été créée" in text_of(client.get(f"/conventions/creations/{job.pk}/"))


def test_one_convention_per_school_of_a_po_after_a_preview(client, side_a):
    template = TemplateFactory(federation=side_a.federation)
    client.force_login(side_a.users[Role.FPO_STAFF])
    data = {"template": template.pk, "organising_authority": side_a.organising_authority.pk}
    preview = client.post("/conventions/nouvelle/", data)
    assert "À créer : 2 conventions" in text_of(preview) and not Convention.objects.exists()
    client.post("/conventions/nouvelle/", data | {"confirm": "1"}, follow=True)
    assert sorted(c.schools.get().fase for c in Convention.objects.all()) == sorted(
        [side_a.school.fase, side_a.other_school.fase]
    )


def test_framework_and_template_pages(client, side_a):
    FederationFactory(code="CPEONS", name="CPEONS")
    FederationFactory(code="CECP", name="CECP")
    load_reference_data()
    client.force_login(side_a.users[Role.FPO_ADVISER])
    page = text_of(client.get("/referentiels/"))
    assert "Stratégie" in page or "stratégie" in page
    detail = client.get("/referentiels/cpeons-annexe-1/v2/", {"q": "intervision"})
    assert "résultat" in text_of(detail) and "Objectif transversal 1" in text_of(detail)
    public = text_of(client.get("/modeles/cooperation-centre-ecole/v2/"))
    assert "Signataires requis" in public
