"""Bulk where work is bulk: a grouped action held or cancelled for the schools ticked, and an
adviser assigned to many schools at once."""

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import OrganisingAuthority, User
from core.values import SaneDateField

from ..models import READ_BY_ALL
from .actions import AccompanimentChoiceField
from .fields import DateInput, textarea

HELD, CANCEL = "held", "cancel"


class GroupStatusForm(forms.Form):
    """One list of ticked schools, two buttons: « réalisée » (date, note) or « annuler » (reason)."""

    actions = forms.ModelMultipleChoiceField(
        label="Écoles",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Cochez au moins une école."},
    )
    do = forms.ChoiceField(choices=[(HELD, "Marquer réalisée"), (CANCEL, "Annuler")])
    held_on = SaneDateField(label="Réalisée le", required=False, widget=DateInput())
    note = forms.CharField(label="Note", required=False, widget=textarea(), help_text=READ_BY_ALL)
    reason = forms.CharField(
        label="Motif de l'annulation", required=False, widget=textarea(), help_text=READ_BY_ALL
    )

    def __init__(self, *args, actions: QuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actions"].queryset = actions

    def clean(self):
        data = super().clean()
        if data.get("do") == HELD:
            held_on = data.get("held_on")
            if held_on is None and "held_on" not in self.errors:
                self.add_error("held_on", "Indiquez la date à laquelle l'action a été réalisée.")
            elif held_on and held_on > timezone.localdate():
                self.add_error(
                    "held_on",
                    f"Une action ne peut pas être marquée réalisée à une date future ({held_on:%d/%m/%Y}) : "
                    "elle est encore prévue.",
                )
        elif data.get("do") == CANCEL and not (data.get("reason") or "").strip():
            self.add_error("reason", "Indiquez le motif de l'annulation.")
        return data


class AdviserLoadChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return f"{user} — {user.schools_count} école(s), {str(user.fte).replace('.', ',')} ETP"


class SchoolsFilterForm(forms.Form):
    """The filters of the assignment page (GET): PO and current adviser."""

    po = forms.ModelChoiceField(label="PO", queryset=None, required=False, empty_label="Tous les PO")
    adviser = forms.ChoiceField(label="Conseiller actuel", required=False)

    def __init__(self, *args, organising_authorities: QuerySet, advisers: list[User], **kwargs):
        # The assignment form on the same page has an `adviser` field too: with Django's
        # default ids, its label « Conseiller à désigner » would point at this filter.
        kwargs.setdefault("auto_id", "filtre-%s")
        super().__init__(*args, **kwargs)
        self.fields["po"].queryset = organising_authorities
        self.fields["adviser"].choices = [
            ("", "Tous"),
            ("none", "Sans conseiller"),
            *[(str(user.pk), str(user)) for user in advisers],
        ]
        self.advisers = {str(user.pk): user for user in advisers}

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        adviser = self.cleaned_data["adviser"]
        return {
            "organising_authority": self.cleaned_data["po"],
            "adviser": "none" if adviser == "none" else self.advisers.get(adviser),
        }


class BulkAdvisersForm(forms.Form):
    accompaniments = AccompanimentChoiceField(
        label="Écoles",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Cochez au moins une école."},
    )
    adviser = AdviserLoadChoiceField(
        label="Conseiller à désigner",
        queryset=None,
        empty_label="— Choisissez —",
        error_messages={"required": "Choisissez le conseiller à désigner."},
    )
    replace = forms.BooleanField(
        label="Remplacer les conseillers actuels de ces écoles (sinon, il s'y ajoute)", required=False
    )

    def __init__(self, *args, accompaniments: QuerySet, advisers: QuerySet, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accompaniments"].queryset = accompaniments
        self.fields["adviser"].queryset = advisers


def organising_authorities_of(accompaniments: QuerySet) -> QuerySet:
    return OrganisingAuthority.objects.filter(
        pk__in=accompaniments.values("school__organising_authority")
    ).order_by("name")
