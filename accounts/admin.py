from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.shortcuts import redirect
from django.urls import path, reverse
from import_export.admin import ImportExportModelAdmin

from core import jobs
from core.import_jobs import is_large, new_import_job
from core.imports import TableImportError, encoding_note, read_table
from core.uploads import UploadTooLarge, read_upload
from core.views import import_job_page

from . import services
from .imports import KIND as SCHOOL_IMPORT
from .models import Federation, GuidanceCentre, Invitation, Membership, OrganisingAuthority, School, User
from .resources import SchoolResource
from .tasks import import_schools_in_background

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

    def get_urls(self):
        job_page = path(
            "import/<int:pk>/", self.admin_site.admin_view(self.import_job), name="accounts_school_import_job"
        )
        return [job_page, *super().get_urls()]

    def import_action(self, request, **kwargs):
        """A file of more than a few hundred schools is imported in the background, without the
        preview (which would run the whole import inside the request); a smaller one goes
        through the usual preview and confirmation."""
        upload = request.FILES.get("import_file") if request.method == "POST" else None
        if upload is not None and self.has_import_permission(request):
            try:
                dataset = read_table(upload.name, read_upload(upload))
            except (UploadTooLarge, TableImportError) as refusal:
                for message in getattr(refusal, "errors", None) or [str(refusal)]:
                    messages.error(request, message)
                return redirect("admin:accounts_school_import")
            if is_large(dataset):
                job = new_import_job(
                    kind=SCHOOL_IMPORT, by=request.user, file_name=upload.name, dataset=dataset
                )
                jobs.enqueue(job, import_schools_in_background)
                return redirect("admin:accounts_school_import_job", pk=job.pk)
            upload.seek(0)
        return super().import_action(request, **kwargs)

    def import_job(self, request, pk):
        return import_job_page(
            request,
            pk,
            kind=SCHOOL_IMPORT,
            title="Import d'écoles",
            back_url=reverse("admin:accounts_school_changelist"),
            back_label="Écoles",
        )


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
