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


# Their fields, which the admin's lists and forms show as column headings and labels.
FIELD_NAMES = {
    ("mfa", "authenticator"): {
        "user": "utilisateur",
        "type": "type",
        "created_at": "créé le",
        "last_used_at": "dernière utilisation",
    },
    ("django_tasks_database", "dbtaskresult"): {
        "status": "état",
        "enqueued_at": "mise en file le",
        "started_at": "commencée le",
        "finished_at": "terminée le",
        "args_kwargs": "paramètres",
        "priority": "priorité",
        "task_path": "tâche",
        "worker_ids": "processus",
        "queue_name": "file",
        "backend_name": "moteur",
        "run_after": "pas avant",
        "return_value": "résultat",
        "exception_class_path": "erreur",
        "traceback": "trace",
    },
}


def name_models(app_label: str):
    for model in registry.get_app_config(app_label).get_models():
        key = (app_label, model._meta.model_name)
        if names := MODEL_NAMES.get(key):
            model._meta.verbose_name, model._meta.verbose_name_plural = names
        for field_name, label in FIELD_NAMES.get(key, {}).items():
            model._meta.get_field(field_name).verbose_name = label


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
