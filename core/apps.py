from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What has no domain: scoping, school years, exports, tabular imports, PDF rendering,
    background jobs, read-only GET."""

    name = "core"
    verbose_name = "Socle"
