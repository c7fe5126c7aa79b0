"""The framework picker of an objective: checkboxes grouped by framework, the federation's own
and the Belgian public frameworks first and open, the others (a French académie's project)
behind « Afficher les autres référentiels », and a filter. It works without JavaScript: the
filter is then a button that sends the form back to be shown again, filtered, nothing saved;
with `static/pilotage/framework-picker.js` it filters as one types."""

import unicodedata

from django import forms
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from conventions.models import FrameworkNode

SEARCH_FIELD = "recherche_referentiel"
SEARCH_BUTTON = "filtrer_referentiels"


def searchable(text: str) -> str:
    """Lower case, without accents: « Bien-être » is found by « bien etre »."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).replace("-", " ").split())


def matches(query: str, text: str) -> bool:
    """Every word of the query appears in the text."""
    return all(word in searchable(text) for word in searchable(query).split())


def node_text(node: FrameworkNode) -> str:
    return f"{node.version.framework.title} {node.label} {node.title} {node.text}"


def typed_values(data, form_class) -> dict:
    """What was typed in a form sent to be filtered, as the initial values of the form shown
    again: nothing is lost, nothing is validated yet."""
    values = {}
    for name, field in form_class.base_fields.items():
        if name in data:
            values[name] = (
                data.getlist(name)
                if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField)
                else data.get(name)
            )
    return values


class FrameworkPicker(forms.SelectMultiple):
    """Renders the field's nodes as checkboxes in a fieldset per framework. `federation_id`
    puts the federation's own frameworks first; `search` keeps only the matching nodes (and
    those already chosen, which stay chosen)."""

    template_name = "pilotage/widgets/framework_picker.html"
    use_fieldset = True

    class Media:
        js = ["pilotage/framework-picker.js"]

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.federation_id = None
        self.search = ""

    def _render(self, template_name, context, renderer=None):
        # Django's form renderer reads only the apps' templates; this one lives with the project's.
        return mark_safe(render_to_string(template_name, context))  # noqa: S308 - a template, escaped

    def id_for_label(self, id_, index=None):
        # The field is a group of checkboxes: its legend names them, no label points at one.
        return ""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        chosen = {str(v) for v in (value or [])}
        groups = {}
        shown = 0
        for choice_value, label in self.choices:
            node = choice_value.instance
            framework = node.version.framework
            selected = str(choice_value) in chosen
            if self.search and not selected and not matches(self.search, node_text(node)):
                continue
            shown += 1
            group = groups.setdefault(
                framework.pk,
                {
                    "framework": framework,
                    "own": framework.federation_id is not None
                    and framework.federation_id == self.federation_id,
                    "options": [],
                },
            )
            group["options"].append(
                {
                    "value": str(choice_value),
                    "label": label,
                    "selected": selected,
                    "id": f"{attrs.get('id', 'id_' + name)}_{choice_value}",
                    "search": searchable(node_text(node)),
                }
            )
        ordered = sorted(groups.values(), key=lambda g: (not g["own"], not g["framework"].is_belgian))
        others = [g for g in ordered if not g["framework"].is_belgian]
        context["picker"] = {
            "name": name,
            "first": [g for g in ordered if g["framework"].is_belgian],
            "others": others,
            "others_open": bool(self.search) or any(o["selected"] for g in others for o in g["options"]),
            "search": self.search,
            "search_field": SEARCH_FIELD,
            "search_button": SEARCH_BUTTON,
            "shown": shown,
        }
        return context
