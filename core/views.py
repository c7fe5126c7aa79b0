"""The core's own pages: those every visitor may read, signed in or not (the accessibility
statement and the legal notice, whose publisher comes from the settings of the instance), and
the progress page of a background import, shared by the apps (the full page, or for the htmx
poll its progress part only)."""

from datetime import date

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_safe

from .models import Job


def _publisher() -> dict:
    return {
        "name": settings.PUBLISHER_NAME,
        "address": settings.PUBLISHER_ADDRESS,
        "company_number": settings.PUBLISHER_COMPANY_NUMBER,
        "responsible": settings.PUBLISHER_RESPONSIBLE,
        "email": settings.CONTACT_EMAIL,
    }


@login_not_required
@require_safe
def accessibility_statement(request):
    return render(
        request,
        "core/accessibility.html",
        {
            "publisher": _publisher(),
            "accessibility_email": settings.ACCESSIBILITY_EMAIL,
            "statement_date": date.fromisoformat(settings.ACCESSIBILITY_STATEMENT_DATE),
            "enforcement": {
                "body": settings.ACCESSIBILITY_ENFORCEMENT_BODY,
                "url": settings.ACCESSIBILITY_ENFORCEMENT_URL,
            },
        },
    )


@login_not_required
@require_safe
def legal_notice(request):
    return render(
        request,
        "core/legal_notice.html",
        {
            "publisher": _publisher(),
            "host": {"name": settings.HOST_NAME, "address": settings.HOST_ADDRESS},
        },
    )


def import_job_page(request, pk: int, *, kind: str, title: str, back_url: str, back_label: str):
    job = get_object_or_404(Job.objects.visible_to(request.user).filter(kind=kind), pk=pk)
    template = "core/import_job.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#progress"
    response = render(
        request, template, {"job": job, "title": title, "back_url": back_url, "back_label": back_label}
    )
    patch_vary_headers(response, ["HX-Request"])
    return response
