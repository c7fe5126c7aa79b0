"""The school import: `manage.py import_schools` and the admin's import page, both through
SchoolResource."""

import csv
from io import StringIO

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook

from accounts.models import School
from accounts.resources import SchoolResource
from tests.accounts.factories import FederationFactory, OrganisingAuthorityFactory, SchoolFactory

pytestmark = pytest.mark.django_db

HEADERS = ["FASE", "name", "address", "postcode", "city", "PO", "level", "wave", "FPO"]
GOOD_ROWS = [
    [
        "1001",
        "École communale des Tilleuls",
        "Rue des Tilleuls 4",
        "5000",
        "Namur",
        "Ville de Namur",
        "primaire",
        "1",
        "",
    ],
    [
        "1002",
        "École de la Senne",
        "Rue Haute 12",
        "1000",
        "Bruxelles",
        "ville de BRUXELLES",
        "Primaire Spécialisé",
        "2",
        "cpeons",
    ],
    [
        "1003",
        "Athénée du Centre",
        "Boulevard Central 1",
        "1000",
        "Bruxelles",
        "Ville de Bruxelles",
        "secondaire",
        "3",
        "",
    ],
]


@pytest.fixture
def parties(db):
    """Namur is affiliated to the CECP only; Bruxelles to the CECP and the CPEONS."""
    cecp = FederationFactory(code="CECP", name="Conseil de l'enseignement des communes et des provinces")
    cpeons = FederationFactory(
        code="CPEONS",
        name="Conseil des pouvoirs organisateurs de l'enseignement officiel neutre subventionné",
    )
    namur = OrganisingAuthorityFactory(name="Ville de Namur", federations=[cecp])
    brussels = OrganisingAuthorityFactory(name="Ville de Bruxelles", federations=[cecp, cpeons])
    return {"CECP": cecp, "CPEONS": cpeons, "Namur": namur, "Bruxelles": brussels}


def write_csv(path, rows, *, headers=HEADERS, delimiter=",", encoding="utf-8"):
    with open(path, "w", newline="", encoding=encoding) as file:
        csv.writer(file, delimiter=delimiter).writerows([headers, *rows])
    return path


def run_import(path):
    """Run the command; returns (stdout, stderr), or raises CommandError with stderr attached."""
    stdout, stderr = StringIO(), StringIO()
    try:
        call_command("import_schools", str(path), stdout=stdout, stderr=stderr)
    except CommandError as error:
        error.stderr = stderr.getvalue()
        raise
    return stdout.getvalue(), stderr.getvalue()


def failed_import(path):
    with pytest.raises(CommandError) as excinfo:
        run_import(path)
    assert excinfo.value.returncode == 1
    return excinfo.value.stderr + str(excinfo.value)


def test_every_bad_row_is_reported_by_line_and_nothing_is_imported(parties, tmp_path):
    existing = SchoolFactory(fase=1001, name="Ancien nom", organising_authority=parties["Namur"])
    rows = [
        GOOD_ROWS[0],  # line 2: fine, and an update of `existing`
        ["", "Sans numéro", "", "5000", "Namur", "Ville de Namur", "primaire", "1", ""],
        ["12a", "Numéro bizarre", "", "5000", "Namur", "Ville de Namur", "primaire", "1", ""],
        ["1004", "", "", "5000", "Namur", "Ville de Namur", "primaire", "1", ""],
        ["1005", "École X", "", "5000", "Namur", "Commune fantôme", "primaire", "1", ""],
        ["1006", "École Y", "", "999", "Namur", "Ville de Namur", "primaire", "1", ""],
        ["1007", "École Z", "", "5000", "Namur", "Ville de Namur", "supérieur", "1", ""],
        ["1008", "École W", "", "5000", "Namur", "Ville de Namur", "primaire", "4", ""],
        ["1009", "École V", "", "5000", "Namur", "Ville de Namur", "primaire", "1", "XYZ"],
        ["1010", "École U", "", "5000", "Namur", "Ville de Namur", "primaire", "1", "CPEONS"],
        ["1001", "Doublon", "", "5000", "Namur", "Ville de Namur", "primaire", "1", ""],
        ["0", "Deux erreurs", "", "5000", "Namur", "Ville de Namur", "primaire", "", ""],
        GOOD_ROWS[1],  # line 14: fine
    ]
    output = failed_import(write_csv(tmp_path / "ecoles.csv", rows))

    for expected in [
        "Ligne 3 : FASE manquant.",
        "Ligne 4 : FASE « 12a » invalide : un nombre entier positif est attendu.",
        "Ligne 5 : Nom manquant.",
        "Ligne 6 : PO inconnu : « Commune fantôme ».",
        "Ligne 7 : Code postal « 999 » invalide",
        "Ligne 8 : Niveau inconnu : « supérieur »",
        "Ligne 9 : Phase « 4 » invalide : 1, 2 ou 3 attendu.",
        "Ligne 10 : Fédération inconnue : « XYZ ».",
        "Ligne 11 : Le PO « Ville de Namur » n'est pas affilié à la fédération « CPEONS ».",
        "Ligne 12 : FASE 1001 déjà présent à la ligne 2.",
        "Ligne 13 : FASE « 0 » invalide",
        "Ligne 13 : Phase manquante.",
        "12 erreurs : aucune école n'a été importée.",
    ]:
        assert expected in output
    assert "Ligne 2 " not in output and "Ligne 14 " not in output
    # All or nothing: not even the good rows, and the update is not applied either.
    assert School.objects.count() == 1
    existing.refresh_from_db()
    assert existing.name == "Ancien nom"


