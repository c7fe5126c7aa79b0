"""Advisers assigned to many schools at once, each adviser's load against their ETP in view.
For the federation's staff."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render

from accounts.models import Federation
from pilotage.forms import BulkAdvisersForm, SchoolsFilterForm, organising_authorities_of
from pilotage.services.accompaniment import assign_adviser_to_schools
from pilotage.services.advisers import adviser_loads, schools_to_assign

from .common import GET_POST, apply_errors, posted


def _federation(request) -> tuple[Federation, list[Federation]]:
    federations = list(Federation.objects.staffed_by(request.user).order_by("code"))
    if not federations:
        raise PermissionDenied("Réservé à la coordination d'une fédération.")
    chosen = request.GET.get("federation")
    if chosen is None:
        return federations[0], federations
    if not chosen.isdigit():
        raise PermissionDenied("Fédération inconnue.")
    return get_object_or_404(Federation.objects.staffed_by(request.user), pk=chosen), federations


@permission_required("pilotage.view_federation_dashboard", raise_exception=True)
@GET_POST
def bulk_advisers(request):
    federation, federations = _federation(request)
    loads = list(adviser_loads(federation))
    everything = schools_to_assign(federation)
    filters = SchoolsFilterForm(
        request.GET or None, organising_authorities=organising_authorities_of(everything), advisers=loads
    )
    accompaniments = schools_to_assign(federation, **filters.filters())
    form = BulkAdvisersForm(posted(request), accompaniments=everything, advisers=adviser_loads(federation))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            changed = assign_adviser_to_schools(
                accompaniments=data["accompaniments"],
                adviser=data["adviser"],
                by=request.user,
                replace=data["replace"],
            )
        except PermissionDenied as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            apply_errors(form, error)
        else:
            count = len(changed)
            messages.success(
                request,
                f"Conseiller désigné pour {count} école{'s' if count > 1 else ''} : {data['adviser']}."
                if count
                else f"Rien n'a changé : {data['adviser']} suivait déjà ces écoles.",
            )
            return redirect(request.get_full_path())
    ticked = {str(pk) for pk in request.POST.getlist("accompaniments")} if request.method == "POST" else set()
    return render(
        request,
        "pilotage/bulk_advisers.html",
        {
            "federation": federation,
            "federations": federations,
            "loads": loads,
            "accompaniments": list(accompaniments),
            "filters": filters,
            "form": form,
            "ticked": ticked,
        },
    )
