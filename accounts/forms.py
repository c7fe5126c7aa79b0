from django import forms
from django.contrib.auth import password_validation
from django.db.models import Q

from .models import ORGANISATION_FIELDS, OrganisingAuthority, Role, School, User, organisation_kind
from .rules import invitable_organisations, invitable_roles


def organisation_key(organisation) -> str:
    return f"{ORGANISATION_FIELDS[organisation_kind(organisation)]}-{organisation.pk}"


class SchoolSearchForm(forms.Form):
    q = forms.CharField(
        label="Rechercher",
        required=False,
        max_length=100,
    )
    po = forms.ModelChoiceField(
        label="Pouvoir organisateur",
        required=False,
        queryset=OrganisingAuthority.objects.none(),
        empty_label="Tous les PO",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    level = forms.ChoiceField(
        label="Niveau",
        required=False,
        choices=[("", "Tous"), *School.Level.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    wave = forms.TypedChoiceField(
        label="Phase",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Toutes"), *School.Wave.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["po"].queryset = OrganisingAuthority.objects.visible_to(user)

    def filter(self, schools):
        if not self.is_valid():
            return schools
        query = self.cleaned_data["q"].strip()
        if query:
            if query.isascii() and query.isdecimal():
                schools = schools.filter(fase=int(query))
            else:
                schools = schools.filter(
                    Q(name__icontains=query)
                    | Q(organising_authority__name__icontains=query)
                    | Q(city__icontains=query)
                )
        if self.cleaned_data["po"]:
            schools = schools.filter(organising_authority=self.cleaned_data["po"])
        if self.cleaned_data["level"]:
            schools = schools.filter(level=self.cleaned_data["level"])
        if self.cleaned_data["wave"]:
            schools = schools.filter(wave=self.cleaned_data["wave"])
        return schools


class InvitationForm(forms.Form):
    organisation = forms.ChoiceField(label="Organisation")
    role = forms.ChoiceField(label="Rôle", choices=Role.choices)
    email = forms.EmailField(label="Adresse e-mail de la personne invitée", max_length=254)
    first_name = forms.CharField(label="Prénom", max_length=150, required=False)
    last_name = forms.CharField(label="Nom", max_length=150, required=False)
    function = forms.CharField(
        label="Fonction",
        max_length=200,
        required=False,
        help_text="Par exemple : Échevine de l'Instruction publique (utile pour les signataires).",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.organisations = {organisation_key(o): o for o in invitable_organisations(user)}
        self.fields["organisation"].choices = [
            ("", "— Choisissez —"),
            *[(key, f"{o} ({organisation_kind(o).label})") for key, o in self.organisations.items()],
        ]

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if email == self.user.email.lower():
            raise forms.ValidationError("Vous ne pouvez pas vous inviter vous-même.")
        return email

    def clean(self):
        cleaned = super().clean()
        organisation = self.organisations.get(cleaned.get("organisation"))
        role = cleaned.get("role")
        if organisation and role and role not in invitable_roles(self.user, organisation):
            allowed = ", ".join(Role(r).label for r in invitable_roles(self.user, organisation))
            self.add_error("role", f"Rôles possibles pour cette organisation : {allowed}.")
        cleaned["organisation"] = organisation
        return cleaned


class AcceptInvitationForm(forms.Form):
    first_name = forms.CharField(label="Prénom", max_length=150)
    last_name = forms.CharField(label="Nom", max_length=150)
    password1 = forms.CharField(
        label="Mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Mot de passe (confirmation)",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", "Les deux mots de passe ne correspondent pas.")
        elif password1:
            candidate = User(
                email=self.email,
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(password1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label="Nom du jeton",
        max_length=100,
        help_text="Le système qui s'en servira, par exemple « GED de la commune » ou « statistiques ».",
    )
