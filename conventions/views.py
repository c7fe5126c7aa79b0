import difflib

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import Federation, Membership, OrganisingAuthority, Role, School

from . import bulk, pdf, services, signatures
from .exports import export_response
from .forms import (
    AmendmentForm,
    AnswerForm,
    CommentForm,
    ContactFormSet,
    ConventionFilterForm,
    CreateConventionForm,
    DatesForm,
    FrameworkSearchForm,
    ImportConventionsForm,
    LockedForm,
    SchoolsForm,
    SignatoryFormSet,
)
from .models import (
    PLACEHOLDERS,
    BulkCreation,
    Convention,
    ConventionTemplate,
    FrameworkNode,
    FrameworkVersion,
    Party,
)
from .rendering import document_context, framework_tree
from .rules import (
    actors_for,
    allowed_transitions,
    can_amend,
    can_edit_fpo_part,
    can_edit_po_part,
    can_manage_conventions,
)
from .tasks import create_conventions_in_bulk
from .workflow import Actor

CONVENTIONS_PER_PAGE = 25


def _visible(request, reference):
    return get_object_or_404(
        Convention.objects.visible_to(request.user).select_related(
            "template", "federation", "organising_authority", "amendment_of", "template__annex_framework"
        ),
        reference=reference,
    )


def _managed_federations(user):
    if user.is_superuser:
        return Federation.objects.all()
    return Federation.objects.filter(
        pk__in=Membership.objects.filter(user=user, role=Role.FPO_STAFF).values("federation")
    )


# --- List and detail ----------------------------------------------------------------------


def convention_list(request):
    conventions = Convention.objects.visible_to(request.user)
    years = sorted({d.year for d in conventions.dates("created_at", "year")}, reverse=True)
    form = ConventionFilterForm(request.GET or None, user=request.user, years=years)
    conventions = form.filter(conventions).for_list().order_by("-created_at", "-reference")
    if request.GET.get("format") in ("csv", "xlsx"):
        return export_response(conventions, request.GET["format"])
    page = Paginator(conventions, CONVENTIONS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "can_create": can_manage_conventions(request.user),
    }
    return render(request, "conventions/convention_list.html", context)


def _diff(older: str, newer: str) -> list[tuple[str, str]]:
    """The changed lines between two versions of the text, with a line of context."""
    a, b = older.splitlines(), newer.splitlines()
    lines = []
    for group in difflib.SequenceMatcher(None, a, b, autojunk=False).get_grouped_opcodes(1):
        if lines:
            lines.append(("gap", "…"))
        for op, i1, i2, j1, j2 in group:
            if op == "equal":
                lines.extend(("same", line) for line in a[i1:i2])
            else:
                lines.extend(("removed", line) for line in a[i1:i2])
                lines.extend(("added", line) for line in b[j1:j2])
    return lines


def convention_detail(request, reference):
    convention = _visible(request, reference)
    actors = actors_for(request.user, convention)
    snapshots = list(convention.snapshots.order_by("number"))
    diffs = [
        {"older": older, "newer": newer, "lines": _diff(older.text, newer.text)}
        for older, newer in zip(snapshots, snapshots[1:], strict=False)
    ]
    notice = convention.termination_notices.filter(outcome="").first()
    answering = (
        notice
        and any((Party.FPO if a == Actor.FPO else Party.PO) != notice.party for a in actors)
        and not notice.answered_at
    )
    context = {
        "convention": convention,
        "doc": document_context(convention),
        "transitions": allowed_transitions(request.user, convention, actors),
        "history": convention.transitions.select_related("by").order_by("-at", "-pk"),
        "diffs": list(reversed(diffs)),
        "documents": convention.documents.defer("content").order_by("-revision"),
        "amendments": convention.amendments.order_by("reference"),
        "notice": notice,
        "answer_form": AnswerForm() if answering else None,
        "amendment_form": AmendmentForm(convention=convention)
        if can_amend(request.user, convention)
        else None,
        "can_edit": can_edit_po_part(request.user, convention) or can_edit_fpo_part(request.user, convention),
        "comment_form": CommentForm(),
        "version": pdf.text_version(convention),
        "signature_statuses": signatures.status(convention),
    }
    return render(request, "conventions/convention_detail.html", context)


def convention_pdf(request, reference):
    convention = _visible(request, reference)
    content, document = pdf.current_pdf(convention)
    response = HttpResponse(content, content_type="application/pdf")
    suffix = "" if document else "-projet"
    response["Content-Disposition"] = f'attachment; filename="{convention.reference}{suffix}.pdf"'
    return response


