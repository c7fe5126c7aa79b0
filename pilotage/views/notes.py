"""Notes kept on an accompaniment."""

from django.core.exceptions import ValidationError

from pilotage.forms import NoteForm
from pilotage.services.notes import add_note

from .common import (
    GET_POST,
    apply_errors,
    done,
    form_page,
    posted,
    recordable_accompaniment,
    render_section,
)


@GET_POST
def note_add(request, pk: int):
    accompaniment = recordable_accompaniment(request, pk)
    form = NoteForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            note = add_note(
                accompaniment=accompaniment,
                by=request.user,
                text=form.cleaned_data["text"],
                visibility=form.cleaned_data["visibility"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return done(
                request,
                accompaniment,
                "notes",
                f"Note {note.get_visibility_display().split(' (')[0].lower()} ajoutée.",
            )
    if request.htmx and request.method == "POST":
        return render_section(request, accompaniment, "notes", note_form=form)
    return form_page(
        request, accompaniment, title="Ajouter une note", form=form, submit="Ajouter", action=request.path
    )
