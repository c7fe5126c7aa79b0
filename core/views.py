"""The progress page of a background import, shared by the apps: the full page, or for the
htmx poll its progress part only."""

from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_vary_headers

from .models import Job


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
