"""The audit trail (journal des modifications): every version of the conventions, their
signatories, the memberships and invitations, and every pilotage record, read from the
historical tables of django-simple-history.

Only federation staff (for their federation) and administrators read it. Each kind says how its
historical rows reach a federation, a convention and a school, so that one list can filter them
all; a page reads one query per kind, then one per kind for the versions before, then one per
model named by a changed foreign key."""

from dataclasses import dataclass
from datetime import date, datetime, time
from heapq import merge

from django.db.models import Q
from django.utils import timezone

from accounts.models import Federation, Invitation, Membership, OrganisingAuthority, School, User
from conventions.models import Convention, ConventionContact, ConventionSignatory
from core.exports import in_batches
from core.history import Entry, build_entries
from core.school_years import school_year_label

from .models import (
    Accompaniment,
    ActionRecord,
    AdviserAssignment,
    EngagementCheck,
    Evaluation,
    EvaluationResult,
    Indicator,
    IndicatorValue,
    Plan,
    SchoolObjective,
    StepEntry,
    Strategy,
)


@dataclass(frozen=True)
class Kind:
    slug: str
    label: str
    model: type
    # Paths from a historical row to the federation, the convention and the school (None: n/a).
    federation: str
    convention: str | None
    school: str | None
    related: tuple
    name: object  # historical row -> what the journal calls the object

    def history(self):
        return self.model.history.model.objects


KINDS = [
    Kind("convention", "Convention", Convention, "federation", "id", None, (), lambda r: r.reference),
    Kind(
        "signataire",
        "Signataire",
        ConventionSignatory,
        "convention__federation",
        "convention",
        None,
        ("convention",),
        lambda r: f"{r.convention.reference} — {r.function} : {r.full_name or '…'}",
    ),
    Kind(
        "contact",
        "Personne de contact",
        ConventionContact,
        "convention__federation",
        "convention",
        None,
        ("convention",),
        lambda r: f"{r.convention.reference} — {r.full_name}, {r.function}",
    ),
    Kind(
        "role",
        "Rôle dans une organisation",
        Membership,
        "federation",
        None,
        "school",
        ("user",),
        lambda r: f"{r.user} — {r.get_role_display()}",
    ),
    Kind(
        "invitation",
        "Invitation",
        Invitation,
        "federation",
        None,
        "school",
        (),
        lambda r: f"{r.email} — {r.get_role_display()}",
    ),
    Kind(
        "accompagnement",
        "Accompagnement",
        Accompaniment,
        "federation",
        "convention",
        "school",
        ("school",),
        lambda r: r.school.name,
    ),
    Kind(
        "conseiller",
        "Conseiller désigné",
        AdviserAssignment,
        "accompaniment__federation",
        "accompaniment__convention",
        "accompaniment__school",
        ("accompaniment__school", "adviser"),
        lambda r: f"{r.accompaniment.school.name} — {r.adviser}",
    ),
    Kind(
        "etape",
        "Entrée dans une étape",
        StepEntry,
        "accompaniment__federation",
        "accompaniment__convention",
        "accompaniment__school",
        ("accompaniment__school",),
        lambda r: f"{r.accompaniment.school.name} — étape {r.step_id}",
    ),
    Kind(
        "action",
        "Action",
        ActionRecord,
        "accompaniment__federation",
        "accompaniment__convention",
        "school",
        ("school", "action_type"),
        lambda r: f"{r.action_type.title} — {r.school.name} — {r.date:%d/%m/%Y}",
    ),
    Kind(
        "engagement",
        "Engagement du PO",
        EngagementCheck,
        "accompaniment__federation",
        "accompaniment__convention",
        "accompaniment__school",
        ("accompaniment__school", "engagement"),
        lambda r: f"{r.accompaniment.school.name} — {r.engagement.label}",
    ),
    Kind(
        "plan",
        "Plan de pilotage",
        Plan,
        "accompaniment__federation",
        "accompaniment__convention",
        "school",
        ("school",),
        lambda r: f"Plan de pilotage — {r.school.name}",
    ),
    Kind(
        "objectif",
        "Objectif spécifique",
        SchoolObjective,
        "plan__accompaniment__federation",
        "plan__accompaniment__convention",
        "plan__school",
        ("plan__school",),
        lambda r: f"{r.plan.school.name} — {r.label} {r.title}".strip(),
    ),
    Kind(
        "strategie",
        "Stratégie",
        Strategy,
        "plan__accompaniment__federation",
        "plan__accompaniment__convention",
        "plan__school",
        ("plan__school",),
        lambda r: f"{r.plan.school.name} — {r.title}",
    ),
    Kind(
        "indicateur",
        "Indicateur",
        Indicator,
        "objective__plan__accompaniment__federation",
        "objective__plan__accompaniment__convention",
        "objective__plan__school",
        ("objective__plan__school",),
        lambda r: f"{r.objective.plan.school.name} — {r.name}",
    ),
    Kind(
        "valeur",
        "Valeur d'indicateur",
        IndicatorValue,
        "indicator__objective__plan__accompaniment__federation",
        "indicator__objective__plan__accompaniment__convention",
        "indicator__objective__plan__school",
        ("indicator__objective__plan__school",),
        lambda r: (
            f"{r.indicator.objective.plan.school.name} — {r.indicator.name} {school_year_label(r.school_year)}"
        ),
    ),
    Kind(
        "evaluation",
        "Évaluation",
        Evaluation,
        "plan__accompaniment__federation",
        "plan__accompaniment__convention",
        "plan__school",
        ("plan__school",),
        lambda r: f"{r.plan.school.name} — {r.get_kind_display()} {school_year_label(r.school_year)}",
    ),
    Kind(
        "resultat",
        "Résultat par objectif",
        EvaluationResult,
        "evaluation__plan__accompaniment__federation",
        "evaluation__plan__accompaniment__convention",
        "evaluation__plan__school",
        ("evaluation__plan__school", "objective"),
        lambda r: f"{r.evaluation.plan.school.name} — {r.objective.label} {r.objective.title}".strip(),
    ),
]
KINDS_BY_SLUG = {kind.slug: kind for kind in KINDS}
KIND_CHOICES = [(kind.slug, kind.label) for kind in KINDS]


