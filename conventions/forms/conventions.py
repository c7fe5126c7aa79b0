import re

from django import forms
from django.core.exceptions import ValidationError

from accounts.models import GuidanceCentre, OrganisingAuthority, School
from core.forms import TableFileField
from core.values import SaneDateField

from ..models import Convention, ConventionSignatory, ConventionTemplate, State

MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>|javascript:", re.IGNORECASE)


def no_markup(value: str):
    if value and MARKUP.search(value):
        raise ValidationError("Le texte ne peut pas contenir de balises HTML ni de script.")


class PlainTextMixin:
    """Every text field refuses HTML and scripts, with a message beside the field."""

    def clean(self):
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            if isinstance(value, str):
                try:
                    no_markup(value)
                except ValidationError as error:
                    self.add_error(name, error)
        return cleaned


DateField = SaneDateField


class ConventionFilterForm(forms.Form):
    state = forms.ChoiceField(label="État", required=False, choices=[("", "Tous"), *State.choices])
    po = forms.ModelChoiceField(
        label="Pouvoir organisateur",
        required=False,
        queryset=OrganisingAuthority.objects.none(),
        empty_label="Tous les PO",
    )
    school = forms.CharField(label="École (nom ou FASE)", required=False, max_length=100)
    year = forms.TypedChoiceField(label="Année", required=False, coerce=int, empty_value=None, choices=[])

    def __init__(self, *args, user, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["po"].queryset = OrganisingAuthority.objects.visible_to(user)
        self.fields["year"].choices = [("", "Toutes"), *((y, str(y)) for y in years)]
        for field in ("state", "po", "year"):
            self.fields[field].widget.attrs["class"] = "form-select"

    def filter(self, conventions):
        if not self.is_valid():
            return conventions
        data = self.cleaned_data
        if data["state"]:
            conventions = conventions.filter(state=data["state"])
        if data["po"]:
            conventions = conventions.filter(organising_authority=data["po"])
        if query := data["school"].strip():
            schools = (
                School.objects.filter(fase=int(query))
                if query.isdecimal()
                else School.objects.filter(name__icontains=query)
            )
            conventions = conventions.filter(
                pk__in=Convention.schools.through.objects.filter(school__in=schools).values("convention")
            )
        if data["year"]:
            conventions = conventions.filter(created_at__year=data["year"])
        return conventions


class LockedForm(PlainTextMixin, forms.Form):
    """Carries the version of the convention the form was opened on."""

    lock_version = forms.IntegerField(widget=forms.HiddenInput)


class DatesForm(LockedForm):
    council_decision_date = DateField(label="Date de la décision du conseil", required=False)
    council_decision_reference = forms.CharField(
        label="Référence de la décision", required=False, max_length=100
    )
    start_date = DateField(label="Prise de cours", required=False)
    end_date = DateField(label="Fin", required=False)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end <= start:
            self.add_error("end_date", "La date de fin doit suivre la date de prise de cours.")
        decision = cleaned.get("council_decision_date")
        if decision and start and decision > start:
            self.add_error("council_decision_date", "La décision du conseil doit précéder la prise de cours.")
        return cleaned


class SignatoryForm(PlainTextMixin, forms.ModelForm):
    class Meta:
        model = ConventionSignatory
        fields = ["civility", "full_name", "function", "email"]
        error_messages = {
            "function": {"required": "Indiquez la fonction du signataire."},
            "email": {"invalid": "Saisissez une adresse e-mail valide."},
        }


SignatoryFormSet = forms.modelformset_factory(
    ConventionSignatory, form=SignatoryForm, extra=0, can_delete=False
)


class ContactForm(PlainTextMixin, forms.Form):
    full_name = forms.CharField(label="Nom et prénom", max_length=150)
    function = forms.CharField(
        label="Fonction", max_length=200, error_messages={"required": "Indiquez la fonction."}
    )
    email = forms.EmailField(
        label="Adresse e-mail", error_messages={"invalid": "Saisissez une adresse e-mail valide."}
    )
    phone = forms.RegexField(
        label="Téléphone",
        required=False,
        max_length=30,
        regex=r"^[0-9+ ./()-]{6,30}$",
        error_messages={"invalid": "Saisissez un numéro de téléphone (chiffres, espaces, + . / -)."},
    )


ContactFormSet = forms.formset_factory(ContactForm, extra=1, can_delete=True, max_num=10, validate_max=True)


class SchoolsForm(LockedForm):
    schools = forms.ModelMultipleChoiceField(
        label="Écoles couvertes",
        queryset=School.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Cochez au moins une école."},
    )

    def __init__(self, *args, convention, user, **kwargs):
        super().__init__(*args, **kwargs)
        # The federation's schools of the PO: those the convention may cover.
        schools = School.objects.visible_to(user).filter(organising_authority=convention.organising_authority)
        if convention.federation_id:
            schools = schools.filter(federation=convention.federation_id)
        self.fields["schools"].queryset = schools.order_by("name")


class CommentForm(PlainTextMixin, forms.Form):
    comment = forms.CharField(
        label="Commentaire", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class AnswerForm(PlainTextMixin, forms.Form):
    answer = forms.CharField(
        label="Réponse écrite", max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )


class AmendmentForm(forms.Form):
    ground = forms.ChoiceField(label="Motif de l'avenant", choices=[])

    def __init__(self, *args, convention, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ground"].choices = [(g, g) for g in convention.template.amendment_grounds]
        self.fields["ground"].widget.attrs["class"] = "form-select"


class CreateConventionForm(forms.Form):
    template = forms.ModelChoiceField(
        label="Modèle", queryset=ConventionTemplate.objects.none(), empty_label=None
    )
    organising_authority = forms.ModelChoiceField(
        label="Pouvoir organisateur", queryset=OrganisingAuthority.objects.none()
    )
    start_date = DateField(label="Prise de cours proposée", required=False)

    def __init__(self, *args, federations, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = ConventionTemplate.objects.current().filter(
            federation__in=federations
        )
        self.fields["organising_authority"].queryset = (
            OrganisingAuthority.objects.visible_to(user)
            .filter(federations__in=federations)
            .distinct()
            .order_by("name")
        )
        for name in ("template", "organising_authority"):
            self.fields[name].widget.attrs["class"] = "form-select"


class ImportConventionsForm(forms.Form):
    template = forms.ModelChoiceField(
        label="Modèle", queryset=ConventionTemplate.objects.none(), empty_label=None
    )
    # 5 Mo: thousands of conventions, each checked row by row in the request before the job.
    file = TableFileField(
        max_bytes=5 * 1024 * 1024,
        label="Fichier (.csv ou .xlsx)",
        help_text="Colonnes : po (nom du PO), ecoles (numéros FASE), signataires (« Nom | Fonction | e-mail », séparés par « ; »).",
    )

    def __init__(self, *args, federations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = ConventionTemplate.objects.current().filter(
            federation__in=federations
        )
        self.fields["template"].widget.attrs["class"] = "form-select"


class FrameworkSearchForm(forms.Form):
    q = forms.CharField(label="Rechercher dans le référentiel", required=False, max_length=100)


class CooperationForm(forms.Form):
    """The school's initiative: which centre it cooperates with, from when."""

    centre = forms.ModelChoiceField(
        label="Centre",
        queryset=GuidanceCentre.objects.order_by("name"),
        empty_label="— Choisissez —",
        error_messages={
            "required": "Choisissez le centre avec lequel l'école coopère.",
            "invalid_choice": "Choisissez un centre de la liste.",
        },
    )
    start_date = DateField(label="Prise de cours", required=False)
