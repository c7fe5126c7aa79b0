"""The compact stepper of a dashboard's row (pilotage/includes/stepper.html)."""

from functools import lru_cache

from django import template
from django.template.loader import render_to_string

register = template.Library()


@lru_cache(maxsize=64)
def _rendered(current, name) -> str:
    return render_to_string("pilotage/includes/stepper.html", {"current": current, "name": name})


@register.simple_tag
def stepper(current, name):
    """The stepper of a school at step `current` (`name`, its short name). Its markup depends
    on the step alone, so each step's is rendered once per process: a dashboard repeats it on
    every row, and rendering it each time was a quarter of the adviser dashboard's rendering."""
    return _rendered(current, name)
