from decimal import Decimal

from django import forms
from django.db.models import Q
from django.utils import timezone

from accounts.models import Membership, Role, User
from conventions.models import FrameworkNode
from core.forms import TableFileField
from core.school_years import school_year_choices, school_year_of
from core.stale_forms import StaleCheck, VersionedModelForm, fingerprint
from core.values import SaneDateField

from .models import (
    NOTE_VISIBILITY_HELP,
    READ_BY_ALL,
    Accompaniment,
    ActionType,
    Evaluation,
    Indicator,
    Note,
    ObjectiveStatus,
    Plan,
    SchoolObjective,
    Step,
    Strategy,
)
from .services.plans import PLAN_FIELDS


class DateInput(forms.DateInput):
    """The browser's date picker; the value travels as yyyy-mm-dd."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


def textarea(rows: int = 2) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class ActionTypeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, action_type):
        step = f"Étape {action_type.step_id} · " if action_type.step_id else ""
        mandatory = " (obligatoire)" if action_type.mandatory else ""
        return f"{step}{action_type.title}{mandatory}"


def duration_field(**kwargs) -> forms.DecimalField:
    """A duration in the catalogue's unit (hours or half-days), with its limits said in words
    and with a decimal comma, not in Django's generic « 0.5 » and « 4 chiffres »."""
    return forms.DecimalField(
        label="Durée",
        required=False,
        min_value=Decimal("0.5"),
        max_digits=4,
        decimal_places=1,
        localize=True,
        error_messages={
            "invalid": "Indiquez la durée en chiffres, par exemple 1,5.",
            "min_value": "La durée est d'au moins 0,5.",
            "max_digits": "La durée ne dépasse pas 999,9.",
            "max_whole_digits": "La durée ne dépasse pas 999,9.",
            "max_decimal_places": "Une seule décimale, par exemple 1,5.",
        },
        **kwargs,
    )


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


class PlanForm(VersionedModelForm):
    class Meta:
        model = Plan
        fields = PLAN_FIELDS
        widgets = {
            "diagnosis": textarea(4),
            "dco_comment": textarea(3),
            "submitted_to_dco_on": DateInput(),
            "dco_meeting_on": DateInput(),
            "adjustment_requested_on": DateInput(),
            "accepted_on": DateInput(),
            "contract_start": DateInput(),
        }


class FrameworkNodeChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, node):
        return f"{node.version.framework.title} — {node.heading[:120]}"


def contributable_nodes(federation_id: int):
    """The objectives and priority actions of the public frameworks and of the federation's."""
    return (
        FrameworkNode.objects.filter(
            kind__in=[FrameworkNode.Kind.OBJECTIVE, FrameworkNode.Kind.PRIORITY_ACTION],
        )
        .filter(
            Q(version__framework__federation__isnull=True) | Q(version__framework__federation=federation_id)
        )
        .select_related("version__framework")
        .order_by("version__framework__title", "version", "path")
    )


