"""The widgets and fields the pilotage forms share."""

from decimal import Decimal

from django import forms


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
