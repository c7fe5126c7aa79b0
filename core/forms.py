"""Form fields that know no domain."""

from django import forms
from django.conf import settings

from .uploads import size_text


class TableFileField(forms.FileField):
    """A .csv or .xlsx file to import, refused in French past IMPORT_MAX_UPLOAD_BYTES (its size
    as the upload handler kept it: a file past every limit arrives cut just above it)."""

    def __init__(self, *args, max_bytes: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        limit = self.max_bytes or settings.IMPORT_MAX_UPLOAD_BYTES
        if upload and upload.size > limit:
            raise forms.ValidationError(
                f"Le fichier dépasse la taille permise ({size_text(limit)}) : découpez-le en plusieurs fichiers."
            )
        return upload


def plain_options(form, name: str, *label_fields: str, label=None) -> list[tuple[str, str, bool]]:
    """(value, label, selected) for each choice of a model choice field, for a select written by
    a plain loop (`includes/plain_select.html`): a filter on hundreds of POs or thousands of
    people would otherwise load every object and render a template per option. The label is
    the `label_fields` ("name" by default), joined by `label` when given."""
    selected = str(form.data.get(name, "")) if form.is_bound else ""
    label_fields = label_fields or ("name",)
    label = label or (lambda *values: values[0])
    return [
        (str(pk), label(*values), str(pk) == selected)
        for pk, *values in form.fields[name].queryset.values_list("pk", *label_fields)
    ]
