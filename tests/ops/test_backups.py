"""A backup restored into a fresh database gives back every signed PDF byte for byte and every
evidence chain intact. On PostgreSQL (CI) through pg_dump/pg_restore, on SQLite through its
backup API; the restored database is read by another process, as after a real restore."""

import hashlib
import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.db import connection

from accounts.models import Role
from conventions.models import Convention, ConventionDocument
from conventions.signatures import evidence
from tests.conventions.signatures.helpers import SIGNERS, mails_at_once, send_for_signature, sign_step  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent.parent
# pg_dump and pg_restore see committed rows only.
pytestmark = pytest.mark.django_db(transaction=True)

READ_BACK = """
import hashlib, json
from conventions.models import Convention, ConventionDocument
from conventions.signatures import evidence
print(json.dumps({
    "documents": sorted(
        [d.convention.reference, d.revision, d.kind, hashlib.sha256(bytes(d.content)).hexdigest(), d.sha256]
        for d in ConventionDocument.objects.select_related("convention")
    ),
    "chains": {c.reference: evidence.check_chain(c) for c in Convention.objects.all()},
    "states": {c.reference: c.state for c in Convention.objects.all()},
}))
"""


@pytest.fixture
def fresh_database(tmp_path):
    """The address of an empty database, of the same kind as the test database."""
    params = connection.settings_dict
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    name = f"{params['NAME']}_restored"[:63]
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    credentials = quote(params["USER"] or "") + (
        f":{quote(params['PASSWORD'])}" if params.get("PASSWORD") else ""
    )
    yield f"postgres://{credentials}@{params['HOST'] or '127.0.0.1'}:{params['PORT'] or 5432}/{name}"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(*args, database_url):
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url,
    }
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_a_restored_backup_has_every_signed_pdf_and_intact_evidence(side_a, side_b, tmp_path, fresh_database):
    signed = send_for_signature(side_a)
    for step in (1, 2, 3):
        sign_step(signed, step, side_a.users[SIGNERS[step]])
    half_signed = send_for_signature(side_b)
    sign_step(half_signed, 1, side_b.users[Role.SIGNATORY])
    documents = sorted(
        [d.convention.reference, d.revision, d.kind, hashlib.sha256(bytes(d.content)).hexdigest(), d.sha256]
        for d in ConventionDocument.objects.select_related("convention")
    )
    assert len(documents) >= 6
    conventions = Convention.objects.filter(pk__in=[signed.pk, half_signed.pk])
    assert all(evidence.check_chain(c) == [] for c in conventions)

    backup = tmp_path / "pilotis.backup"
    call_command("backup", output=str(backup), stdout=StringIO())
    manage("restore", str(backup), database_url=fresh_database)
    restored = json.loads(manage("shell", "-c", READ_BACK, database_url=fresh_database).splitlines()[-1])

    assert restored["documents"] == documents
    assert all(row[3] == row[4] for row in restored["documents"])
    assert restored["chains"] == {c.reference: [] for c in Convention.objects.all()}
    assert restored["states"][signed.reference] == Convention.objects.get(pk=signed.pk).state


def test_restoring_a_missing_file_says_so_in_french(tmp_path):
    with pytest.raises(Exception, match="Fichier de sauvegarde introuvable"):
        call_command("restore", str(tmp_path / "absent.dump"))
