"""Indicator values from a CSV or XLSX file: all or nothing, each problem with its line."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role
from pilotage.imports import IndicatorImportError, import_indicator_values, read_indicator_file
from pilotage.models import IndicatorValue
from tests.pilotage.factories import objective_with_indicator
from tests.utils import text_of


def _csv(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("valeurs.csv", text.encode("utf-8"), content_type="text/csv")


def test_a_good_file_is_imported_and_reimported(client, accompaniment_a, referent_a):
    indicator = objective_with_indicator(accompaniment_a)
    fase = accompaniment_a.school.fase
    client.force_login(referent_a)
    content = f"FASE;indicateur;année;valeur\n{fase};Élèves lecteurs;2023-2024;41,5\n{fase};élèves LECTEURS;2024;44\n"
    response = client.post(reverse("pilotage_indicator_import"), {"file": _csv(content)})
    assert response.status_code == 302
    assert "2 valeurs importées : 2 nouvelles, 0 remplacée." in text_of(
        client.get(response.headers["Location"])
    )
    assert dict(IndicatorValue.objects.values_list("school_year", "value")) == {
        2023: Decimal("41.5"),
        2024: Decimal("44"),
    }
    response = client.post(
        reverse("pilotage_indicator_import"),
        {"file": _csv(f"FASE,indicator,year,value\n{fase},Élèves lecteurs,2024,45\n")},
    )
    assert IndicatorValue.objects.get(indicator=indicator, school_year=2024).value == Decimal("45")


def test_an_excel_file_in_windows_1252_is_read_and_the_user_told(client, accompaniment_a, referent_a):
    indicator = objective_with_indicator(accompaniment_a, name="Élèves à l'heure (coût 5 €)")
    client.force_login(referent_a)
    content = (
        f"FASE;indicateur;année;valeur\n{accompaniment_a.school.fase};Élèves à l'heure (coût 5 €);2024;41,5\n"
    )
    upload = SimpleUploadedFile("valeurs.csv", content.encode("cp1252"), content_type="text/csv")

    response = client.post(reverse("pilotage_indicator_import"), {"file": upload}, follow=True)

    assert "Fichier lu en Windows-1252 (Excel). 1 valeur importée" in text_of(response)
    assert IndicatorValue.objects.get(indicator=indicator, school_year=2024).value == Decimal("41.5")


def test_the_encoding_is_said_beside_the_problems_too(client, accompaniment_a, referent_a):
    objective_with_indicator(accompaniment_a)
    client.force_login(referent_a)
    content = f"FASE;indicateur;année;valeur\n{accompaniment_a.school.fase};Élèves lecteurs;2024;beaucoup\n"
    upload = SimpleUploadedFile("valeurs.csv", content.encode("utf-8"), content_type="text/csv")

    response = client.post(reverse("pilotage_indicator_import"), {"file": upload})

    assert response.status_code == 400
    assert "Fichier lu en UTF-8. Rien n'a été importé : 1 problème." in text_of(response)


def test_every_bad_line_is_reported_and_nothing_is_imported(client, accompaniment_a, referent_a, side_b):
    objective_with_indicator(accompaniment_a)
    fase = accompaniment_a.school.fase
    client.force_login(referent_a)
    content = "\n".join(
        [
            "FASE,indicator,year,value",
            f"{fase},Élèves lecteurs,2023,40",
            f"{fase},Élèves lecteurs,2024,beaucoup",
            f"{fase},Inconnu,2024,12",
            f"{side_b.school.fase},Élèves lecteurs,2024,12",
            f"{fase},Élèves lecteurs,vingt,12",
            f"{fase},Élèves lecteurs,2023,41",
            "abc,Élèves lecteurs,2023,41",
            "",
        ]
    )
    response = client.post(reverse("pilotage_indicator_import"), {"file": _csv(content)})
    assert response.status_code == 400
    text = text_of(response)
    assert "Rien n'a été importé : 6 problèmes." in text
    assert "Ligne 3 : Valeur « beaucoup » invalide : un nombre est attendu (par exemple 12,5)." in text
    assert (
        f"Ligne 4 : Indicateur inconnu pour l'école FASE {fase} : « Inconnu » (connus : Élèves lecteurs)."
        in text
    )
    assert f"Ligne 5 : FASE {side_b.school.fase} : aucune école de votre périmètre" in text
    assert "Ligne 6 : Année scolaire « vingt » invalide : 2024 ou 2024-2025 attendu." in text
    assert "Ligne 7 : Valeur déjà donnée à la ligne 2 pour cet indicateur et cette année." in text
    assert "Ligne 8 : FASE « abc » invalide : un nombre entier positif est attendu." in text
    assert not IndicatorValue.objects.exists()


def test_missing_columns_and_unreadable_files(accompaniment_a, referent_a):

    with pytest.raises(IndicatorImportError) as error:
        import_indicator_values(dataset=read_indicator_file("v.csv", b"FASE,valeur\n1,2\n"), user=referent_a)
    assert error.value.errors == [
        "Colonnes manquantes : indicator, year. Colonnes attendues : FASE, indicator, year, value."
    ]
    with pytest.raises(IndicatorImportError, match="non pris en charge"):
        read_indicator_file("v.pdf", b"%PDF")
    with pytest.raises(IndicatorImportError, match="aucune valeur"):
        import_indicator_values(
            dataset=read_indicator_file("v.csv", b"FASE,indicator,year,value\n\n"), user=referent_a
        )


def test_an_xlsx_file_is_read_too(accompaniment_a, side_a):
    objective_with_indicator(accompaniment_a)
    book = openpyxl.Workbook()
    book.active.append(["FASE", "Indicateur", "Année scolaire", "Valeur"])
    book.active.append([accompaniment_a.school.fase, "Élèves lecteurs", "2025-2026", 50.25])
    data = io.BytesIO()
    book.save(data)

    summary = import_indicator_values(
        dataset=read_indicator_file("v.xlsx", data.getvalue()), user=side_a.users[Role.FPO_STAFF]
    )
    assert str(summary) == "1 valeur importée : 1 nouvelle, 0 remplacée."
    assert IndicatorValue.objects.get().value == Decimal("50.25")


def test_an_adviser_may_not_import(client, side_a):
    client.force_login(side_a.users[Role.FPO_ADVISER])
    assert client.get(reverse("pilotage_indicator_import")).status_code == 403


def test_a_larger_file_is_imported_in_the_background_with_its_page(
    client, accompaniment_a, referent_a, settings
):
    settings.IMPORT_SYNC_MAX_ROWS = 5
    objective_with_indicator(accompaniment_a)
    fase = accompaniment_a.school.fase
    client.force_login(referent_a)
    lines = [f"{fase},Élèves lecteurs,{year},{year - 1980}" for year in range(2011, 2021)]

    response = client.post(
        reverse("pilotage_indicator_import"), {"file": _csv("\n".join(["FASE,indicator,year,value", *lines]))}
    )

    assert response.status_code == 302
    page = text_of(client.get(response.headers["Location"]))
    assert "Import de valeurs d'indicateurs" in page
    assert "État : Terminé" in page
    assert "10 valeurs importées : 10 nouvelles, 0 remplacée." in page
    assert IndicatorValue.objects.count() == 10


def test_a_larger_file_with_a_bad_line_imports_nothing_in_the_background(
    client, accompaniment_a, referent_a, settings
):
    settings.IMPORT_SYNC_MAX_ROWS = 5
    objective_with_indicator(accompaniment_a)
    fase = accompaniment_a.school.fase
    client.force_login(referent_a)
    lines = [f"{fase},Élèves lecteurs,{year},{year - 1980}" for year in range(2011, 2021)]
    lines[6] = f"{fase},Élèves lecteurs,2017,beaucoup"

    response = client.post(
        reverse("pilotage_indicator_import"), {"file": _csv("\n".join(["FASE,indicator,year,value", *lines]))}
    )

    page = text_of(client.get(response.headers["Location"]))
    assert "État : Échec" in page
    assert "Rien n'a été importé : 1 problème." in page
    assert "Ligne 8 : Valeur « beaucoup » invalide" in page
    assert not IndicatorValue.objects.exists()


def test_a_file_over_the_size_limit_is_refused_in_french(client, accompaniment_a, referent_a, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1024
    client.force_login(referent_a)

    response = client.post(
        reverse("pilotage_indicator_import"), {"file": _csv("FASE,indicator,year,value\n" * 100)}
    )

    assert response.status_code == 200
    assert "Le fichier dépasse la taille permise (1 Ko) : découpez-le en plusieurs fichiers." in text_of(
        response
    )
    assert not IndicatorValue.objects.exists()
