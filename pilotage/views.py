"""The pilotage section of a school's page and the forms behind it. Forms answer an htmx
request with the updated section of the page (no reload) and a plain request with a
redirect to the school's page, so that everything also works without JavaScript."""

from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods
from django_htmx.http import reswap, retarget

from accounts.models import Role, School
from conventions.models import Convention, FrameworkNode, State

from . import services
from .calendar import calendar_of
from .forms import (
    ActionCancelForm,
    ActionHeldForm,
    ActionPlanForm,
    AdvisersForm,
    BulkActionForm,
    EngagementTickForm,
    EvaluationForm,
    IndicatorForm,
    IndicatorImportForm,
    IndicatorValueForm,
    NoteForm,
    ObjectiveForm,
    PlanForm,
    StepForm,
    StrategyForm,
    school_year_choices,
)
from .imports import IndicatorImportError, import_indicator_values, read_indicator_file
from .models import (
    Accompaniment,
    ActionRecord,
    CalendarFeed,
    EngagementCheck,
    Evaluation,
    EvaluationResult,
    Indicator,
    Note,
    ObjectiveStatus,
    Plan,
    SchoolObjective,
    Step,
    Strategy,
    school_year_of,
)
from .rules import abilities

HISTORY_SHOWN = 30
NOTES_SHOWN = 50
GET_POST = require_http_methods(["GET", "POST"])

# Each part of the pilotage section: its template and the id of its element on the page.
SECTIONS = {
    "summary": "pilotage",
    "steps": "pilotage-etapes",
    "actions": "pilotage-actions",
    "engagements": "pilotage-engagements",
    "plan": "pilotage-plan",
    "notes": "pilotage-notes",
}


# --- The school page ------------------------------------------------------------------------


def school_context(request, school: School) -> dict:
    """What the school's page shows of pilotage (`accounts.views.school_detail` calls it):
    the school's current accompaniment, if the user may see one."""
    accompaniment = (
        Accompaniment.objects.visible_to(request.user)
        .filter(school=school)
        .with_parties()
        .order_by("closed_on", "-started_on")
        .first()
    )
    if accompaniment is None:
        return {"pilotage": None, "pilotage_can_start": _startable_conventions(request.user, school).exists()}
    return {"pilotage": pilotage_context(request, accompaniment)}


def _startable_conventions(user, school: School):
    conventions = Convention.objects.filter(state=State.SIGNED, schools=school).exclude(
        accompaniments__school=school
    )
    if user.is_superuser:
        return conventions
    return conventions.filter(
        federation__in=user.memberships.filter(role=Role.FPO_STAFF).values("federation")
    )


@dataclass
class TimelineStep:
    step: Step
    entered_on: date | None
    state: str  # "done", "current", "next"


