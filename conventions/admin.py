"""The evidence log in the admin: to read only. Nobody adds, changes or deletes an event."""

from django.contrib import admin

from .models import ConventionEvent


@admin.register(ConventionEvent)
class ConventionEventAdmin(admin.ModelAdmin):
    list_display = ["convention", "sequence", "kind", "signatory", "actor_label", "at", "ip"]
    list_filter = ["kind"]
    search_fields = ["convention__reference", "actor_label"]
    list_select_related = ["convention", "signatory"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
