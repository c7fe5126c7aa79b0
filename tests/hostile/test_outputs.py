"""Every download carries the hostile corpus safely: school names through the import, objectives
and indicators typed by the PO, in every list export (CSV, XLSX, ODS), the convention list, the
yearly report (XLSX and PDF): no cell starts with a live formula character, no control character
breaks a file, no markup in a PDF."""

import csv
from io import BytesIO, StringIO

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from accounts.models import Role, School
from conventions.models import Convention
from core.exports import spreadsheet_cell
from core.imports import TableImportError, read_table
from core.school_years import current_school_year
from pilotage.dashboards import report, report_files
from tests.pilotage.factories import accompany, objective_with_indicator

from .corpus import (
    CORPUS,
    HYPERLINK,
    NUL,
    assert_no_live_formula,
    csv_cells,
    ods_texts,
    xlsx_cells,
)

pytestmark = pytest.mark.django_db
NAMES = {key: value[:300] for key, value in CORPUS.items() if key != "long"}
EXPORTS = {
    Role.FPO_ADVISER: [("/pilotage/conseiller/", "ecoles")],
    Role.FPO_STAFF: [
        ("/pilotage/federation/", export) for export in ("ecoles", "po", "conseillers", "actions-types")
    ],
    Role.PO_REFERENT: [("/pilotage/po/", "ecoles")],
}


def _import(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as file:
        csv.writer(file).writerows(
            [["FASE", "name", "address", "postcode", "city", "PO", "level", "wave"], *rows]
        )
    call_command("import_schools", str(path), stdout=StringIO(), stderr=StringIO())


@pytest.fixture
def hostile_world(side_a, tmp_path):
    """Schools of PO A named after the corpus (imported), each accompanied, with an objective and
    an indicator named after the corpus too."""
    po = side_a.organising_authority.name
    rows = [
        [str(9100 + number), name, name[:200], "5000", name[:100], po, "primaire", "1"]
        for number, name in enumerate(NAMES.values())
    ]
    _import(tmp_path / "ecoles.csv", rows)
    for school in School.objects.filter(fase__range=(9100, 9199)):
        school.federation = side_a.federation
        school.save(update_fields=["federation"])
        accompaniment = accompany(side_a, school=school)
        objective_with_indicator(accompaniment, name=school.name[:200])
        objective = accompaniment.plan.objectives.get()
        objective.title = school.name
        objective.save(update_fields=["title"])
    return side_a


def test_the_import_keeps_the_names_as_typed(hostile_world):
    assert School.objects.get(fase=9101).name == HYPERLINK
    assert School.objects.filter(fase__range=(9100, 9199)).count() == len(NAMES)


def test_a_nul_byte_in_an_imported_file_is_refused_by_line(side_a, tmp_path):
    with pytest.raises(CommandError):
        _import(
            tmp_path / "nul.csv",
            [["9200", NUL, "", "5000", "Namur", side_a.organising_authority.name, "primaire", "1"]],
        )
    assert not School.objects.filter(fase=9200).exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ods"])
def test_no_list_export_holds_a_live_formula(client, hostile_world, fmt):
    for role, exports in EXPORTS.items():
        client.force_login(hostile_world.users[role])
        for url, export in exports:
            response = client.get(url, {"export": export, "format": fmt})
            assert response.status_code == 200, (role, url, export, response.status_code)
            cells = {"csv": csv_cells, "xlsx": xlsx_cells, "ods": ods_texts}[fmt](response.getvalue())
            assert_no_live_formula(cells)
            if export == "ecoles":
                assert "'" + HYPERLINK in cells, (role, url)
                assert "avantaprès" in cells


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ods"])
def test_the_convention_list_export_holds_no_live_formula(client, hostile_world, fmt):
    assert Convention.objects.exists()
    client.force_login(hostile_world.users[Role.FPO_STAFF])
    response = client.get("/conventions/", {"format": fmt})
    assert response.status_code == 200
    cells = {"csv": csv_cells, "xlsx": xlsx_cells, "ods": ods_texts}[fmt](response.getvalue())
    assert_no_live_formula(cells)


def test_the_yearly_report_holds_no_live_formula_and_no_markup(hostile_world):
    data = report.build(hostile_world.federation, current_school_year())
    cells = xlsx_cells(report_files.render_xlsx(data))
    assert_no_live_formula(cells)
    assert "'" + HYPERLINK in cells
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(report_files.render_pdf(data))).pages)
    assert "<script>" not in text.replace("&lt;script&gt;", "") or "alert('pilotis')" in text
    assert "<ul><li>" not in text


@pytest.mark.parametrize("name", ["indicateurs.csv", "conventions.csv"])
def test_every_import_refuses_a_nul_byte_by_line(name):
    content = f"FASE;nom\n9300;bon\n9301;{NUL}\n".encode()
    with pytest.raises(TableImportError) as refused:
        read_table(name, content)
    assert refused.value.errors == ["Ligne 3 : le caractère nul n’est pas autorisé."]


def test_a_spreadsheet_cell_drops_control_characters_and_neutralises_formulas():
    assert spreadsheet_cell("\x01=1+1") == "'=1+1"
    assert spreadsheet_cell(CORPUS["control"]) == "avantaprès"
    assert spreadsheet_cell("ligne 1\nligne 2") == "ligne 1\nligne 2"
    assert spreadsheet_cell(-2) == -2
