"""The admin of pilotage: the administrators see everything; a federation's coordination,
once an administrator gives them access to the admin, edits its own catalogue of actions."""

from django.contrib import admin

from accounts.models import Federation
from core.admin import ReadOnlyAdminMixin

from .models import (
    Accompaniment,
    ActionCorrection,
    ActionRecord,
    ActionType,
    AdviserAssignment,
    AdviserProfile,
    CalendarFeed,
    EngagementCheck,
    EngagementUntick,
    Evaluation,
    EvaluationResult,
    Indicator,
    IndicatorValue,
    Note,
    Plan,
    ReminderSent,
    SchoolObjective,
    Step,
    StepEntry,
    Strategy,
)


@admin.register(Step)
class StepAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "period", "months_from_start"]

    def has_add_permission(self, request):
        return False  # the decree's five steps

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ActionType)
class ActionTypeAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "federation",
        "step",
        "kind",
        "audience",
        "mandatory",
        "default_duration_display",
        "active",
    ]
    list_filter = ["federation", "step", "kind", "mandatory", "active"]
    list_editable = ["active"]
    search_fields = ["title", "code", "description"]
    ordering = ["federation", "step", "position"]

    @admin.display(description="durée par défaut")
    def default_duration_display(self, obj):
        return obj.default_duration_display or "—"

    # A federation's coordination edits its own catalogue, nothing else.
    def _coordinates(self, request) -> bool:
        return request.user.is_superuser or Federation.objects.staffed_by(request.user).exists()

    def has_module_permission(self, request):
        return self._coordinates(request)

    def has_view_permission(self, request, obj=None):
        return self._coordinates(request)

    has_add_permission = has_view_permission
    has_change_permission = has_view_permission
    has_delete_permission = has_view_permission

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("federation", "step")
        if request.user.is_superuser:
            return queryset
        return queryset.filter(federation__in=Federation.objects.staffed_by(request.user))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "federation" and not request.user.is_superuser:
            kwargs["queryset"] = Federation.objects.staffed_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(AdviserProfile)
class AdviserProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "federation", "fte", "technopedagogical"]
    list_filter = ["federation", "technopedagogical"]
    raw_id_fields = ["user"]


class AdviserAssignmentInline(admin.TabularInline):
    model = AdviserAssignment
    fk_name = "accompaniment"
    extra = 0
    raw_id_fields = ["adviser", "assigned_by"]


class StepEntryInline(ReadOnlyAdminMixin, admin.TabularInline):
    """The history of steps, read-only: it is append-only, and moves go through the school's
    page (« Changer d'étape »), which keeps who, when, from, to and why."""

    model = StepEntry
    extra = 0
    fields = readonly_fields = ["entered_on", "from_step", "step", "reason", "entered_by", "recorded_at"]
    ordering = ["entered_on", "recorded_at", "pk"]


@admin.register(Accompaniment)
class AccompanimentAdmin(admin.ModelAdmin):
    list_display = ["school", "federation", "convention", "current_step", "started_on", "closed_on"]
    list_filter = ["federation", "current_step"]
    search_fields = ["school__name", "school__fase", "convention__reference"]
    raw_id_fields = ["school", "convention"]
    inlines = [AdviserAssignmentInline, StepEntryInline]
    list_select_related = ["school", "federation", "convention", "current_step"]


@admin.register(ActionRecord)
class ActionRecordAdmin(admin.ModelAdmin):
    list_display = ["date", "school", "action_type", "status", "adviser"]
    list_filter = ["status", "action_type__federation", "action_type__kind"]
    search_fields = ["school__name", "school__fase", "action_type__title"]
    date_hierarchy = "date"
    raw_id_fields = ["accompaniment", "school", "action_type", "adviser", "created_by", "status_changed_by"]
    list_select_related = ["school", "action_type", "adviser"]


class AppendOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Corrections are kept as written: read in the admin, never added, changed or deleted there."""


@admin.register(ActionCorrection)
class ActionCorrectionAdmin(AppendOnlyAdmin):
    list_display = ["at", "accompaniment", "action_label", "kind", "by"]
    list_filter = ["kind", "accompaniment__federation"]
    search_fields = ["action_label", "reason", "accompaniment__school__name"]
    list_select_related = ["accompaniment__school", "accompaniment__convention", "by"]


@admin.register(EngagementUntick)
class EngagementUntickAdmin(AppendOnlyAdmin):
    list_display = ["at", "engagement_check", "by", "reason"]
    list_select_related = [
        "engagement_check__accompaniment__school",
        "engagement_check__accompaniment__convention",
        "engagement_check__engagement",
        "by",
    ]


@admin.register(EngagementCheck)
class EngagementCheckAdmin(admin.ModelAdmin):
    list_display = ["accompaniment", "engagement", "due_on", "done_at", "done_by"]
    list_filter = ["accompaniment__federation"]
    raw_id_fields = ["accompaniment", "engagement", "done_by"]
    list_select_related = ["accompaniment__school", "accompaniment__convention", "engagement", "done_by"]


class ObjectiveInline(admin.StackedInline):
    model = SchoolObjective
    extra = 0
    raw_id_fields = ["framework_nodes"]


class StrategyInline(admin.StackedInline):
    model = Strategy
    extra = 0
    filter_horizontal = ["objectives"]


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["school", "state", "submitted_to_dco_on", "accepted_on", "contract_start"]
    list_filter = ["state", "accompaniment__federation"]
    search_fields = ["school__name", "school__fase"]
    raw_id_fields = ["accompaniment", "school", "updated_by"]
    inlines = [ObjectiveInline]
    list_select_related = ["school"]


class IndicatorValueInline(admin.TabularInline):
    model = IndicatorValue
    extra = 0
    raw_id_fields = ["recorded_by"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["name", "objective", "direction", "baseline", "target"]
    search_fields = ["name", "objective__plan__school__name"]
    raw_id_fields = ["objective"]
    inlines = [IndicatorValueInline]


class EvaluationResultInline(admin.TabularInline):
    model = EvaluationResult
    extra = 0
    raw_id_fields = ["objective"]


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin):
    list_display = ["plan", "kind", "school_year", "held_on"]
    list_filter = ["kind", "school_year"]
    raw_id_fields = ["plan", "created_by"]
    inlines = [EvaluationResultInline]


@admin.register(Note)
class NoteAdmin(admin.ModelAdmin):
    list_display = ["school", "author", "visibility", "created_at"]
    list_filter = ["visibility"]
    raw_id_fields = ["accompaniment", "school", "author"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at"]
    fields = ["user", "created_at"]
    readonly_fields = ["user", "created_at"]

    def has_add_permission(self, request):
        return False


@admin.register(ReminderSent)
class ReminderSentAdmin(admin.ModelAdmin):
    list_display = ["plan", "kind", "due_on", "sent_on"]
    readonly_fields = ["plan", "kind", "due_on", "sent_on", "recipients"]

    def has_add_permission(self, request):
        return False
