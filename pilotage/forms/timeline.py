"""The filters of a school's timeline (and of its dossier in PDF)."""

from django import forms

from core.school_years import current_school_year, school_year_label


class TimelineFilterForm(forms.Form):
    """Which kinds of entries, which school year. Nothing ticked means every kind."""

    type = forms.MultipleChoiceField(
        label="Afficher",
        required=False,
        choices=[],
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        error_messages={"invalid_choice": "« %(value)s » n'est pas un type d'événement connu."},
    )
    annee = forms.TypedChoiceField(
        label="Année scolaire",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[],
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"invalid_choice": "« %(value)s » n'est pas une année scolaire proposée."},
    )

    def __init__(self, *args, kinds, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = kinds
        self.fields["annee"].choices = [("", "Toutes"), *[(year, school_year_label(year)) for year in years]]


def offered_years(years_of_entries) -> list[int]:
    """The school years the form offers, newest first: from the oldest entry's to the current
    one (or the newest entry's, if later)."""
    years = set(years_of_entries) | {current_school_year()}
    return list(range(max(years), min(years) - 1, -1))
