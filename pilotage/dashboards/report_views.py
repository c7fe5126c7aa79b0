"""The yearly follow-up report's pages: the form that starts the job, its progress (taking over a
job whose worker died), the download, and « Relancer » after a failure."""

from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_http_methods, require_POST

from core import jobs
from core.models import Job
from core.readonly import writes_on_get
from core.school_years import school_year_label
from pilotage import tasks
from pilotage.services import reports

from .forms import ReportForm


@permission_required("pilotage.produce_yearly_report", raise_exception=True)
@require_http_methods(["GET", "POST"])
def report(request):
    today = timezone.localdate()
    initial = {key: request.GET[key] for key in ("federation", "annee") if key in request.GET}
    form = ReportForm(request.POST or None, user=request.user, today=today, initial=initial)
    if request.method == "POST" and form.is_valid():
        return _start(request, form)
    return render(request, "pilotage/report.html", {"form": form, "today": today})


def _start(request, form: ReportForm):
    job = tasks.start_yearly_report(
        federation=form.cleaned_data["federation"],
        year=form.cleaned_data["annee"],
        fmt=form.cleaned_data["format"],
        user=request.user,
    )
    return redirect("pilotage_report_status", job=job.pk)


def _own_job(request, job_id) -> Job:
    return get_object_or_404(Job.objects.visible_to(request.user).filter(kind=reports.KIND), pk=job_id)


def _report_context(job: Job) -> dict:
    return {
        "job": job,
        "federation_code": job.params["federation_code"],
        "year_label": school_year_label(job.params["year"]),
        "format": job.params["format"],
    }


# Writes on GET on purpose: a page that finds its job's worker dead hands the job on (queued
# again, or failed with its message) rather than showing the same percentage for ever.
@writes_on_get
@permission_required("pilotage.produce_yearly_report", raise_exception=True)
def report_status(request, job):
    job = jobs.reap_if_lost(_own_job(request, job))
    template = "pilotage/report_status.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#progress"
    response = render(request, template, _report_context(job))
    patch_vary_headers(response, ["HX-Request"])
    return response


@permission_required("pilotage.produce_yearly_report", raise_exception=True)
def report_download(request, job):
    job = _own_job(request, job)
    if job.status != Job.Status.DONE or job.file_content is None:
        raise Http404("Ce rapport n'est pas prêt.")
    response = HttpResponse(bytes(job.file_content), content_type=reports.CONTENT_TYPES[job.params["format"]])
    response["Content-Disposition"] = f'attachment; filename="{job.file_name}"'
    return response


@require_POST
@permission_required("pilotage.produce_yearly_report", raise_exception=True)
def report_relaunch(request, job):
    """A failed report asked again, as a new job, by the person who had asked for it, checked
    as the form checks it (the federation must still be theirs)."""
    failed = get_object_or_404(
        Job.objects.filter(kind=reports.KIND, status=Job.Status.FAILED, created_by=request.user), pk=job
    )
    params = failed.params
    data = {"federation": params["federation_code"], "annee": params["year"], "format": params["format"]}
    form = ReportForm(data, user=request.user, today=timezone.localdate())
    if not form.is_valid():
        raise PermissionDenied
    return _start(request, form)
