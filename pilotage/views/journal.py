"""The audit trail (journal des modifications): who changed what, when, from which value to
which; for federation staff (their federation) and administrators; filtered and exported."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.text import capfirst

from accounts.models import School
from accounts.rules import can_read_audit_trail
from conventions.models import Convention
from core.exports import format_choices, table_response
from core.forms import plain_options
from pilotage.audit import KIND_CHOICES, Filters, journal, trail_users, whole_journal
from pilotage.forms import JournalFilterForm

PER_PAGE = 50


def _filters(request, form) -> Filters:
    data = form.cleaned_data if form.is_valid() else {}
    filters = Filters(
        kind=data.get("type") or "",
        user=data.get("utilisateur"),
        since=data.get("du"),
        until=data.get("au"),
    )
    if data.get("convention"):
        filters.convention = get_object_or_404(
            Convention.objects.visible_to(request.user), reference=data["convention"]
        )
        if not can_read_audit_trail(request.user, filters.convention.federation_id):
            raise Http404("Convention introuvable.")
    if data.get("ecole"):
        filters.school = get_object_or_404(School.objects.visible_to(request.user), fase=data["ecole"])
    return filters


JOURNAL_HEADERS = [
    "Date",
    "Modifié par",
    "Type",
    "Objet",
    "Opération",
    "Champ",
    "Ancienne valeur",
    "Nouvelle valeur",
]


def _export_rows(entries):
    for entry in entries:
        # The moment itself: CSV writes it dd/mm/yyyy hh:mm, XLSX and ODS keep a real date.
        head = [entry.when, entry.user_label, entry.kind_label, entry.object_label, entry.action]
        for change in entry.changes or [None]:
            yield head + ([capfirst(change.label), change.old, change.new] if change else ["", "", ""])


def journal_list(request):
    if not can_read_audit_trail(request.user):
        raise PermissionDenied("Le journal des modifications est réservé au personnel des fédérations.")
    form = JournalFilterForm(request.GET or None, kinds=KIND_CHOICES, users=trail_users(request.user))
    filters = _filters(request, form)
    fmt = request.GET.get("format")
    # Filters refused: the page says why, rather than exporting what was not asked for.
    if fmt and (not form.is_bound or form.is_valid()):
        rows = _export_rows(whole_journal(request.user, filters))
        return table_response(JOURNAL_HEADERS, rows, fmt, "journal-des-modifications", title="Journal")
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    entries, more = journal(request.user, filters, offset=(page - 1) * PER_PAGE, limit=PER_PAGE)
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    return render(
        request,
        "pilotage/journal.html",
        {
            "form": form,
            "entries": entries,
            "filters": filters,
            "page": page,
            "more": more,
            "query": query.urlencode(),
            "formats": format_choices(),
            # Every person of the federation (thousands for a large one), written by a plain loop.
            "user_options": plain_options(
                form,
                "utilisateur",
                "first_name",
                "last_name",
                "email",
                label=lambda first, last, email: f"{first} {last}".strip() or email,
            ),
        },
    )
