"""The PO's part (and the federation's part) of a convention, in steps, with optimistic
concurrency."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from ..forms.conventions import (
    CommentForm,
    ContactFormSet,
    DatesForm,
    LockedForm,
    SchoolsForm,
    SignatoryFormSet,
)
from ..models import ConventionTemplate, Party
from ..rendering import document_context
from ..rules import allowed_transitions, can_edit_fpo_part, can_edit_po_part
from ..services import drafting
from .conventions import visible_convention

STEPS = {
    "dates": "Dates et décision",
    "signataires": "Signataires",
    "contacts": "Personnes de contact",
    "ecoles": "Écoles couvertes",
    "apercu": "Aperçu",
}


def _steps_for(convention, po_side: bool) -> list[str]:
    steps = ["dates", "signataires"]
    if po_side:
        steps.append("contacts")
    if convention.template.kind == ConventionTemplate.Kind.PO:
        steps.append("ecoles")
    return [*steps, "apercu"]


@require_http_methods(["GET", "POST"])
def convention_edit(request, reference, step="dates"):
    convention = visible_convention(request, reference)
    po_side, fpo_side = (
        can_edit_po_part(request.user, convention),
        can_edit_fpo_part(request.user, convention),
    )
    if not (po_side or fpo_side):
        raise PermissionDenied
    steps = _steps_for(convention, po_side)
    if step not in steps:
        raise Http404
    data = request.POST if request.method == "POST" else None
    parties = [Party.PO, Party.SCHOOL, Party.CENTRE] if po_side else [Party.FPO]
    initial_lock = {"lock_version": convention.lock_version}
    forms = {}
    if step == "dates":
        forms["main"] = DatesForm(
            data,
            initial={
                **initial_lock,
                **{
                    f: getattr(convention, f)
                    for f in ("council_decision_date", "council_decision_reference", "start_date", "end_date")
                },
            },
        )
    elif step == "signataires":
        forms["lock"] = LockedForm(data, initial=initial_lock, prefix="lock")
        forms["main"] = SignatoryFormSet(
            data, queryset=convention.signatories.filter(party__in=parties), prefix="sig"
        )
    elif step == "contacts":
        forms["lock"] = LockedForm(data, initial=initial_lock, prefix="lock")
        forms["main"] = ContactFormSet(
            data,
            initial=[
                {f: getattr(c, f) for f in ("full_name", "function", "email", "phone")}
                for c in convention.contacts.all()
            ],
            prefix="contact",
        )
    elif step == "ecoles":
        forms["main"] = SchoolsForm(
            data,
            convention=convention,
            user=request.user,
            initial={**initial_lock, "schools": convention.schools.all()},
        )
    status = 200
    if request.method == "POST" and step != "apercu":
        valid = all(form.is_valid() for form in forms.values())
        if valid:
            try:
                _save_step(request, convention, step, forms)
            except drafting.StaleConvention as error:
                messages.error(request, str(error))
                status = 409
            except ValidationError as error:
                _show_beside_fields(request, forms["main"], error)
                status = 400
            else:
                messages.success(request, "Brouillon enregistré.")
                following = steps[steps.index(step) + 1]
                target = step if "stay" in request.POST else following
                return redirect("convention_edit", reference=convention.reference, step=target)
        else:
            status = 400
    context = {
        "convention": convention,
        "step": step,
        "steps": [(key, STEPS[key]) for key in steps],
        "step_label": STEPS[step],
        "form": forms.get("main"),
        "lock_form": forms.get("lock"),
        "po_side": po_side,
    }
    if step == "apercu":
        context["doc"] = document_context(convention)
        context["missing"] = drafting.missing_for_review(convention) if po_side else []
        context["transitions"] = allowed_transitions(request.user, convention)
        context["comment_form"] = CommentForm()
    return render(request, "conventions/convention_edit.html", context, status=status)


def _show_beside_fields(request, form, error: ValidationError):
    """A refusal from the model goes beside the field it names, the rest above the form."""
    fields = getattr(form, "fields", {})
    by_field = error.error_dict if hasattr(error, "error_dict") else {"": error.error_list}
    for name, errors in by_field.items():
        if name in fields:
            form.add_error(name, errors)
        else:
            messages.error(request, " ".join(ValidationError(errors).messages))


def _save_step(request, convention, step, forms):
    main = forms["main"]
    lock = (forms.get("lock") or main).cleaned_data["lock_version"]
    if step == "dates":
        fields = {k: v for k, v in main.cleaned_data.items() if k != "lock_version"}
        drafting.save_part(convention=convention, by=request.user, lock_version=lock, fields=fields)
    elif step == "signataires":
        rows = [
            {
                "id": f.instance.pk,
                **{k: f.cleaned_data[k] for k in ("civility", "full_name", "function", "email")},
            }
            for f in main.forms
        ]
        drafting.save_part(convention=convention, by=request.user, lock_version=lock, signatories=rows)
    elif step == "contacts":
        rows = [
            {k: f.cleaned_data[k] for k in ("full_name", "function", "email", "phone")}
            for f in main.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        drafting.save_part(convention=convention, by=request.user, lock_version=lock, contacts=rows)
    elif step == "ecoles":
        drafting.save_part(
            convention=convention,
            by=request.user,
            lock_version=lock,
            schools=list(main.cleaned_data["schools"]),
        )
