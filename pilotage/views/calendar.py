"""An adviser's private calendar address, and the calendar it serves (.ics)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from pilotage.calendar import calendar_of
from pilotage.models import CalendarFeed
from pilotage.services.calendar import calendar_feed_of, may_have_calendar, revoke_calendar_feed

from .common import GET_POST

FEED_ENDED = (
    "Ce calendrier n'est plus disponible : le compte de son titulaire a été désactivé "
    "ou son rôle dans la fédération a pris fin."
)


@permission_required("pilotage.have_calendar", raise_exception=True)
@GET_POST
def calendar(request):
    feed = CalendarFeed.objects.filter(user=request.user).first()
    if request.method == "POST":
        renew = feed is not None and request.POST.get("renew")
        if renew and not request.POST.get("confirm"):
            messages.error(
                request,
                "Cochez la case pour confirmer : l'ancienne adresse cessera de fonctionner dans vos agendas.",
            )
        elif renew:
            calendar_feed_of(user=request.user, renew=True)
            messages.success(request, "Nouveau lien créé : l'ancien ne fonctionne plus.")
        elif feed is None:
            # A second click on « Créer » (or a page left open) keeps the address it created.
            calendar_feed_of(user=request.user, renew=False)
            messages.success(request, "Lien créé.")
        return redirect("pilotage_calendar")
    url = request.build_absolute_uri(reverse("pilotage_calendar_feed", args=[feed.token])) if feed else None
    return render(request, "pilotage/calendar.html", {"feed": feed, "url": url})


@permission_required("pilotage.have_calendar", raise_exception=True)
@GET_POST
def calendar_revoke(request):
    """Revoke the private address outright, after a confirmation page."""
    feed = CalendarFeed.objects.filter(user=request.user).first()
    if request.method == "POST":
        if revoke_calendar_feed(user=request.user):
            messages.success(
                request,
                "Adresse révoquée : l'ancien lien ne fonctionne plus. Vous pouvez en créer une nouvelle.",
            )
        return redirect("pilotage_calendar")
    return render(request, "pilotage/calendar_revoke.html", {"feed": feed})


@login_not_required
@require_http_methods(["GET", "HEAD"])
def calendar_feed(request, token: str):
    feed = get_object_or_404(CalendarFeed.objects.select_related("user"), token=token)
    if not may_have_calendar(feed.user):
        return HttpResponse(FEED_ENDED, status=410, content_type="text/plain; charset=utf-8")
    response = HttpResponse(calendar_of(feed.user), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="pilotis.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response