def pilotage_context(request, accompaniment: Accompaniment, **extra) -> dict:
    user = request.user
    today = timezone.localdate()
    can = abilities(user, accompaniment)

    entries = {entry.step_id: entry.entered_on for entry in accompaniment.step_entries.all()}
    timeline = [
        TimelineStep(
            step,
            entries.get(step.number),
            "current"
            if step.number == accompaniment.current_step_id
            else "done"
            if step.number < accompaniment.current_step_id
            else "next",
        )
        for step in Step.objects.all()
    ]
    current_step = next(t.step for t in timeline if t.state == "current")

    actions = accompaniment.actions.select_related("action_type", "adviser")
    planned = list(actions.filter(status=ActionRecord.Status.PLANNED).order_by("date", "start_time", "pk"))
    history = list(
        actions.exclude(status=ActionRecord.Status.PLANNED).order_by("-date", "-pk")[:HISTORY_SHOWN]
    )

    checks = list(
        accompaniment.engagement_checks.select_related("engagement", "done_by").order_by(
            "engagement__position"
        )
    )
    for check in checks:
        check.late = check.is_late(today)

    plan = (
        Plan.objects.filter(accompaniment=accompaniment)
        .prefetch_related(
            Prefetch(
                "objectives",
                queryset=SchoolObjective.objects.prefetch_related(
                    Prefetch(
                        "framework_nodes", queryset=FrameworkNode.objects.select_related("version__framework")
                    ),
                    Prefetch("indicators", queryset=Indicator.objects.prefetch_related("values")),
                ),
            ),
            Prefetch("strategies", queryset=Strategy.objects.prefetch_related("objectives")),
            Prefetch(
                "evaluations",
                queryset=Evaluation.objects.prefetch_related(
                    Prefetch("results", queryset=EvaluationResult.objects.select_related("objective"))
                ),
            ),
        )
        .first()
    )
    deadlines = []
    if plan is not None:
        for deadline in plan.deadlines():
            deadlines.append({"deadline": deadline, "days": (deadline.due_on - today).days})
        _latest_status_per_objective(plan)

    notes = (
        Note.objects.visible_to(user)
        .filter(accompaniment=accompaniment)
        .select_related("author")[:NOTES_SHOWN]
    )
    context = {
        "accompaniment": accompaniment,
        "school": accompaniment.school,
        "can": can,
        "today": today,
        "timeline": timeline,
        "current_step": current_step,
        "planned": planned,
        "history": history,
        "checks": checks,
        "late_count": sum(1 for check in checks if check.late),
        "done_count": sum(1 for check in checks if check.done_at),
        "plan": plan,
        "deadlines": deadlines,
        "notes": notes,
        "advisers": [
            a.adviser
            for a in accompaniment.assignments.select_related("adviser").order_by("adviser__last_name")
        ],
        "sees_private_notes": user.is_superuser
        or any(
            m.role in (Role.FPO_STAFF, Role.FPO_ADVISER) and m.federation_id == accompaniment.federation_id
            for m in user.memberships.all()
        ),
        "year_choices": school_year_choices(),
        "current_school_year": school_year_of(today),
        "statuses": ObjectiveStatus,
    }
    if can["record_actions"]:
        context.setdefault("plan_action_form", ActionPlanForm(federation_id=accompaniment.federation_id))
        context.setdefault("step_form", StepForm())
    if can["add_notes"]:
        context.setdefault("note_form", NoteForm())
    context.update(extra)
    return context


def _latest_status_per_objective(plan: Plan) -> None:
    """Give each objective the status of its latest evaluation (`objective.latest_result`)."""
    latest = {}
    for evaluation in sorted(plan.evaluations.all(), key=lambda e: (e.school_year, e.kind == "intermediate")):
        for result in evaluation.results.all():
            latest[result.objective_id] = result
    for objective in plan.objectives.all():
        objective.latest_result = latest.get(objective.pk)


def _section(
    request, accompaniment: Accompaniment, section: str, *, status: int = 200, **extra
) -> HttpResponse:
    """One part of the pilotage section, as htmx swaps it in place of the old one."""
    context = pilotage_context(request, accompaniment, **extra)
    response = render(request, f"pilotage/includes/{section}.html", {"pilotage": context}, status=status)
    retarget(response, f"#{SECTIONS[section]}")
    return reswap(response, "outerHTML")


def _done(request, accompaniment: Accompaniment, section: str, message: str) -> HttpResponse:
    if request.htmx:
        return _section(request, accompaniment, section, flash=message)
    messages.success(request, message)
    return redirect(f"{accompaniment.school.get_absolute_url()}#{SECTIONS[section]}")


def _form_page(
    request, accompaniment, *, title: str, form, submit: str, action: str, intro: str = "", status=200
):
    return render(
        request,
        "pilotage/form_page.html",
        {
            "school": accompaniment.school,
            "title": title,
            "form": form,
            "submit": submit,
            "action": action,
            "intro": intro,
        },
        status=status,
    )


def _recordable(request, pk: int) -> Accompaniment:
    """An accompaniment where the user records: elsewhere, as if it did not exist."""
    return get_object_or_404(Accompaniment.objects.recordable_by(request.user).with_parties(), pk=pk)


