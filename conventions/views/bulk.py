"""Creating conventions in bulk: one per school of a PO, or from a file; the job's progress."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Federation, OrganisingAuthority, School
from core import jobs
from core.imports import errors_shown
from core.models import Job
from core.readonly import writes_on_get
from core.uploads import UploadTooLarge, read_upload

from ..forms.conventions import CreateConventionForm, ImportConventionsForm
from ..services import bulk
from ..tasks import create_conventions_in_bulk


@require_http_methods(["GET", "POST"])
def convention_create(request):
    federations = Federation.objects.staffed_by(request.user)
    if not federations.exists():
        raise PermissionDenied
    form = CreateConventionForm(request.POST or None, federations=federations, user=request.user)
    planned = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        po = data["organising_authority"]
        schools = po.schools.filter(federation=data["template"].federation).order_by("name")
        try:
            planned = bulk.plan_for_po_schools(
                template=data["template"], organising_authority=po, schools=schools
            )
            if not planned or not any(p.schools for p in planned):
                raise ValidationError("Toutes les écoles de ce PO ont déjà une convention de ce modèle.")
        except ValidationError as error:
            form.add_error(None, error)
            planned = None
        else:
            if "confirm" in request.POST:
                rows = [{**p.as_row(), "start_date": None} for p in planned]
                return _start_job(request, data["template"], rows)
    return render(request, "conventions/convention_create.html", {"form": form, "planned": planned})


@require_http_methods(["GET", "POST"])
def convention_import(request):
    federations = Federation.objects.staffed_by(request.user)
    if not federations.exists():
        raise PermissionDenied
    if request.method == "POST" and "job_rows" in request.POST:
        job = get_object_or_404(
            Job.objects.visible_to(request.user).filter(kind=bulk.KIND, status=Job.Status.PENDING),
            pk=request.POST["job_rows"],
        )
        jobs.enqueue(job, create_conventions_in_bulk)
        return redirect("bulk_creation", pk=job.pk)
    form = ImportConventionsForm(request.POST or None, request.FILES or None, federations=federations)
    refusal, job, note = {}, None, ""
    if request.method == "POST" and form.is_valid():
        template = form.cleaned_data["template"]
        upload = form.cleaned_data["file"]
        try:
            rows, note = bulk.read_rows(upload.name, read_upload(upload, limit=form.fields["file"].max_bytes))
            planned = bulk.plan_from_rows(
                template=template,
                rows=rows,
                visible_pos=OrganisingAuthority.objects.visible_to(request.user).filter(
                    federations=template.federation
                ),
                visible_schools=School.objects.visible_to(request.user),
            )
        except UploadTooLarge as error:
            refusal = errors_shown([error.message])
        except bulk.BulkError as error:
            refusal = errors_shown(error.errors)
        else:
            job = bulk.new_job(template=template, rows=[p.as_row() for p in planned], by=request.user)
            job.planned = planned
    return render(
        request,
        "conventions/convention_import.html",
        {"form": form, "job": job, "encoding_note": note, **refusal},
        status=400 if refusal else 200,
    )


def _start_job(request, template, rows):
    job = bulk.new_job(template=template, rows=rows, by=request.user)
    jobs.enqueue(job, create_conventions_in_bulk)
    return redirect("bulk_creation", pk=job.pk)


# Writes on GET on purpose: a page that finds its job's worker dead hands the job on (queued
# again, or failed with its message) rather than showing « En cours » for ever.
@writes_on_get
def bulk_creation(request, pk):
    job = get_object_or_404(Job.objects.visible_to(request.user).filter(kind=bulk.KIND), pk=pk)
    job = jobs.reap_if_lost(job)
    template = "conventions/bulk_creation.html"
    if request.htmx:
        template += "#progress"
    return render(request, template, {"job": job, "template": bulk.job_template(job)})


@require_POST
def bulk_relaunch(request, pk):
    """A failed batch started again, as a new job, by the person who had started it."""
    failed = get_object_or_404(
        Job.objects.filter(kind=bulk.KIND, status=Job.Status.FAILED, created_by=request.user), pk=pk
    )
    template = bulk.job_template(failed)
    if not Federation.objects.staffed_by(request.user).filter(pk=template.federation_id).exists():
        raise PermissionDenied
    return _start_job(request, template, failed.params["rows"])