def readable_federations(user):
    """The federations whose trail `user` reads: staff's own, every one for an administrator."""
    return Federation.objects.staffed_by(user)


def _scope(kind: Kind, user) -> Q:
    if user.is_superuser:
        return Q()
    federations = readable_federations(user).values("pk")
    scope = Q(**{f"{kind.federation}__in": federations})
    if kind.model in (Membership, Invitation):
        # A PO's or a school's people: read by the staff of the federations the PO belongs to.
        scope |= Q(
            organising_authority__in=OrganisingAuthority.objects.filter(federations__in=federations).values(
                "pk"
            )
        ) | Q(school__in=School.objects.filter(federation__in=federations).values("pk"))
    return scope


@dataclass
class Filters:
    kind: str = ""
    user: User | None = None
    since: date | None = None
    until: date | None = None
    convention: Convention | None = None
    school: School | None = None


def _aware(day: date, end=False) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.max if end else time.min))


def _rows(kind: Kind, user, filters: Filters):
    """The historical rows of one kind that `user` reads and `filters` keep, newest first;
    None when a filter rules the kind out."""
    rows = kind.history().filter(_scope(kind, user))
    if filters.convention is not None:
        if kind.convention is None:
            return None
        rows = rows.filter(**{kind.convention: filters.convention.pk})
    if filters.school is not None:
        if kind.school is None:
            return None
        rows = rows.filter(**{kind.school: filters.school.pk})
    if filters.user is not None:
        rows = rows.filter(history_user=filters.user)
    if filters.since:
        rows = rows.filter(history_date__gte=_aware(filters.since))
    if filters.until:
        rows = rows.filter(history_date__lte=_aware(filters.until, end=True))
    return rows.select_related("history_user", *kind.related).order_by("-history_date", "-history_id")


def _with_previous(kind: Kind, records) -> list:
    """(record, the version just before it) for each record, in one query."""
    if not records:
        return []
    ids = {r.id for r in records}
    newest = max(r.history_id for r in records)
    versions = {}
    for version in kind.history().filter(id__in=ids, history_id__lt=newest).order_by("history_id"):
        versions.setdefault(version.id, []).append(version)
    result = []
    for record in records:
        before = [v for v in versions.get(record.id, []) if v.history_id < record.history_id]
        result.append((record, before[-1] if before else None))
    return result


def _entries(page: list) -> list[Entry]:
    """The entries of (kind, record) pairs, each with its change from the version before."""
    by_kind = {}
    for kind, record in page:
        by_kind.setdefault(kind.slug, []).append(record)
    previous = {}
    for slug, records in by_kind.items():
        for record, before in _with_previous(KINDS_BY_SLUG[slug], records):
            previous[(slug, record.history_id)] = before
    return build_entries(
        [
            (
                kind.slug,
                kind.label,
                kind.model,
                record,
                previous[(kind.slug, record.history_id)],
                kind.name(record),
            )
            for kind, record in page
        ]
    )


def _kinds_read(user, filters: Filters):
    """(kind, its rows newest first) for each kind the filters keep."""
    kinds = [KINDS_BY_SLUG[filters.kind]] if filters.kind in KINDS_BY_SLUG else KINDS
    for kind in kinds:
        rows = _rows(kind, user, filters)
        if rows is not None:
            yield kind, rows


def _newest_first(per_kind):
    return merge(*per_kind, key=lambda pair: pair[1].history_date, reverse=True)


def journal(user, filters: Filters, *, offset: int = 0, limit: int = 50) -> tuple[list[Entry], bool]:
    """The entries of the trail, newest first, from `offset`; with whether more follow."""
    wanted = offset + limit + 1
    per_kind = [[(kind, record) for record in rows[:wanted]] for kind, rows in _kinds_read(user, filters)]
    merged = list(_newest_first(per_kind))
    return _entries(merged[offset : offset + limit]), len(merged) > offset + limit


def _tagged(kind: Kind, rows, batch: int):
    for record in rows.iterator(chunk_size=batch):
        yield kind, record


def whole_journal(user, filters: Filters, *, batch: int = 500):
    """Every entry of the trail, newest first, read in batches as they are asked for (an
    export): memory holds a batch per kind, however long the trail."""
    per_kind = [_tagged(kind, rows, batch) for kind, rows in _kinds_read(user, filters)]
    for page in in_batches(_newest_first(per_kind), batch):
        yield from _entries(page)


def trail_users(user):
    """The people who appear in the trail the user reads, for the filter."""
    if user.is_superuser:
        return User.objects.order_by("last_name", "first_name", "email")
    federations = readable_federations(user)
    return (
        User.objects.filter(
            Q(memberships__federation__in=federations)
            | Q(memberships__organising_authority__federations__in=federations)
            | Q(memberships__school__federation__in=federations)
        )
        .distinct()
        .order_by("last_name", "first_name", "email")
    )
