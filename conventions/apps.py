from django.apps import AppConfig


class ConventionsConfig(AppConfig):
    name = "conventions"
    verbose_name = "Conventions d'accompagnement"

    def ready(self):
        from . import checks  # noqa: F401 - registers the signing configuration checks