def _posted(request):
    """The form's data on a POST, even an empty one (all its fields may be optional)."""
    return request.POST if request.method == "POST" else None


def _visible(request, pk: int) -> Accompaniment:
    return get_object_or_404(Accompaniment.objects.visible_to(request.user).with_parties(), pk=pk)


def _require(request, perm: str, accompaniment: Accompaniment) -> None:
    if not request.user.has_perm(f"pilotage.{perm}", accompaniment):
        raise PermissionDenied


def _apply_errors(form, error: ValidationError) -> None:
    """A service's ValidationError onto the form: fields it names, or the whole form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


# --- Accompaniment --------------------------------------------------------------------------


@GET_POST
def start(request, fase: int):
    school = get_object_or_404(School.objects.visible_to(request.user), fase=fase)
    conventions = list(_startable_conventions(request.user, school).select_related("federation"))
    if not conventions:
        raise Http404("Aucune convention signée à démarrer pour cette école.")
    if request.method == "POST":
        convention = next(
            (c for c in conventions if str(c.pk) == request.POST.get("convention")), conventions[0]
        )
        try:
            services.start_accompaniments(convention=convention, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Accompagnement démarré sous la convention {convention.reference}.")
        return redirect(school)
    return render(request, "pilotage/start.html", {"school": school, "conventions": conventions})


@GET_POST
def advisers(request, pk: int):
    accompaniment = _visible(request, pk)
    _require(request, "assign_advisers", accompaniment)

    def save(data):
        services.assign_advisers(accompaniment=accompaniment, advisers=data["advisers"], by=request.user)
        return "Conseillers désignés."

    form = AdvisersForm(
        _posted(request),
        accompaniment=accompaniment,
        initial={"advisers": list(accompaniment.advisers.all())},
    )
    return _page_form(
        request,
        accompaniment,
        form,
        title="Désigner les conseillers",
        save=save,
        section="summary",
        intro=f"Conseillers de la fédération {accompaniment.federation} qui accompagnent cette école.",
    )


@GET_POST
def step_move(request, pk: int):
    accompaniment = _recordable(request, pk)
    form = StepForm(_posted(request), initial={"step": min(accompaniment.current_step_id + 1, 5)})
    if request.method == "POST" and form.is_valid():
        try:
            services.move_to_step(
                accompaniment=accompaniment,
                step=form.cleaned_data["step"],
                on=form.cleaned_data["on"],
                by=request.user,
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            return _done(
                request, accompaniment, "steps", f"L'école est passée à l'étape {form.cleaned_data['step']}."
            )
    if request.htmx and request.method == "POST":
        return _section(request, accompaniment, "steps", step_form=form)
    return _form_page(
        request,
        accompaniment,
        title="Changer d'étape",
        form=form,
        submit="Changer d'étape",
        action=request.path,
    )


# --- Actions --------------------------------------------------------------------------------


@GET_POST
def action_plan(request, pk: int):
    accompaniment = _recordable(request, pk)
    form = ActionPlanForm(_posted(request), federation_id=accompaniment.federation_id)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            action = services.plan_action(
                accompaniment=accompaniment,
                action_type=data["action_type"],
                date=data["date"],
                start_time=data["start_time"],
                duration=data["duration"],
                location=data["location"],
                participants=data["participants"],
                by=request.user,
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            return _done(
                request,
                accompaniment,
                "actions",
                f"Action prévue le {action.date:%d/%m/%Y} : {action.action_type}.",
            )
    if request.htmx and request.method == "POST":
        return _section(request, accompaniment, "actions", plan_action_form=form, plan_form_open=True)
    return _form_page(
        request,
        accompaniment,
        title="Prévoir une action",
        form=form,
        submit="Prévoir l'action",
        action=request.path,
    )


def _recordable_action(request, pk: int) -> ActionRecord:
    return get_object_or_404(
        ActionRecord.objects.filter(
            accompaniment__in=Accompaniment.objects.recordable_by(request.user).values("pk")
        ).select_related("action_type", "accompaniment__school", "accompaniment__federation"),
        pk=pk,
    )


def _action_step(request, pk: int, *, mode: str, form_class, do, initial: dict, title: str, submit: str):
    """Shared by 'mark held' and 'cancel': the row's inline form (htmx), the section after
    a POST, or a page of its own without JavaScript."""
    action = _recordable_action(request, pk)
    accompaniment = action.accompaniment
    # Prefixed: several rows may have their form open at once, each with its own ids.
    form = form_class(_posted(request), initial=initial, prefix=f"action-{action.pk}")
    if request.method == "POST" and form.is_valid():
        try:
            message = do(action, form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            return _done(request, accompaniment, "actions", message)
    editing = {"pk": action.pk, "mode": mode, "form": form, "submit": submit}
    if request.htmx and request.method == "POST":
        return _section(request, accompaniment, "actions", editing=editing)
    if request.htmx:
        return render(
            request, "pilotage/includes/action_row_form.html", {"action": action, "editing": editing}
        )
    return _form_page(
        request,
        accompaniment,
        title=f"{title} : {action.action_type}",
        form=form,
        submit=submit,
        action=request.path,
    )


@GET_POST
def action_held(request, pk: int):
    def do(action, data):
        services.mark_held(
            action=action,
            by=request.user,
            held_on=data["held_on"],
            participants=data["participants"],
            participant_count=data["participant_count"],
            note=data["note"],
        )
        return f"Action réalisée le {data['held_on']:%d/%m/%Y} : {action.action_type}."

    action = _recordable_action(request, pk)
    initial = {"held_on": min(action.date, timezone.localdate()), "participants": action.participants}
    return _action_step(
        request,
        pk,
        mode="held",
        form_class=ActionHeldForm,
        do=do,
        initial=initial,
        title="Marquer réalisée",
        submit="Marquer réalisée",
    )


@GET_POST
def action_cancel(request, pk: int):
    def do(action, data):
        services.cancel_action(action=action, by=request.user, reason=data["reason"])
        return f"Action annulée : {action.action_type} du {action.date:%d/%m/%Y}."

    return _action_step(
        request,
        pk,
        mode="cancel",
        form_class=ActionCancelForm,
        do=do,
        initial={},
        title="Annuler l'action",
        submit="Annuler l'action",
    )


@permission_required("pilotage.plan_bulk_actions", raise_exception=True)
@GET_POST
def bulk_action(request):
    form = BulkActionForm(_posted(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions = services.plan_bulk_action(
                accompaniments=data["accompaniments"],
                action_type=data["action_type"],
                date=data["date"],
                start_time=data["start_time"],
                duration=data["duration"],
                location=data["location"],
                participants=data["participants"],
                by=request.user,
            )
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, error.messages if isinstance(error, ValidationError) else str(error))
        else:
            messages.success(
                request,
                f"{data['action_type']} prévue le {data['date']:%d/%m/%Y} pour {len(actions)} école"
                f"{'s' if len(actions) > 1 else ''}.",
            )
            return redirect("pilotage_bulk_action")
    return render(request, "pilotage/bulk_action.html", {"form": form})


# --- Engagements ----------------------------------------------------------------------------


@GET_POST
def engagement_tick(request, pk: int):
    check = get_object_or_404(
        EngagementCheck.objects.visible_to(request.user).select_related(
            "engagement", "accompaniment__school", "accompaniment__convention", "accompaniment__federation"
        ),
        pk=pk,
    )
    accompaniment = check.accompaniment
    _require(request, "tick_engagements", accompaniment)
    form = EngagementTickForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.tick_engagement(
                accompaniment=accompaniment,
                engagement=check.engagement,
                by=request.user,
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            if request.htmx:
                return _section(request, accompaniment, "engagements", flash_error=" ".join(error.messages))
            _apply_errors(form, error)
        else:
            return _done(
                request, accompaniment, "engagements", f"Engagement coché : {check.engagement.label[:80]}"
            )
    return _form_page(
        request,
        accompaniment,
        title="Cocher un engagement du PO",
        form=form,
        submit="Cocher",
        action=request.path,
        intro=check.engagement.label,
    )


# --- Plan -----------------------------------------------------------------------------------


def _editable_plan(request, pk: int) -> Plan:
    accompaniment = _visible(request, pk)
    _require(request, "edit_plan", accompaniment)
    plan, _ = Plan.objects.get_or_create(
        accompaniment=accompaniment, defaults={"school": accompaniment.school}
    )
    plan.accompaniment = accompaniment
    return plan


def _page_form(request, accompaniment, form, *, title: str, save, section: str = "plan", intro: str = ""):
    """A form on a page of its own: `save(cleaned_data)` calls the service and returns the
    message to show back on the school's page."""
    if request.method == "POST" and form.is_valid():
        try:
            message = save(form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, message)
            return redirect(f"{accompaniment.school.get_absolute_url()}#{SECTIONS[section]}")
    return _form_page(
        request, accompaniment, title=title, form=form, submit="Enregistrer", action=request.path, intro=intro
    )


