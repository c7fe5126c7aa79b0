"""The import of indicator values (columns FASE, indicator, year, value; French headers
accepted), with the school import's machinery: the same file formats, the same
all-or-nothing run and the same 'Ligne N : raison' messages."""

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from import_export import fields, widgets
from import_export.results import RowResult
from tablib import Dataset

from accounts.models import User
from accounts.resources import FaseWidget
from core.import_jobs import run_import_job
from core.imports import (
    AllOrNothingResource,
    HeaderError,
    TableImportError,
    cell_text,
    file_line,
    import_all_or_nothing,
    read_table,
    simplify,
)
from core.models import Job
from core.text import plural

from .models import Indicator, IndicatorValue
from .rules import plans_open_to_values_of

IndicatorImportError = TableImportError

COLUMN_ALIASES = {
    "fase": "FASE",
    "indicator": "indicator",
    "indicateur": "indicator",
    "year": "year",
    "annee": "year",
    "annee scolaire": "year",
    "value": "value",
    "valeur": "value",
}
REQUIRED_COLUMNS = ["FASE", "indicator", "year", "value"]


class SchoolYearWidget(widgets.Widget):
    """'2024', '2024-2025' or '2024/25' → 2024."""

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            raise ValueError("Année scolaire manquante.")
        match = re.fullmatch(r"(\d{4})(?:\s*[-/]\s*(\d{2}|\d{4}))?", text)
        if match:
            first = int(match.group(1))
            second = match.group(2)
            if 2000 <= first <= 2100 and (second is None or int(second) % 100 == (first + 1) % 100):
                return first
        raise ValueError(f"Année scolaire « {text} » invalide : 2024 ou 2024-2025 attendu.")


