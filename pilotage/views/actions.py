"""Actions planned for a school, then held or cancelled; one action for several schools."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from pilotage.forms import (
    ActionCancelForm,
    ActionCorrectForm,
    ActionHeldForm,
    ActionPlanForm,
    ActionReasonForm,
    BulkActionForm,
)
from pilotage.models import Accompaniment, ActionRecord
from pilotage.rules import DELETE_DELAY_DAYS, can_delete
from pilotage.services.actions import cancel_action, mark_held, plan_action, plan_bulk_action
from pilotage.services.corrections import correct_action, delete_action, reopen_action, version_of

from .common import (
    GET_POST,
    apply_errors,
    done,
    form_page,
    posted,
    recordable_accompaniment,
    render_section,
)


@GET_POST
def action_plan(request, pk: int):
    accompaniment = recordable_accompaniment(request, pk)
    form = ActionPlanForm(posted(request), federation_id=accompaniment.federation_id)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            action = plan_action(
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
            apply_errors(form, error)
        else:
            return done(
                request,
                accompaniment,
                "actions",
                f"Action prévue le {action.date:%d/%m/%Y} : {action.action_type}.",
            )
    if request.htmx and request.method == "POST":
        return render_section(request, accompaniment, "actions", plan_action_form=form, plan_form_open=True)
    return form_page(
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


def _action_step(
    request, pk: int, *, mode: str, form_class, do, initial: dict, title: str, submit: str, form_kwargs=None
):
    """Shared by 'mark held', 'cancel' and the corrections: the row's inline form (htmx), the
    section after a POST, or a page of its own without JavaScript."""
    action = _recordable_action(request, pk)
    accompaniment = action.accompaniment
    # Prefixed: several rows may have their form open at once, each with its own ids.
    form = form_class(posted(request), initial=initial, prefix=f"action-{action.pk}", **(form_kwargs or {}))
    if request.method == "POST" and form.is_valid():
        try:
            message = do(action, form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return done(request, accompaniment, "actions", message)
    editing = {"pk": action.pk, "mode": mode, "form": form, "submit": submit, "url": request.path}
    if request.htmx and request.method == "POST":
        return render_section(request, accompaniment, "actions", editing=editing)
    if request.htmx:
        return render(
            request, "pilotage/includes/action_row_form.html", {"action": action, "editing": editing}
        )
    return form_page(
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
        mark_held(
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
        cancel_action(action=action, by=request.user, reason=data["reason"])
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


def _version(data) -> str | None:
    return data.get("version") or None


@GET_POST
def action_correct(request, pk: int):
    action = _recordable_action(request, pk)
    held = action.status == ActionRecord.Status.HELD
    if action.status == ActionRecord.Status.CANCELLED and request.method == "GET":
        raise Http404("Une action annulée se remet d'abord en « prévue ».")

    def do(action, data):
        corrected = correct_action(
            action=action,
            by=request.user,
            reason=data["reason"],
            version=_version(data),
            date=data["date"],
            start_time=data.get("start_time", action.start_time),
            duration=data["duration"],
            participants=data["participants"],
            participant_count=data.get("participant_count", action.participant_count),
        )
        verb = "corrigée" if held else "reportée au " + corrected.date.strftime("%d/%m/%Y")
        return f"Action {verb} : {action.action_type}."

    initial = {
        "date": action.date,
        "start_time": action.start_time,
        "duration": action.duration,
        "participants": action.participants,
        "participant_count": action.participant_count,
        "version": version_of(action),
    }
    return _action_step(
        request,
        pk,
        mode="correct",
        form_class=ActionCorrectForm,
        form_kwargs={"held": held},
        do=do,
        initial=initial,
        title="Corriger l'action" if held else "Reporter l'action",
        submit="Enregistrer la correction" if held else "Reporter",
    )


@GET_POST
def action_reopen(request, pk: int):
    def do(action, data):
        reopen_action(action=action, by=request.user, reason=data["reason"], version=_version(data))
        return f"Action remise en « prévue » : {action.action_type} du {action.date:%d/%m/%Y}."

    action = _recordable_action(request, pk)
    if action.status == ActionRecord.Status.PLANNED and request.method == "GET":
        raise Http404("Cette action est déjà prévue.")
    return _action_step(
        request,
        pk,
        mode="reopen",
        form_class=ActionReasonForm,
        do=do,
        initial={"version": version_of(action)},
        title="Remettre l'action en « prévue »",
        submit="Remettre en « prévue »",
    )


@GET_POST
def action_delete(request, pk: int):
    action = _recordable_action(request, pk)
    if not can_delete(action, request.user):
        raise PermissionDenied(
            f"Seul l'auteur d'une action peut la supprimer, dans les {DELETE_DELAY_DAYS} jours qui suivent "
            "son encodage."
        )

    def do(action, data):
        try:
            delete_action(action=action, by=request.user, reason=data["reason"], version=_version(data))
        except PermissionDenied as error:
            raise ValidationError(str(error)) from None
        return f"Action supprimée : {action.action_type} du {action.date:%d/%m/%Y}."

    return _action_step(
        request,
        pk,
        mode="delete",
        form_class=ActionReasonForm,
        do=do,
        initial={"version": version_of(action)},
        title="Supprimer l'action",
        submit="Supprimer l'action",
    )


@permission_required("pilotage.plan_bulk_actions", raise_exception=True)
@GET_POST
def bulk_action(request):
    form = BulkActionForm(posted(request), user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions = plan_bulk_action(
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
            # The group's own page: where it will be marked held or cancelled for all at once.
            return redirect("pilotage_action_group", batch=actions[0].batch)
    return render(request, "pilotage/bulk_action.html", {"form": form})
