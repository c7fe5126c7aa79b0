"""The private address of an adviser's calendar."""

from django.db import transaction

from accounts.models import User
from pilotage.models import CalendarFeed


def calendar_feed_of(*, user: User, renew: bool = False) -> CalendarFeed:
    """The user's private calendar address; `renew` replaces its token (the old link stops)."""
    with transaction.atomic():
        feed, created = CalendarFeed.objects.select_for_update().get_or_create(
            user=user, defaults={"token": CalendarFeed.new_token()}
        )
        if renew and not created:
            feed.token = CalendarFeed.new_token()
            feed.save(update_fields=["token", "created_at"])
    return feed
