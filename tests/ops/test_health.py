"""`/sante/`: without an account, the state of the database, the cache, the task worker, the
sealing key and the time-stamping authority; 200 when all is well, 500 as soon as one fails."""

import socket
from datetime import timedelta
from io import StringIO

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from core.health.worker import HEARTBEAT_PATH

pytestmark = pytest.mark.django_db
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def health(client):
    response = client.get("/sante/", headers={"accept": "application/json"})
    return response.status_code, response.json()


def test_everything_is_well_for_anyone_without_an_account(client):
    status, body = health(client)

    assert status == 200, body
    assert body == {
        "Database": "OK",
        "Cache": "OK",
        "WorkerHeartbeat": "OK (tâches exécutées sur-le-champ, sans processus séparé)",
        "SigningKey": "OK",
        # The tests, like the demo, have the local time-stamping unit (tests/conftest.py).
        "TimestampAuthority": "OK (unité d'horodatage locale (démonstration) : jetons faits sur le serveur)",
    }


def test_without_a_time_stamping_authority_the_page_says_it_is_not_configured(client, settings):
    settings.SIGNING_TSA_P12_PATH = ""
    _status, body = health(client)
    assert body["TimestampAuthority"] == "OK (non configuré : les signatures portent l'heure du serveur)"


def test_the_page_speaks_french_to_a_person_and_is_never_cached(client):
    response = client.get("/sante/")

    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    assert page.h1.get_text() == "État du service"
    rows = {row.th.get_text(): row.td.get_text() for row in page.select("tbody tr")}
    assert rows["Base de données"] == "OK"
    assert rows["Clé de cachet (signatures)"] == "OK"
    assert "no-cache" in response["Cache-Control"]


def test_a_missing_sealing_key_fails_the_check_without_showing_its_path(client, settings):
    settings.SIGNING_P12_PATH = "/srv/secrets/absent.p12"

    status, body = health(client)

    assert status == 500
    assert body["SigningKey"] == (
        "en panne : la clé de cachet est absente ou illisible : aucune convention ne peut être signée"
    )
    assert "/srv/secrets" not in str(body)
    assert body["Database"] == "OK"


def test_a_reachable_timestamp_authority_and_one_that_does_not_answer(client, settings):
    with socket.create_server(("127.0.0.1", 0)) as listening:
        settings.SIGNING_TSA_URL = f"http://127.0.0.1:{listening.getsockname()[1]}/tsa"
        status, body = health(client)
    assert status == 200
    assert body["TimestampAuthority"] == "OK (joignable)"

    # The same port, now closed.
    status, body = health(client)
    assert status == 500
    assert body["TimestampAuthority"] == "en panne : l'autorité d'horodatage ne répond pas"
    assert "127.0.0.1" not in str(body)


# The worker closes and reopens its connections as it goes: it must see committed rows.
@pytest.mark.django_db(transaction=True)
def test_the_worker_check_queues_a_heartbeat_that_a_real_worker_answers(client, settings):
    settings.TASKS = DATABASE_QUEUE

    status, body = health(client)
    assert status == 200
    assert body["WorkerHeartbeat"] == "OK (premier battement en attente)"
    assert DBTaskResult.objects.filter(task_path=HEARTBEAT_PATH, status="READY").count() == 1

    # A second look while it waits queues no other.
    health(client)
    assert DBTaskResult.objects.filter(task_path=HEARTBEAT_PATH).count() == 1

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", stdout=StringIO())

    status, body = health(client)
    assert status == 200
    assert body["WorkerHeartbeat"].startswith("OK (dernier battement il y a ")
    # The answered heartbeat, and the next one waiting: no pile of old heartbeats.
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", stdout=StringIO())
    assert DBTaskResult.objects.filter(task_path=HEARTBEAT_PATH).count() == 1


def test_a_heartbeat_nobody_takes_means_no_worker_runs(client, settings):
    settings.TASKS = DATABASE_QUEUE
    settings.HEALTH_WORKER_MAX_DELAY = 300
    health(client)
    DBTaskResult.objects.filter(task_path=HEARTBEAT_PATH).update(
        enqueued_at=timezone.now() - timedelta(minutes=7)
    )

    status, body = health(client)

    assert status == 500
    assert body["WorkerHeartbeat"] == (
        "en panne : aucun processus de tâches n'a pris de tâche depuis 7 min : lancez `manage.py db_worker`"
    )
