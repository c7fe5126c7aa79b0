from django.apps import AppConfig


class ConventionsConfig(AppConfig):
    name = "conventions"
    verbose_name = "Conventions d'accompagnement"

    def ready(self):
        # Registers the signing configuration checks and its « À faire » lists.
        from . import checks, todo  # noqa: F401
