"""Owners racing each other: real concurrent transactions, each thread with its own
database connection, on both engines (the thread set-up of tests/events/test_race.py:
PostgreSQL's test database itself, or a file copy of SQLite's with production's
OPTIONS). The rule functions sleep to widen the window between reading the last-owner
rule and writing; without the organisation lock both owners would go and the
organisation would keep members but no owner (대표 관리자), and two owners removing
each other would end in PostgreSQL's "deadlock detected" (a 500).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import DatabaseError

from hanjari.accounts import rules as account_rules
from hanjari.accounts.models import Membership
from hanjari.accounts.services import AccountError, account_delete
from hanjari.membership import rules, services
from hanjari.membership.services import MembershipError
from tests.events.test_race import RaceDatabase, race, race_db  # noqa: F401  (a fixture)
from tests.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db(transaction=True)

OWNER = Membership.Role.OWNER
EDITOR = Membership.Role.EDITOR


@pytest.fixture
def owners_db(race_db) -> Callable[[], RaceDatabase]:  # noqa: F811
    """`race_db`, with SQLite's copy switched to WAL before the threads connect: the
    copy of the in-memory test database starts in the rollback-journal mode, and two
    connections switching it at the same moment (the connection's first PRAGMA) fail
    with "database is locked" whatever the code under test does."""

    def make() -> RaceDatabase:
        db = race_db()
        if db.settings_dict is not None:
            wal = sqlite3.connect(db.settings_dict["NAME"])
            try:
                wal.execute("PRAGMA journal_mode=WAL")
            finally:
                wal.close()
        return db

    return make


def _slow(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> None:
    real = getattr(module, name)

    def slow(*args: Any, **kwargs: Any) -> Any:
        answer = real(*args, **kwargs)
        time.sleep(0.2)
        return answer

    monkeypatch.setattr(module, name, slow)


def _outcome(fn: Callable[[], Any]) -> Callable[[], str]:
    """A racer answering "done" or the refusal's code; a database error (deadlock) is
    returned as itself, and the test fails on it."""

    def go() -> str:
        try:
            fn()
        except (AccountError, MembershipError) as exc:
            return exc.refusal.code
        return "done"

    return go


def _organization(editor: bool = True) -> tuple[Any, Membership, Membership]:
    org = OrganizationFactory(name="경쟁협동조합")
    a = MembershipFactory(organization=org, role=OWNER)
    b = MembershipFactory(organization=org, role=OWNER)
    if editor:
        MembershipFactory(organization=org, role=EDITOR)
    return org, a, b


def _roles(db: Any, org: Any) -> list[str]:
    return db.run(
        lambda: sorted(Membership.objects.filter(organization=org).values_list("role", flat=True))
    )


def test_two_owners_deleting_their_accounts_at_once_leave_one_owner(owners_db, monkeypatch):
    org, a, b = _organization()
    db = owners_db()
    _slow(monkeypatch, account_rules, "account_delete_refusal")

    results = race(
        db,
        [
            _outcome(lambda: account_delete(user=a.user, by=a.user)),
            _outcome(lambda: account_delete(user=b.user, by=b.user)),
        ],
    )

    assert sorted(map(str, results)) == ["done", "last_owner"], results
    assert _roles(db, org) == [EDITOR, OWNER]


def test_owner_deleting_the_account_while_the_other_owner_leaves(owners_db, monkeypatch):
    org, a, b = _organization()
    db = owners_db()
    _slow(monkeypatch, account_rules, "account_delete_refusal")
    _slow(monkeypatch, rules, "successor_refusal")

    results = race(
        db,
        [
            _outcome(lambda: account_delete(user=a.user, by=a.user)),
            _outcome(lambda: services.membership_leave(membership=b, by=b.user)),
        ],
    )

    assert sorted(map(str, results)) == ["done", "last_owner"], results
    assert _roles(db, org) == [EDITOR, OWNER]


def test_two_owners_leaving_at_once_leave_one_owner(owners_db, monkeypatch):
    org, a, b = _organization()
    db = owners_db()
    _slow(monkeypatch, rules, "successor_refusal")

    results = race(
        db,
        [
            _outcome(lambda: services.membership_leave(membership=a, by=a.user)),
            _outcome(lambda: services.membership_leave(membership=b, by=b.user)),
        ],
    )

    assert sorted(map(str, results)) == ["done", "last_owner"], results
    assert _roles(db, org) == [EDITOR, OWNER]


def test_two_owners_removing_each_other_at_once_no_deadlock(owners_db, monkeypatch):
    org, a, b = _organization(editor=False)
    db = owners_db()
    _slow(monkeypatch, rules, "member_remove_refusal")

    results = race(
        db,
        [
            _outcome(lambda: services.membership_remove(membership=b, by=a.user)),
            _outcome(lambda: services.membership_remove(membership=a, by=b.user)),
        ],
    )

    assert not [r for r in results if isinstance(r, DatabaseError)], results
    # The second to get the lock is no longer a member: it may not remove anyone.
    assert sorted(results) == ["done", "forbidden"], results
    assert _roles(db, org) == [OWNER]
