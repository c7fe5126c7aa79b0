"""An adviser's planned actions as an iCalendar feed, for their calendar application. A cancelled
action stays in the feed as STATUS:CANCELLED (RFC 5545), so that calendar clients remove it from
the agenda instead of keeping a stale copy of an event that merely vanished."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from accounts.models import User
from core.values import day_after

from .models import ActionRecord

# Actions planned but left unrecorded for a while stay visible a little, as a reminder.
PAST_DAYS_SHOWN = 60


def calendar_of(user: User) -> bytes:
    zone = ZoneInfo(settings.TIME_ZONE)
    today = timezone.localdate()
    calendar = Calendar()
    calendar.add("prodid", "-//Pilotis//Actions prévues//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"Pilotis — actions prévues ({user})")
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    stamp = timezone.now()
    actions = (
        ActionRecord.objects.for_calendar_of(user)
        .filter(date__gte=today - timedelta(days=PAST_DAYS_SHOWN))
        .select_related("action_type", "school__organising_authority")
        .order_by("date", "start_time", "pk")
    )
    for action in actions:
        event = Event()
        event.add("uid", f"action-{action.pk}@pilotis")
        event.add("dtstamp", stamp)
        if action.start_time:
            start = datetime.combine(action.date, action.start_time, tzinfo=zone)
            hours = float(action.hours) or 1.0
            event.add("dtstart", start)
            event.add("dtend", start + timedelta(hours=hours) if action.date < date.max else start)
        else:
            event.add("dtstart", action.date)
            event.add("dtend", day_after(action.date))
        cancelled = action.status == ActionRecord.Status.CANCELLED
        title = f"{action.action_type.title} — {action.school.name}"
        event.add("summary", f"Annulée : {title}" if cancelled else title)
        # A change of status is a new revision of the event for the clients that cached it.
        event.add("sequence", 1 if cancelled else 0)
        event.add("location", action.location or action.school.address)
        description = [
            f"École : {action.school.name} (FASE {action.school.fase}), {action.school.organising_authority.name}",
            f"Action : {action.action_type.get_kind_display()} — {action.action_type.get_audience_display()}",
        ]
        if action.duration:
            description.append(f"Durée : {action.duration_display}")
        if action.participants:
            description.append(f"Participants : {action.participants}")
        event.add("description", "\n".join(description))
        if cancelled:
            event.add("status", "CANCELLED")
        else:
            event.add("status", "TENTATIVE" if action.date < today else "CONFIRMED")
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
