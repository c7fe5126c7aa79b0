"""Real processes on the test database, for the PostgreSQL-only ops tests: gunicorn app nodes
with the production settings (tests/ops/node_settings.py) and `db_worker` processes, plus a
small HTTP client that behaves as a browser behind the TLS proxy does.

The tests that use them run with `django_db(transaction=True)`: the processes only see
committed rows."""

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
from bs4 import BeautifulSoup
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from config.settings.base import env
from tests.accounts.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
PG_ONLY = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="lance de vrais processus sur PostgreSQL (pas sur SQLite)"
)


def database_url() -> str:
    """The URL of the test database this process uses, for the processes it starts."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "") + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def child_environment(**extra: str) -> dict:
    """This process's environment without its Django settings, pointed at the test database."""
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "JOB_", "GUNICORN_"))
    }
    return environment | {"DATABASE_URL": database_url()} | extra


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_password(user) -> None:
    """The nodes check passwords with production's hasher, not the tests' fast MD5 one."""
    hasher = PBKDF2PasswordHasher()
    user.password = hasher.encode(PASSWORD, hasher.salt())
    user.save(update_fields=["password"])


class Processes:
    """Starts processes logging to files; kills whatever is left at the end."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.started = []

    def start(self, name: str, command: list[str], environment: dict) -> subprocess.Popen:
        log = open(self.directory / f"{name}.log", "wb")  # noqa: SIM115 (closed in stop_all)
        process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
        self.started.append((name, process, log))
        return process

    def logs(self) -> str:
        return "\n".join(
            f"--- {name} ({'en vie' if process.poll() is None else f'fini : {process.returncode}'})\n"
            + (self.directory / f"{name}.log").read_text(errors="replace")[-6000:]
            for name, process, _ in self.started
        )

    def stop_all(self) -> None:
        for _, process, _ in self.started:
            if process.poll() is None:
                process.terminate()
        for _, process, log in self.started:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=20)
            log.close()


class Node:
    """One gunicorn instance; `url` is its address."""

    def __init__(self, name: str, port: int, processes: Processes):
        self.name, self.port, self.processes = name, port, processes
        self.url = f"http://127.0.0.1:{port}"


class Browser:
    """A person's browser behind the TLS proxy: it keeps its cookies itself (production's are
    Secure, which an HTTP client would not send over plain http) and says X-Forwarded-Proto:
    https, which gunicorn believes from 127.0.0.1. The same browser may talk to either node, as
    behind a load balancer."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def request(self, node: Node, method: str, path: str, data=None) -> requests.Response:
        origin = f"https://127.0.0.1:{node.port}"
        headers = {
            "X-Forwarded-Proto": "https",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "Accept-Language": "fr-BE",
        }
        if method == "POST":
            headers |= {"Origin": origin, "Referer": origin + path}
        response = requests.request(
            method, node.url + path, data=data, headers=headers, allow_redirects=False, timeout=60
        )
        for cookie in response.cookies:
            self.cookies[cookie.name] = cookie.value
        return response

    def get(self, node: Node, path: str) -> requests.Response:
        return self.request(node, "GET", path)

    def post(self, node: Node, path: str, data: dict) -> requests.Response:
        return self.request(node, "POST", path, data)

    def page(self, node: Node, path: str) -> BeautifulSoup:
        page = self.get(node, path)
        assert page.status_code == 200, (
            f"{path} sur {node.name} : {page.status_code}\n{node.processes.logs()}"
        )
        return BeautifulSoup(page.text, "html.parser")

    def form(self, node: Node, path: str) -> dict:
        """The fields of the page's main form (hidden ones included), as the page fills them."""
        form = self.page(node, path).select_one("main form[method=post]")
        values = {}
        for field in form.select("input[name], select[name], textarea[name]"):
            if field.name == "select":
                chosen = field.select_one("option[selected]") or field.select_one("option")
                values[field["name"]] = chosen.get("value", "") if chosen else ""
            elif field.get("type") not in ("checkbox", "radio", "submit") or field.has_attr("checked"):
                values[field["name"]] = field.get("value", "") if field.name == "input" else field.get_text()
        return values

    def log_in(self, node: Node, user) -> None:
        fields = self.form(node, "/comptes/login/")
        response = self.post(node, "/comptes/login/", fields | {"login": user.email, "password": PASSWORD})
        assert response.status_code == 302, f"connexion refusée sur {node.name}\n{node.processes.logs()}"


