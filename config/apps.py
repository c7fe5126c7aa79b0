"""French names, in the admin, for the apps we take from others (allauth, the task queue)."""

from allauth.account.apps import AccountConfig
from allauth.mfa.apps import MFAConfig
from django.apps import apps as registry
from django_tasks_db.apps import TasksAppConfig

# The models these apps name in English, by label: (singular, plural).
MODEL_NAMES = {
    ("mfa", "authenticator"): ("moyen d'authentification", "moyens d'authentification"),
    ("django_tasks_database", "dbtaskresult"): ("tâche", "tâches"),
}


def name_models(app_label: str):
    for model in registry.get_app_config(app_label).get_models():
        names = MODEL_NAMES.get((app_label, model._meta.model_name))
        if names:
            model._meta.verbose_name, model._meta.verbose_name_plural = names


class PilotisAccountConfig(AccountConfig):
    verbose_name = "Connexion : adresses e-mail"


class PilotisMFAConfig(MFAConfig):
    verbose_name = "Double authentification"

    def ready(self):
        super().ready()
        name_models(self.label)


class PilotisTasksConfig(TasksAppConfig):
    verbose_name = "File des tâches"

    def ready(self):
        super().ready()
        name_models(self.label)
