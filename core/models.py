"""The one model of background work: every long task a person starts (conventions created in
bulk, a yearly report) is a Job row, polled by its page, kept in the database with its result so
that no node, worker or cache eviction loses it."""

from django.conf import settings
from django.db import models


class JobQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A job is seen by the person who started it, and by administrators."""
        if not user.is_authenticated:
            return self.none()
        return self.all() if user.is_superuser else self.filter(created_by=user)


class Job(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "En attente"
        RUNNING = "running", "En cours"
        DONE = "done", "Terminé"
        FAILED = "failed", "Échec"

    kind = models.CharField("nature", max_length=40)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    started_at = models.DateTimeField("commencé le", null=True, blank=True)
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)
    status = models.CharField("état", max_length=10, choices=Status.choices, default=Status.PENDING)
    percent = models.PositiveSmallIntegerField("avancement (%)", default=0)
    stage = models.CharField("étape", max_length=200, blank=True, default="En attente d'un processus libre")
    params = models.JSONField("paramètres", default=dict, blank=True)
    result = models.JSONField("résultat", default=dict, blank=True)
    error = models.TextField("erreur", blank=True)
    file_name = models.CharField("nom du fichier produit", max_length=200, blank=True)
    file_content = models.BinaryField("fichier produit", null=True, blank=True, editable=False)
    # Surviving a worker that dies: the task that carries the job (to queue it again), the
    # attempts made so far (each claim fences off the earlier ones) and the running attempt's
    # last sign of life (its lease, renewed while it works).
    task_path = models.CharField("tâche qui l'exécute", max_length=200, blank=True)
    task_id = models.CharField("identifiant dans la file", max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField("tentatives", default=0)
    heartbeat_at = models.DateTimeField("dernier signe de vie", null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = "tâche de fond"
        verbose_name_plural = "tâches de fond"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["created_by", "kind", "-created_at"]),
            models.Index(fields=["status", "heartbeat_at"], name="job_status_heartbeat"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(percent__lte=100), name="job_percent_at_most_100"),
        ]

    def __str__(self):
        return f"{self.kind} {self.pk} ({self.get_status_display()})"

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.RUNNING)

    @property
    def status_label(self) -> str:
        return self.get_status_display()
