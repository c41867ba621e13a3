"""The last seat cannot go twice: real concurrent requests, each thread with its own
database connection, on both engines.

- PostgreSQL: the test database itself (``transaction=True``: what the main thread
  made is committed and visible to the threads); the service locks the event row
  (``SELECT … FOR UPDATE``).
- SQLite: the in-memory test database cannot be shared between connections in other
  threads (shared-cache tables lock without waiting), so the threads work on a
  temporary file database — a copy of the test database (schema and rows, SQLite's
  backup API) with the same OPTIONS (WAL, busy_timeout, ``transaction_mode``
  IMMEDIATE, which serialises writers).

The window between counting seats and saving is widened (the count sleeps), so
without the lock both requests would see the last seat free.
"""

from __future__ import annotations

import copy
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.utils import load_backend
from django.test import Client
from django.urls import reverse

from hanjari.events import selectors
from hanjari.events.models import Registration
from hanjari.events.services import registrations as services
from hanjari.events.services.registrations import RegistrationError
from tests.events.registration_support import open_event, register
from tests.factories import UserFactory

# transaction=True: the threads must see committed rows (tests/conftest.py makes every
# transactional test restore the migration data afterwards).
pytestmark = pytest.mark.django_db(transaction=True)

RACERS = 8
S = Registration.Status


class RaceDatabase:
    """Where the racing threads connect: `bind()` (called first thing in a thread)
    points the thread's default connection at the race database."""

    def __init__(self, settings_dict: dict[str, Any] | None) -> None:
        self.settings_dict = settings_dict

    def bind(self) -> None:
        if self.settings_dict is None:  # PostgreSQL: the test database itself
            return
        backend = load_backend(self.settings_dict["ENGINE"])
        connections[DEFAULT_DB_ALIAS] = backend.DatabaseWrapper(
            self.settings_dict, DEFAULT_DB_ALIAS
        )

    def run(self, fn: Callable[[], Any]) -> Any:
        """Run `fn` in a new thread connected to the race database; return its result."""
        out: dict[str, Any] = {}

        def target() -> None:
            try:
                self.bind()
                out["value"] = fn()
            except BaseException as exc:  # re-raised in the calling thread
                out["error"] = exc
            finally:
                connections.close_all()

        thread = threading.Thread(target=target)
        thread.start()
        thread.join(timeout=60)
        if "error" in out:
            raise out["error"]
        return out.get("value")


@pytest.fixture
def race_db(tmp_path: Path) -> Iterator[Callable[[], RaceDatabase]]:
    """Call it after the set-up rows are made: on SQLite it copies the test database
    (with those rows) to a file; on PostgreSQL the threads use the test database."""

    def make() -> RaceDatabase:
        if connection.vendor != "sqlite":
            return RaceDatabase(None)
        path = tmp_path / "race.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        settings_dict = copy.deepcopy(connections.settings[DEFAULT_DB_ALIAS])
        settings_dict["NAME"] = str(path)
        settings_dict["TEST"] = {**settings_dict.get("TEST", {}), "NAME": str(path)}
        # Same OPTIONS as production: WAL, busy_timeout and BEGIN IMMEDIATE.
        assert settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
        return RaceDatabase(settings_dict)

    yield make


def race(db: RaceDatabase, racers: list[Callable[[], Any]]) -> list[Any]:
    """Start every racer at the same moment, each in its own thread and connection;
    return what each returned (or the exception it raised)."""
    barrier = threading.Barrier(len(racers))
    results: list[Any] = [None] * len(racers)

    def runner(i: int, fn: Callable[[], Any]) -> None:
        try:
            db.bind()
            prepare = getattr(fn, "prepare", None)
            state = prepare() if prepare else None
            barrier.wait(timeout=30)
            results[i] = fn() if state is None else fn(state)  # type: ignore[call-arg]
        except BaseException as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner, args=(i, fn)) for i, fn in enumerate(racers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a racer did not finish"
    return results


@pytest.fixture
def slow_count(monkeypatch):
    """Widen the window between counting the seats and saving the registration."""
    real = selectors.seats_taken

    def slow(**kwargs: Any) -> int:
        taken = real(**kwargs)
        time.sleep(0.05)
        return taken

    monkeypatch.setattr(selectors, "seats_taken", slow)


def test_last_seat_race_over_http(race_db, slow_count):
    event = open_event(capacity=3)
    register(event, by=UserFactory(), attendees=2)  # one seat left
    users = [UserFactory(username=f"racer{i}") for i in range(RACERS)]
    db = race_db()
    url = reverse("events:register", kwargs={"pk": event.pk})

    def racer(user: Any) -> Callable[..., int]:
        def prepare() -> Client:
            client = Client()
            client.force_login(user)
            return client

        def go(client: Client) -> int:
            response = client.post(
                url,
                {
                    "person_name": user.username,
                    "organization_name": "경주협동조합",
                    "attendees": 1,
                    "consent": "on",
                },
            )
            return response.status_code

        go.prepare = prepare  # type: ignore[attr-defined]
        return go

    codes = race(db, [racer(u) for u in users])
    assert codes == [303] * RACERS, codes

    def outcome() -> tuple[list[str], int]:
        racing = Registration.objects.filter(user__in=[u.pk for u in users])
        return sorted(racing.values_list("status", flat=True)), selectors.seats_taken(event=event)

    statuses, taken = db.run(outcome)
    assert statuses.count(S.CONFIRMED) == 1, statuses
    assert statuses.count(S.WAITLISTED) == RACERS - 1
    assert taken == 3


def test_last_seat_race_through_the_service(race_db, slow_count):
    event = open_event(capacity=RACERS // 2)
    users = [UserFactory(username=f"svc{i}") for i in range(RACERS)]
    db = race_db()

    def racer(user: Any) -> Callable[[], str]:
        def go() -> str:
            reg = services.registration_create(
                event=event, by=user, person_name=user.username, attendees=1, source="web"
            )
            return str(reg.status)

        return go

    statuses = race(db, [racer(u) for u in users])
    assert sorted(statuses) == sorted(
        [S.CONFIRMED] * (RACERS // 2) + [S.WAITLISTED] * (RACERS // 2)
    )
    assert db.run(lambda: selectors.seats_taken(event=event)) == RACERS // 2


def test_same_person_twice_at_once_gets_one_registration(race_db):
    event = open_event(capacity=10)
    user = UserFactory(username="double")
    db = race_db()

    def go() -> str:
        try:
            services.registration_create(
                event=event, by=user, person_name="두번누름", attendees=1, source="web"
            )
        except RegistrationError as exc:
            return exc.code
        return "created"

    results = race(db, [go, go, go])
    assert sorted(results) == ["created", "duplicate", "duplicate"]
    assert db.run(lambda: Registration.objects.filter(user=user).count()) == 1


def test_two_staff_scan_the_same_code_at_once(race_db, monkeypatch, staff):
    event = open_event()
    reg = register(event, by=UserFactory())
    db = race_db()
    real_save = services._save

    def slow_save(registration: Registration) -> None:
        time.sleep(0.05)
        real_save(registration)

    monkeypatch.setattr(services, "_save", slow_save)

    def scan() -> str:
        try:
            services.registration_check_in(event=event, token=reg.checkin_code, by=staff)
        except RegistrationError as exc:
            return exc.code
        return "checked_in"

    results = race(db, [scan, scan, scan])
    assert sorted(results) == ["already_checked_in", "already_checked_in", "checked_in"]
