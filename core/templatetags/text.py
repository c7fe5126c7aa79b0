"""Template filters for French sentences (a builtin of every template: see TEMPLATES)."""

from django import template

from core.text import lower_first

register = template.Library()


@register.filter
def lowerfirst(value) -> str:
    return lower_first(str(value))
