"""The yearly follow-up report: the XLSX has one row per school of the federation with the
counts the federation's dashboard shows for the same year, the PDF names the federation and the
year; from the page (a background task with its progress) and from `manage.py yearly_report`."""

from datetime import timedelta
from io import BytesIO, StringIO

import pytest
import tablib
from django.core.management import CommandError, call_command
from openpyxl import load_workbook
from pypdf import PdfReader

from accounts.models import Federation, Role, User
from core import jobs
from core.models import Job
from core.school_years import school_year_bounds
from pilotage.dashboards import report, report_files
from pilotage.dashboards.periods import period_for
from pilotage.dashboards.queries import federation_school_rows, federation_schools, steps_by_wave
from pilotage.demo import DEMO_YEARS, load_full_demo, load_pilotage_demo
from pilotage.models import (
    Accompaniment,
    StepEntry,
)
from pilotage.services import reports
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.pilotage.dashboards.conftest import LAST_YEAR
from tests.pilotage.factories import accompany
from tests.utils import text_of

pytestmark = pytest.mark.django_db


def _xlsx_rows(content: bytes) -> list[dict]:
    sheet = load_workbook(BytesIO(content), read_only=True)["Écoles"]
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def _dashboard_rows(client, federation, year) -> dict[int, dict]:
    response = client.get(
        "/pilotage/federation/",
        {"federation": federation.code, "annee": year, "export": "ecoles", "format": "xlsx"},
    )
    data = tablib.Dataset().load(BytesIO(response.content), format="xlsx")
    return {int(row["FASE"]): row for row in data.dict}


def test_the_xlsx_has_one_row_per_school_with_the_counts_the_dashboard_shows(client, year_of_a):
    side = year_of_a
    rows = _xlsx_rows(report_files.render_xlsx(report.build(side.federation, LAST_YEAR)))
    assert sorted(row["École"] for row in rows) == ["Athénée A 2", "École A 1", "École sans convention"]

    first = next(row for row in rows if row["École"] == "École A 1")
    assert first["FASE"] == side.school.fase
    assert first["Pouvoir organisateur"] == "Ville A"
    assert first["Actions réalisées"] == 4
    assert first["Actions : Séminaire d'échanges PO – directions"] == 3
    assert first["Actions : Coaching en école"] == 1
    assert first["Engagements remplis"] == 1
    assert first["Plan de pilotage"] == "Accepté (contrat d'objectifs)"
    assert (first["Objectifs spécifiques"], first["Objectifs atteints"], first["Objectifs en progrès"]) == (
        4,
        1,
        2,
    )
    assert (first["Objectifs non atteints"], first["Objectifs non évalués"]) == (0, 1)
    lone = next(row for row in rows if row["École"] == "École sans convention")
    assert lone["Étape"] == "Pas d'accompagnement" and lone["Actions réalisées"] == 0

    client.force_login(side.users[Role.FPO_STAFF])
    shown = _dashboard_rows(client, side.federation, LAST_YEAR)
    assert set(shown) == {row["FASE"] for row in rows}
    pairs = {
        "Actions réalisées": "Actions réalisées",
        "Engagements remplis": "Engagements remplis",
        "Engagements dus": "Engagements dus",
        "Engagements en retard": "Engagements en retard",
        "Objectifs atteints": "Objectifs atteints",
        "Objectifs en progrès": "Objectifs en progrès",
        "Objectifs non atteints": "Objectifs non atteints",
        "Plan de pilotage": "Plan de pilotage",
    }
    for row in rows:
        page = shown[row["FASE"]]
        for in_report, on_page in pairs.items():
            assert str(row[in_report] or "") == str(page[on_page] or ""), (row["École"], in_report)
        per_type = [value for name, value in row.items() if name.startswith("Actions : ")]
        assert sum(per_type) == row["Actions réalisées"]


def test_the_actions_per_type_add_up_to_the_dashboard_chart(client, year_of_a):
    side = year_of_a
    rows = _xlsx_rows(report_files.render_xlsx(report.build(side.federation, LAST_YEAR)))
    client.force_login(side.users[Role.FPO_STAFF])
    response = client.get(
        "/pilotage/federation/",
        {"federation": side.federation.code, "annee": LAST_YEAR, "export": "actions-types", "format": "csv"},
    )
    chart = tablib.Dataset().load(response.getvalue().decode("utf-8-sig"), format="csv", delimiter=";")
    for title, count in chart:
        if title == "Total":
            assert int(count) == sum(row["Actions réalisées"] for row in rows) == 5
        else:
            assert int(count) == sum(row[f"Actions : {title}"] for row in rows)


