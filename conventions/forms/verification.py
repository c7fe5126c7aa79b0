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

    evidence = forms.FileField(
        label="Certificat de preuve (facultatif)",
        required=False,
        help_text="Le preuve.pdf de la convention : Pilotis vérifie son sceau et que son journal concorde avec "
        "ce que les signatures du document attestent.",
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
        error_messages={"empty": "Ce certificat de preuve est vide."},
    )

    def __init__(self, *args, max_bytes: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes
        self.fields["document"].help_text += f" Taille maximale : {filesizeformat(max_bytes)}."

    def clean_document(self):
        return self._within_limit(self.cleaned_data["document"])

    def clean_evidence(self):
        return self._within_limit(self.cleaned_data["evidence"])

    def _within_limit(self, upload):
        if upload and upload.size > self.max_bytes:
            raise forms.ValidationError(too_big_message(self.max_bytes))
        return upload


def too_big_message(max_bytes: int) -> str:
    return f"Ce fichier est trop volumineux : la taille maximale est de {filesizeformat(max_bytes)}."
