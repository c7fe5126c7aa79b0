"""The forms of a school's actions, steps, advisers, engagements and notes, and the bulk action."""

from django import forms
from django.utils import timezone

from accounts.models import Membership, Role, User
from core.values import SaneDateField

from ..models import (
    NOTE_VISIBILITY_HELP,
    READ_BY_ALL,
    Accompaniment,
    ActionType,
    Note,
    Step,
)
from .fields import ActionTypeChoiceField, DateInput, TimeInput, duration_field, textarea


class ActionFieldsForm(forms.Form):
    """What is planned: the same fields for one school or several."""

    action_type = ActionTypeChoiceField(
        label="Action", queryset=ActionType.objects.none(), empty_label="— Choisissez —"
    )
    date = SaneDateField(label="Date", widget=DateInput())
    start_time = forms.TimeField(label="Heure", required=False, widget=TimeInput())
    duration = duration_field(help_text="Laissée vide : la durée prévue au catalogue.")
    location = forms.CharField(label="Lieu", required=False, max_length=200)
    participants = forms.CharField(label="Qui participe", required=False, widget=textarea())


class ActionPlanForm(ActionFieldsForm):
    def __init__(self, *args, federation_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action_type"].queryset = ActionType.objects.filter(federation=federation_id).active()


class ActionHeldForm(forms.Form):
    held_on = SaneDateField(label="Réalisée le", widget=DateInput())
    participants = forms.CharField(label="Participants", required=False, widget=textarea())
    participant_count = forms.IntegerField(
        label="Nombre de participants", required=False, min_value=0, max_value=2000
    )
    note = forms.CharField(label="Note", required=False, widget=textarea(), help_text=READ_BY_ALL)

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        if held_on > timezone.localdate():
            raise forms.ValidationError(
                f"Une action ne peut pas être marquée réalisée à une date future ({held_on:%d/%m/%Y}) : "
                "elle est encore prévue."
            )
        return held_on


class ActionCancelForm(forms.Form):
    reason = forms.CharField(
        label="Motif de l'annulation",
        widget=textarea(),
        help_text=READ_BY_ALL,
        error_messages={"required": "Indiquez le motif de l'annulation."},
    )


class ActionCorrectForm(forms.Form):
    """A planned action rescheduled, or a held one corrected, with the reason."""

    date = SaneDateField(label="Date", widget=DateInput())
    start_time = forms.TimeField(label="Heure", required=False, widget=TimeInput())
    duration = duration_field()
    participants = forms.CharField(label="Participants", required=False, widget=textarea())
    participant_count = forms.IntegerField(
        label="Nombre de participants", required=False, min_value=0, max_value=2000
    )
    reason = forms.CharField(
        label="Motif de la correction",
        widget=textarea(),
        max_length=2000,
        error_messages={"required": "Indiquez le motif de la correction."},
        help_text="Gardé avec votre nom et la date sous l'action.",
    )
    version = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, held: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if held:
            del self.fields["start_time"]
        else:
            del self.fields["participant_count"]
            self.fields["date"].label = "Nouvelle date"


class ActionReasonForm(forms.Form):
    """Set back to planned, or delete: why."""

    reason = forms.CharField(
        label="Motif",
        widget=textarea(),
        max_length=2000,
        error_messages={"required": "Indiquez le motif."},
        help_text="Gardé avec votre nom et la date.",
    )
    version = forms.CharField(required=False, widget=forms.HiddenInput)


class EngagementUntickForm(forms.Form):
    reason = forms.CharField(
        label="Pourquoi le décocher ?",
        max_length=1000,
        error_messages={"required": "Indiquez pourquoi vous décochez cet engagement."},
    )


class StepForm(forms.Form):
    """Moving a school to a step. The list opens on the next step; going back to an earlier
    one is a correction that must be confirmed and explained."""

    step = forms.TypedChoiceField(label="Nouvelle étape", coerce=int)
    on = SaneDateField(label="Depuis le", widget=DateInput())
    reason = forms.CharField(
        label="Motif (obligatoire pour revenir à une étape antérieure)",
        required=False,
        widget=textarea(),
        max_length=2000,
    )
    confirm = forms.BooleanField(
        label="Je confirme le retour à une étape antérieure (l'historique est conservé)",
        required=False,
    )

    def __init__(self, *args, current_step: int = 1, **kwargs):
        super().__init__(*args, **kwargs)
        self.current_step = current_step
        self.fields["step"].choices = [(step.number, str(step)) for step in Step.objects.all()]
        self.fields["step"].initial = min(current_step + 1, 5)
        self.fields["on"].initial = timezone.localdate()

    def clean(self):
        data = super().clean()
        step = data.get("step")
        if step is not None and step < self.current_step:
            if not data.get("confirm"):
                self.add_error(
                    "confirm",
                    f"Confirmez le retour de l'étape {self.current_step} à l'étape {step} : "
                    "l'historique est conservé et ce retour y sera inscrit comme une correction.",
                )
            if not (data.get("reason") or "").strip():
                self.add_error("reason", "Indiquez le motif du retour à une étape antérieure.")
        return data


class AdviserChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        return f"{user} ({user.email})"


class AdvisersForm(forms.Form):
    advisers = AdviserChoiceField(
        label="Conseillers désignés",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, accompaniment: Accompaniment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["advisers"].queryset = User.objects.filter(
            is_active=True,
            pk__in=Membership.objects.filter(
                role=Role.FPO_ADVISER, federation=accompaniment.federation_id
            ).values("user"),
        ).order_by("last_name", "first_name")


class EngagementTickForm(forms.Form):
    comment = forms.CharField(label="Commentaire", required=False, max_length=1000)


class NoteForm(forms.Form):
    text = forms.CharField(label="Note", widget=textarea(3), max_length=5000)
    visibility = forms.ChoiceField(
        label="Visibilité",
        choices=Note.Visibility.choices,
        initial=Note.Visibility.PRIVATE,
        widget=forms.RadioSelect,
        help_text=NOTE_VISIBILITY_HELP,
    )


class AccompanimentChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, accompaniment):
        school = accompaniment.school
        return f"{school.name} (FASE {school.fase}) — {school.organising_authority.name}"


class BulkActionForm(ActionFieldsForm):
    accompaniments = AccompanimentChoiceField(
        label="Écoles",
        queryset=Accompaniment.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choisissez au moins une école."},
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        accompaniments = (
            Accompaniment.objects.recordable_by(user)
            .active()
            .select_related("school__organising_authority")
            .order_by("school__name")
        )
        self.fields["accompaniments"].queryset = accompaniments
        self.fields["action_type"].queryset = (
            ActionType.objects.active()
            .filter(federation__in=accompaniments.values("federation"))
            .select_related("federation")
        )

    def clean(self):
        cleaned = super().clean()
        action_type, accompaniments = cleaned.get("action_type"), cleaned.get("accompaniments")
        if action_type and accompaniments:
            others = [a.school.name for a in accompaniments if a.federation_id != action_type.federation_id]
            if others:
                self.add_error(
                    "accompaniments",
                    f"Ces écoles ne sont pas accompagnées par la fédération de cette action : {', '.join(others)}.",
                )
        return cleaned