def wait_for(condition, what: str, processes: Processes, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"{what} : toujours pas après {timeout} s\n{processes.logs()}")


def node_environment(platform_signing_key, mails: Path) -> dict:
    return child_environment(
        DJANGO_SETTINGS_MODULE="tests.ops.node_settings",
        DJANGO_SECRET_KEY=settings.SECRET_KEY,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        # Four slashes: django-environ drops the first of an absolute path.
        EMAIL_URL=f"filemail:///{mails}",
        SIGNING_P12_PATH=platform_signing_key["p12"],
        SIGNING_P12_PASSPHRASE=settings.SIGNING_P12_PASSPHRASE,
        SIGNING_CA_P12_PATH=platform_signing_key["ca_p12"],
        SIGNING_TRUST_ROOTS=platform_signing_key["ca_pem"],
        SITE_URL="https://pilotis.example",
        LOG_REQUESTS="False",
    )


def shared_cache_table() -> None:
    """Production's cache (login rate limits) is the database cache, shared by every node; the
    tests' own settings use a local one, so its table is made here."""
    with override_settings(CACHES={"default": env.cache("CACHE_URL", default="dbcache://pilotis_cache")}):
        call_command("createcachetable", verbosity=0)


def start_nodes(processes: Processes, environment: dict, count: int = 2) -> list[Node]:
    nodes = []
    for n in range(count):
        node = Node(f"nœud {n + 1}", free_port(), processes)
        processes.start(
            f"node-{n + 1}",
            [str(Path(sys.executable).with_name("gunicorn")), "--config", "deploy/gunicorn.conf.py"],
            environment | {"GUNICORN_BIND": f"127.0.0.1:{node.port}", "GUNICORN_WORKERS": "1"},
        )
        nodes.append(node)
    for node in nodes:
        wait_for(lambda node=node: _answers(node), f"{node.name} répond", processes)
    return nodes


def start_worker(processes: Processes, environment: dict) -> subprocess.Popen:
    return processes.start(
        "worker",
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2"],
        environment,
    )


def _answers(node: Node) -> bool:
    try:
        return requests.get(
            node.url + "/comptes/login/", headers={"X-Forwarded-Proto": "https"}, timeout=10
        ).ok
    except requests.RequestException:
        return False


@pytest.fixture(scope="session")
def processes(tmp_path_factory):
    running = Processes(tmp_path_factory.mktemp("processes"))
    yield running
    running.stop_all()


@dataclass
class Cluster:
    nodes: list[Node]
    environment: dict
    processes: Processes
    mails: Path

    def worker(self) -> subprocess.Popen:
        return start_worker(self.processes, self.environment)

    def sent_mails(self) -> list[str]:
        return [path.read_text() for path in sorted(self.mails.iterdir())]


@pytest.fixture(scope="session")
def cluster(processes, platform_signing_key, django_db_setup, django_db_blocker, tmp_path_factory):
    """Two gunicorn nodes on two loopback ports sharing the test database, started once for
    the session (the tests' own data is committed and flushed around each test); e-mails go to
    files in `cluster.mails`; `cluster.worker()` starts the task worker they share."""
    mails = tmp_path_factory.mktemp("mails")
    with django_db_blocker.unblock():
        shared_cache_table()
    environment = node_environment(platform_signing_key, mails)
    return Cluster(start_nodes(processes, environment), environment, processes, mails)


@pytest.fixture
def fresh_mails(cluster):
    for path in cluster.mails.iterdir():
        path.unlink()
