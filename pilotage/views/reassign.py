"""« À réassigner »: the schools whose adviser's role has ended, for the federation's staff."""

from django.contrib.auth.decorators import permission_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from pilotage.services.advisers import assignments_to_reassign


@permission_required("pilotage.view_federation_dashboard", raise_exception=True)
@require_safe
def to_reassign(request):
    assignments = list(assignments_to_reassign(request.user))
    return render(request, "pilotage/reassign.html", {"assignments": assignments})