class ValueWidget(widgets.Widget):
    """A number, with a comma or a point for decimals: '12,5' → Decimal('12.5')."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, int | float) and not isinstance(value, bool):
            return Decimal(str(value))
        text = cell_text(value).replace("\u202f", "").replace(" ", "")
        if not text:
            raise ValueError("Valeur manquante.")
        try:
            number = Decimal(text.replace(",", "."))
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            raise ValueError(
                f"Valeur « {cell_text(value)} » invalide : un nombre est attendu (par exemple 12,5)."
            )
        return number


class IndicatorValueResource(AllOrNothingResource):
    fase = fields.Field(column_name="FASE", readonly=True)
    indicator = fields.Field(column_name="indicator", readonly=True)
    school_year = fields.Field(attribute="school_year", column_name="year", widget=SchoolYearWidget())
    value = fields.Field(attribute="value", column_name="value", widget=ValueWidget())

    # Filled from the row by find_indicator; never asked of the user.
    validation_exclude = ("indicator", "recorded_by")

    class Meta:
        model = IndicatorValue
        fields = ["fase", "indicator", "school_year", "value"]
        report_skipped = False

    def __init__(self, *, user: User):
        super().__init__()
        self.user = user

    def before_import(self, dataset, **kwargs):
        headers = [
            COLUMN_ALIASES.get(simplify(cell_text(header)), cell_text(header))
            for header in dataset.headers or []
        ]
        if not headers:
            self.header_error = "Le fichier est vide."
        else:
            dataset.headers = headers
            missing = [column for column in REQUIRED_COLUMNS if column not in headers]
            if missing:
                self.header_error = (
                    f"{plural(len(missing), 'Colonne manquante', 'Colonnes manquantes')} : {', '.join(missing)}. "
                    f"Colonnes attendues : {', '.join(REQUIRED_COLUMNS)}."
                )
        if self.header_error:
            raise HeaderError(self.header_error)
        # One query for the indicators of every school the file names, one for their values.
        fases = {cell_text(value) for value in dataset["FASE"]}
        indicators = Indicator.objects.filter(
            objective__plan__in=plans_open_to_values_of(self.user).filter(
                school__fase__in=[int(f) for f in fases if f.isdecimal()]
            )
        ).select_related("objective__plan__school")
        self.indicators_by_fase: dict[int, dict[str, list[Indicator]]] = {}
        for indicator in indicators:
            names = self.indicators_by_fase.setdefault(indicator.objective.plan.school.fase, {})
            names.setdefault(simplify(indicator.name), []).append(indicator)
        self.existing = {
            (value.indicator_id, value.school_year): value
            for value in IndicatorValue.objects.filter(indicator__in=indicators)
        }
        self.lines_by_key = {}

    def get_or_init_instance(self, instance_loader, row):
        self.row_errors = {}
        indicator = self.find_indicator(row)
        try:
            year = SchoolYearWidget().clean(row.get("year"))
        except ValueError:
            year = None  # import_instance reports it
        existing = self.existing.get((indicator.pk, year)) if indicator else None
        if existing is not None:
            return existing, False
        return IndicatorValue(indicator=indicator), True

    def find_indicator(self, row) -> Indicator | None:
        try:
            fase = FaseWidget().clean(row.get("FASE"))
        except ValueError as error:
            self.row_errors["fase"] = [str(error)]
            return None
        name = cell_text(row.get("indicator"))
        if not name:
            self.row_errors["indicator"] = ["Indicateur manquant."]
            return None
        names = self.indicators_by_fase.get(fase)
        if names is None:
            self.row_errors["fase"] = [
                f"FASE {fase} : aucune école de votre périmètre n'a de plan avec des indicateurs sous ce numéro."
            ]
            return None
        found = names.get(simplify(name), [])
        if not found:
            known = ", ".join(sorted({i.name for same in names.values() for i in same}))
            self.row_errors["indicator"] = [
                f"Indicateur inconnu pour l'école FASE {fase} : « {name} » (connus : {known})."
            ]
            return None
        if len(found) > 1:
            self.row_errors["indicator"] = [
                f"Indicateur « {name} » ambigu pour l'école FASE {fase} : plusieurs objectifs en ont un de ce nom."
            ]
            return None
        return found[0]

    def import_instance(self, instance, row, **kwargs):
        errors = dict(self.row_errors)
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors.update(error.message_dict)
        if instance.indicator_id and "school_year" not in errors:
            key = (instance.indicator_id, instance.school_year)
            line = file_line(kwargs["row_number"])
            first_line = self.lines_by_key.setdefault(key, line)
            if first_line != line:
                errors["school_year"] = [
                    f"Valeur déjà donnée à la ligne {first_line} pour cet indicateur et cette année."
                ]
        if errors:
            order = ["fase", "indicator", "school_year", "value"]
            raise ValidationError({field: errors[field] for field in order if field in errors})

    def before_save_instance(self, instance, row, **kwargs):
        instance.recorded_by = self.user


@dataclass(frozen=True)
class IndicatorImportSummary:
    created: int
    updated: int

    def __str__(self):
        total = self.created + self.updated
        return (
            f"{total} {plural(total, 'valeur importée', 'valeurs importées')} : "
            f"{self.created} {plural(self.created, 'nouvelle', 'nouvelles')}, "
            f"{self.updated} {plural(self.updated, 'remplacée', 'remplacées')}."
        )


def import_indicator_values(*, dataset: Dataset, user: User) -> IndicatorImportSummary:
    """All or nothing, like the school import: raises IndicatorImportError with one French
    sentence per problem, 'Ligne N : raison'."""
    result = import_all_or_nothing(
        lambda: IndicatorValueResource(user=user),
        dataset,
        empty_message="Le fichier ne contient aucune valeur.",
    )
    return IndicatorImportSummary(
        created=result.totals[RowResult.IMPORT_TYPE_NEW], updated=result.totals[RowResult.IMPORT_TYPE_UPDATE]
    )


def read_indicator_file(name: str, data: bytes) -> Dataset:
    return read_table(name, data)


KIND = "pilotage.indicator_import"


def run_indicator_import_job(*, job: Job) -> Job:
    """The values are recorded by, and checked against the scope of, the person who sent the file."""
    return run_import_job(job, lambda dataset: import_indicator_values(dataset=dataset, user=job.created_by))
