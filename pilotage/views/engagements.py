"""The PO's engagements, ticked by its référent."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404

from pilotage.forms import EngagementTickForm, EngagementUntickForm
from pilotage.models import EngagementCheck
from pilotage.services.engagements import tick_engagement, untick_engagement

from .common import (
    GET_POST,
    apply_errors,
    done,
    form_page,
    posted,
    render_section,
    require_perm,
)


def _tickable_check(request, pk: int) -> EngagementCheck:
    check = get_object_or_404(
        EngagementCheck.objects.visible_to(request.user).select_related(
            "engagement", "accompaniment__school", "accompaniment__convention", "accompaniment__federation"
        ),
        pk=pk,
    )
    require_perm(request, "tick_engagements", check.accompaniment)
    return check


@GET_POST
def engagement_tick(request, pk: int):
    check = _tickable_check(request, pk)
    accompaniment = check.accompaniment
    form = EngagementTickForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            tick_engagement(
                accompaniment=accompaniment,
                engagement=check.engagement,
                by=request.user,
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            if request.htmx:
                return render_section(
                    request, accompaniment, "engagements", flash_error=" ".join(error.messages)
                )
            apply_errors(form, error)
        else:
            return done(
                request, accompaniment, "engagements", f"Engagement coché : {check.engagement.label[:80]}"
            )
    return form_page(
        request,
        accompaniment,
        title="Cocher un engagement du PO",
        form=form,
        submit="Cocher",
        action=request.path,
        intro=check.engagement.label,
    )


@GET_POST
def engagement_untick(request, pk: int):
    check = _tickable_check(request, pk)
    accompaniment = check.accompaniment
    form = EngagementUntickForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            untick_engagement(check=check, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            if request.htmx:
                return render_section(
                    request, accompaniment, "engagements", flash_error=" ".join(error.messages)
                )
            apply_errors(form, error)
        else:
            return done(
                request, accompaniment, "engagements", f"Engagement décoché : {check.engagement.label[:80]}"
            )
    if request.htmx and request.method == "POST":
        return render_section(
            request, accompaniment, "engagements", flash_error=" ".join(form.errors.get("reason", []))
        )
    return form_page(
        request,
        accompaniment,
        title="Décocher un engagement du PO",
        form=form,
        submit="Décocher",
        action=request.path,
        intro=check.engagement.label,
    )