@GET_POST
def plan_edit(request, pk: int):
    plan = _editable_plan(request, pk)

    def save(data):
        services.update_plan(plan=plan, by=request.user, **data)
        return "Plan de pilotage enregistré."

    form = PlanForm(_posted(request), instance=Plan.objects.get(pk=plan.pk))
    return _page_form(request, plan.accompaniment, form, title="Plan de pilotage", save=save)


@GET_POST
def objective_create(request, pk: int):
    return _objective_form(request, _editable_plan(request, pk), None)


@GET_POST
def objective_edit(request, pk: int):
    objective = get_object_or_404(SchoolObjective.objects.visible_to(request.user), pk=pk)
    return _objective_form(request, _editable_plan(request, objective.plan.accompaniment_id), objective)


def _objective_form(request, plan: Plan, objective: SchoolObjective | None):
    def save(data):
        services.save_objective(plan=plan, objective=objective, by=request.user, **data)
        return f"Objectif enregistré : {data['title']}."

    form = ObjectiveForm(_posted(request), instance=objective, federation_id=plan.accompaniment.federation_id)
    return _page_form(request, plan.accompaniment, form, title="Objectif spécifique", save=save)


@GET_POST
def strategy_create(request, pk: int):
    return _strategy_form(request, _editable_plan(request, pk), None)