def test_a_correct_file_imports_the_schools(parties, tmp_path):
    stdout, _ = run_import(write_csv(tmp_path / "ecoles.csv", GOOD_ROWS))

    assert "3 écoles importées : 3 créées, 0 mise à jour." in stdout
    tilleuls = School.objects.get(fase=1001)
    assert tilleuls.name == "École communale des Tilleuls"
    assert tilleuls.street == "Rue des Tilleuls 4"
    assert (tilleuls.postcode, tilleuls.city) == ("5000", "Namur")
    assert tilleuls.organising_authority == parties["Namur"]
    assert (tilleuls.level, tilleuls.specialised, tilleuls.wave) == (School.Level.PRIMAIRE, False, 1)
    # No FPO column value, and Namur has a single federation: that one.
    assert tilleuls.federation == parties["CECP"]

    senne = School.objects.get(fase=1002)
    assert senne.organising_authority == parties["Bruxelles"]  # the PO's name in any case
    assert (senne.level, senne.specialised, senne.wave) == (School.Level.PRIMAIRE, True, 2)
    assert senne.federation == parties["CPEONS"]
    # Bruxelles has two federations and the file names none: left empty.
    assert School.objects.get(fase=1003).federation is None


def test_a_po_without_federation_gives_none_and_refuses_any(parties, tmp_path):
    OrganisingAuthorityFactory(name="ASBL Les Écoles libres")
    rows = [
        ["4001", "École libre", "", "", "", "asbl les écoles libres", "fondamental", "1", ""],
        ["4002", "Autre école libre", "", "", "", "ASBL Les Écoles libres", "fondamental", "1", "CECP"],
    ]
    path = write_csv(tmp_path / "ecoles.csv", rows)

    assert (
        "Ligne 3 : Le PO « ASBL Les Écoles libres » n'est pas affilié à la fédération « CECP »."
        in failed_import(path)
    )

    run_import(write_csv(tmp_path / "ecoles.csv", rows[:1]))
    assert School.objects.get(fase=4001).federation is None


def test_importing_again_updates_by_fase(parties, tmp_path):
    run_import(write_csv(tmp_path / "ecoles.csv", GOOD_ROWS))
    renamed = [["1001", "École des Tilleuls", *GOOD_ROWS[0][2:]], *GOOD_ROWS[1:]]

    stdout, _ = run_import(write_csv(tmp_path / "ecoles.csv", renamed))

    assert "3 écoles importées : 0 créée, 3 mises à jour." in stdout
    assert School.objects.count() == 3
    assert School.objects.get(fase=1001).name == "École des Tilleuls"


def test_an_xlsx_file_with_numeric_cells_imports(parties, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["FASE", "name", "address", "postcode", "city", "PO", "level", "wave"])
    sheet.append([2001, "École du Parc", "Parc 1", 5000, "Namur", "Ville de Namur", "maternel", 2])
    sheet.append(
        [2002.0, "École du Lac", None, 1000.0, "Bruxelles", "Ville de Bruxelles", "fondamental", 3.0]
    )
    sheet.append([None] * 8)  # blank lines at the end are skipped
    workbook.save(tmp_path / "ecoles.xlsx")

    stdout, _ = run_import(tmp_path / "ecoles.xlsx")

    assert "2 écoles importées : 2 créées, 0 mise à jour." in stdout
    park = School.objects.get(fase=2001)
    assert (park.postcode, park.level, park.wave) == ("5000", School.Level.MATERNEL, 2)
    lake = School.objects.get(fase=2002)
    assert (lake.street, lake.postcode, lake.wave) == ("", "1000", 3)


