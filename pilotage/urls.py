from django.urls import include, path

from .views import (
    actions,
    assignments,
    calendar,
    engagements,
    groups,
    journal,
    notes,
    plan,
    reassign,
    school,
    timeline,
)

urlpatterns = [
    path("ecoles/<int:fase>/", school.school_detail, name="school_detail"),
    path("ecoles/<int:fase>/historique/", timeline.school_timeline_page, name="school_timeline"),
    path("ecoles/<int:fase>/dossier.pdf", timeline.school_dossier_pdf, name="school_dossier_pdf"),
    path("ecoles/<int:fase>/pilotage/demarrer/", school.start, name="pilotage_start"),
    path("pilotage/accompagnements/<int:pk>/conseillers/", school.advisers, name="pilotage_advisers"),
    path("pilotage/accompagnements/<int:pk>/etape/", school.step_move, name="pilotage_step_move"),
    path(
        "pilotage/accompagnements/<int:pk>/actions/nouvelle/",
        actions.action_plan,
        name="pilotage_action_plan",
    ),
    path("pilotage/actions/<int:pk>/realisee/", actions.action_held, name="pilotage_action_held"),
    path("pilotage/actions/<int:pk>/annulation/", actions.action_cancel, name="pilotage_action_cancel"),
    path("pilotage/actions-groupees/", actions.bulk_action, name="pilotage_bulk_action"),
    path("pilotage/actions-groupees/<uuid:batch>/", groups.action_group, name="pilotage_action_group"),
    path("pilotage/conseillers/", assignments.bulk_advisers, name="pilotage_bulk_advisers"),
    path(
        "pilotage/engagements/<int:pk>/cocher/", engagements.engagement_tick, name="pilotage_engagement_tick"
    ),
    path("pilotage/accompagnements/<int:pk>/plan/", plan.plan_edit, name="pilotage_plan_edit"),
    path(
        "pilotage/accompagnements/<int:pk>/objectifs/nouveau/",
        plan.objective_create,
        name="pilotage_objective_create",
    ),
    path("pilotage/objectifs/<int:pk>/", plan.objective_edit, name="pilotage_objective_edit"),
    path(
        "pilotage/accompagnements/<int:pk>/strategies/nouvelle/",
        plan.strategy_create,
        name="pilotage_strategy_create",
    ),
    path("pilotage/strategies/<int:pk>/", plan.strategy_edit, name="pilotage_strategy_edit"),
    path(
        "pilotage/objectifs/<int:pk>/indicateurs/nouveau/",
        plan.indicator_create,
        name="pilotage_indicator_create",
    ),
    path("pilotage/indicateurs/<int:pk>/", plan.indicator_edit, name="pilotage_indicator_edit"),
    path("pilotage/indicateurs/<int:pk>/valeurs/", plan.indicator_value, name="pilotage_indicator_value"),
    path("pilotage/indicateurs/import/", plan.indicator_import, name="pilotage_indicator_import"),
    path(
        "pilotage/indicateurs/import/<int:pk>/",
        plan.indicator_import_job,
        name="pilotage_indicator_import_job",
    ),
    path(
        "pilotage/accompagnements/<int:pk>/evaluations/nouvelle/",
        plan.evaluation_create,
        name="pilotage_evaluation_create",
    ),
    path("pilotage/evaluations/<int:pk>/", plan.evaluation_edit, name="pilotage_evaluation_edit"),
    path("pilotage/actions/<int:pk>/correction/", actions.action_correct, name="pilotage_action_correct"),
    path("pilotage/actions/<int:pk>/retablir/", actions.action_reopen, name="pilotage_action_reopen"),
    path("pilotage/actions/<int:pk>/suppression/", actions.action_delete, name="pilotage_action_delete"),
    path(
        "pilotage/engagements/<int:pk>/decocher/",
        engagements.engagement_untick,
        name="pilotage_engagement_untick",
    ),
    path("pilotage/accompagnements/<int:pk>/notes/", notes.note_add, name="pilotage_note_add"),
    path("pilotage/a-reassigner/", reassign.to_reassign, name="pilotage_reassign"),
    path("pilotage/calendrier/", calendar.calendar, name="pilotage_calendar"),
    path("pilotage/calendrier/revoquer/", calendar.calendar_revoke, name="pilotage_calendar_revoke"),
    path("calendrier/<str:token>.ics", calendar.calendar_feed, name="pilotage_calendar_feed"),
    path("journal/", journal.journal_list, name="journal"),
    path("", include("pilotage.dashboards.urls")),
]
