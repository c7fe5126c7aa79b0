"""Conventions, as the convention pages show them (`Convention.objects.visible_to`): state,
dates, signatories (names and functions), and each stored PDF with its SHA-256."""

from datetime import date, datetime

from django.db.models import Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Query, Router, Schema

from conventions.models import Convention, ConventionDocument, ConventionSignatory

from .auth import user_of
from .listing import ERRORS, Changes, page

router = Router(tags=["Conventions"])


class SignatoryOut(Schema):
    party: str
    step: int
    civility: str
    full_name: str
    function: str


class DocumentOut(Schema):
    revision: int
    kind: str
    kind_label: str
    sha256: str
    created_at: datetime
    url: str
    page_url: str


class ConventionOut(Schema):
    reference: str
    kind: str
    state: str
    state_label: str
    federation: str
    organising_authority: str
    schools: list[int]
    guidance_centre: str | None
    amendment_of: str | None
    start_date: date | None
    end_date: date | None
    council_decision_date: date | None
    council_decision_reference: str
    signed_at: datetime | None
    created_at: datetime
    updated_at: datetime
    signatories: list[SignatoryOut]
    documents: list[DocumentOut]
    pdf_page_url: str


class ConventionPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[ConventionOut]


def _conventions(request):
    return (
        Convention.objects.visible_to(user_of(request))
        .select_related("template", "federation", "organising_authority", "guidance_centre", "amendment_of")
        .prefetch_related(
            "schools",
            Prefetch("signatories", queryset=ConventionSignatory.objects.order_by("step", "position")),
            Prefetch("documents", queryset=ConventionDocument.objects.defer("content", "fields")),
        )
    )


def _out(request, convention: Convention) -> dict:
    absolute = request.build_absolute_uri
    reference = convention.reference
    return {
        "reference": reference,
        "kind": convention.template.kind,
        "state": convention.state,
        "state_label": convention.get_state_display(),
        "federation": convention.federation.code,
        "organising_authority": convention.organising_authority.name,
        "schools": sorted(school.fase for school in convention.schools.all()),
        "guidance_centre": convention.guidance_centre.name if convention.guidance_centre else None,
        "amendment_of": convention.amendment_of.reference if convention.amendment_of else None,
        **{
            name: getattr(convention, name)
            for name in (
                "start_date",
                "end_date",
                "council_decision_date",
                "council_decision_reference",
                "signed_at",
                "created_at",
                "updated_at",
            )
        },
        "signatories": list(convention.signatories.all()),
        "documents": [
            {
                "revision": document.revision,
                "kind": document.kind,
                "kind_label": document.get_kind_display(),
                "sha256": document.sha256,
                "created_at": document.created_at,
                "url": absolute(reverse("api:api_convention_document", args=[reference, document.revision])),
                "page_url": absolute(reverse("convention_document", args=[reference, document.revision])),
            }
            for document in convention.documents.all()
        ],
        "pdf_page_url": absolute(reverse("convention_pdf", args=[reference])),
    }


@router.get("/conventions", response={200: ConventionPage, **ERRORS}, url_name="api_convention_list")
def convention_list(request, filters: Query[Changes]):
    """Les conventions que vous voyez dans Pilotis. Avec `updated_since`, celles qui ont changé
    (état, dates, texte, signature) depuis cet instant."""
    conventions = _conventions(request)
    if filters.updated_since:
        since = filters.updated_since
        conventions = conventions.filter(
            Q(updated_at__gte=since)
            | Q(pk__in=ConventionDocument.objects.filter(created_at__gte=since).values("convention"))
        )
    result = page(conventions, filters, order=("created_at", "pk"))
    result["items"] = [_out(request, convention) for convention in result["items"]]
    return result


@router.get(
    "/conventions/{str:reference}", response={200: ConventionOut, **ERRORS}, url_name="api_convention_detail"
)
def convention_detail(request, reference: str):
    """Une convention, par sa référence (par exemple CPEONS-2026-0001)."""
    return _out(request, get_object_or_404(_conventions(request), reference=reference))


@router.get(
    "/conventions/{str:reference}/documents/{int:revision}.pdf",
    response={200: None, **ERRORS},
    url_name="api_convention_document",
    openapi_extra={
        "responses": {
            200: {
                "description": "Les octets exacts du PDF, dont l'empreinte SHA-256 est donnée par la convention.",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
)
def convention_document(request, reference: str, revision: int):
    """Un PDF stocké de la convention (texte figé, révision signée, certificat de preuve)."""
    convention = get_object_or_404(Convention.objects.visible_to(user_of(request)), reference=reference)
    document = get_object_or_404(convention.documents, revision=revision)
    response = HttpResponse(bytes(document.content), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{convention.reference}-r{revision}.pdf"'
    return response