def test_an_xlsx_file_reports_bad_rows_by_line(parties, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["FASE", "name", "address", "postcode", "city", "PO", "level", "wave"])
    sheet.append([2001, "École du Parc", "Parc 1", 5000, "Namur", "Ville de Namur", "maternel", 2])
    sheet.append([2002, "École du Lac", None, 1000, "Bruxelles", "Ville de Liège", "fondamental", 3])
    workbook.save(tmp_path / "ecoles.xlsx")

    output = failed_import(tmp_path / "ecoles.xlsx")

    assert "Ligne 3 : PO inconnu : « Ville de Liège »." in output
    assert not School.objects.exists()


def test_a_semicolon_separated_file_with_bom_imports(parties, tmp_path):
    path = write_csv(tmp_path / "ecoles.csv", GOOD_ROWS, delimiter=";", encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")

    run_import(path)

    assert School.objects.get(fase=1002).name == "École de la Senne"


def test_an_excel_file_in_windows_1252_imports_with_its_accents_and_says_so(parties, tmp_path):
    # What Excel writes for « CSV (séparateur : point-virgule) » on a Belgian PC.
    rows = [
        [
            "1001",
            "École « L'Été »",
            "Place de l'Euro (5 €) 1",
            "4000",
            "Liège",
            "Ville de Namur",
            "primaire",
            "1",
            "",
        ]
    ]
    path = write_csv(tmp_path / "ecoles.csv", rows, delimiter=";", encoding="cp1252")
    assert "€".encode("cp1252") in path.read_bytes()

    stdout, _ = run_import(path)

    school = School.objects.get(fase=1001)
    assert (school.name, school.address, school.city) == (
        "École « L'Été »",
        "Place de l'Euro (5 €) 1, 4000 Liège",
        "Liège",
    )
    assert "Fichier lu en Windows-1252 (Excel)." in stdout


def test_a_utf8_file_says_it_was_read_in_utf8(parties, tmp_path):
    stdout, _ = run_import(write_csv(tmp_path / "ecoles.csv", GOOD_ROWS))

    assert "Fichier lu en UTF-8." in stdout


def test_the_admin_imports_an_excel_file_in_windows_1252_and_says_so(client, admin_user, parties, tmp_path):
    client.force_login(admin_user)
    rows = [["1001", "École de l'Été", "", "4000", "Liège", "Ville de Namur", "primaire", "1", ""]]

    preview = upload(client, write_csv(tmp_path / "ecoles.csv", rows, delimiter=";", encoding="cp1252"))

    assert preview.status_code == 200
    assert "École de l'Été" in BeautifulSoup(preview.content, "html.parser").get_text()
    response = client.post(
        reverse("admin:accounts_school_process_import"), preview.context["confirm_form"].initial, follow=True
    )
    assert School.objects.get(fase=1001).name == "École de l'Été"
    assert "Fichier lu en Windows-1252 (Excel)." in [str(message) for message in response.context["messages"]]


def test_french_headers_in_any_case_are_understood(parties, tmp_path):
    headers = [
        "fase",
        "Nom",
        "ADRESSE",
        "Code postal",
        "Localité",
        "Pouvoir organisateur",
        "Niveau",
        "Vague",
        "Fédération",
    ]

    run_import(write_csv(tmp_path / "ecoles.csv", GOOD_ROWS, headers=headers))

    senne = School.objects.get(fase=1002)
    assert (senne.street, senne.city, senne.wave) == ("Rue Haute 12", "Bruxelles", 2)
    assert senne.federation == parties["CPEONS"]


def test_blank_lines_are_skipped_and_line_numbers_stay_those_of_the_file(parties, tmp_path):
    path = tmp_path / "ecoles.csv"
    lines = [
        ",".join(HEADERS),
        ",".join(GOOD_ROWS[0]),
        "",
        ",".join(["1004", "", "", "", "", "Ville de Namur", "primaire", "1", ""]),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    output = failed_import(path)

    assert "Ligne 4 : Nom manquant." in output
    assert "1 erreur : aucune école n'a été importée." in output


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        (["FASE", "nom"], "Colonnes manquantes : PO, level, wave."),
        (["FASE", "name", "nom", "PO", "level", "wave"], "Colonne en double : name."),
    ],
)
def test_wrong_columns_are_named(parties, tmp_path, headers, message):
    path = write_csv(tmp_path / "ecoles.csv", [["1001"] * len(headers)], headers=headers)

    output = failed_import(path)

    assert message in output
    assert (
        "Colonnes attendues : FASE, name, address, postcode, city, PO, level, wave et, au besoin, FPO."
        in output
    )
    assert "Ligne" not in output  # the header error says it all
    assert not School.objects.exists()


