from django.apps import AppConfig


class PilotageConfig(AppConfig):
    name = "pilotage"
    verbose_name = "Pilotage des écoles"

    def ready(self):
        from . import signals  # noqa: F401  (connects the receivers)
