"""The public verification form: one PDF, checked in memory, never stored."""

from django import forms
from django.template.defaultfilters import filesizeformat


class VerifyDocumentForm(forms.Form):
    document = forms.FileField(
        label="Document PDF à vérifier",
        help_text="Le fichier est lu pour la vérification puis oublié : il n'est pas conservé.",
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
        error_messages={"required": "Choisissez un fichier PDF.", "empty": "Ce fichier est vide."},
    )

    def __init__(self, *args, max_bytes: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes
        self.fields["document"].help_text += f" Taille maximale : {filesizeformat(max_bytes)}."

    def clean_document(self):
        document = self.cleaned_data["document"]
        if document.size > self.max_bytes:
            raise forms.ValidationError(too_big_message(self.max_bytes))
        return document


def too_big_message(max_bytes: int) -> str:
    return f"Ce fichier est trop volumineux : la taille maximale est de {filesizeformat(max_bytes)}."
