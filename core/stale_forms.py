"""Concurrent edits detected, not silently overwritten: a form carries a digest of the row as
it showed it, and refuses to save over a row that changed since."""

import hashlib

from django import forms
from django.forms.models import model_to_dict

STALE_FORM = (
    "Ces informations ont été modifiées par quelqu'un d'autre depuis que vous avez ouvert ce formulaire : "
    "rechargez la page pour voir les nouvelles valeurs avant d'enregistrer les vôtres."
)


def fingerprint(values: dict) -> str:
    """A short digest of saved values: what a form carries to tell a stale copy."""
    flat = {
        name: sorted(getattr(v, "pk", v) for v in value) if isinstance(value, list | tuple) else value
        for name, value in values.items()
    }
    return hashlib.sha256(repr(sorted(flat.items())).encode()).hexdigest()[:32]


class StaleCheck(forms.Form):
    """A hidden `version`: the digest of the row as the form showed it. Sent back different
    from the row's digest now, the form says so instead of overwriting the other's change."""

    version = forms.CharField(required=False, widget=forms.HiddenInput)

    def saved_version(self) -> str:
        raise NotImplementedError

    def _setup_version(self):
        self.fields["version"].initial = self.saved_version()

    def clean(self):
        cleaned = super().clean()
        sent = cleaned.get("version") or ""
        # An old copy of the page, sent without a version, is not refused.
        if sent and sent != self.saved_version():
            self.add_error(None, STALE_FORM)
        return cleaned


class VersionedModelForm(StaleCheck, forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_version()

    def clean(self):
        # Checked by `StaleCheck.clean`; what the services receive is the row's fields only.
        cleaned = super().clean()
        cleaned.pop("version", None)
        return cleaned

    def saved_version(self) -> str:
        if self.instance.pk is None:
            return ""
        fresh = type(self.instance)._default_manager.filter(pk=self.instance.pk).first()
        if fresh is None:
            return ""
        return fingerprint(model_to_dict(fresh, fields=[f for f in self._meta.fields if f != "version"]))
