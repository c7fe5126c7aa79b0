"""A school's timeline, `/ecoles/<FASE>/historique/`, and the same as a PDF dossier,
`/ecoles/<FASE>/dossier.pdf`: seen by whoever sees the school, as far as they may see each
entry."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from accounts.models import School
from core.school_years import school_year_label
from pilotage.forms import TimelineFilterForm, offered_years
from pilotage.school_page import current_accompaniment
from pilotage.services.dossier import dossier_filename, dossier_pdf
from pilotage.services.timeline import KIND_CHOICES, KIND_LABELS, filter_entries, school_timeline


def _timeline(request, fase: int) -> dict:
    school = get_object_or_404(School.objects.visible_to(request.user).with_parties(), fase=fase)
    entries = school_timeline(request.user, school)
    form = TimelineFilterForm(
        request.GET or None, kinds=KIND_CHOICES, years=offered_years(e.school_year for e in entries)
    )
    filters = []
    if form.is_bound and form.is_valid():
        kinds, year = form.cleaned_data["type"], form.cleaned_data["annee"]
        entries = filter_entries(entries, kinds=kinds, year=year)
        if kinds:
            filters.append("Événements : " + ", ".join(KIND_LABELS[kind].lower() for kind in kinds))
        if year is not None:
            filters.append(f"Année scolaire {school_year_label(year)}")
    return {"school": school, "entries": entries, "form": form, "filters": filters}


def _page(request, context: dict) -> HttpResponse:
    # Filters refused: the page says why and shows the whole timeline, never a 500.
    status = 400 if context["form"].errors else 200
    query = request.GET.urlencode() if not context["form"].errors else ""
    return render(request, "pilotage/school_timeline.html", {**context, "query": query}, status=status)


@require_safe
def school_timeline_page(request, fase: int):
    context = _timeline(request, fase)
    context["accompaniment"] = current_accompaniment(request.user, context["school"])
    return _page(request, context)


@require_safe
def school_dossier_pdf(request, fase: int):
    context = _timeline(request, fase)
    school = context["school"]
    accompaniment = current_accompaniment(request.user, school)
    if context["form"].errors:
        return _page(request, {**context, "accompaniment": accompaniment})
    pdf = dossier_pdf(
        school=school, accompaniment=accompaniment, entries=context["entries"], filters=context["filters"]
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{dossier_filename(school)}"'
    return response
