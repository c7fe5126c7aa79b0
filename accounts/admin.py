from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from import_export.admin import ImportExportModelAdmin

from core.imports import encoding_note

from . import services
from .models import Federation, GuidanceCentre, Invitation, Membership, OrganisingAuthority, School, User
from .resources import SchoolResource

# Roles live in memberships (a role in an organisation), not in Django's groups.
admin.site.unregister(Group)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["federation", "organising_authority", "school", "guidance_centre"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_active", "is_superuser", "last_login"]
    list_filter = ["is_active", "is_superuser", "memberships__role"]
    search_fields = ["email", "first_name", "last_name"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Identité", {"fields": ("first_name", "last_name")}),
        ("Droits", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(Federation)
class FederationAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "city"]
    search_fields = ["code", "name"]


@admin.register(OrganisingAuthority)
class OrganisingAuthorityAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "city"]
    list_filter = ["kind", "federations"]
    search_fields = ["name", "city"]
    filter_horizontal = ["federations"]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        detached = services.detach_schools_from_former_federations(form.instance)
        if detached:
            self.message_user(
                request, f"{detached} école(s) ne sont plus rattachées à une fédération que ce PO a quittée."
            )


@admin.register(School)
class SchoolAdmin(ImportExportModelAdmin):
    resource_classes = [SchoolResource]
    # The same readers as `manage.py import_schools`: CSV (semicolons from Belgian Excel too), XLSX.
    import_formats = SchoolResource.file_formats

    def process_dataset(self, dataset, form, request, **kwargs):
        # The confirmed import says, like the command, which encoding the file was read in.
        if note := encoding_note(dataset):
            self.message_user(request, note)
        return super().process_dataset(dataset, form, request, **kwargs)

    list_display = [
        "fase",
        "name",
        "organising_authority",
        "federation",
        "level",
        "specialised",
        "wave",
        "city",
    ]
    list_filter = ["federation", "level", "specialised", "wave", "organising_authority"]
    search_fields = ["name", "=fase", "organising_authority__name", "city"]
    list_select_related = ["organising_authority", "federation"]
    autocomplete_fields = ["organising_authority"]


@admin.register(GuidanceCentre)
class GuidanceCentreAdmin(admin.ModelAdmin):
    list_display = ["name", "federation", "city"]
    list_filter = ["federation"]
    search_fields = ["name", "city"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "organisation", "function"]
    list_filter = ["role", "federation"]
    search_fields = ["user__email", "user__last_name", "organising_authority__name", "school__name"]
    list_select_related = ["user", "federation", "organising_authority", "school", "guidance_centre"]
    autocomplete_fields = ["user", "federation", "organising_authority", "school", "guidance_centre"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Read-only: invitations are sent from the application, which e-mails the link (only the
    token's hash is stored, so an invitation made here could never be used)."""

    list_display = ["email", "role", "organisation", "invited_by", "created_at", "expires_at", "accepted_at"]
    list_filter = ["role"]
    search_fields = ["email"]
    list_select_related = ["invited_by", "federation", "organising_authority", "school", "guidance_centre"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
