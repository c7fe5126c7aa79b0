"""What changed between two versions of a record of the audit trail (django-simple-history):
each field with its French name (`verbose_name`), choice values with their labels, foreign keys
with the str of the object they point to. Knows no domain: the apps say which records to read."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from django.db import models
from django.utils import timezone

# Bookkeeping that a reader of the trail does not need.
HIDDEN_FIELDS = {"id", "created_at", "updated_at", "lock_version", "token_hash", "password"}


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class Entry:
    """One version of one object: who, when, what."""

    kind: str
    kind_label: str
    object_label: str
    when: object
    user: object
    action: str
    changes: list[Change] = field(default_factory=list)
    record: object = None

    @property
    def user_label(self) -> str:
        return (self.user.get_full_name() or self.user.email) if self.user else "Système"


ACTIONS = {"+": "Création", "~": "Modification", "-": "Suppression"}


def tracked_fields(model) -> list[models.Field]:
    """The fields of the live model that its history keeps and a reader may see."""
    history_model = model.history.model
    kept = {f.attname for f in history_model._meta.concrete_fields}
    return [
        f
        for f in model._meta.concrete_fields
        if f.attname in kept and f.name not in HIDDEN_FIELDS and not f.name.startswith("history_")
    ]


def _raw(record, f):
    return getattr(record, f.attname)


# Where `_read_m2m_snapshots` leaves, on a historical record, the ids its m2m fields held.
M2M_SNAPSHOTS = "_m2m_snapshots"


def _m2m_ids(record, f) -> frozenset:
    """The ids a many-to-many field held in this version (kept by simple-history's m2m_fields)."""
    if f.name in (read := record.__dict__.get(M2M_SNAPSHOTS, {})):
        return read[f.name]
    return frozenset(
        getattr(row, f.m2m_reverse_field_name() + "_id") for row in getattr(record, f.name).all()
    )


def _m2m_changes(model, record, previous):
    if previous is None or record.history_type == "-":
        return []
    return [
        (f, old, new)
        for f in getattr(record, "_history_m2m_fields", [])
        if (old := _m2m_ids(previous, f)) != (new := _m2m_ids(record, f))
    ]


def _pending_changes(model, record, previous):
    """(field, old raw, new raw) for every field that differs; a creation lists what it set,
    a deletion what was there. A many-to-many field's raw value is the set of ids it held."""
    result = _m2m_changes(model, record, previous)
    for f in tracked_fields(model):
        new = _raw(record, f)
        if record.history_type == "-":
            old, new = new, None
            if old in (None, ""):
                continue
        elif previous is None:
            old = None
            if new in (None, "", False) and record.history_type == "+":
                continue
        else:
            old = _raw(previous, f)
        if old != new:
            result.append((f, old, new))
    return result


def _display(f, value, labels) -> str:
    if value is None or value == "" or value == frozenset():
        return "—"
    if isinstance(value, frozenset):
        return ", ".join(sorted(labels.get((f.related_model, v), f"#{v}") for v in value))
    if f.is_relation:
        return labels.get((f.related_model, value), f"#{value}")
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}".replace(".", ",")
    if isinstance(value, datetime):
        return (
            timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
            if timezone.is_aware(value)
            else f"{value:%d/%m/%Y %H:%M}"
        )
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, time):
        return f"{value:%H:%M}"
    return str(value)


# Ids per query when reading many-to-many snapshots: well under SQLite's bound on parameters.
SNAPSHOT_BATCH = 1000


def _read_m2m_snapshots(rows) -> None:
    """The many-to-many ids kept with every version of the page (a record and the one before
    it), one query per historical model and field rather than one per version; `_m2m_ids`
    finds them on the version."""
    # A version can come twice, as a row of the page and as the one before the next row.
    versions_by_model = defaultdict(lambda: defaultdict(list))
    for _kind, _kind_label, _model, record, previous, _label in rows:
        for version in (record, previous):
            if version is not None and getattr(version, "_history_m2m_fields", None):
                versions_by_model[type(version)][version.history_id].append(version)
    for versions in versions_by_model.values():
        some_version = next(iter(versions.values()))[0]
        for f in some_version._history_m2m_fields:
            held = defaultdict(set)
            snapshot_model = getattr(some_version, f.name).model
            history_ids = list(versions)
            for start in range(0, len(history_ids), SNAPSHOT_BATCH):
                for history_id, related_id in snapshot_model.objects.filter(
                    history_id__in=history_ids[start : start + SNAPSHOT_BATCH]
                ).values_list("history_id", f.m2m_reverse_field_name() + "_id"):
                    held[history_id].add(related_id)
            for history_id, same_version in versions.items():
                for version in same_version:
                    version.__dict__.setdefault(M2M_SNAPSHOTS, {})[f.name] = frozenset(held[history_id])


def build_entries(rows) -> list[Entry]:
    """`rows`: (kind, kind_label, model, record, previous record or None, object label).
    Foreign keys are named with one query per related model, many-to-many snapshots with one
    query per field."""
    _read_m2m_snapshots(rows)
    pending = [(row, _pending_changes(row[2], row[3], row[4])) for row in rows]
    wanted = defaultdict(set)
    for _row, changes in pending:
        for f, old, new in changes:
            if isinstance(old, frozenset):
                wanted[f.related_model].update(old | new)
            elif f.is_relation:
                wanted[f.related_model].update(v for v in (old, new) if v is not None)
    labels = {}
    for related, ids in wanted.items():
        for pk, obj in related._default_manager.in_bulk(ids).items():
            labels[(related, pk)] = str(obj)
    entries = []
    for (kind, kind_label, _model, record, _previous, object_label), changes in pending:
        entries.append(
            Entry(
                kind=kind,
                kind_label=kind_label,
                object_label=object_label,
                when=record.history_date,
                user=record.history_user,
                action=ACTIONS.get(record.history_type, record.history_type),
                changes=[
                    change
                    for f, old, new in changes
                    # A timestamp rewritten within the same minute is no change to a reader.
                    if (
                        change := Change(
                            str(f.verbose_name), _display(f, old, labels), _display(f, new, labels)
                        )
                    ).old
                    != change.new
                ],
                record=record,
            )
        )
    return entries
