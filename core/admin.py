"""What the admin of every app shares: records that are read there, never written."""


def all_fields(model) -> list[str]:
    return [field.name for field in model._meta.fields]


class ReadOnlyAdminMixin:
    """For a ModelAdmin or an inline: every field shown read-only; nothing added, changed or
    deleted through the admin (append-only records, evidence, history)."""

    def get_readonly_fields(self, request, obj=None):
        return all_fields(self.model)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
