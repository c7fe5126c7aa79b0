"""The school's page, mounted at `/ecoles/<FASE>/`: the school's facts (the accounts app's
template) with its pilotage section; and the forms that start and steer the accompaniment."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from accounts.models import Membership, School
from conventions.rules import may_start_cooperation
from pilotage.forms import AdvisersForm, StepForm
from pilotage.school_page import current_accompaniment, startable_conventions
from pilotage.services.accompaniment import assign_advisers, move_to_step, start_accompaniments

from .common import (
    GET_POST,
    apply_errors,
    done,
    form_page,
    page_form,
    pilotage_context,
    posted,
    recordable_accompaniment,
    render_section,
    require_perm,
    visible_accompaniment,
)


def school_detail(request, fase: int):
    school = get_object_or_404(School.objects.visible_to(request.user).with_parties(), fase=fase)
    people = (
        Membership.objects.filter(school=school).select_related("user").order_by("role", "user__last_name")
    )
    context = {
        "school": school,
        "people": people,
        "starts_cooperation": may_start_cooperation(request.user, school),
    }
    accompaniment = current_accompaniment(request.user, school)
    if accompaniment is None:
        context.update(pilotage=None, pilotage_can_start=startable_conventions(request.user, school).exists())
    else:
        context["pilotage"] = pilotage_context(request, accompaniment)
    return render(request, "pilotage/school_detail.html", context)


@GET_POST
def start(request, fase: int):
    school = get_object_or_404(School.objects.visible_to(request.user), fase=fase)
    conventions = list(startable_conventions(request.user, school).select_related("federation"))
    if not conventions:
        raise Http404("Aucune convention signée à démarrer pour cette école.")
    if request.method == "POST":
        convention = next(
            (c for c in conventions if str(c.pk) == request.POST.get("convention")), conventions[0]
        )
        try:
            start_accompaniments(convention=convention, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Accompagnement démarré sous la convention {convention.reference}.")
        return redirect(school)
    return render(request, "pilotage/start.html", {"school": school, "conventions": conventions})


@GET_POST
def advisers(request, pk: int):
    accompaniment = visible_accompaniment(request, pk)
    require_perm(request, "assign_advisers", accompaniment)

    def save(data):
        assign_advisers(accompaniment=accompaniment, advisers=data["advisers"], by=request.user)
        return "Conseillers désignés."

    form = AdvisersForm(
        posted(request),
        accompaniment=accompaniment,
        initial={"advisers": list(accompaniment.advisers.all())},
    )
    return page_form(
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
    accompaniment = recordable_accompaniment(request, pk)
    form = StepForm(posted(request), current_step=accompaniment.current_step_id)
    if request.method == "POST" and form.is_valid():
        try:
            move_to_step(
                accompaniment=accompaniment,
                step=form.cleaned_data["step"],
                on=form.cleaned_data["on"],
                by=request.user,
                reason=form.cleaned_data["reason"],
                confirmed=form.cleaned_data["confirm"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            step = form.cleaned_data["step"]
            message = (
                f"L'école est revenue à l'étape {step} ; l'historique est conservé."
                if form.cleaned_data["confirm"] and step < form.current_step
                else f"L'école est passée à l'étape {step}."
            )
            return done(request, accompaniment, "steps", message)
    if request.htmx and request.method == "POST":
        return render_section(request, accompaniment, "steps", step_form=form)
    return form_page(
        request,
        accompaniment,
        title="Changer d'étape",
        form=form,
        submit="Changer d'étape",
        action=request.path,
    )
