"""One Job model for every long task: its start, progress, result or failure are recorded."""

import pytest
from django.contrib.auth.models import AnonymousUser

from core import jobs
from core.models import Job
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def job():
    return jobs.create_job(kind="essai", by=UserFactory(), params={"n": 3})


def test_a_job_that_succeeds_keeps_its_result_and_file(job):
    def work(job):
        jobs.report_progress(job, percent=40, stage="À mi-chemin")
        assert Job.objects.get(pk=job.pk).stage == "À mi-chemin"
        return {"lignes": job.params["n"]}, "rapport.xlsx", b"PK"

    jobs.run(job, work)
    job.refresh_from_db()
    assert (job.status, job.percent, job.stage) == (Job.Status.DONE, 100, "Terminé")
    assert job.result == {"lignes": 3}
    assert (job.file_name, bytes(job.file_content)) == ("rapport.xlsx", b"PK")
    assert job.started_at <= job.finished_at


def test_a_refused_job_says_why_in_french(job):
    def work(job):
        raise jobs.JobRefused(["Ligne 3 : PO inconnu.", "Ligne 4 : FASE manquant."])

    jobs.run(job, work)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.error == "Ligne 3 : PO inconnu. Ligne 4 : FASE manquant."
    assert not job.is_running


def test_an_unexpected_error_fails_the_job_with_a_general_message(job, caplog):
    def work(job):
        raise ZeroDivisionError

    jobs.run(job, work)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.error == jobs.FAILURE_MESSAGE
    assert "a échoué" in caplog.text


def test_a_job_is_seen_by_the_person_who_started_it_and_administrators(job):
    assert list(Job.objects.visible_to(job.created_by)) == [job]
    assert not Job.objects.visible_to(UserFactory()).exists()
    assert list(Job.objects.visible_to(UserFactory(is_superuser=True))) == [job]
    assert not Job.objects.visible_to(AnonymousUser()).exists()


def test_a_job_queued_twice_runs_once(job):
    runs = []

    def work(job):
        runs.append(job.pk)
        return {}

    jobs.run(job, work)
    again = jobs.run(Job.objects.get(pk=job.pk), work)
    assert runs == [job.pk]
    assert again.status == Job.Status.DONE
