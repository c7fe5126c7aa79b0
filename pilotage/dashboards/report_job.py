"""A yearly report being produced, kept in the cache (shared by every node and worker: the
database cache by default), not on a node's disk: its state and percentage, polled by the page,
and, once done, the file's bytes under a key of their own. It is kept for `JOB_TTL` seconds;
past that, the page asks to start it again."""

import uuid
from dataclasses import asdict, dataclass, field

from django.core.cache import cache
from django.utils import timezone

from accounts.models import Federation

JOB_TTL = 6 * 60 * 60
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass
class ReportJob:
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    LABELS = {PENDING: "En attente", RUNNING: "En cours", DONE: "Terminé", FAILED: "Échec"}

    id: str
    user_id: int
    federation_id: int
    federation_code: str
    year: int
    fmt: str
    status: str = PENDING
    percent: int = 0
    stage: str = "En attente d'un processus libre"
    error: str = ""
    schools: int = 0
    created_at: str = field(default_factory=lambda: timezone.now().isoformat())

    @staticmethod
    def _key(job_id: str) -> str:
        return f"pilotage:rapport:{job_id}"

    @classmethod
    def get(cls, job_id: str) -> "ReportJob | None":
        data = cache.get(cls._key(job_id))
        return cls(**data) if data else None

    def save(self) -> None:
        cache.set(self._key(self.id), asdict(self), JOB_TTL)

    def update(self, **changes) -> None:
        for name, value in changes.items():
            setattr(self, name, value)
        self.save()

    def content(self) -> bytes | None:
        return cache.get(self._key(self.id) + ":contenu")

    def set_content(self, content: bytes) -> None:
        cache.set(self._key(self.id) + ":contenu", content, JOB_TTL)

    @property
    def status_label(self) -> str:
        return self.LABELS[self.status]

    @property
    def is_running(self) -> bool:
        return self.status in (self.PENDING, self.RUNNING)

    @property
    def school_year_label(self) -> str:
        return f"{self.year}-{self.year + 1}"

    @property
    def filename(self) -> str:
        return f"rapport-suivi-annuel-{self.federation_code.lower()}-{self.school_year_label}.{self.fmt}"


def new_report_job(*, federation: Federation, year: int, fmt: str, user) -> ReportJob:
    """A job waiting for a worker, recorded in the cache."""
    if fmt not in CONTENT_TYPES:
        raise ValueError(fmt)
    job = ReportJob(
        id=str(uuid.uuid4()),
        user_id=user.pk,
        federation_id=federation.pk,
        federation_code=federation.code,
        year=year,
        fmt=fmt,
    )
    job.save()
    return job
