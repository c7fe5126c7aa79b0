"""The private address of an adviser's calendar: created, replaced, revoked, and ended with the
role that gave it."""

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


def may_have_calendar(user: User) -> bool:
    """Whether the account may still read a calendar: active, and still working for a federation
    (the rule is asked again at every request, so a role removed ends the feed at once)."""
    return user.is_active and user.has_perm("pilotage.have_calendar")


def revoke_calendar_feed(*, user: User) -> bool:
    """Delete the user's private address outright: the old link answers 404. True if there was one."""
    deleted, _ = CalendarFeed.objects.filter(user=user).delete()
    return bool(deleted)


def end_calendar_feed_if_role_lost(user: User) -> bool:
    """After an account is deactivated or a role removed: the address dies with the right, so
    that giving the role back later does not revive a link that may have circulated."""
    if may_have_calendar(user):
        return False
    return revoke_calendar_feed(user=user)
