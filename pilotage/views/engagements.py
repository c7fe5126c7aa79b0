"""The PO's engagements, ticked by its référent."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404

from pilotage.forms import EngagementTickForm
from pilotage.models import EngagementCheck
from pilotage.services.engagements import tick_engagement

from .common import (
    GET_POST,
    apply_errors,
    done,
    form_page,
    posted,
    render_section,
    require_perm,
)


@GET_POST
def engagement_tick(request, pk: int):
    check = get_object_or_404(
        EngagementCheck.objects.visible_to(request.user).select_related(
            "engagement", "accompaniment__school", "accompaniment__convention", "accompaniment__federation"
        ),
        pk=pk,
    )
    accompaniment = check.accompaniment
    require_perm(request, "tick_engagements", accompaniment)
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
