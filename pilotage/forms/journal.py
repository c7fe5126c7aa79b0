"""The filters of the audit trail."""

from django import forms

from accounts.models import User
from core.values import SaneDateField

from .fields import DateInput


class JournalFilterForm(forms.Form):
    """The filters of the audit trail (journal des modifications)."""

    type = forms.ChoiceField(label="Type d'objet", required=False, choices=[("", "Tous")])
    utilisateur = forms.ModelChoiceField(
        label="Modifié par", required=False, queryset=User.objects.none(), empty_label="Tout le monde"
    )
    du = SaneDateField(label="Du", required=False, widget=DateInput())
    au = SaneDateField(label="Au", required=False, widget=DateInput())
    convention = forms.CharField(required=False, widget=forms.HiddenInput())
    ecole = forms.IntegerField(required=False, widget=forms.HiddenInput())

    def __init__(self, *args, kinds, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", "Tous"), *kinds]
        self.fields["utilisateur"].queryset = users
        self.fields["utilisateur"].label_from_instance = lambda u: u.get_full_name() or u.email

    def clean(self):
        data = super().clean()
        if data.get("du") and data.get("au") and data["au"] < data["du"]:
            self.add_error("au", "La date de fin doit suivre la date de début.")
        return data
