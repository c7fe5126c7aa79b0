"""A job whose worker died is noticed when its lease runs out, queued again a bounded number of
times, then failed with a French message; its pages say so and offer « Relancer ». (The same
with real workers killed on PostgreSQL: test_jobs_worker_kill.py.)"""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Role
from conventions.models import Convention
from conventions.services import bulk
from core import jobs
from core.models import Job
from pilotage.services import reports
from pilotage.tasks import generate_yearly_report
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.conventions.factories import TemplateFactory
from tests.core.worker_tasks import slow_bulk_creation
from tests.pilotage.dashboards.conftest import LAST_YEAR
from tests.utils import text_of

pytestmark = pytest.mark.django_db

LOST = "Le processus qui exécutait cette tâche s'est arrêté"


@pytest.fixture(autouse=True)
def short_lease(settings):
    settings.JOB_LEASE_SECONDS = 60
    settings.JOB_MAX_RETRIES = 2


def bulk_job(side, **params):
    template = TemplateFactory(federation=side.federation)
    rows = [
        {"line": n, "po": side.organising_authority.pk, "schools": [school.pk], "signatories": []}
        for n, school in enumerate([side.school, side.other_school], start=2)
    ]
    job = bulk.new_job(template=template, rows=rows, by=side.users[Role.FPO_STAFF])
    job.params.update(params)
    job.save(update_fields=["params"])
    return job


def died_running(job, *, attempts, task, silent_for=timedelta(minutes=5)):
    """The state a worker leaves a job in when it is killed during its attempt `attempts`."""
    long_ago = timezone.now() - silent_for
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING, attempts=attempts, started_at=long_ago, heartbeat_at=long_ago, percent=40,
        task_path=task.module_path,
    )  # fmt: skip
    job.refresh_from_db()
    return job


def test_a_job_whose_worker_died_is_queued_again_and_completes_once(side_a):
    job = died_running(bulk_job(side_a), attempts=1, task=slow_bulk_creation)
    assert [j.pk for j in jobs.reap_lost_jobs()] == [job.pk]
    job.refresh_from_db()  # the immediate backend has run the second attempt at once
    assert (job.status, job.attempts) == (Job.Status.DONE, 2)
    assert Convention.objects.count() == 2 == len(job.result["references"])
    assert jobs.reap_lost_jobs() == []


def test_a_job_alive_within_its_lease_is_left_alone(side_a):
    job = died_running(
        bulk_job(side_a), attempts=1, task=slow_bulk_creation, silent_for=timedelta(seconds=10)
    )
    assert jobs.reap_lost_jobs() == []
    assert jobs.reap_if_lost(job).status == Job.Status.RUNNING


def test_after_its_last_attempt_the_job_fails_with_a_french_message(side_a):
    job = died_running(bulk_job(side_a), attempts=3, task=slow_bulk_creation)
    jobs.reap_lost_jobs()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.finished_at
    assert job.error.startswith(f"{LOST} avant de la terminer (3 tentatives).")
    assert "Rien n'a été enregistré à moitié" in job.error
    assert not Convention.objects.exists()


def test_an_attempt_taken_over_writes_nothing(side_a):
    """A worker that was only slow wakes after its job was given to another attempt: it stops
    at its next write, and cannot create the conventions a second time."""
    job = bulk_job(side_a)
    written = []

    def work(job):
        jobs.report_progress(job, percent=10, stage="vérification")
        Job.objects.filter(pk=job.pk).update(attempts=job.attempts + 1)  # the other attempt's claim
        return jobs.once(job, lambda: written.append("créé") or {})

    result = jobs.run(job, work)
    assert written == [] and result.status == Job.Status.RUNNING and result.attempts == 2
    assert result.stage == "vérification" and not Convention.objects.exists()


def test_the_bulk_page_hands_on_a_dead_job_and_offers_to_relaunch_it(client, side_a, side_b):
    staff = side_a.users[Role.FPO_STAFF]
    job = died_running(bulk_job(side_a), attempts=3, task=slow_bulk_creation)
    client.force_login(staff)
    page = text_of(client.get(f"/conventions/creations/{job.pk}/"))
    assert "Échec" in page and f"Aucune convention n'a été créée. {LOST}" in page
    assert "Relancer" in page
    assert client.get(f"/conventions/creations/{job.pk}/relancer/").status_code == 405

    client.force_login(side_b.users[Role.FPO_STAFF])
    assert client.post(f"/conventions/creations/{job.pk}/relancer/").status_code == 404
    assert not Convention.objects.exists()

    client.force_login(staff)
    done = client.post(f"/conventions/creations/{job.pk}/relancer/", follow=True)
    assert "2 conventions créées" in text_of(done)
    again = Job.objects.exclude(pk=job.pk).get(kind=bulk.KIND)
    assert done.redirect_chain[-1][0] == f"/conventions/creations/{again.pk}/"
    assert Convention.objects.count() == 2


def test_a_running_job_page_does_not_offer_to_relaunch(client, side_a):
    job = died_running(bulk_job(side_a), attempts=1, task=slow_bulk_creation, silent_for=timedelta(seconds=1))
    client.force_login(side_a.users[Role.FPO_STAFF])
    page = text_of(client.get(f"/conventions/creations/{job.pk}/"))
    assert "En cours" in page and "Relancer" not in page
    assert client.post(f"/conventions/creations/{job.pk}/relancer/").status_code == 404


def test_the_report_page_hands_on_a_dead_report_and_offers_to_relaunch_it(client, side_a):
    staff = side_a.users[Role.FPO_STAFF]
    job = reports.new_report_job(federation=side_a.federation, year=LAST_YEAR, fmt="xlsx", user=staff)
    job = died_running(job, attempts=3, task=generate_yearly_report)
    client.force_login(staff)
    page = text_of(client.get(f"/pilotage/rapport/{job.pk}/", headers={"HX-Request": "true"}))
    assert "Échec" in page and LOST in page and "Relancer" in page

    colleague = UserFactory(two_factor=True)
    MembershipFactory(user=colleague, role=Role.FPO_STAFF, federation=side_a.federation)
    client.force_login(colleague)
    assert client.post(f"/pilotage/rapport/{job.pk}/relancer/").status_code == 404

    client.force_login(staff)
    ready = client.post(f"/pilotage/rapport/{job.pk}/relancer/", follow=True)
    assert "Le rapport est prêt" in text_of(ready)
    assert Job.objects.filter(kind=reports.KIND, status=Job.Status.DONE).count() == 1
