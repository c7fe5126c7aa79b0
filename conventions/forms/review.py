"""The review's forms: a comment (or an answer) on an article, and the closing of a thread."""

from django import forms

from ..models import COMMENT_MAX_LENGTH, NOTE_MAX_LENGTH, ReviewComment
from .conventions import PlainTextMixin


class ReviewCommentForm(PlainTextMixin, forms.Form):
    text = forms.CharField(
        label="Votre commentaire",
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Écrivez votre commentaire : il ne peut pas être vide.",
            "max_length": f"Le commentaire ne peut dépasser {COMMENT_MAX_LENGTH} caractères "
            "(il en compte %(show_value)d) : scindez-le en plusieurs commentaires.",
        },
    )
    # Ids as text: the service says in French that an unknown or foreign one is not an article
    # of this convention, rather than the form's « Saisissez un nombre entier ».
    article = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    parent = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)


class ReviewCloseForm(PlainTextMixin, forms.Form):
    outcome = forms.ChoiceField(
        choices=ReviewComment.Outcome.choices,
        error_messages={
            "required": "Choisissez de marquer le commentaire résolu ou de le classer sans suite.",
            "invalid_choice": "Choisissez de marquer le commentaire résolu ou de le classer sans suite.",
        },
    )
    note = forms.CharField(
        label="Motif (obligatoire pour classer sans suite)",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        error_messages={
            "max_length": f"Le motif ne peut dépasser {NOTE_MAX_LENGTH} caractères "
            "(il en compte %(show_value)d)."
        },
    )
