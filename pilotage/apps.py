from django.apps import AppConfig


class PilotageConfig(AppConfig):
    name = "pilotage"
    verbose_name = "Pilotage des écoles"

    def ready(self):
        # Connects the receivers and registers its « À faire » lists.
        from . import signals, todo  # noqa: F401
