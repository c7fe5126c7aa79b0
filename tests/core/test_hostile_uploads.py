"""Hostile uploads: files too large, XLSX workbooks that inflate, imports of thousands of lines.
Each is refused in French (or sent to the background) before it can take a worker's memory."""

import csv
import functools
import io
import time
import zipfile

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from accounts.models import School
from core.imports import TableImportError, read_table
from core.models import Job
from core.uploads import UploadTooLarge, read_bounded
from tests.accounts.factories import FederationFactory, OrganisingAuthorityFactory

pytestmark = pytest.mark.django_db

HEADERS = ["FASE", "name", "address", "postcode", "city", "PO", "level", "wave"]


@pytest.fixture
def po(db):
    return OrganisingAuthorityFactory(name="Ville de Namur", federations=[FederationFactory(code="CECP")])


def school_rows(count, *, start=20000, bad_every=None):
    rows = []
    for n in range(count):
        fase = "zéro" if bad_every and n % bad_every == 0 else str(start + n)
        rows.append([fase, f"École {n}", f"Rue {n}", "5000", "Namur", "Ville de Namur", "primaire", "1"])
    return rows


def csv_bytes(rows, headers=HEADERS) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([headers, *rows])
    return out.getvalue().encode()


@functools.cache
def zip_bomb_xlsx(uncompressed_megabytes: int) -> bytes:
    """A real workbook whose sheet is `uncompressed_megabytes` of rows: a few hundred KB once
    compressed, as the one that passed the 5 MB cap."""
    book = io.BytesIO()
    Workbook().save(book)
    bomb = io.BytesIO()
    with (
        zipfile.ZipFile(book) as small,
        zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as big,
    ):
        for member in small.infolist():
            if member.filename != "xl/worksheets/sheet1.xml":
                big.writestr(member, small.read(member))
        row = b'<row><c t="inlineStr"><is><t>' + b"A" * 1000 + b"</t></is></c></row>"
        with big.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(
                b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            )
            chunk = row * 1000
            for _ in range(uncompressed_megabytes * 1024 * 1024 // len(chunk)):
                sheet.write(chunk)
            sheet.write(b"</sheetData></worksheet>")
    return bomb.getvalue()


def admin_upload(client, name, content):
    return client.post(
        reverse("admin:accounts_school_import"),
        {"format": "0", "import_file": SimpleUploadedFile(name, content)},
        follow=True,
    )


def page_text(response) -> str:
    return BeautifulSoup(response.content, "html.parser").get_text(" ", strip=True)


def test_a_zip_bomb_xlsx_is_refused_in_french_before_it_is_opened():
    bomb = zip_bomb_xlsx(107)
    assert len(bomb) < 1024 * 1024  # small enough for any size cap

    started = time.perf_counter()
    with pytest.raises(TableImportError) as refusal:
        read_table("bombe.xlsx", bomb)

    assert time.perf_counter() - started < 2
    assert refusal.value.errors == [
        "Le fichier bombe.xlsx est trop volumineux une fois décompressé (107 Mo de données pour 60 Mo "
        "permis) : enregistrez la feuille utile au format CSV, ou découpez le fichier."
    ]


def test_the_admin_refuses_a_zip_bomb_quickly(client, admin_user):
    client.force_login(admin_user)
    bomb = zip_bomb_xlsx(107)
    client.get(reverse("admin:accounts_school_import"))  # the first request loads every URL and view
    started = time.perf_counter()
    response = admin_upload(client, "bombe.xlsx", bomb)

    assert time.perf_counter() - started < 5
    assert "est trop volumineux une fois décompressé" in page_text(response)
    assert not Job.objects.exists()


def test_a_workbook_with_too_many_rows_is_refused(settings):
    settings.IMPORT_MAX_ROWS = 50
    workbook = Workbook()
    for row in [HEADERS, *school_rows(60)]:
        workbook.active.append(row)
    content = io.BytesIO()
    workbook.save(content)

    with pytest.raises(TableImportError) as refusal:
        read_table("ecoles.xlsx", content.getvalue())

    assert refusal.value.errors == [
        "Le fichier ecoles.xlsx compte plus de 50 lignes, le maximum permis : découpez-le en plusieurs fichiers."
    ]


def test_a_stream_is_refused_as_soon_as_it_passes_its_limit():
    class Endless(io.RawIOBase):
        """A file that never ends: only a reader that stops on its own gets an answer."""

        read_bytes = 0

        def read(self, size=-1):
            self.read_bytes += size
            return b"x" * size

    stream = Endless()
    with pytest.raises(UploadTooLarge) as refusal:
        read_bounded(stream, name="sans-fin.csv", limit=1024 * 1024)

    assert refusal.value.message == "Le fichier sans-fin.csv dépasse la taille permise (1 Mo)."
    assert stream.read_bytes <= 1024 * 1024 + 64 * 1024


def test_an_oversized_csv_is_refused_in_french_while_it_arrives(client, admin_user, settings):
    """Past UPLOAD_MAX_BYTES the upload handler keeps no more of the file, so the import sees a
    file just above every limit, never the whole of it."""
    settings.UPLOAD_MAX_BYTES = 200 * 1024
    settings.IMPORT_MAX_UPLOAD_BYTES = 100 * 1024
    client.force_login(admin_user)
    content = csv_bytes(school_rows(40_000))
    assert len(content) > 2 * 1024 * 1024

    response = admin_upload(client, "ecoles.csv", content)

    assert "Le fichier ecoles.csv dépasse la taille permise (100 Ko)." in page_text(response)
    assert not School.objects.exists()


def test_a_thousand_schools_are_imported_in_the_background(client, admin_user, po):
    client.force_login(admin_user)

    response = admin_upload(client, "ecoles.csv", csv_bytes(school_rows(1000)))

    job = Job.objects.get()
    assert response.redirect_chain[-1][0] == reverse("admin:accounts_school_import_job", args=[job.pk])
    text = page_text(response)
    assert "Import d'écoles" in text
    assert "Fichier : ecoles.csv (1000 lignes)" in text
    assert "État : Terminé" in text
    assert "1000 écoles importées : 1000 créées, 0 mise à jour." in text
    assert School.objects.count() == 1000


def test_a_background_import_with_one_bad_line_imports_nothing(client, admin_user, po):
    client.force_login(admin_user)
    rows = school_rows(1000)
    rows[700][7] = "9"

    response = admin_upload(client, "ecoles.csv", csv_bytes(rows))

    text = page_text(response)
    assert "État : Échec" in text
    assert "Rien n'a été importé : 1 problème." in text
    assert "Ligne 702 : Phase « 9 » invalide : 1, 2 ou 3 attendu." in text
    assert not School.objects.exists()


def test_a_file_with_500_bad_lines_shows_the_first_200_numbered_and_the_count(client, admin_user, po):
    client.force_login(admin_user)

    response = admin_upload(client, "ecoles.csv", csv_bytes(school_rows(1000, bad_every=2)))

    soup = BeautifulSoup(response.content, "html.parser")
    alert = soup.select_one("#progress .alert-danger")
    assert "Rien n'a été importé : 500 problèmes." in alert.get_text(" ", strip=True)
    items = [li.get_text(strip=True) for li in alert.select("li")]
    assert len(items) == 201
    assert items[0] == "Ligne 2 : FASE « zéro » invalide : un nombre entier positif est attendu."
    assert items[199] == "Ligne 400 : FASE « zéro » invalide : un nombre entier positif est attendu."
    assert items[200] == "… et 300 autres erreurs"
    assert not School.objects.exists()


def test_a_small_file_keeps_the_admin_preview(client, admin_user, po):
    client.force_login(admin_user)

    response = admin_upload(client, "ecoles.csv", csv_bytes(school_rows(3)))

    assert "confirm_form" in response.context
    assert not Job.objects.exists()
    assert not School.objects.exists()


def test_someone_else_cannot_see_an_import_job(client, admin_user, po, django_user_model):
    client.force_login(admin_user)
    admin_upload(client, "ecoles.csv", csv_bytes(school_rows(400)))
    job = Job.objects.get()
    other = django_user_model.objects.create_user(email="autre@pilotis.example", password="x", is_staff=True)
    client.force_login(other)

    response = client.get(reverse("admin:accounts_school_import_job", args=[job.pk]))

    assert response.status_code in (302, 403, 404)
