"""The page of an action planned for several schools: held or cancelled for all the schools
ticked at once (unticking a school is the exception)."""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from pilotage.forms import GroupStatusForm
from pilotage.forms.bulk import HELD
from pilotage.services.groups import GroupOutcome, cancel_group, group_actions, mark_group_held

from .common import GET_POST, apply_errors, posted


def _message(outcome: GroupOutcome, verb: str) -> str:
    schools = len(outcome.changed)
    parts = [
        f"Action {verb} pour {schools} école{'s' if schools > 1 else ''}." if schools else "Rien n'a changé."
    ]
    if outcome.left_as_they_were:
        names = ", ".join(action.school.name for action in outcome.left_as_they_were)
        parts.append(f"Déjà réalisée ou annulée, laissée telle quelle : {names}.")
    return " ".join(parts)


@GET_POST
def action_group(request, batch: uuid.UUID):
    actions = group_actions(request.user, batch)
    listed = list(actions)
    if not listed:
        raise Http404("Aucune action de ce groupe ne concerne vos écoles.")
    first = listed[0]
    planned = [action for action in listed if action.status == action.Status.PLANNED]
    form = GroupStatusForm(
        posted(request),
        actions=actions,
        initial={"actions": planned, "held_on": min(first.date, timezone.localdate())},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["do"] == HELD:
                outcome = mark_group_held(
                    actions=data["actions"], by=request.user, held_on=data["held_on"], note=data["note"]
                )
                message = _message(outcome, f"réalisée le {data['held_on']:%d/%m/%Y}")
            else:
                outcome = cancel_group(actions=data["actions"], by=request.user, reason=data["reason"])
                message = _message(outcome, "annulée")
        except PermissionDenied as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, message)
            return redirect(request.path)
    ticked = (
        {str(pk) for pk in request.POST.getlist("actions")}
        if request.method == "POST"
        else {str(action.pk) for action in planned}
    )
    return render(
        request,
        "pilotage/action_group.html",
        {
            "form": form,
            "actions": listed,
            "first": first,
            "ticked": ticked,
            "has_planned": bool(planned),
            "status_error": bool(form.errors),
        },
        status=200,
    )
