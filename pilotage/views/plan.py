"""The plan de pilotage and what it holds: objectives, strategies, indicators and their
values, evaluations; the import of indicator values."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from core import jobs
from core.import_jobs import is_large, new_import_job
from core.imports import encoding_note, errors_shown
from core.uploads import UploadTooLarge, read_upload
from core.views import import_job_page
from pilotage.forms import (
    SEARCH_BUTTON,
    SEARCH_FIELD,
    EvaluationForm,
    IndicatorForm,
    IndicatorImportForm,
    IndicatorValueForm,
    ObjectiveForm,
    PlanForm,
    StrategyForm,
    typed_values,
)
from pilotage.imports import KIND as INDICATOR_IMPORT
from pilotage.imports import IndicatorImportError, import_indicator_values, read_indicator_file
from pilotage.models import Evaluation, Indicator, Plan, SchoolObjective, Strategy
from pilotage.services import plans as services
from pilotage.tasks import import_indicator_values_in_background

from .common import (
    GET_POST,
    apply_errors,
    done,
    form_page,
    page_form,
    posted,
    render_section,
    require_perm,
    visible_accompaniment,
)


def _editable_plan(request, pk: int) -> Plan:
    """The plan of an accompaniment where the user edits plans. An accompaniment that has
    none yet shows an empty one on a GET; its plan is created when a form is sent."""
    accompaniment = visible_accompaniment(request, pk)
    require_perm(request, "edit_plan", accompaniment)
    if request.method == "POST":
        return services.plan_of(accompaniment=accompaniment, by=request.user)
    plan = Plan.objects.filter(accompaniment=accompaniment).first() or Plan(school=accompaniment.school)
    plan.accompaniment = accompaniment
    return plan


@GET_POST
def plan_edit(request, pk: int):
    plan = _editable_plan(request, pk)

    def save(data):
        services.update_plan(plan=plan, by=request.user, **data)
        return "Plan de pilotage enregistré."

    # A copy of its own: validating the form changes its instance.
    form = PlanForm(posted(request), instance=Plan.objects.get(pk=plan.pk) if plan.pk else Plan())
    return page_form(request, plan.accompaniment, form, title="Plan de pilotage", save=save)


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

    federation_id = plan.accompaniment.federation_id
    if request.method == "POST" and SEARCH_BUTTON in request.POST:
        # The picker's filter without JavaScript: the form comes back as typed, filtered, unsaved.
        form = ObjectiveForm(
            instance=objective,
            federation_id=federation_id,
            search=request.POST.get(SEARCH_FIELD, "").strip(),
            initial=typed_values(request.POST, ObjectiveForm),
        )
        return form_page(
            request,
            plan.accompaniment,
            title="Objectif spécifique",
            form=form,
            submit="Enregistrer",
            action=request.path,
        )
    search = request.GET.get(SEARCH_FIELD, "").strip()
    form = ObjectiveForm(posted(request), instance=objective, federation_id=federation_id, search=search)
    return page_form(request, plan.accompaniment, form, title="Objectif spécifique", save=save)


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

    form = StrategyForm(posted(request), plan=plan, instance=strategy)
    return page_form(request, plan.accompaniment, form, title="Stratégie", save=save)


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

    form = IndicatorForm(posted(request), instance=indicator or Indicator(objective=objective))
    return page_form(
        request, plan.accompaniment, form, title=f"Indicateur de l'objectif « {objective} »", save=save
    )


@GET_POST
def indicator_value(request, pk: int):
    indicator = get_object_or_404(
        Indicator.objects.visible_to(request.user).select_related("objective__plan__accompaniment__school"),
        pk=pk,
    )
    accompaniment = indicator.objective.plan.accompaniment
    require_perm(request, "record_indicator_values", accompaniment)
    form = IndicatorValueForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.record_indicator_value(indicator=indicator, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return done(request, accompaniment, "plan", f"Valeur enregistrée pour « {indicator.name} ».")
    if request.htmx and request.method == "POST":
        return render_section(
            request, accompaniment, "plan", value_form=form, value_form_indicator=indicator.pk
        )
    return form_page(
        request,
        accompaniment,
        title=f"Valeur de l'indicateur « {indicator.name} »",
        form=form,
        submit="Enregistrer",
        action=request.path,
    )


@GET_POST
def evaluation_create(request, pk: int):
    return _evaluation_form(request, _editable_plan(request, pk), None)


@GET_POST
def evaluation_edit(request, pk: int):
    evaluation = get_object_or_404(Evaluation.objects.visible_to(request.user).select_related("plan"), pk=pk)
    return _evaluation_form(request, _editable_plan(request, evaluation.plan.accompaniment_id), evaluation)


def _evaluation_form(request, plan: Plan, evaluation: Evaluation | None):
    form = EvaluationForm(posted(request), plan=plan, instance=evaluation)

    def save(data):
        services.save_evaluation(
            plan=plan,
            by=request.user,
            kind=data["kind"],
            school_year=data["school_year"],
            held_on=data["held_on"],
            comment=data["comment"],
            results=form.results(),
            replace=evaluation is not None,
        )
        return "Évaluation enregistrée."

    intro = (
        "Les valeurs enregistrées sont affichées : ce que vous videz est effacé."
        if evaluation
        else "Pour chaque objectif : atteint, en progrès ou non atteint. Enregistrer à nouveau la même "
        "évaluation (même nature, même année) la met à jour ; ce qui est laissé vide garde la valeur "
        "enregistrée."
    )
    return page_form(
        request,
        plan.accompaniment,
        form,
        title=f"{evaluation} : modifier" if evaluation else "Évaluation du contrat d'objectifs",
        save=save,
        intro=intro,
    )


@permission_required("pilotage.import_indicator_values", raise_exception=True)
@GET_POST
def indicator_import(request):
    """A small file is imported at once; a larger one by a background job, with its page."""
    form = IndicatorImportForm(posted(request), request.FILES or None)
    refusal, note = {}, ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            dataset = read_indicator_file(upload.name, read_upload(upload))
            note = encoding_note(dataset)
            if is_large(dataset):
                job = new_import_job(
                    kind=INDICATOR_IMPORT, by=request.user, file_name=upload.name, dataset=dataset
                )
                jobs.enqueue(job, import_indicator_values_in_background)
                return redirect("pilotage_indicator_import_job", pk=job.pk)
            summary = import_indicator_values(dataset=dataset, user=request.user)
        except UploadTooLarge as error:
            refusal = errors_shown([error.message])
        except IndicatorImportError as error:
            refusal = errors_shown(error.errors)
        else:
            messages.success(request, " ".join(filter(None, [note, str(summary)])))
            return redirect("pilotage_indicator_import")
    return render(
        request,
        "pilotage/indicator_import.html",
        {"form": form, "encoding_note": note, **refusal},
        status=400 if refusal else 200,
    )


@permission_required("pilotage.import_indicator_values", raise_exception=True)
def indicator_import_job(request, pk: int):
    return import_job_page(
        request,
        pk,
        kind=INDICATOR_IMPORT,
        title="Import de valeurs d'indicateurs",
        back_url=reverse("pilotage_indicator_import"),
        back_label="Importer des valeurs d'indicateurs",
    )