@GET_POST
def strategy_edit(request, pk: int):
    strategy = get_object_or_404(Strategy.objects.visible_to(request.user), pk=pk)
    return _strategy_form(request, _editable_plan(request, strategy.plan.accompaniment_id), strategy)


def _strategy_form(request, plan: Plan, strategy: Strategy | None):
    def save(data):
        services.save_strategy(plan=plan, strategy=strategy, by=request.user, **data)
        return f"Stratégie enregistrée : {data['title']}."

    form = StrategyForm(_posted(request), plan=plan, instance=strategy)
    return _page_form(request, plan.accompaniment, form, title="Stratégie", save=save)


@GET_POST
def indicator_create(request, pk: int):
    objective = get_object_or_404(SchoolObjective.objects.visible_to(request.user), pk=pk)
    return _indicator_form(request, objective, None)


@GET_POST
def indicator_edit(request, pk: int):
    indicator = get_object_or_404(
        Indicator.objects.visible_to(request.user).select_related("objective"), pk=pk
    )
    return _indicator_form(request, indicator.objective, indicator)


def _indicator_form(request, objective: SchoolObjective, indicator: Indicator | None):
    plan = _editable_plan(request, objective.plan.accompaniment_id)
    objective.plan = plan

    def save(data):
        services.save_indicator(objective=objective, indicator=indicator, by=request.user, **data)
        return f"Indicateur enregistré : {data['name']}."

    form = IndicatorForm(_posted(request), instance=indicator or Indicator(objective=objective))
    return _page_form(
        request, plan.accompaniment, form, title=f"Indicateur de l'objectif « {objective} »", save=save
    )


