"""Access ends with the account: however an account is deactivated (admin, shell, a service),
its sessions end at once."""

from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save
from django.dispatch import receiver

from .models import User, users_deactivated
from .services import end_sessions_of
from .session_timeouts import start_session_clock


@receiver(post_save, sender=User, dispatch_uid="accounts_end_sessions_of_inactive_users")
def end_sessions_of_inactive_user(sender, instance: User, created: bool, **kwargs):
    if not created and not instance.is_active:
        end_sessions_of(instance)


@receiver(users_deactivated, dispatch_uid="accounts_end_sessions_of_users_deactivated_at_once")
def end_sessions_of_users_deactivated_at_once(sender, ids: list[int], **kwargs):
    end_sessions_of(*ids)


@receiver(user_logged_in, dispatch_uid="accounts_start_session_clock")
def start_the_session_clock(sender, request, user, **kwargs):
    """However one signs in (the login form, a code, a test's force_login), both lifetimes of
    the session start then, and its first requests need not write it."""
    if request is not None and hasattr(request, "session"):
        start_session_clock(request)
