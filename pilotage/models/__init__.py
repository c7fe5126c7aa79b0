"""Each school's path through the five steps of the plan de pilotage: the steps and the
federations' catalogues of actions (`process`), the advisers (`advisers`), the accompaniment of
a school under a signed convention (`accompaniment`), the actions, the PO's engagements and the
notes recorded along it (`follow_up`), the plan that becomes the contrat d'objectifs (`plans`)
and what it holds: objectives, strategies, indicators, evaluations (`objectives`).

Every model a user can reach has `objects.visible_to(user)`, built like the accounts app's
scoping: subqueries on keys only. Federation members see the accompaniments of their
federation; a PO's people those of the PO's schools; a school's direction and DCO their school's.
"""

from .accompaniment import (
    Accompaniment,
    AccompanimentQuerySet,
    AdviserAssignment,
    ScopedQuerySet,
    StepEntry,
    accompaniment_visibility,
)
from .advisers import AdviserProfile, CalendarFeed
from .common import FPO_ROLES, add_months, add_years, user_link
from .corrections import ActionCorrection, EngagementUntick
from .follow_up import (
    NOTE_VISIBILITY_HELP,
    READ_BY_ALL,
    ActionRecord,
    ActionRecordQuerySet,
    EngagementCheck,
    EngagementCheckQuerySet,
    Note,
    NoteQuerySet,
    engagement_due_on,
)
from .objectives import (
    Evaluation,
    EvaluationResult,
    EvaluationResultQuerySet,
    Indicator,
    IndicatorValue,
    IndicatorValueQuerySet,
    ObjectiveScopedQuerySet,
    ObjectiveStatus,
    PlanScopedQuerySet,
    SchoolObjective,
    Strategy,
)
from .plans import Deadline, Plan, ReminderSent
from .process import (
    HOURS_PER_UNIT,
    ActionType,
    ActionTypeQuerySet,
    DurationUnit,
    Step,
    StepQuerySet,
    duration_display,
    duration_field,
    duration_unit_field,
)

__all__ = [
    "FPO_ROLES",
    "HOURS_PER_UNIT",
    "Accompaniment",
    "AccompanimentQuerySet",
    "ActionCorrection",
    "ActionRecord",
    "ActionRecordQuerySet",
    "ActionType",
    "ActionTypeQuerySet",
    "AdviserAssignment",
    "AdviserProfile",
    "CalendarFeed",
    "Deadline",
    "DurationUnit",
    "EngagementCheck",
    "EngagementCheckQuerySet",
    "EngagementUntick",
    "Evaluation",
    "EvaluationResult",
    "EvaluationResultQuerySet",
    "Indicator",
    "IndicatorValue",
    "IndicatorValueQuerySet",
    "Note",
    "NoteQuerySet",
    "ObjectiveScopedQuerySet",
    "ObjectiveStatus",
    "Plan",
    "PlanScopedQuerySet",
    "ReminderSent",
    "SchoolObjective",
    "ScopedQuerySet",
    "Step",
    "StepEntry",
    "StepQuerySet",
    "Strategy",
    "accompaniment_visibility",
    "NOTE_VISIBILITY_HELP",
    "READ_BY_ALL",
    "add_months",
    "add_years",
    "duration_display",
    "duration_field",
    "duration_unit_field",
    "engagement_due_on",
    "user_link",
]
