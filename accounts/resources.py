"""The school import, shared by the admin's import page and `manage.py import_schools`.

A file has one school per line under the columns `FASE, name, address, postcode, city, PO,
level, wave` and an optional `FPO` (French headers are accepted too). Each bad row is
reported with its line in the file (the header is line 1) and a French reason; a row is
matched to an existing school by its FASE number, so importing a file again updates it.
"""

import re

from django.core.exceptions import ValidationError
from import_export import fields, widgets

from core.imports import (
    CSV,
    XLSX,
    AllOrNothingResource,
    HeaderError,
    TextWidget,
    cell_text,
    file_line,
    simplify,
)
from core.text import plural

from .models import Federation, OrganisingAuthority, School

# Header as written in the file (normalised by `simplify`) → the resource's column name.
COLUMN_ALIASES = {
    "fase": "FASE",
    "name": "name",
    "nom": "name",
    "address": "address",
    "adresse": "address",
    "postcode": "postcode",
    "code postal": "postcode",
    "city": "city",
    "localite": "city",
    "po": "PO",
    "pouvoir organisateur": "PO",
    "level": "level",
    "niveau": "level",
    "wave": "wave",
    "phase": "wave",
    "vague": "wave",
    "fpo": "FPO",
    "federation": "FPO",
}
REQUIRED_COLUMNS = ["FASE", "name", "PO", "level", "wave"]

LEVELS = {level.value: level for level in School.Level} | {"maternelle": School.Level.MATERNEL}
SPECIALISED_WORDS = {"specialise", "specialisee"}


class FaseWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            raise ValueError("FASE manquant.")
        if not re.fullmatch(r"[0-9]+", text) or int(text) == 0:
            raise ValueError(f"FASE « {text} » invalide : un nombre entier positif est attendu.")
        return int(text)


class PostcodeWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if text and not re.fullmatch(r"[1-9][0-9]{3}", text):
            raise ValueError(f"Code postal « {text} » invalide : quatre chiffres (1000 à 9999) attendus.")
        return text


class LevelWidget(widgets.Widget):
    """'primaire', 'Primaire spécialisé' … → (level, specialised)."""

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            raise ValueError("Niveau manquant.")
        words = simplify(re.sub(r"[^\w\s]", " ", text)).split()
        specialised = any(word in SPECIALISED_WORDS for word in words)
        levels = [word for word in words if word not in SPECIALISED_WORDS]
        if len(levels) != 1 or levels[0] not in LEVELS:
            raise ValueError(
                f"Niveau inconnu : « {text} » (maternel, primaire, fondamental ou secondaire, "
                "suivi au besoin de « spécialisé »)."
            )
        return LEVELS[levels[0]], specialised


class LevelField(fields.Field):
    """The level column carries two facts: the level and whether the teaching is specialised."""

    def save(self, instance, row, is_m2m=False, **kwargs):
        instance.level, instance.specialised = self.clean(row, **kwargs)

    def export(self, instance, **kwargs):
        # Used for the export and the admin's preview: what is exported imports back the same.
        return f"{instance.level} spécialisé" if instance.specialised else instance.level


class WaveWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if not text:
            raise ValueError("Phase manquante.")
        if text not in {"1", "2", "3"}:
            raise ValueError(f"Phase « {text} » invalide : 1, 2 ou 3 attendu.")
        return int(text)


