"""Access ends with the account: however an account is deactivated (admin, shell, a service),
its sessions end at once."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import User
from .services import end_sessions_of


@receiver(post_save, sender=User, dispatch_uid="accounts_end_sessions_of_inactive_users")
def end_sessions_of_inactive_user(sender, instance: User, created: bool, **kwargs):
    if not created and not instance.is_active:
        end_sessions_of(instance)