def document_download(request, reference, revision: int):
    convention = _visible(request, reference)
    document = get_object_or_404(convention.documents, revision=revision)
    response = HttpResponse(bytes(document.content), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{convention.reference}-r{revision}.pdf"'
    return response


# --- Workflow -----------------------------------------------------------------------------


@require_POST
def convention_transition(request, reference, name):
    convention = _visible(request, reference)
    form = CommentForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["comment"]))
        return redirect(convention)
    try:
        services.apply_transition(convention=convention, name=name, by=request.user, comment=comment)
    except PermissionDenied as error:
        messages.error(request, str(error) or "Action non permise.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        convention.refresh_from_db()
        messages.success(
            request, f"La convention est désormais « {convention.get_state_display().lower()} »."
        )
    return redirect(convention)


@require_POST
def convention_answer(request, reference):
    convention = _visible(request, reference)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.answer_termination_notice(
                convention=convention, by=request.user, answer=form.cleaned_data["answer"]
            )
            messages.success(request, "Votre réponse écrite est enregistrée et transmise à l'autre partie.")
        except (PermissionDenied, ValidationError) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
    return redirect(convention)


@require_POST
def convention_amend(request, reference):
    convention = _visible(request, reference)
    if not can_amend(request.user, convention):
        raise PermissionDenied
    form = AmendmentForm(request.POST, convention=convention)
    if not form.is_valid():
        messages.error(request, "Choisissez un des motifs prévus par la convention.")
        return redirect(convention)
    amendment = services.create_amendment(
        convention=convention, by=request.user, ground=form.cleaned_data["ground"]
    )
    messages.success(request, f"L'avenant {amendment.reference} est créé : complétez-le puis soumettez-le.")
    return redirect(amendment)


# --- The PO's part, in steps ----------------------------------------------------------------

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
    convention = _visible(request, reference)
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
            except services.StaleConvention as error:
                messages.error(request, str(error))
                status = 409
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
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
        context["missing"] = services.missing_for_review(convention) if po_side else []
        context["transitions"] = allowed_transitions(request.user, convention)
        context["comment_form"] = CommentForm()
    return render(request, "conventions/convention_edit.html", context, status=status)


def _save_step(request, convention, step, forms):
    main = forms["main"]
    lock = (forms.get("lock") or main).cleaned_data["lock_version"]
    if step == "dates":
        fields = {k: v for k, v in main.cleaned_data.items() if k != "lock_version"}
        services.save_part(convention=convention, by=request.user, lock_version=lock, fields=fields)
    elif step == "signataires":
        rows = [
            {
                "id": f.instance.pk,
                **{k: f.cleaned_data[k] for k in ("civility", "full_name", "function", "email")},
            }
            for f in main.forms
        ]
        services.save_part(convention=convention, by=request.user, lock_version=lock, signatories=rows)
    elif step == "contacts":
        rows = [
            {k: f.cleaned_data[k] for k in ("full_name", "function", "email", "phone")}
            for f in main.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        services.save_part(convention=convention, by=request.user, lock_version=lock, contacts=rows)
    elif step == "ecoles":
        services.save_part(
            convention=convention,
            by=request.user,
            lock_version=lock,
            schools=list(main.cleaned_data["schools"]),
        )


# --- Creating conventions -------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def convention_create(request):
    federations = _managed_federations(request.user)
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
    federations = _managed_federations(request.user)
    if not federations.exists():
        raise PermissionDenied
    if request.method == "POST" and "job_rows" in request.POST:
        job = get_object_or_404(
            BulkCreation,
            pk=request.POST["job_rows"],
            created_by=request.user,
            status=BulkCreation.Status.PENDING,
        )
        create_conventions_in_bulk.enqueue(job_id=job.pk)
        return redirect("bulk_creation", pk=job.pk)
    form = ImportConventionsForm(request.POST or None, request.FILES or None, federations=federations)
    errors, job = [], None
    if request.method == "POST" and form.is_valid():
        template = form.cleaned_data["template"]
        upload = form.cleaned_data["file"]
        try:
            rows = bulk.read_rows(upload.name, upload.read())
            planned = bulk.plan_from_rows(
                template=template,
                rows=rows,
                visible_pos=OrganisingAuthority.objects.visible_to(request.user).filter(
                    federations=template.federation
                ),
                visible_schools=School.objects.visible_to(request.user),
            )
        except bulk.BulkError as error:
            errors = error.errors
        else:
            job = BulkCreation.objects.create(
                federation=template.federation,
                template=template,
                rows=[p.as_row() for p in planned],
                created_by=request.user,
            )
            job.planned = planned
    return render(
        request,
        "conventions/convention_import.html",
        {"form": form, "errors": errors, "job": job},
        status=400 if errors else 200,
    )


def _start_job(request, template, rows):
    job = BulkCreation.objects.create(
        federation=template.federation, template=template, rows=rows, created_by=request.user
    )
    create_conventions_in_bulk.enqueue(job_id=job.pk)
    return redirect("bulk_creation", pk=job.pk)


def bulk_creation(request, pk):
    job = get_object_or_404(BulkCreation.objects.select_related("template"), pk=pk, created_by=request.user)
    template = "conventions/bulk_creation.html"
    if request.htmx:
        template += "#progress"
    return render(request, template, {"job": job})


# --- Frameworks and templates (read-only) ---------------------------------------------------


def framework_list(request):
    versions = FrameworkVersion.objects.select_related("framework", "framework__federation").order_by(
        "framework__title", "-number"
    )
    return render(request, "conventions/framework_list.html", {"versions": versions})


def framework_detail(request, code, number):
    version = get_object_or_404(
        FrameworkVersion.objects.select_related("framework"), framework__code=code, number=number
    )
    form = FrameworkSearchForm(request.GET or None)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    matches = []
    if query:
        matches = list(
            FrameworkNode.objects.filter(version=version)
            .filter(Q(title__icontains=query) | Q(text__icontains=query) | Q(label__iexact=query))
            .order_by("path")[:100]
        )
    context = {
        "version": version,
        "tree": framework_tree(version),
        "form": form,
        "query": query,
        "matches": matches,
    }
    return render(request, "conventions/framework_detail.html", context)


def template_list(request):
    templates = ConventionTemplate.objects.visible_to(request.user).select_related(
        "federation", "annex_framework__framework"
    )
    return render(request, "conventions/template_list.html", {"templates": templates})


def template_detail(request, code, version):
    template = get_object_or_404(
        ConventionTemplate.objects.visible_to(request.user)
        .select_related("federation", "annex_framework__framework")
        .prefetch_related("articles", "signatories", "engagements", "annex_sections"),
        code=code,
        version=version,
    )
    return render(
        request, "conventions/template_detail.html", {"template": template, "placeholders": PLACEHOLDERS}
    )
