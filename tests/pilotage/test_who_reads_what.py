"""Each note, action note and cancellation reason form says who will read it, and what it says
is what the pages do."""

from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from pilotage.services.actions import cancel_action, mark_held
from pilotage.services.notes import add_note
from tests.pilotage.factories import ActionRecordFactory
from tests.utils import text_of

HTMX = {"HTTP_HX_REQUEST": "true"}
READ_BY_ALL = "Visible par la fédération, le PO (référent et signataires), la direction et le DCO de l'école."
# The roles the forms name beside the federation, and those that read private notes.
NAMED_READERS = (Role.PO_REFERENT, Role.SIGNATORY, Role.SCHOOL_DIRECTION, Role.DCO)


def test_the_action_forms_say_who_reads_the_note_and_the_reason(
    client, accompaniment_a, adviser_a, seminar_a
):
    action = ActionRecordFactory(
        accompaniment=accompaniment_a, action_type=seminar_a, date=timezone.localdate()
    )
    client.force_login(adviser_a)

    held = text_of(client.get(reverse("pilotage_action_held", args=[action.pk]), **HTMX))
    cancel = text_of(client.get(reverse("pilotage_action_cancel", args=[action.pk]), **HTMX))

    assert READ_BY_ALL in held
    assert READ_BY_ALL in cancel


def test_the_note_form_says_who_reads_each_kind_of_note(client, accompaniment_a, adviser_a):
    client.force_login(adviser_a)

    page = text_of(client.get(accompaniment_a.school.get_absolute_url()))

    assert "Partagée (avec le PO, la direction et le DCO)" in page
    assert "Une note privée n'est lue que par la coordination et les conseillers de la fédération" in page
    assert "la direction et le DCO de l'école" in page


def test_what_the_forms_say_is_what_each_role_reads(client, side_a, accompaniment_a, adviser_a, seminar_a):
    add_note(accompaniment=accompaniment_a, by=adviser_a, text="Note partagée de test", visibility="shared")
    add_note(accompaniment=accompaniment_a, by=adviser_a, text="Note privée de test", visibility="private")
    today = timezone.localdate()
    held = ActionRecordFactory(accompaniment=accompaniment_a, action_type=seminar_a, date=today)
    mark_held(action=held, by=adviser_a, held_on=today, note="Note d'action de test")
    cancelled = ActionRecordFactory(accompaniment=accompaniment_a, action_type=seminar_a, date=today)
    cancel_action(action=cancelled, by=adviser_a, reason="Motif d'annulation de test")

    for role in Role:
        client.force_login(side_a.users[role])
        page = text_of(client.get(accompaniment_a.school.get_absolute_url()))
        for text in ("Note partagée de test", "Note d'action de test", "Motif d'annulation de test"):
            assert text in page, (role, text)
        assert ("Note privée de test" in page) == (role not in NAMED_READERS), role
