"""Security-relevant settings: DEBUG, response headers, CSRF, and SQLite WAL mode.

Settings that only the production module decides (DEBUG, the SQLite options) are read
in a fresh interpreter with `config.settings.base` and a clean environment, because
pytest-django's settings are the test settings (and the test database may be an
in-memory SQLite, where WAL is impossible, or PostgreSQL).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

REPO = Path(__file__).resolve().parent.parent


def _base_settings(code: str, **env: str) -> dict:
    """Run `code` after `django.setup()` with config.settings.base in a clean process;
    `code` sets a dict named `out`, returned here."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "DEBUG", "HANJARI_", "SECRET_KEY"))
    }
    clean.update(
        DJANGO_SETTINGS_MODULE="config.settings.base",
        SECRET_KEY="only-for-this-test",
        HANJARI_ENV_FILE="/nonexistent",
        **env,
    )
    script = (
        "import json, django\ndjango.setup()\nfrom django.conf import settings\n"
        f"{code}\nprint(json.dumps(out))"
    )
    result = subprocess.run(  # noqa: S603 (our own interpreter, fixed script)
        [sys.executable, "-c", script],
        cwd=REPO,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_debug_is_off_by_default(tmp_path):
    out = _base_settings(
        "out = {'debug': settings.DEBUG, 'hosts': settings.ALLOWED_HOSTS}",
        DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}",
    )
    assert out["debug"] is False
    assert "*" not in out["hosts"]


def test_debug_follows_the_environment(tmp_path):
    out = _base_settings(
        "out = {'debug': settings.DEBUG}",
        DEBUG="true",
        DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}",
    )
    assert out["debug"] is True


def test_sqlite_file_database_runs_in_wal_mode(tmp_path):
    """The settings' init_command switches a file database to WAL (config/settings/base.py)."""
    db_file = tmp_path / "hanjari.sqlite3"
    out = _base_settings(
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        "    c.execute('PRAGMA journal_mode'); mode = c.fetchone()[0]\n"
        "    c.execute('PRAGMA foreign_keys'); fk = c.fetchone()[0]\n"
        "    c.execute('PRAGMA busy_timeout'); busy = c.fetchone()[0]\n"
        "out = {'mode': mode, 'fk': fk, 'busy': busy, 'vendor': connection.vendor,\n"
        "       'name': str(connection.settings_dict['NAME'])}",
        DATABASE_URL=f"sqlite:///{db_file}",
    )
    assert out["vendor"] == "sqlite"
    assert out["name"] == str(db_file)
    assert out["mode"] == "wal"
    assert out["fk"] == 1
    assert out["busy"] == 5000
    assert db_file.with_name(db_file.name + "-wal").exists() or db_file.exists()


def test_default_database_is_the_sqlite_file_in_var():
    out = _base_settings("out = {k: str(v) for k, v in settings.DATABASES['default'].items()}")
    assert out["ENGINE"] == "django.db.backends.sqlite3"
    assert out["NAME"].endswith("var/hanjari.sqlite3")
    assert "journal_mode=WAL" in out["OPTIONS"]


def test_postgresql_gets_no_sqlite_options():
    out = _base_settings(
        "d = settings.DATABASES['default']\n"
        "out = {'engine': d['ENGINE'], 'options': d.get('OPTIONS', {}),"
        " 'health': d.get('CONN_HEALTH_CHECKS')}",
        DATABASE_URL="postgres://u@127.0.0.1:5432/x",
    )
    assert out["engine"] == "django.db.backends.postgresql"
    assert "init_command" not in out["options"]
    assert out["health"] is True


