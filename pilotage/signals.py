"""Access ends with the role: when an account is deactivated or loses a membership, its private
calendar address is deleted at once (and the feed also checks the right at every request)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from accounts.models import Membership, User

from .services.calendar import end_calendar_feed_if_role_lost


def _recheck(user_id) -> None:
    # A fresh object: the roles cached on another instance of the user would be stale.
    user = User.objects.filter(pk=user_id).first()
    if user is not None:
        end_calendar_feed_if_role_lost(user)


@receiver(post_save, sender=User, dispatch_uid="pilotage_feed_of_inactive_user")
def feed_of_inactive_user(sender, instance: User, created: bool, **kwargs):
    if not created and not instance.is_active:
        _recheck(instance.pk)


@receiver(post_save, sender=Membership, dispatch_uid="pilotage_feed_after_membership_changed")
@receiver(post_delete, sender=Membership, dispatch_uid="pilotage_feed_after_membership_ended")
def feed_after_membership_ended(sender, instance: Membership, **kwargs):
    _recheck(instance.user_id)
