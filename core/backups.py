"""Backing up and restoring the whole database, signed PDFs and evidence included (they live in
it): pg_dump's custom format and pg_restore for PostgreSQL, SQLite's own online backup API for
the default file database. Both copy a consistent snapshot while the application runs."""

import os
import sqlite3
import subprocess
from pathlib import Path

from django.db import connections


class BackupError(Exception):
    """Said in French, for the person running the command."""


def backup(path: Path, *, alias: str = "default") -> None:
    connection = connections[alias]
    if connection.vendor == "postgresql":
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={path}"], connection)
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(path) as target:
            connection.connection.backup(target)
        target.close()
    else:
        raise BackupError(f"Sauvegarde non prévue pour la base {connection.vendor}.")


def restore(path: Path, *, alias: str = "default") -> None:
    """Into the configured database, replacing what it holds (a fresh, empty one is best)."""
    if not path.is_file():
        raise BackupError(f"Fichier de sauvegarde introuvable : {path}")
    connection = connections[alias]
    if connection.vendor == "postgresql":
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                str(path),
            ],
            connection,
        )
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(path) as source:
            source.backup(connection.connection)
        source.close()
    else:
        raise BackupError(f"Restauration non prévue pour la base {connection.vendor}.")


def _run(command: list[str], connection) -> None:
    # The connection's parameters through libpq's own variables: the password never appears in
    # the process list.
    params = connection.settings_dict
    environment = {
        **os.environ,
        "PGDATABASE": params["NAME"],
        "PGHOST": params.get("HOST") or "",
        "PGPORT": str(params.get("PORT") or ""),
        "PGUSER": params.get("USER") or "",
    }
    if params.get("PASSWORD"):
        environment["PGPASSWORD"] = params["PASSWORD"]
    if not environment["PGHOST"]:
        del environment["PGHOST"]
    if command[0] == "pg_restore":
        command = [*command[:-1], f"--dbname={params['NAME']}", command[-1]]
    result = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} a échoué : {result.stderr.strip()}")