@pytest.mark.parametrize("path", ["/", "/organizations/", "/accounts/login/", "/nowhere/"])
def test_security_headers(client, db, path):
    response = client.get(path)
    csp = response["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    assert directives["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in directives.get("style-src", [])
    assert "'unsafe-eval'" not in csp
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["default-src"] == ["'self'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_session_and_csrf_cookies(client, db):
    user = UserFactory(username="cookie")
    response = client.post(
        reverse("accounts:login"), {"login": "cookie", "password": "pw-Hanjari-123"}
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["httponly"]
    assert session["samesite"] == "Lax"
    assert user.pk


def test_csrf_is_enforced_on_login(db):
    UserFactory(username="csrf")
    client = Client(enforce_csrf_checks=True)
    refused = client.post(
        reverse("accounts:login"), {"login": "csrf", "password": "pw-Hanjari-123"}
    )
    assert refused.status_code == 403
    page = client.get(reverse("accounts:login"))
    token = page.context["csrf_token"]
    accepted = client.post(
        reverse("accounts:login"),
        {"login": "csrf", "password": "pw-Hanjari-123", "csrfmiddlewaretoken": str(token)},
    )
    assert accepted.status_code == 302


def test_csrf_is_enforced_on_profile_edit(db):
    org = OrganizationFactory(name="씨에스알에프협동조합")
    member = MembershipFactory(organization=org).user
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    url = reverse("registry:organization-edit", args=[org.pk])
    # Members edit the description (the name is centre staff's: registry.services).
    data = {"description": "바뀐 소개"}
    assert client.post(url, data).status_code == 403
    org.refresh_from_db()
    assert org.description == ""
    # htmx sends the token in a header (base.html's hx-headers): that is accepted.
    client.get(url)
    token = client.cookies["csrftoken"].value
    assert client.post(url, data, HTTP_X_CSRFTOKEN=token).status_code == 302
    org.refresh_from_db()
    assert org.description == "바뀐 소개"


def test_csrf_is_enforced_on_logout_not_on_language(db):
    """Logout needs the token. Choosing the language does not (config/urls.py says why:
    it only sets the visitor's own language cookie, and a token in every page's language
    form would keep every anonymous page out of the page cache)."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(username="csrf2"))
    assert client.post(reverse("accounts:logout")).status_code == 403
    response = client.post(reverse("set_language"), {"language": "en"})
    assert response.status_code == 302
    assert response.cookies["django_language"].value == "en"
    # The session survived: the refused logout did not log out, the language changed.
    assert "_auth_user_id" in client.session


def test_pages_carry_no_inline_script(client, db):
    """CSP allows only scripts from our origin: no page may rely on inline code."""
    org = OrganizationFactory(name="인라인없음")
    for path in ("/", "/organizations/", org.get_absolute_url(), "/accounts/login/"):
        html = client.get(path).content.decode()
        for tag in html.split("<script")[1:]:
            head = tag.split(">", 1)[0]
            assert "src=" in head or 'type="application/ld+json"' in head, (path, head)
        assert " onclick=" not in html
        assert " style=" not in html


# --- a cache every worker shares ------------------------------------------------------


def test_default_cache_is_the_database_shared_by_every_process(tmp_path):
    """Rate limits live in the `default` cache: it must not be one per process."""
    db = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    out = _base_settings(
        "from django.core.cache import cache\n"
        "from django.core.management import call_command\n"
        "call_command('createcachetable')\n"
        "cache.set('shared', 41)\n"
        "out = {'backend': settings.CACHES['default']['BACKEND'],"
        " 'pages': settings.CACHES['pages']['BACKEND']}",
        DATABASE_URL=db,
    )
    assert out["backend"] == "django.core.cache.backends.db.DatabaseCache"
    assert out["pages"] == "django.core.cache.backends.filebased.FileBasedCache"
    # Another process sees (and counts on) what the first one stored.
    out = _base_settings(
        "from django.core.cache import cache\nout = {'seen': cache.incr('shared')}",
        DATABASE_URL=db,
    )
    assert out["seen"] == 42


def test_redis_url_makes_the_default_cache_redis(tmp_path):
    out = _base_settings(
        "out = settings.CACHES['default']",
        DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}",
        REDIS_URL="redis://127.0.0.1:6379/1",
    )
    assert out["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert out["LOCATION"] == "redis://127.0.0.1:6379/1"


def test_no_cache_is_per_process(tmp_path):
    for env in ({}, {"REDIS_URL": "redis://127.0.0.1:6379/1"}):
        out = _base_settings(
            "out = {k: v['BACKEND'] for k, v in settings.CACHES.items()}",
            DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}",
            **env,
        )
        assert "django.core.cache.backends.locmem.LocMemCache" not in out.values()
        assert "django.core.cache.backends.dummy.DummyCache" not in out.values()


# --- files that hold secrets are owner-only ------------------------------------------


def test_make_writes_var_env_owner_only(tmp_path):
    make = shutil.which("make") or "/usr/bin/make"
    result = subprocess.run(  # noqa: S603 (make with our own Makefile)
        [
            make,
            "-s",
            "-C",
            str(tmp_path),
            "-f",
            str(REPO / "Makefile"),
            "var/.env",
            f"PYTHON={sys.executable}",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    env_file = tmp_path / "var" / ".env"
    assert oct(env_file.stat().st_mode & 0o777) == "0o600"
    assert re.search(r"^SECRET_KEY=\S{40,}$", env_file.read_text(), re.M)


def test_ensure_database_creates_the_sqlite_file_owner_only(tmp_path):
    db_file = tmp_path / "sub" / "hanjari.sqlite3"
    out = _base_settings(
        "from django.core.management import call_command\n"
        "from django.db import connection\n"
        "import os\n"
        "call_command('ensure_database')\n"
        "call_command('migrate', 'contenttypes', verbosity=0)\n"
        "name = str(connection.settings_dict['NAME'])\n"
        # While the connection is open (SQLite removes -wal and -shm with the last one).
        "out = {s: oct(os.stat(name + s).st_mode & 0o777) for s in ('', '-wal', '-shm')}",
        DATABASE_URL=f"sqlite:///{db_file}",
    )
    assert out == {"": "0o600", "-wal": "0o600", "-shm": "0o600"}


def test_ensure_database_narrows_an_existing_database(tmp_path):
    db_file = tmp_path / "hanjari.sqlite3"
    db_file.write_bytes(b"")
    db_file.chmod(0o644)
    Path(f"{db_file}-wal").write_bytes(b"")
    Path(f"{db_file}-wal").chmod(0o644)
    _base_settings(
        "from django.core.management import call_command\n"
        "call_command('ensure_database')\nout = {}",
        DATABASE_URL=f"sqlite:///{db_file}",
    )
    assert oct(db_file.stat().st_mode & 0o777) == "0o600"
    assert oct(Path(f"{db_file}-wal").stat().st_mode & 0o777) == "0o600"


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    clean.update(
        DJANGO_SETTINGS_MODULE="config.settings.base",
        SECRET_KEY="only-for-this-test",
        HANJARI_ENV_FILE="/nonexistent",
        **env,
    )
    return subprocess.run(  # noqa: S603 (our own interpreter and manage.py)
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_ensure_database_without_a_server_stops_with_one_line():
    result = _manage("ensure_database", DATABASE_URL="postgres://postgres@127.0.0.1:1/hanjari_x")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("CommandError: Cannot connect to PostgreSQL (postgres@127.0.0.1:1)")


def test_ensure_database_creates_a_missing_postgresql_database(db):
    """On the PostgreSQL run of the suite: a missing database is created (and dropped
    again here); on SQLite, the same command creates the file."""
    from django.db import connection

    if connection.vendor != "postgresql":
        result = _manage("ensure_database", DATABASE_URL="sqlite:///:memory:")
        assert result.returncode == 0 and result.stdout == ""
        return
    import psycopg

    s = connection.settings_dict
    name = f"{s['NAME']}_ensure"
    url = f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"
    params = {**connection.get_connection_params(), "dbname": "postgres"}

    def drop() -> None:  # outside the test's transaction
        with psycopg.connect(**params, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')

    drop()
    try:
        result = _manage("ensure_database", DATABASE_URL=url)
        assert result.returncode == 0, result.stderr
        assert f"Created the PostgreSQL database '{name}'" in result.stdout
        again = _manage("ensure_database", DATABASE_URL=url)
        assert again.returncode == 0 and again.stdout == ""
    finally:
        drop()
