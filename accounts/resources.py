"""Placeholder: the school import resource (filled in by the import work)."""

from import_export import resources

from .models import School


class SchoolResource(resources.ModelResource):
    class Meta:
        model = School
        import_id_fields = ["fase"]
