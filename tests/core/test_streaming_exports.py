"""CSV downloads stream: the first bytes leave before the rows are all read, whatever their
number, in the same Belgian dialect as before."""

from datetime import date
from decimal import Decimal
from itertools import count

import pytest
from django.http import Http404

from core.exports import CSV_ROWS_PER_CHUNK, in_batches, table_response


def test_a_csv_download_streams_in_the_belgian_dialect():
    rows = [["=1+1", Decimal("9.50"), date(2025, 8, 31), None, True, "Athénée ; « Nord »"]]
    response = table_response(["Formule", "Taux", "Fin", "Vide", "Oui", "École"], rows, "csv", "Écoles")
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="ecoles.csv"'
    text = response.getvalue().decode("utf-8")
    assert text == (
        '\ufeffFormule;Taux;Fin;Vide;Oui;École\r\n\'=1+1;9,50;31/08/2025;;oui;"Athénée ; « Nord »"\r\n'
    )


def test_a_csv_download_answers_before_its_rows_are_all_read():
    read = count()

    def endless_rows():
        while True:
            yield [next(read), "École"]

    response = table_response(["N", "École"], endless_rows(), "csv", "x")
    first = next(iter(response.streaming_content)).decode("utf-8")
    assert first.startswith("\ufeffN;École\r\n0;École\r\n")
    # One chunk of rows read, not the whole list: memory holds a chunk whatever the rows.
    assert next(read) <= CSV_ROWS_PER_CHUNK + 1


def test_spreadsheets_are_built_whole_and_unknown_formats_refused():
    response = table_response(["N"], iter([[1], [2]]), "xlsx", "x")
    assert not response.streaming and response.content.startswith(b"PK")
    with pytest.raises(Http404):
        table_response(["N"], [], "exe", "x")


def test_batches_are_read_as_they_are_needed():
    assert list(in_batches(range(5), 2)) == [[0, 1], [2, 3], [4]]
    assert list(in_batches([], 2)) == []
