"""The dashboards' forms: the filters of their lists, the choice of federation and year,
and the yearly report's."""

from datetime import date
from urllib.parse import urlencode

from django import forms
from django.db.models import Q

from accounts.models import Federation, School
from core.school_years import current_school_year, school_year_label
from pilotage.models import Step

from .periods import available_years


def _select(**kwargs):
    return forms.Select(attrs={"class": "form-select form-select-sm", **kwargs})


def _step_choices():
    return [
        ("", "Toutes"),
        *[(step.number, f"{step.number}. {step.short_name}") for step in Step.objects.all()],
    ]


class SchoolFilterForm(forms.Form):
    q = forms.CharField(
        label="Rechercher (nom, FASE ou PO)",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm", "type": "search"}),
    )
    step = forms.TypedChoiceField(
        label="Étape", required=False, coerce=int, empty_value=None, choices=[], widget=_select()
    )
    late = forms.BooleanField(
        label="Engagements en retard seulement",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    # The names of the row's fields these filters read.
    school_prefix = ""
    step_field = "step"
    late_field = "engagements_late"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["step"].choices = _step_choices()

    def filter(self, rows):
        data = self.cleaned_data
        query = data["q"].strip()
        p = self.school_prefix
        if query:
            if query.isascii() and query.isdecimal():
                rows = rows.filter(**{f"{p}fase": int(query)})
            else:
                rows = rows.filter(
                    Q(**{f"{p}name__icontains": query})
                    | Q(**{f"{p}organising_authority__name__icontains": query})
                    | Q(**{f"{p}city__icontains": query})
                )
        if data["step"]:
            rows = rows.filter(**{self.step_field: data["step"]})
        if data["late"]:
            rows = rows.filter(**{f"{self.late_field}__gt": 0})
        return rows


class FederationSchoolFilterForm(SchoolFilterForm):
    wave = forms.TypedChoiceField(
        label="Phase",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Toutes"), *School.Wave.choices],
        widget=_select(),
    )

    def filter(self, rows):
        rows = super().filter(rows)
        if self.cleaned_data["wave"]:
            rows = rows.filter(wave=self.cleaned_data["wave"])
        return rows


class AccompanimentFilterForm(SchoolFilterForm):
    at_risk = forms.BooleanField(
        label="Objectifs à risque seulement",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    school_prefix = "school__"
    step_field = "current_step"

    def filter(self, rows):
        rows = super().filter(rows)
        if self.cleaned_data["at_risk"]:
            rows = rows.filter(objectives_at_risk__gt=0)
        return rows


class NameFilterForm(forms.Form):
    q = forms.CharField(
        label="Rechercher",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm", "type": "search"}),
    )
    fields_searched = ("name",)

    def filter(self, rows):
        query = self.cleaned_data["q"].strip()
        if not query:
            return rows
        condition = Q()
        for field in self.fields_searched:
            condition |= Q(**{f"{field}__icontains": query})
        return rows.filter(condition)


class POFilterForm(NameFilterForm):
    late = forms.BooleanField(
        label="Engagements en retard seulement",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def filter(self, rows):
        rows = super().filter(rows)
        if self.cleaned_data["late"]:
            rows = rows.filter(engagements_late__gt=0)
        return rows


class AdviserFilterForm(NameFilterForm):
    fields_searched = ("first_name", "last_name", "email")


class DashboardChoiceForm(forms.Form):
    """Which federation and which school year the federation's dashboard shows. It reads the
    query string itself (anything unknown falls back on the first federation and the current
    year) and is shown unbound, with the choice made as its initial values."""

    federation = forms.ModelChoiceField(
        label="Fédération", queryset=Federation.objects.none(), empty_label=None, widget=_select()
    )
    annee = forms.TypedChoiceField(label="Année scolaire", coerce=int, choices=[], widget=_select())

    def __init__(self, params, *, user, today: date):
        federations = list(Federation.objects.staffed_by(user))
        by_code = {federation.code: federation for federation in federations}
        self.federation = by_code.get(params.get("federation", "")) or (
            federations[0] if federations else None
        )
        self.years = years = available_years(self.federation, today) if self.federation else []
        try:
            year = int(params.get("annee", ""))
        except ValueError:
            year = None
        self.year = year if year in years else current_school_year(today)
        super().__init__(initial={"federation": getattr(self.federation, "code", ""), "annee": self.year})
        self.fields["federation"].choices = [(f.code, f"{f.code} — {f.name}") for f in federations]
        self.fields["annee"].choices = [(y, school_year_label(y)) for y in years]
        self.several_federations = len(federations) > 1

    @property
    def query(self) -> str:
        return urlencode({"federation": self.federation.code, "annee": self.year})


class ReportForm(forms.Form):
    federation = forms.ModelChoiceField(
        label="Fédération",
        queryset=Federation.objects.none(),
        empty_label=None,
        to_field_name="code",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    annee = forms.TypedChoiceField(
        label="Année scolaire",
        coerce=int,
        choices=[],
        widget=forms.Select(attrs={"class": "form-select"}),
        help_text="L'année 2024 désigne l'année scolaire 2024-2025 (du 1er septembre 2024 au 31 août 2025).",
    )
    format = forms.ChoiceField(
        label="Format",
        choices=[("pdf", "PDF (graphiques et tableaux)"), ("xlsx", "Excel (XLSX, une ligne par école)")],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        initial="pdf",
    )

    def __init__(self, *args, user, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        federations = Federation.objects.staffed_by(user)
        self.fields["federation"].queryset = federations
        years = available_years(None, today)
        self.fields["annee"].choices = [(year, f"{year} ({school_year_label(year)})") for year in years]
        self.fields["annee"].initial = years[1] if len(years) > 1 else years[0]
