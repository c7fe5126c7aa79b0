"""PostgreSQL restarting under the two gunicorn nodes (production settings): a request made
while the database is away gets a French 503 page saying so, not the generic error page; as
soon as the database is back, the next requests work again, on the same gunicorn processes and
in the same session.

In CI (root, pg_ctlcluster, PILOTIS_FAULTS_RESTART_POSTGRES=1, set by .ci/run) the server
itself is stopped and started. Elsewhere, where the server is shared with other people, the test
does to the test database what a restart does to the app: its connections are terminated
(pg_terminate_backend) and new ones refused for the outage (ALLOW_CONNECTIONS false)."""

import os
import shutil
import subprocess
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from accounts.models import Role
from tests.ops.nodes import PG_ONLY, Browser, production_password, wait_for
from tests.utils import text_of

pytestmark = [pytest.mark.django_db(transaction=True), PG_ONLY]

UNAVAILABLE = "La base de données est momentanément indisponible."
RETRY = "réessayez dans un instant"


def can_restart_the_server() -> bool:
    return (
        os.environ.get("PILOTIS_FAULTS_RESTART_POSTGRES") == "1"
        and os.geteuid() == 0
        and shutil.which("pg_ctlcluster") is not None
        and Path("/etc/postgresql").is_dir()
    )


class RealServer:
    """The PostgreSQL cluster that serves the test database, stopped and started with pg_ctlcluster."""

    how = "redémarrage réel du serveur (pg_ctlcluster)"

    def __init__(self):
        self.port = str(connection.settings_dict["PORT"] or 5432)
        listed = subprocess.run(  # noqa: S603
            ["pg_lsclusters", "--no-header"],  # noqa: S607
            check=True,
            capture_output=True,
            text=True,
            timeout=30,
        ).stdout.splitlines()
        self.version, self.name = next(
            line.split()[:2] for line in listed if line.split()[2:3] == [self.port]
        )

    def _cluster(self, action: str) -> None:
        command = ["pg_ctlcluster", "--skip-systemctl-redirect", self.version, self.name, action]
        subprocess.run(command, check=True, capture_output=True, timeout=60)  # noqa: S603

    def go_away(self) -> None:
        self._cluster("stop")

    def come_back(self) -> None:
        # Called again by the fixture at the end: starting a running cluster would fail.
        if not self._ready(timeout=1):
            self._cluster("start")
        assert self._ready(timeout=30), "PostgreSQL ne redémarre pas"

    def _ready(self, timeout: int) -> bool:
        command = ["pg_isready", "-q", "-h", "127.0.0.1", "-p", self.port, "-t", str(timeout)]
        return subprocess.run(command, check=False, timeout=timeout + 10).returncode == 0  # noqa: S603, S607

    def restart(self) -> None:
        self._cluster("restart")
        assert self._ready(timeout=30), "PostgreSQL ne redémarre pas"


class OwnDatabaseOnly:
    """What the app sees of a restart, on the test database only."""

    how = "connexions coupées (pg_terminate_backend) et refusées (ALLOW_CONNECTIONS false)"

    def __init__(self):
        db = connection.settings_dict
        self.name = db["NAME"]
        self.maintenance = {
            "host": db["HOST"] or "127.0.0.1",
            "port": db["PORT"] or 5432,
            "user": db["USER"],
            "password": db["PASSWORD"] or None,
            "dbname": "postgres",
            "autocommit": True,
        }

    def _run(self, sql: str, *params) -> None:
        with psycopg.connect(**self.maintenance) as control:
            control.execute(sql, params)

    def _terminate(self) -> None:
        self._run(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            self.name,
        )

    def _allow(self, allowed: bool) -> None:
        self._run(f'ALTER DATABASE "{self.name}" WITH ALLOW_CONNECTIONS {"true" if allowed else "false"}')

    def go_away(self) -> None:
        self._allow(False)
        self._terminate()

    def come_back(self) -> None:
        self._allow(True)

    def restart(self) -> None:
        self._terminate()


@pytest.fixture
def database_server():
    server = RealServer() if can_restart_the_server() else OwnDatabaseOnly()
    print(f"Panne de PostgreSQL simulée par : {server.how}")  # noqa: T201 - says which, in the test log
    yield server
    # Whatever happened, the database is given back and this process reconnects.
    server.come_back()
    connection.close()


def test_a_restart_gives_a_french_page_during_the_outage_and_the_app_recovers_by_itself(
    cluster, database_server, side_a
):
    user = side_a.users[Role.PO_REFERENT]
    production_password(user)
    browser = Browser()
    browser.log_in(cluster.nodes[0], user)
    for node in cluster.nodes:
        assert browser.get(node, "/").status_code == 200
    gunicorns = [process.pid for _, process, _ in cluster.processes.started if process.poll() is None]

    # A quick restart between two requests: the kept connections are dead, the health check
    # notices before using them and the next request simply reconnects.
    database_server.restart()
    connection.close()
    for node in cluster.nodes:
        page = browser.get(node, "/")
        assert page.status_code == 200, text_of(page)

    # During the outage: a clear French page, for a page read and for a form sent alike.
    database_server.go_away()
    connection.close()
    try:
        for node in cluster.nodes:
            page = browser.get(node, "/")
            assert page.status_code == 503, text_of(page)
            assert UNAVAILABLE in text_of(page) and RETRY in text_of(page)
            assert page.headers["Retry-After"] == "5"
            assert "Une erreur est survenue" not in text_of(page)
        sent = browser.post(cluster.nodes[1], "/comptes/logout/", {"csrfmiddlewaretoken": "x"})
        assert sent.status_code == 503 and UNAVAILABLE in text_of(sent)
    finally:
        database_server.come_back()
    connection.close()

    # Back: the next requests work, on the same processes, in the same session.
    def home_answers_on_every_node():
        return all(browser.get(node, "/").status_code == 200 for node in cluster.nodes)

    wait_for(home_answers_on_every_node, "l'application se rétablit seule", cluster.processes, timeout=30)
    assert user.get_full_name() in text_of(browser.get(cluster.nodes[1], "/"))
    assert [process.pid for _, process, _ in cluster.processes.started if process.poll() is None] == gunicorns
