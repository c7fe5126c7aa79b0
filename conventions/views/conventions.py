"""The conventions a user sees: the list, a convention's page, its PDF, Word and OpenDocument
files and stored documents."""

import difflib

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from accounts.models import School
from accounts.rules import can_read_audit_trail
from core.exports import EXPORT_FORMATS
from core.forms import plain_options

from ..exports import export_response
from ..forms.conventions import AmendmentForm, AnswerForm, CommentForm, ConventionFilterForm, CooperationForm
from ..forms.signatures import ResendLinkForm
from ..models import Convention, ConventionTemplate
from ..rendering import document_context, text_version
from ..rules import (
    actors_for,
    allowed_transitions,
    can_amend,
    can_edit_fpo_part,
    can_edit_po_part,
    can_manage_conventions,
    can_resend_links,
    may_answer_notice,
    may_start_cooperation,
    open_change_request,
    open_notice,
)
from ..services import collecting, drafting, review
from ..services.documents import convention_file
from ..signatures import rounds

CONVENTIONS_PER_PAGE = 25


def visible_convention(request, reference):
    """The convention if the user may see it, else a 404 (never a leak)."""
    return get_object_or_404(
        Convention.objects.visible_to(request.user).select_related(
            "template", "federation", "organising_authority", "amendment_of", "template__annex_framework"
        ),
        reference=reference,
    )


# --- List and detail ----------------------------------------------------------------------


def convention_list(request):
    conventions = Convention.objects.visible_to(request.user)
    years = sorted({d.year for d in conventions.dates("created_at", "year")}, reverse=True)
    form = ConventionFilterForm(request.GET or None, user=request.user, years=years)
    conventions = form.filter(conventions).for_list().order_by("-created_at", "-reference")
    if request.GET.get("format") in EXPORT_FORMATS:
        return export_response(conventions, request.GET["format"])
    page = Paginator(conventions, CONVENTIONS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "can_create": can_manage_conventions(request.user),
        "po_options": plain_options(form, "po"),
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
    return render_detail(request, visible_convention(request, reference))


def render_detail(request, convention, *, draft=None):
    """The convention's page; `draft`: a review form refused, shown again with its text."""
    actors = actors_for(request.user, convention)
    doc = document_context(convention)
    panel = review.review_panel(convention, request.user, actors)
    if panel is not None:
        panel.attach(doc.articles, draft)
    snapshots = list(convention.snapshots.order_by("number"))
    diffs = [
        {"older": older, "newer": newer, "lines": _diff(older.text, newer.text)}
        for older, newer in zip(snapshots, snapshots[1:], strict=False)
    ]
    notice = open_notice(convention)
    answering = notice and may_answer_notice(actors, notice)
    statuses = rounds.status(convention)
    context = {
        "convention": convention,
        "doc": doc,
        "review": panel,
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
        "version": text_version(convention),
        "signature_statuses": statuses,
        "resend_form": ResendLinkForm() if can_resend_links(request.user, convention) else None,
        # Names are printed in the text: a signatory is replaced only while nobody has signed.
        "can_replace_signatories": can_resend_links(request.user, convention)
        and not any(item.signature for item in statuses),
        "can_read_trail": can_read_audit_trail(request.user, convention.federation_id),
        "change_request": open_change_request(convention),
        "my_signature": collecting.pending_requests(request.user).filter(convention=convention).first(),
    }
    return render(request, "conventions/convention_detail.html", context)


def _file_response(request, reference, fmt):
    exported = convention_file(visible_convention(request, reference), fmt)
    response = HttpResponse(exported.content, content_type=exported.content_type)
    response["Content-Disposition"] = f'attachment; filename="{exported.filename}"'
    return response


def convention_pdf(request, reference):
    return _file_response(request, reference, "pdf")


def convention_docx(request, reference):
    return _file_response(request, reference, "docx")


def convention_odt(request, reference):
    return _file_response(request, reference, "odt")


def document_download(request, reference, revision: int):
    convention = visible_convention(request, reference)
    document = get_object_or_404(convention.documents, revision=revision)
    response = HttpResponse(bytes(document.content), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{convention.reference}-r{revision}.pdf"'
    return response


@require_http_methods(["GET", "POST"])
def cooperation_create(request, fase: int):
    """The school's PO référent starts its cooperation agreement with a centre."""
    school = get_object_or_404(School.objects.visible_to(request.user), fase=fase)
    if not may_start_cooperation(request.user, school):
        raise PermissionDenied
    template = ConventionTemplate.objects.current().filter(kind=ConventionTemplate.Kind.CENTRE_SCHOOL).first()
    form = CooperationForm(request.POST or None)
    if request.method == "POST" and template is not None and form.is_valid():
        try:
            convention = drafting.create_cooperation_agreement(
                template=template,
                school=school,
                centre=form.cleaned_data["centre"],
                by=request.user,
                start_date=form.cleaned_data["start_date"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"Convention {convention.reference} créée : complétez-la puis soumettez-la au centre.",
            )
            return redirect(convention)
    return render(
        request, "conventions/cooperation_form.html", {"school": school, "template": template, "form": form}
    )
