"""Access ends with the account: however an account is deactivated (admin, shell, a service),
its sessions end at once."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import User, users_deactivated
from .services import end_sessions_of


@receiver(post_save, sender=User, dispatch_uid="accounts_end_sessions_of_inactive_users")
def end_sessions_of_inactive_user(sender, instance: User, created: bool, **kwargs):
    if not created and not instance.is_active:
        end_sessions_of(instance)


@receiver(users_deactivated, dispatch_uid="accounts_end_sessions_of_users_deactivated_at_once")
def end_sessions_of_users_deactivated_at_once(sender, ids: list[int], **kwargs):
    end_sessions_of(*ids)
