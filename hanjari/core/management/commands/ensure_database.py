"""``manage.py ensure_database``: make sure the configured database exists before
``migrate`` (run by ``make setup``).

- SQLite (a file): creates the file, readable and writable by its owner only (0600),
  and narrows an existing database and its ``-wal``/``-shm`` files to 0600 (they hold
  personal data and password hashes).
- PostgreSQL: when the server answers but the database does not exist, creates it
  (``CREATE DATABASE``, through the server's ``postgres`` maintenance database with
  the same user). Any other failure — no server, no right to create — stops with one
  line that says what to do, not a traceback.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

OWNER_ONLY = 0o600


def secure_sqlite_file(path: Path) -> bool:
    """Create the SQLite database file `path` (and its folder) owner-only if missing,
    and narrow it and its -wal/-shm files to 0600. Returns True when it created the
    file. Raises OSError when the folder cannot be made."""
    path.parent.mkdir(parents=True, exist_ok=True)
    created = False
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, OWNER_ONLY)
        os.close(fd)
        created = True
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        if name.exists() and stat.S_IMODE(name.stat().st_mode) != OWNER_ONLY:
            name.chmod(OWNER_ONLY)
    return created


def _postgres(alias: str, stdout: Any) -> None:
    import psycopg
    from psycopg import sql

    connection = connections[alias]
    name = connection.settings_dict["NAME"]
    try:
        connection.ensure_connection()
        return
    except Exception as exc:  # the driver's error, wrapped by Django
        cause = exc.__cause__ or exc
        if f'database "{name}" does not exist' not in str(cause):
            raise CommandError(
                f"Cannot connect to PostgreSQL ({_where(connection)}): "
                f"{str(cause).strip().splitlines()[0]}. Check DATABASE_URL and that the "
                "server is running."
            ) from None
    params = connection.get_connection_params()
    params["dbname"] = "postgres"
    try:
        with psycopg.connect(**params, autocommit=True) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.Error as exc:
        raise CommandError(
            f"PostgreSQL database '{name}' does not exist and could not be created "
            f"({str(exc).strip().splitlines()[0]}). Create it with: createdb "
            f"{_createdb_args(connection)}{name}"
        ) from None
    stdout.write(f"Created the PostgreSQL database '{name}' ({_where(connection)}).")


def _where(connection: Any) -> str:
    s = connection.settings_dict
    return f"{s.get('USER') or ''}@{s.get('HOST') or 'local socket'}:{s.get('PORT') or 5432}"


def _createdb_args(connection: Any) -> str:
    s = connection.settings_dict
    args = ""
    if s.get("HOST"):
        args += f"-h {s['HOST']} "
    if s.get("PORT"):
        args += f"-p {s['PORT']} "
    if s.get("USER"):
        args += f"-U {s['USER']} "
    return args


class Command(BaseCommand):
    help = "Create the configured database when it is missing (SQLite file 0600, PostgreSQL)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--database", default="default", help="database alias")

    def handle(self, *args: Any, **opts: Any) -> None:
        alias = opts["database"]
        if alias not in connections:
            raise CommandError(f"unknown database alias {alias!r}")
        connection = connections[alias]
        if connection.vendor == "sqlite":
            name = str(connection.settings_dict["NAME"])
            if name == ":memory:" or name.startswith("file:"):
                return
            try:
                if secure_sqlite_file(Path(name)):
                    self.stdout.write(f"Created the SQLite database {name} (mode 0600).")
            except OSError as exc:
                raise CommandError(f"Cannot create the SQLite database {name}: {exc}") from None
        elif connection.vendor == "postgresql":
            _postgres(alias, self.stdout)