class ObjectiveForm(VersionedModelForm):
    framework_nodes = FrameworkNodeChoiceField(
        label="Contribue à",
        queryset=FrameworkNode.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="Les objectifs d'amélioration, les actions prioritaires… (plusieurs choix possibles).",
    )

    class Meta:
        model = SchoolObjective
        fields = ["label", "title", "description", "framework_nodes"]
        widgets = {"description": textarea(3)}

    def __init__(self, *args, federation_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["framework_nodes"].queryset = contributable_nodes(federation_id)


def objectives_of(plan: Plan):
    """The plan's objectives; none while the plan is not yet saved (it is created with the
    first form saved, never on a GET)."""
    return plan.objectives.all() if plan.pk else SchoolObjective.objects.none()


class StrategyForm(VersionedModelForm):
    class Meta:
        model = Strategy
        fields = ["title", "objectives", "actions", "responsible", "timeline"]
        widgets = {"objectives": forms.CheckboxSelectMultiple, "actions": textarea(3)}

    def __init__(self, *args, plan: Plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["objectives"].queryset = objectives_of(plan)


class IndicatorForm(VersionedModelForm):
    baseline_year = forms.TypedChoiceField(
        label="Année de la valeur de départ", required=False, coerce=int, empty_value=None
    )
    target_year = forms.TypedChoiceField(
        label="Année de la cible", required=False, coerce=int, empty_value=None
    )

    class Meta:
        model = Indicator
        fields = ["name", "unit", "direction", "baseline", "baseline_year", "target", "target_year"]
        # Typed as people write them here: 62,5.
        localized_fields = ["baseline", "target"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        years = [("", "—"), *school_year_choices(before=8, after=6)]
        self.fields["baseline_year"].choices = years
        self.fields["target_year"].choices = years


class IndicatorValueForm(forms.Form):
    school_year = forms.TypedChoiceField(label="Année scolaire", coerce=int)
    value = forms.DecimalField(
        label="Valeur",
        max_digits=12,
        decimal_places=3,
        localize=True,
        error_messages={"invalid": "La valeur doit être un nombre (par exemple 12,5)."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school_year"].choices = school_year_choices()
        self.fields["school_year"].initial = school_year_of(timezone.localdate())
        self.fields["value"].widget.attrs["inputmode"] = "decimal"


class EvaluationForm(StaleCheck):
    """A new evaluation, or (`instance`) the saved one with its values shown: its nature and
    year stay, what is cleared in it is cleared deliberately."""

    kind = forms.ChoiceField(label="Nature", choices=Evaluation.Kind.choices)
    school_year = forms.TypedChoiceField(label="Année scolaire", coerce=int)
    held_on = SaneDateField(label="Réalisée le", required=False, widget=DateInput())
    comment = forms.CharField(label="Commentaire général", required=False, widget=textarea(3))

    def __init__(self, *args, plan: Plan, instance: Evaluation | None = None, **kwargs):
        self.instance = instance
        if instance is not None:
            kwargs["initial"] = {
                "kind": instance.kind,
                "school_year": instance.school_year,
                "held_on": instance.held_on,
                "comment": instance.comment,
            }
            for result in instance.results.all():
                kwargs["initial"][f"status_{result.objective_id}"] = result.status
                kwargs["initial"][f"comment_{result.objective_id}"] = result.comment
        super().__init__(*args, **kwargs)
        self.fields["school_year"].choices = school_year_choices()
        if instance is None:
            self.fields["school_year"].initial = school_year_of(timezone.localdate())
        else:
            if instance.school_year not in dict(self.fields["school_year"].choices):
                self.fields["school_year"].choices = [(instance.school_year, instance.school_year_label)]
            self.fields["kind"].disabled = self.fields["school_year"].disabled = True
        self.objectives = list(objectives_of(plan))
        for objective in self.objectives:
            self.fields[f"status_{objective.pk}"] = forms.ChoiceField(
                label=f"{objective} : statut",
                choices=[("", "— Non évalué —"), *ObjectiveStatus.choices],
                required=False,
            )
            self.fields[f"comment_{objective.pk}"] = forms.CharField(
                label=f"{objective} : commentaire", required=False, max_length=2000
            )
        self._setup_version()

    def results(self) -> dict[int, tuple[str, str]]:
        return {
            objective.pk: (
                self.cleaned_data[f"status_{objective.pk}"],
                self.cleaned_data[f"comment_{objective.pk}"],
            )
            for objective in self.objectives
            if self.cleaned_data.get(f"status_{objective.pk}")
        }

    def saved_version(self) -> str:
        if self.instance is None:
            return ""
        fresh = Evaluation.objects.filter(pk=self.instance.pk).first()
        if fresh is None:
            return ""
        results = sorted(fresh.results.values_list("objective", "status", "comment"))
        return fingerprint({"held_on": fresh.held_on, "comment": fresh.comment, "results": results})


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


class IndicatorImportForm(forms.Form):
    file = TableFileField(
        label="Fichier (CSV ou XLSX)",
        help_text="Colonnes : FASE, indicator (ou indicateur), year (ou année), value (ou valeur).",
    )


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
