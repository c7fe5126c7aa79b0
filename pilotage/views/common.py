"""What the pilotage views share. Forms answer an htmx request with the updated part of the
school page's pilotage section (no reload) and a plain request with a redirect to the school's
page, so that everything also works without JavaScript."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods
from django_htmx.http import reswap, retarget

from core.school_years import school_year_choices
from pilotage.forms import ActionPlanForm, NoteForm, StepForm
from pilotage.models import Accompaniment
from pilotage.school_page import section_context

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


def pilotage_context(request, accompaniment: Accompaniment, **extra) -> dict:
    """The pilotage section's context with the forms the user may fill in; `extra` replaces
    any of them (a form sent back with its errors)."""
    context = section_context(request.user, accompaniment)
    context["year_choices"] = school_year_choices()
    if context["can"]["record_actions"]:
        context["plan_action_form"] = ActionPlanForm(federation_id=accompaniment.federation_id)
        context["step_form"] = StepForm(current_step=accompaniment.current_step_id)
    if context["can"]["add_notes"]:
        context["note_form"] = NoteForm()
    context.update(extra)
    return context


def render_section(
    request, accompaniment: Accompaniment, section: str, *, status: int = 200, **extra
) -> HttpResponse:
    """One part of the pilotage section, as htmx swaps it in place of the old one."""
    context = pilotage_context(request, accompaniment, **extra)
    response = render(request, f"pilotage/includes/{section}.html", {"pilotage": context}, status=status)
    retarget(response, f"#{SECTIONS[section]}")
    return reswap(response, "outerHTML")


def done(request, accompaniment: Accompaniment, section: str, message: str) -> HttpResponse:
    if request.htmx:
        return render_section(request, accompaniment, section, flash=message)
    messages.success(request, message)
    return redirect(f"{accompaniment.school.get_absolute_url()}#{SECTIONS[section]}")


def form_page(
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


def recordable_accompaniment(request, pk: int) -> Accompaniment:
    """An accompaniment where the user records: elsewhere, as if it did not exist."""
    return get_object_or_404(Accompaniment.objects.recordable_by(request.user).with_parties(), pk=pk)


def posted(request):
    """The form's data on a POST, even an empty one (all its fields may be optional)."""
    return request.POST if request.method == "POST" else None


def visible_accompaniment(request, pk: int) -> Accompaniment:
    return get_object_or_404(Accompaniment.objects.visible_to(request.user).with_parties(), pk=pk)


def require_perm(request, perm: str, accompaniment: Accompaniment) -> None:
    if not request.user.has_perm(f"pilotage.{perm}", accompaniment):
        raise PermissionDenied


def apply_errors(form, error: ValidationError) -> None:
    """A service's ValidationError onto the form: fields it names, or the whole form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def page_form(request, accompaniment, form, *, title: str, save, section: str = "plan", intro: str = ""):
    """A form on a page of its own: `save(cleaned_data)` calls the service and returns the
    message to show back on the school's page."""
    if request.method == "POST" and form.is_valid():
        try:
            message = save(form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, message)
            return redirect(f"{accompaniment.school.get_absolute_url()}#{SECTIONS[section]}")
    return form_page(
        request, accompaniment, title=title, form=form, submit="Enregistrer", action=request.path, intro=intro
    )
