"""The conventions in the admin: frameworks, templates and their articles, conventions and the
evidence log.

A published template version (one a convention uses) never changes: the admin shows it read-only
and « Créer une nouvelle version » copies it, articles and all, as the version offered from then
on. Conventions change through their workflow; the admin only fixes what blocks a signature (a
signatory's e-mail address or account, before they sign). The evidence log is read-only."""

from django.contrib import admin, messages

from core.admin import ReadOnlyAdminMixin, all_fields

from .models import (
    Convention,
    ConventionContact,
    ConventionEvent,
    ConventionSignatory,
    ConventionTemplate,
    Framework,
    FrameworkNode,
    FrameworkVersion,
    ReviewComment,
    TemplateAnnexSection,
    TemplateArticle,
    TemplateEngagement,
    TemplateSignatory,
)
from .services.templates import is_published, publish_new_version


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False


# --- Frameworks ---------------------------------------------------------------------------


class FrameworkVersionInline(admin.TabularInline):
    model = FrameworkVersion
    extra = 0
    fields = ["number", "label", "created_at"]
    readonly_fields = ["created_at"]
    show_change_link = True


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ["title", "code", "federation", "country"]
    list_filter = ["federation", "country"]
    search_fields = ["code", "title"]
    inlines = [FrameworkVersionInline]


class FrameworkNodeInline(ReadOnlyInline):
    model = FrameworkNode
    fields = ["path", "kind", "label", "title"]
    ordering = ["path"]

    def get_readonly_fields(self, request, obj=None):
        return self.fields


@admin.register(FrameworkVersion)
class FrameworkVersionAdmin(admin.ModelAdmin):
    """The tree of a version is loaded from its fixture (`load_templates`); the admin shows it.
    An annexed version never changes."""

    list_display = ["framework", "number", "label", "created_at"]
    list_filter = ["framework"]
    list_select_related = ["framework"]
    inlines = [FrameworkNodeInline]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_annexed:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_annexed:
            return False
        return super().has_delete_permission(request, obj)


# --- Templates ----------------------------------------------------------------------------


class PublishedLock:
    """A part of a template: editable while no convention uses the version."""

    extra = 0

    def has_add_permission(self, request, obj=None):
        return not is_published(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not is_published(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not is_published(obj) and super().has_delete_permission(request, obj)


class TemplateArticleInline(PublishedLock, admin.StackedInline):
    model = TemplateArticle
    fields = ["position", "number", "title", "body"]


class TemplateAnnexSectionInline(PublishedLock, admin.StackedInline):
    model = TemplateAnnexSection
    fields = ["position", "placement", "title", "body"]


class TemplateSignatoryInline(PublishedLock, admin.TabularInline):
    model = TemplateSignatory
    fields = ["step", "position", "party", "function"]


class TemplateEngagementInline(PublishedLock, admin.TabularInline):
    model = TemplateEngagement
    fields = ["position", "code", "label", "step"]


@admin.action(description="Créer une nouvelle version")
def new_version(modeladmin, request, queryset):
    for template in queryset:
        copy = publish_new_version(template)
        modeladmin.message_user(
            request,
            f"Version {copy.version} de « {copy.title} » créée à partir de la version "
            f"{template.version} : c'est désormais la version proposée pour les nouvelles conventions.",
            messages.SUCCESS,
        )


@admin.register(ConventionTemplate)
class ConventionTemplateAdmin(admin.ModelAdmin):
    list_display = ["title", "code", "version", "federation", "kind", "is_current", "created_at"]
    list_filter = ["federation", "kind", "is_current"]
    search_fields = ["code", "title"]
    list_select_related = ["federation"]
    actions = [new_version]
    inlines = [
        TemplateArticleInline,
        TemplateAnnexSectionInline,
        TemplateSignatoryInline,
        TemplateEngagementInline,
    ]

    def has_change_permission(self, request, obj=None):
        if is_published(obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if is_published(obj):
            return False
        return super().has_delete_permission(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is not None and is_published(obj):
            messages.info(
                request,
                "Cette version est utilisée par au moins une convention : elle ne change plus. "
                "Pour modifier le texte, cochez-la dans la liste et choisissez « Créer une nouvelle "
                "version ».",
            )
        return super().change_view(request, object_id, form_url, extra_context)


# --- Conventions --------------------------------------------------------------------------


class ConventionSignatoryInline(admin.TabularInline):
    """An administrator may correct a signatory's e-mail address or account before they sign;
    nothing else, and nobody is added or removed here."""

    model = ConventionSignatory
    extra = 0
    can_delete = False
    fields = ["step", "position", "party", "civility", "full_name", "function", "email", "user"]
    raw_id_fields = ["user"]

    def get_readonly_fields(self, request, obj=None):
        editable = {"email", "user"}
        if obj is not None and obj.state not in ("signed", "termination_notice", "terminated", "expired"):
            return [name for name in self.fields if name not in editable]
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False


class ConventionContactInline(ReadOnlyInline):
    model = ConventionContact


@admin.register(Convention)
class ConventionAdmin(admin.ModelAdmin):
    list_display = ["reference", "federation", "organising_authority", "template", "state", "start_date"]
    list_filter = ["federation", "state", "template__kind"]
    search_fields = ["reference", "organising_authority__name", "schools__name", "schools__fase"]
    list_select_related = ["federation", "organising_authority", "template"]
    inlines = [ConventionSignatoryInline, ConventionContactInline]

    def get_readonly_fields(self, request, obj=None):
        return [*all_fields(self.model), "schools"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ConventionEvent)
class ConventionEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["convention", "sequence", "kind", "signatory", "actor_label", "at", "ip"]
    list_filter = ["kind"]
    search_fields = ["convention__reference", "actor_label"]
    list_select_related = ["convention", "signatory"]


@admin.register(ReviewComment)
class ReviewCommentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The review's conversation, for reading: the parties write and close it on the page."""

    list_display = ["convention", "article", "party", "author", "created_at", "outcome"]
    list_filter = ["outcome", "party"]
    search_fields = ["convention__reference", "text"]
    list_select_related = ["convention", "article", "author"]