class SchoolResource(AllOrNothingResource):
    fase = fields.Field(attribute="fase", column_name="FASE", widget=FaseWidget())
    name = fields.Field(attribute="name", column_name="name", widget=TextWidget("Nom manquant."))
    street = fields.Field(attribute="street", column_name="address", widget=TextWidget())
    postcode = fields.Field(attribute="postcode", column_name="postcode", widget=PostcodeWidget())
    city = fields.Field(attribute="city", column_name="city", widget=TextWidget())
    # PO and FPO are read together by `import_parties` (the federation depends on the PO);
    # the fields serve the export and the list of columns shown on the admin's import page.
    organising_authority = fields.Field(
        attribute="organising_authority",
        column_name="PO",
        widget=widgets.ForeignKeyWidget(OrganisingAuthority, "name"),
        readonly=True,
    )
    level = LevelField(attribute="level", column_name="level", widget=LevelWidget())
    wave = fields.Field(attribute="wave", column_name="wave", widget=WaveWidget())
    federation = fields.Field(
        attribute="federation",
        column_name="FPO",
        widget=widgets.ForeignKeyWidget(Federation, "code"),
        readonly=True,
    )

    # The files it reads, in the admin as in `manage.py import_schools`.
    file_formats = [CSV, XLSX]

    # The PO and the federation come from the lookups `before_import` preloads, the FASE is
    # matched to the existing school and checked once in the file, the constraints (FASE
    # positive, wave 1 to 3) by the widgets: no query per row for any of them.
    validation_exclude = ("organising_authority", "federation")
    check_unique_in_database = False
    check_constraints_in_database = False

    class Meta:
        model = School
        fields = [
            "fase",
            "name",
            "street",
            "postcode",
            "city",
            "organising_authority",
            "level",
            "wave",
            "federation",
        ]
        import_id_fields = ["fase"]
        # Blank lines (spreadsheets often end with some) are skipped without a word.
        report_skipped = False

    def before_import(self, dataset, **kwargs):
        self.lines_by_fase = {}
        self.existing = self.existing_schools(dataset)
        # One query each for the whole file; names and codes are compared case-insensitively.
        self.organising_authorities = {
            po.name.casefold(): po for po in OrganisingAuthority.objects.prefetch_related("federations")
        }
        self.federations = {federation.code.casefold(): federation for federation in Federation.objects.all()}
        headers = [self.column_name(header) for header in dataset.headers or []]
        if headers:
            dataset.headers = headers
            self.header_error = self.check_headers(headers)
        else:
            self.header_error = "Le fichier est vide."
        if self.header_error:
            raise HeaderError(self.header_error)

    @staticmethod
    def column_name(header) -> str:
        """The resource's name for a header of the file, or the header as it is if unknown."""
        header = cell_text(header)
        return COLUMN_ALIASES.get(simplify(header), header)

    def check_headers(self, headers) -> str | None:
        problems = []
        missing = [column for column in REQUIRED_COLUMNS if column not in headers]
        if missing:
            problems.append(
                f"{plural(len(missing), 'Colonne manquante', 'Colonnes manquantes')} : {', '.join(missing)}."
            )
        known = set(COLUMN_ALIASES.values())
        duplicated = sorted({h for h in headers if h in known and headers.count(h) > 1})
        if duplicated:
            problems.append(
                f"{plural(len(duplicated), 'Colonne', 'Colonnes')} en double : {', '.join(duplicated)}."
            )
        if not problems:
            return None
        expected = ", ".join(f.column_name for f in self.get_import_fields() if f.column_name != "FPO")
        return " ".join(problems) + f" Colonnes attendues : {expected} et, au besoin, FPO."

    @staticmethod
    def existing_schools(dataset) -> dict:
        """The schools the file names, by FASE, in a few queries rather than one per row."""
        if "FASE" not in (dataset.headers or []):
            return {}
        fases = sorted(
            {int(text) for text in map(cell_text, dataset["FASE"]) if text.isascii() and text.isdecimal()}
        )
        existing = {}
        # In slices: a database takes only so many parameters in one query.
        for start in range(0, len(fases), 5000):
            existing |= School.objects.in_bulk(fases[start : start + 5000], field_name="fase")
        return existing

    def get_instance(self, instance_loader, row):
        # A missing or malformed FASE names no school: import_instance reports it.
        text = cell_text(row.get("FASE"))
        return self.existing.get(int(text)) if text.isascii() and text.isdecimal() else None

    def import_instance(self, instance, row, **kwargs):
        """Fill the school from the row, collecting every problem of the row at once."""
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.message_dict
        self.import_parties(instance, row, errors)
        if "fase" not in errors:
            line = file_line(kwargs["row_number"])
            first_line = self.lines_by_fase.setdefault(instance.fase, line)
            if first_line != line:
                errors["fase"] = [f"FASE {instance.fase} déjà présent à la ligne {first_line}."]
        if errors:
            # In the order of the columns, as the user reads the row.
            raise ValidationError({field: errors[field] for field in self.fields if field in errors})

    def import_parties(self, school, row, errors):
        """The PO by its name; the federation from the FPO column, which must be one the PO
        is affiliated to, or else the PO's only federation, if it has just one, or else the
        school's current one, if the PO is still affiliated to it."""
        code = cell_text(row.get("FPO"))
        federation = self.federations.get(code.casefold())
        if code and federation is None:
            errors["federation"] = [f"Fédération inconnue : « {code} »."]

        name = cell_text(row.get("PO"))
        po = self.organising_authorities.get(name.casefold())
        if not name:
            errors["organising_authority"] = ["PO manquant."]
        elif po is None:
            errors["organising_authority"] = [f"PO inconnu : « {name} »."]
        if po is None:
            return
        school.organising_authority = po

        affiliations = list(po.federations.all())
        if not code:
            if len(affiliations) == 1:
                school.federation = affiliations[0]
            elif school.federation not in affiliations:
                # An empty cell keeps a known school's federation while it is still valid:
                # re-importing a file must not take schools away from their federation.
                school.federation = None
        elif federation in affiliations:
            school.federation = federation
        elif federation is not None:
            errors["federation"] = [
                f"Le PO « {po.name} » n'est pas affilié à la fédération « {federation.code} »."
            ]