@GET_POST
def indicator_value(request, pk: int):
    indicator = get_object_or_404(
        Indicator.objects.visible_to(request.user).select_related("objective__plan__accompaniment__school"),
        pk=pk,
    )
    accompaniment = indicator.objective.plan.accompaniment
    _require(request, "record_indicator_values", accompaniment)
    form = IndicatorValueForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.record_indicator_value(indicator=indicator, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            return _done(request, accompaniment, "plan", f"Valeur enregistrée pour « {indicator.name} ».")
    if request.htmx and request.method == "POST":
        return _section(request, accompaniment, "plan", value_form=form, value_form_indicator=indicator.pk)
    return _form_page(
        request,
        accompaniment,
        title=f"Valeur de l'indicateur « {indicator.name} »",
        form=form,
        submit="Enregistrer",
        action=request.path,
    )


@GET_POST
def evaluation_create(request, pk: int):
    plan = _editable_plan(request, pk)
    form = EvaluationForm(_posted(request), plan=plan)

    def save(data):
        services.save_evaluation(
            plan=plan,
            by=request.user,
            kind=data["kind"],
            school_year=data["school_year"],
            held_on=data["held_on"],
            comment=data["comment"],
            results=form.results(),
        )
        return "Évaluation enregistrée."

    return _page_form(
        request,
        plan.accompaniment,
        form,
        title="Évaluation du contrat d'objectifs",
        save=save,
        intro="Pour chaque objectif : atteint, en progrès ou non atteint. Enregistrer à nouveau la même "
        "évaluation (même nature, même année) la met à jour.",
    )


@permission_required("pilotage.import_indicator_values", raise_exception=True)
@GET_POST
def indicator_import(request):
    form = IndicatorImportForm(_posted(request), request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            dataset = read_indicator_file(upload.name, upload.read())
            summary = import_indicator_values(dataset=dataset, user=request.user)
        except IndicatorImportError as error:
            errors = error.errors
        else:
            messages.success(request, str(summary))
            return redirect("pilotage_indicator_import")
    return render(
        request,
        "pilotage/indicator_import.html",
        {"form": form, "errors": errors},
        status=400 if errors else 200,
    )


# --- Notes ----------------------------------------------------------------------------------


@GET_POST
def note_add(request, pk: int):
    accompaniment = _recordable(request, pk)
    form = NoteForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            note = services.add_note(
                accompaniment=accompaniment,
                by=request.user,
                text=form.cleaned_data["text"],
                visibility=form.cleaned_data["visibility"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            return _done(
                request,
                accompaniment,
                "notes",
                f"Note {note.get_visibility_display().split(' (')[0].lower()} ajoutée.",
            )
    if request.htmx and request.method == "POST":
        return _section(request, accompaniment, "notes", note_form=form)
    return _form_page(
        request, accompaniment, title="Ajouter une note", form=form, submit="Ajouter", action=request.path
    )


# --- Calendar -------------------------------------------------------------------------------


@permission_required("pilotage.have_calendar", raise_exception=True)
@GET_POST
def calendar(request):
    feed = CalendarFeed.objects.filter(user=request.user).first()
    if request.method == "POST":
        feed = services.calendar_feed_of(user=request.user, renew=feed is not None)
        messages.success(
            request,
            "Nouveau lien créé : l'ancien ne fonctionne plus." if request.POST.get("renew") else "Lien créé.",
        )
        return redirect("pilotage_calendar")
    url = request.build_absolute_uri(reverse("pilotage_calendar_feed", args=[feed.token])) if feed else None
    return render(request, "pilotage/calendar.html", {"feed": feed, "url": url})


@login_not_required
@require_http_methods(["GET", "HEAD"])
def calendar_feed(request, token: str):
    feed = get_object_or_404(CalendarFeed.objects.select_related("user"), token=token)
    response = HttpResponse(calendar_of(feed.user), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="pilotis.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response
