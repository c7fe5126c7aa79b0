"""What the pilotage services share: the rule check that refuses, and French dates in messages."""

from datetime import date

from django.core.exceptions import PermissionDenied

from accounts.models import User
from pilotage.models import Accompaniment


def require(user: User, perm: str, accompaniment: Accompaniment) -> None:
    """Refuse unless `user` has the pilotage rule `perm` for `accompaniment`."""
    if not user.has_perm(f"pilotage.{perm}", accompaniment):
        raise PermissionDenied("Vous ne pouvez pas faire cela pour cette école.")


def french_date(day: date) -> str:
    return day.strftime("%d/%m/%Y")
