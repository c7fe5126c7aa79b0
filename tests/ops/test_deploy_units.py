"""The systemd units of deploy/ start what exists: every `manage.py` command they name is one of
the project's commands, every timer starts a service of its own, and gunicorn's settings load
and bind to the loopback interface."""

import configparser
import runpy
import shlex
from pathlib import Path

import pytest
from django.core.management import get_commands

DEPLOY = Path(__file__).resolve().parent.parent.parent / "deploy"
DAILY_COMMANDS = {"expire_conventions", "send_reminders", "send_signature_reminders"}


def unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(path)
    return parser


def commands_of(service: configparser.ConfigParser) -> list[list[str]]:
    return [
        shlex.split(service["Service"][key])
        for key in ("ExecStartPre", "ExecStart")
        if key in service["Service"]
    ]


SERVICES = sorted(DEPLOY.glob("*.service"))


@pytest.mark.parametrize("path", SERVICES, ids=lambda p: p.name)
def test_every_service_runs_a_known_command_from_the_project(path):
    service = unit(path)
    assert service["Service"]["WorkingDirectory"] == "/srv/pilotis"
    assert service["Service"]["User"] == "pilotis"
    for command in commands_of(service):
        program = Path(command[0]).name
        if program == "python":
            assert command[1] == "manage.py"
            assert command[2] in get_commands(), f"{path.name} : commande inconnue {command[2]}"
        else:
            assert program == "gunicorn"
            assert (DEPLOY.parent / command[command.index("--config") + 1]).is_file()


def test_the_worker_and_the_three_daily_commands_each_have_their_unit():
    started = {
        command[2]
        for path in SERVICES
        for command in commands_of(unit(path))
        if Path(command[0]).name == "python"
    }
    assert {"db_worker", *DAILY_COMMANDS} <= started


@pytest.mark.parametrize("path", sorted(DEPLOY.glob("*.timer")), ids=lambda p: p.name)
def test_every_timer_starts_its_daily_oneshot_service(path):
    timer = unit(path)
    assert timer["Timer"]["OnCalendar"].startswith("*-*-* ")
    assert timer["Timer"]["Persistent"] == "true"
    service = unit(path.with_suffix(".service"))
    assert service["Service"]["Type"] == "oneshot"
    (command,) = commands_of(service)
    assert command[2] in DAILY_COMMANDS
    assert timer["Install"]["WantedBy"] == "timers.target"


def test_gunicorn_listens_on_the_loopback_interface_only(monkeypatch):
    monkeypatch.delenv("GUNICORN_BIND", raising=False)
    settings = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert settings["bind"] == "127.0.0.1:8000"
    assert settings["wsgi_app"] == "config.wsgi:application"
    assert settings["forwarded_allow_ips"] == "127.0.0.1,::1"
