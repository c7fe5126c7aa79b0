from django.urls import path

from . import views

urlpatterns = [
    path("ecoles/<int:fase>/pilotage/demarrer/", views.start, name="pilotage_start"),
    path("pilotage/accompagnements/<int:pk>/conseillers/", views.advisers, name="pilotage_advisers"),
    path("pilotage/accompagnements/<int:pk>/etape/", views.step_move, name="pilotage_step_move"),
    path(
        "pilotage/accompagnements/<int:pk>/actions/nouvelle/", views.action_plan, name="pilotage_action_plan"
    ),
    path("pilotage/actions/<int:pk>/realisee/", views.action_held, name="pilotage_action_held"),
    path("pilotage/actions/<int:pk>/annulation/", views.action_cancel, name="pilotage_action_cancel"),
    path("pilotage/actions-groupees/", views.bulk_action, name="pilotage_bulk_action"),
    path("pilotage/engagements/<int:pk>/cocher/", views.engagement_tick, name="pilotage_engagement_tick"),
    path("pilotage/accompagnements/<int:pk>/plan/", views.plan_edit, name="pilotage_plan_edit"),
    path(
        "pilotage/accompagnements/<int:pk>/objectifs/nouveau/",
        views.objective_create,
        name="pilotage_objective_create",
    ),
    path("pilotage/objectifs/<int:pk>/", views.objective_edit, name="pilotage_objective_edit"),
    path(
        "pilotage/accompagnements/<int:pk>/strategies/nouvelle/",
        views.strategy_create,
        name="pilotage_strategy_create",
    ),
    path("pilotage/strategies/<int:pk>/", views.strategy_edit, name="pilotage_strategy_edit"),
    path(
        "pilotage/objectifs/<int:pk>/indicateurs/nouveau/",
        views.indicator_create,
        name="pilotage_indicator_create",
    ),
    path("pilotage/indicateurs/<int:pk>/", views.indicator_edit, name="pilotage_indicator_edit"),
    path("pilotage/indicateurs/<int:pk>/valeurs/", views.indicator_value, name="pilotage_indicator_value"),
    path("pilotage/indicateurs/import/", views.indicator_import, name="pilotage_indicator_import"),
    path(
        "pilotage/accompagnements/<int:pk>/evaluations/nouvelle/",
        views.evaluation_create,
        name="pilotage_evaluation_create",
    ),
    path("pilotage/accompagnements/<int:pk>/notes/", views.note_add, name="pilotage_note_add"),
    path("pilotage/calendrier/", views.calendar, name="pilotage_calendar"),
    path("calendrier/<str:token>.ics", views.calendar_feed, name="pilotage_calendar_feed"),
]