def test_the_pdf_names_the_federation_and_the_school_year(year_of_a):
    side = year_of_a
    content = report_files.render_pdf(report.build(side.federation, LAST_YEAR))
    assert content.startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)
    assert "Rapport de suivi annuel" in text
    assert "Fédération A" in text and "FPO-A" in text
    assert f"{LAST_YEAR}-{LAST_YEAR + 1}" in text
    assert "École A 1" in text and "École B 1" not in text
    # On paper the charts' tables are printed, not behind « Voir les données ».
    assert "Données du graphique" in text and "Voir les données" not in text


# --- The command ----------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["xlsx", "pdf"])
def test_the_command_writes_the_report(tmp_path, year_of_a, suffix):
    output = tmp_path / f"rapport.{suffix}"
    out = StringIO()
    call_command(
        "yearly_report", "--federation", "fpo-a", "--year", str(LAST_YEAR), "-o", str(output), stdout=out
    )
    assert f"FPO-A {LAST_YEAR}-{LAST_YEAR + 1} : 3 écoles" in out.getvalue()
    content = output.read_bytes()
    if suffix == "xlsx":
        assert len(_xlsx_rows(content)) == 3
        book = load_workbook(BytesIO(content), read_only=True)
        assert book.sheetnames == ["Totaux", "Rapport", "Écoles", "Indicateurs", "Synthèse"]
        headers = next(book["Écoles"].iter_rows(values_only=True))
        assert {
            "Conseiller(s)",
            "Actions annulées",
            "Jours d'accompagnement",
            "Évaluation de l'année",
        } <= set(headers)
    else:
        assert content.startswith(b"%PDF")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--federation", "XYZ", "--year", "2024", "-o", "r.xlsx"], "Fédération inconnue : « XYZ »"),
        (
            ["--federation", "FPO-A", "--year", "2024", "-o", "r.docx"],
            "Extension non prise en charge : « .docx »",
        ),
        (
            ["--federation", "FPO-A", "--year", "2024", "-o", "rapport"],
            "Le fichier doit se terminer par .pdf ou .xlsx",
        ),
        (["--federation", "FPO-A", "--year", "24", "-o", "r.xlsx"], "Année non valable : « 24 »"),
        (["--federation", "FPO-A", "--year", "2099", "-o", "r.xlsx"], "n'a pas encore commencé"),
        (["--federation", "FPO-A", "--year", "2024", "-o", "/nulle/part/r.xlsx"], "n'existe pas"),
    ],
)
def test_the_command_refuses_bad_input_in_french(side_a, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("yearly_report", *arguments)


# --- The page and its task ------------------------------------------------------------------------


def test_the_page_produces_the_report_in_the_background(client, year_of_a):
    side = year_of_a
    client.force_login(side.users[Role.FPO_STAFF])
    page = text_of(client.get("/pilotage/rapport/"))
    assert "L'année 2024 désigne l'année scolaire 2024-2025" in page

    response = client.post(
        "/pilotage/rapport/", {"federation": side.federation.code, "annee": LAST_YEAR, "format": "xlsx"}
    )
    assert response.status_code == 302
    status_url = response["Location"]
    page = text_of(client.get(status_url))
    assert "Terminé" in page and "3 écoles" in page
    poll = client.get(status_url, headers={"HX-Request": "true"})
    assert b"<html" not in poll.content and b"hx-trigger" not in poll.content  # done: no more polling

    download = client.get(status_url + "telecharger/")
    assert download["Content-Disposition"] == (
        f'attachment; filename="rapport-suivi-annuel-fpo-a-{LAST_YEAR}-{LAST_YEAR + 1}.xlsx"'
    )
    assert len(_xlsx_rows(download.content)) == 3

    # Someone else's report does not exist for them.
    client.force_login(_other_staff(side))
    assert client.get(status_url).status_code == 404
    assert client.get(status_url + "telecharger/").status_code == 404


def _other_staff(side):

    user = UserFactory(two_factor=True)
    MembershipFactory(user=user, role=Role.FPO_STAFF, federation=side.federation)
    return user


def test_the_progress_is_shown_while_the_report_is_made(client, side_a):
    job = reports.new_report_job(
        federation=side_a.federation, year=LAST_YEAR, fmt="pdf", user=side_a.users[Role.FPO_STAFF]
    )
    client.force_login(side_a.users[Role.FPO_STAFF])

    def work(job):
        jobs.report_progress(job, percent=40, stage="Décompte des actions")
        response = client.get(f"/pilotage/rapport/{job.pk}/", headers={"HX-Request": "true"})
        assert b'hx-trigger="every 1s"' in response.content
        assert b'<progress id="avancement" class="w-100 mb-3" max="100" value="40">' in response.content
        assert "Décompte des actions" in text_of(response)
        assert client.get(f"/pilotage/rapport/{job.pk}/telecharger/").status_code == 404  # not ready
        return {"schools": 0}, "rapport.pdf", b"%PDF"

    assert jobs.run(job, work).status == Job.Status.DONE


def test_a_failed_report_says_so_in_french(client, side_a, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("panne")

    monkeypatch.setattr(report, "build", broken)
    client.force_login(side_a.users[Role.FPO_STAFF])
    response = client.post(
        "/pilotage/rapport/",
        {"federation": side_a.federation.code, "annee": LAST_YEAR, "format": "pdf"},
        follow=True,
    )
    page = text_of(response)
    assert "Échec" in page and "La production du rapport a échoué" in page


@pytest.mark.parametrize(
    "data",
    [
        {"federation": "FPO-B", "annee": LAST_YEAR, "format": "pdf"},  # not one's federation
        {"federation": "FPO-A", "annee": 1990, "format": "pdf"},
        {"federation": "FPO-A", "annee": LAST_YEAR, "format": "docx"},
    ],
)
def test_the_form_refuses_what_it_does_not_offer(client, side_a, side_b, data):
    client.force_login(side_a.users[Role.FPO_STAFF])
    response = client.post("/pilotage/rapport/", data)
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in text_of(response)


def test_the_demo_report_of_cpeons_matches_its_dashboard(client, tmp_path):
    """The issue's check: `yearly_report --federation CPEONS --year <a demo year>` writes one row
    per demo school of CPEONS, with the counts the pages show."""

    load_full_demo()
    load_pilotage_demo()
    federation = Federation.objects.get(code="CPEONS")
    year = DEMO_YEARS[1]
    output = tmp_path / "r.xlsx"
    call_command(
        "yearly_report", "--federation", "CPEONS", "--year", str(year), "-o", str(output), stdout=StringIO()
    )
    rows = _xlsx_rows(output.read_bytes())
    assert sorted(row["FASE"] for row in rows) == sorted(
        federation_schools(federation).values_list("fase", flat=True)
    )
    assert sum(row["Actions réalisées"] for row in rows) > 0

    client.force_login(User.objects.get(email="staff.cpeons@pilotis.example"))
    shown = _dashboard_rows(client, federation, year)
    for row in rows:
        page = shown[row["FASE"]]
        for column in (
            "Actions réalisées",
            "Engagements remplis",
            "Engagements en retard",
            "Objectifs atteints",
        ):
            assert str(row[column] or "") == str(page[column] or ""), (row["École"], column)


def test_the_steps_chart_counts_the_steps_the_rows_show(year_of_a):
    """The chart of schools by step and wave is worked out apart from the rows: the same
    accompaniment and step must come out, a closed older accompaniment notwithstanding."""
    from collections import Counter

    side = year_of_a
    start, _ = school_year_bounds(LAST_YEAR)
    older = accompany(side, started_on=start - timedelta(days=400), assign=False)
    Accompaniment.objects.filter(pk=older.pk).update(current_step=3, closed_on=start + timedelta(days=5))
    StepEntry.objects.create(accompaniment=older, step_id=3, entered_on=start - timedelta(days=100))
    for year in (LAST_YEAR, LAST_YEAR + 1):
        period = period_for(year)
        rows = federation_school_rows(side.federation, period)
        assert steps_by_wave(side.federation, period) == dict(Counter((row.step, row.wave) for row in rows))
