"""The notes kept on an accompaniment."""

from django.db import transaction

from accounts.models import User
from pilotage.models import Accompaniment, Note

from .common import require


def add_note(
    *, accompaniment: Accompaniment, by: User, text: str, visibility: str = Note.Visibility.PRIVATE
) -> Note:
    require(by, "add_notes", accompaniment)
    note = Note(
        accompaniment=accompaniment,
        school_id=accompaniment.school_id,
        author=by,
        text=text.strip(),
        visibility=visibility,
    )
    note.full_clean()
    with transaction.atomic():
        note.save()
    return note
