"""The signatory's forms: sign, upload a document signed with one's own certificate, decline;
and the staff's: a signatory's corrected address, to resend their link, or another signatory."""

from django import forms

from ..models import ConventionSignatory


class SignForm(forms.Form):
    read = forms.BooleanField(
        label="J'ai lu l'intégralité de la convention",
        error_messages={"required": "Cochez la case pour confirmer que vous avez lu toute la convention."},
    )
    document_sha256 = forms.CharField(widget=forms.HiddenInput, max_length=64)


class UploadForm(forms.Form):
    document = forms.FileField(
        label="PDF signé avec votre carte d'identité électronique",
        error_messages={"required": "Choisissez le fichier PDF signé."},
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="Motif du refus",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Indiquez le motif de votre refus : il est communiqué à la fédération."},
    )


class ResendLinkForm(forms.Form):
    email = forms.EmailField(
        label="Adresse e-mail",
        max_length=254,
        error_messages={
            "required": "Indiquez l'adresse e-mail du signataire.",
            "invalid": "Saisissez une adresse e-mail valide.",
        },
    )


class ReplaceSignatoryForm(forms.ModelForm):
    """The person who signs in a signatory's place, before anybody has signed."""

    class Meta:
        model = ConventionSignatory
        fields = ["civility", "full_name", "function", "email"]
        error_messages = {
            "full_name": {"required": "Indiquez le nom et le prénom du signataire."},
            "function": {
                "required": "Indiquez la fonction du signataire, telle qu'elle figurera dans le texte."
            },
            "email": {
                "required": "Indiquez l'adresse e-mail du signataire : son lien de signature y est envoyé.",
                "invalid": "Saisissez une adresse e-mail valide.",
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["full_name"].required = True
        self.fields["email"].required = True
        for name, field in self.fields.items():
            field.widget.attrs.update(
                {
                    "class": "form-select form-select-sm"
                    if name == "civility"
                    else "form-control form-control-sm"
                }
            )
