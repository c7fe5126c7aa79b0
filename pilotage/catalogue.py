"""The five steps and the federations' catalogues of actions, loaded from the fixtures
(`fixtures/pilotage/steps.json`, `fixtures/pilotage/catalogue-*.json`). Loading is
idempotent: steps are the decree's and always rewritten; an action already in a catalogue
is left as the federation's staff edited it in the admin, unless `update=True`."""

import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction

from accounts.models import Federation

from .models import ActionType, Step

FIXTURES = Path(settings.BASE_DIR) / "fixtures" / "pilotage"
STEP_FIELDS = ["name", "short_name", "period", "description", "months_from_start"]
ACTION_FIELDS = [
    "kind",
    "title",
    "description",
    "audience",
    "mandatory",
    "default_duration",
    "duration_unit",
    "source",
]


class CatalogueError(Exception):
    """A catalogue file cannot be loaded; the message says why, in French."""


@dataclass(frozen=True)
class CatalogueSummary:
    federation: str
    created: int
    updated: int
    unchanged: int

    def __str__(self):
        return (
            f"{self.federation} : {self.created} action(s) ajoutée(s), {self.updated} mise(s) à jour, "
            f"{self.unchanged} inchangée(s)."
        )


def _read(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CatalogueError(f"Fichier introuvable : {path}.") from None
    except json.JSONDecodeError as error:
        raise CatalogueError(f"{path.name} n'est pas un JSON valable (ligne {error.lineno}).") from None


def load_steps(step_model=None) -> int:
    """The five steps, as the CECP convention (art. 3) names them. `step_model` lets a data
    migration pass its historical model."""
    step_model = step_model or Step
    steps = _read(FIXTURES / "steps.json")["steps"]
    for data in steps:
        step_model.objects.update_or_create(
            number=data["number"], defaults={field: data[field] for field in STEP_FIELDS}
        )
    return len(steps)


def catalogue_files() -> list[Path]:
    return sorted(FIXTURES.glob("catalogue-*.json"))


@transaction.atomic
def load_catalogue(path: Path, *, update: bool = False) -> CatalogueSummary:
    """One federation's catalogue from its file. Raises CatalogueError if the federation
    does not exist."""
    data = _read(path)
    federation = Federation.objects.filter(code__iexact=data["federation"]).first()
    if federation is None:
        raise CatalogueError(f"Fédération inconnue : « {data['federation']} » ({path.name}).")
    load_steps()
    created = updated = unchanged = 0
    existing = {action.code: action for action in ActionType.objects.filter(federation=federation)}
    for position, item in enumerate(data["actions"], start=1):
        values = {field: item.get(field, "") for field in ACTION_FIELDS}
        values["mandatory"] = bool(item.get("mandatory", False))
        duration = item.get("default_duration")
        values["default_duration"] = Decimal(str(duration)) if duration is not None else None
        values["duration_unit"] = item.get("duration_unit", "half_days")
        values["step_id"] = item.get("step")
        values["position"] = position
        action = existing.get(item["code"])
        if action is None:
            ActionType.objects.create(federation=federation, code=item["code"], **values)
            created += 1
        elif update and any(getattr(action, field) != value for field, value in values.items()):
            for field, value in values.items():
                setattr(action, field, value)
            action.full_clean()
            action.save()
            updated += 1
        else:
            unchanged += 1
    return CatalogueSummary(federation.code, created, updated, unchanged)


def load_catalogues(*, update: bool = False, skip_unknown: bool = True) -> list[CatalogueSummary]:
    """Every catalogue file; those of a federation that does not exist here are skipped."""
    summaries = []
    for path in catalogue_files():
        try:
            summaries.append(load_catalogue(path, update=update))
        except CatalogueError:
            if not skip_unknown:
                raise
    return summaries