def test_an_empty_file_is_refused(parties, tmp_path):
    (tmp_path / "ecoles.csv").write_bytes(b"")

    assert "Le fichier est vide." in failed_import(tmp_path / "ecoles.csv")


def test_a_file_without_schools_is_refused(parties, tmp_path):
    output = failed_import(write_csv(tmp_path / "ecoles.csv", []))

    assert "Le fichier ne contient aucune école." in output


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("ecoles.ods", b"", "Format de fichier non pris en charge : « ecoles.ods »"),
        ("absent.csv", None, "Fichier introuvable"),
        ("ecoles.xlsx", b"ceci n'est pas un classeur", "Le fichier ecoles.xlsx n'a pas pu être lu"),
        # Bytes that neither UTF-8 nor Windows-1252 can read (0x81 means nothing in either).
        ("ecoles.csv", b"FASE;nom\n1001;\x81cole", "n'est ni en UTF-8 ni en Windows-1252"),
    ],
)
def test_a_file_that_cannot_be_read_gets_a_french_message(tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)

    assert message in failed_import(path)


def test_an_exported_file_imports_back_unchanged(parties, tmp_path):
    SchoolFactory(
        fase=3001, organising_authority=parties["Bruxelles"], federation=parties["CPEONS"], specialised=True
    )
    path = tmp_path / "export.csv"
    path.write_text(SchoolResource().export().csv, encoding="utf-8")

    stdout, _ = run_import(path)

    assert "1 école importée : 0 créée, 1 mise à jour." in stdout
    school = School.objects.get(fase=3001)
    assert (school.specialised, school.federation) == (True, parties["CPEONS"])


# The admin: upload → preview → confirm, with the same resource.


def upload(client, path, format_index="0"):
    with open(path, "rb") as file:
        upload = SimpleUploadedFile(path.name, file.read())
    return client.post(
        reverse("admin:accounts_school_import"), {"format": format_index, "import_file": upload}
    )


def test_admin_preview_shows_the_french_errors_by_line(client, admin_user, parties, tmp_path):
    client.force_login(admin_user)
    rows = [GOOD_ROWS[0], ["1005", "École X", "", "5000", "Namur", "Commune fantôme", "primaire", "1", ""]]

    response = upload(client, write_csv(tmp_path / "ecoles.csv", rows, delimiter=";", encoding="utf-8-sig"))

    assert response.status_code == 200
    assert "confirm_form" not in response.context
    invalid_rows = BeautifulSoup(response.content, "html.parser").select("table.import-preview tbody tr")
    assert len(invalid_rows) == 1
    assert invalid_rows[0].td.get_text(strip=True) == "3"
    assert "PO inconnu : « Commune fantôme »." in invalid_rows[0].get_text()
    assert not School.objects.exists()


def test_admin_preview_then_confirm_imports_the_schools(client, admin_user, parties, tmp_path):
    client.force_login(admin_user)
    workbook = Workbook()
    for row in [HEADERS, *GOOD_ROWS]:
        workbook.active.append(row)
    workbook.save(tmp_path / "ecoles.xlsx")

    preview = upload(client, tmp_path / "ecoles.xlsx", format_index="1")

    assert preview.status_code == 200
    assert not School.objects.exists()  # the preview is a dry run
    confirm_form = preview.context["confirm_form"]
    response = client.post(reverse("admin:accounts_school_process_import"), confirm_form.initial)

    assert response.status_code == 302
    assert School.objects.count() == 3
    assert School.objects.get(fase=1002).federation == parties["CPEONS"]
