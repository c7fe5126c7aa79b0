"""The forms of the plan de pilotage: the plan, objectives, strategies, indicators and their values, evaluations."""

from django import forms
from django.db.models import Q
from django.utils import timezone

from conventions.models import FrameworkNode
from core.forms import TableFileField
from core.school_years import school_year_choices, school_year_of
from core.stale_forms import StaleCheck, VersionedModelForm, fingerprint
from core.values import SaneDateField

from ..models import (
    Evaluation,
    Indicator,
    ObjectiveStatus,
    Plan,
    SchoolObjective,
    Strategy,
)
from ..services.plans import PLAN_FIELDS
from .fields import DateInput, textarea
from .framework_picker import FrameworkPicker


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
    """The picker shows each node under its framework's name: the node's own heading here."""

    widget = FrameworkPicker

    def label_from_instance(self, node):
        # « Objectif transversal 1 » alone says nothing: its text says what it is about.
        text = f"{node.heading} — {node.text}" if node.text and node.heading == node.title else node.heading
        text = text.replace("**", "")  # the fixtures mark emphasis as in Markdown
        return text if len(text) <= 160 else text[:159].rstrip() + "…"


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
        help_text="Les objectifs d'amélioration, les actions prioritaires… (plusieurs choix possibles).",
        error_messages={
            "invalid_choice": "« %(value)s » n'est pas un élément des référentiels proposés à votre fédération.",
            "invalid_pk_value": "« %(pk)s » n'est pas un élément de référentiel.",
        },
    )

    class Meta:
        model = SchoolObjective
        fields = ["label", "title", "description", "framework_nodes"]
        widgets = {"description": textarea(3)}

    def __init__(self, *args, federation_id: int, search: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["framework_nodes"]
        field.queryset = contributable_nodes(federation_id)
        field.widget.federation_id = federation_id
        field.widget.search = search


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


class IndicatorImportForm(forms.Form):
    file = TableFileField(
        label="Fichier (CSV ou XLSX)",
        help_text="Colonnes : FASE, indicator (ou indicateur), year (ou année), value (ou valeur).",
    )
