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
