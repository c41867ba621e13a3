"""The import's undo log (되돌리기 기록): the one way an import's writes are undone.

Each transaction the writer commits (`writer.Writer.apply`) first renews its run's
hold (`hold`: the run must still be "running" and owned by this process), then does
its writes and records their undo actions in an `ImportUndo` row, all in that one
transaction. `undo_run` undoes a run from that log: when a later chunk fails (the
writer, still the owner), and when the process that wrote it is gone (recovery, which
takes the run over first, `recovery.recover_runs`). Either way it undoes the last
chunk first and each chunk's actions backwards, in short transactions that each renew
the hold and remove from the log what they undid, so undoing can be interrupted and
resumed, and two processes never undo the same run.

Actions (JSON, see `ImportUndo`): ``create`` deletes the rows the chunk inserted (with
history rows, attributed to the run's user, and the usual delete signals: the search
index drops them and the page cache starts a new generation when the transaction
commits); ``save`` saves the old values back with history; ``update`` writes the old
bookkeeping values back. Organisations touched are also sent to
`signals.organizations_written`, so that a search document built from a row that an
undo then deleted is removed by the next indexing task.
"""

from __future__ import annotations

import datetime as dt
import decimal
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.db import router, transaction
from django.db.models import Field, Model
from django.db.models.deletion import Collector
from django.utils import timezone

from hanjari.core import pagecache
from hanjari.core.audit import set_history_user

from ..models import Designation, ImportRun, ImportUndo, Organization
from ..signals import organizations_written

Action = list[Any]

# Seconds one undo transaction may take (like the writer's chunks) and rows of one
# table deleted at most per statement.
UNDO_SECONDS = 0.1
DELETE_BATCH = 200


class RunLost(Exception):
    """The run is not this process's any more (another process took it over to undo
    it, or it is not running): stop writing and do not undo."""


def hold(run_id: int, owner: str) -> None:
    """Renew the heartbeat of run `run_id` if it is still "running" and held by
    `owner`; raises `RunLost` otherwise. Called first in each of the run's
    transactions: on PostgreSQL it also locks the run's row until the commit, so a
    process taking the run over waits for the transaction and then sees its log."""
    held = ImportRun.objects.filter(pk=run_id, owner=owner, status=ImportRun.Status.RUNNING).update(
        heartbeat_at=timezone.now()
    )
    if held != 1:
        raise RunLost(run_id)


def release(run_id: int, owner: str) -> None:
    """Let go of run `run_id` (owner ""), so that recovery undoes it although this
    process lives on (an undo that failed half-way). Never raises."""
    try:
        ImportRun.objects.filter(pk=run_id, owner=owner).update(owner="")
    except Exception:  # the database that made the undo fail may refuse this too
        return


def record(run_id: int, chunk: int, actions: list[Action]) -> None:
    """Store the undo `actions` of chunk `chunk` of run `run_id` (in its transaction)."""
    if actions:
        # Inserted without signals: the row is no content (no new page-cache generation).
        ImportUndo.objects.bulk_create([ImportUndo(run_id=run_id, chunk=chunk, actions=actions)])


def to_json(field: Field[Any, Any], value: Any) -> Any:
    """A column value as JSON: dates and times as ISO text, decimals and UUIDs as text;
    `from_json` reads it back."""
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    return value


def from_json(field: Field[Any, Any], value: Any) -> Any:
    if value is None or field.get_internal_type() == "JSONField":
        return value
    return field.to_python(value)


def _field(model: type[Model], attname: str) -> Field[Any, Any]:
    for field in model._meta.concrete_fields:
        if field.attname == attname:
            return field
    raise LookupError(f"{model._meta.label}.{attname}")


def snapshot(instance: Model, names: list[str]) -> dict[str, Any]:
    """The current values of the fields `names` of `instance`, by column (attname), as
    JSON."""
    values = {}
    for name in names:
        field = instance._meta.get_field(name)
        if not isinstance(field, Field):
            raise LookupError(name)
        values[field.attname] = to_json(field, field.value_from_object(instance))
    return values


def columns(model: type[Model], names: list[str]) -> list[str]:
    """The columns (attnames) of the fields `names` of `model`."""
    result = []
    for name in names:
        field = model._meta.get_field(name)
        if not isinstance(field, Field):
            raise LookupError(name)
        result.append(field.attname)
    return result


def rows_as_json(model: type[Model], row: dict[str, Any]) -> dict[str, Any]:
    return {name: to_json(_field(model, name), value) for name, value in row.items()}


def undo_run(
    run_id: int,
    owner: str,
    *,
    user: Any = None,
    pause: float = 0.0,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Undo everything the log of run `run_id` holds, as `owner` (who must hold the
    run: `hold`), newest first, in transactions of at most `UNDO_SECONDS`, sleeping
    `pause` seconds between them (SQLite: lets other writers in). History rows are
    attributed to `user`. `progress(actions undone so far)` is called after each
    transaction. Returns the number of actions undone (a ``create`` of many rows
    counts once per batch deleted). Raises `RunLost` when the run is not `owner`'s,
    and whatever the database raises (what was undone until then stays undone)."""
    undone = 0
    while True:
        started = time.monotonic()
        with transaction.atomic():
            hold(run_id, owner)
            entry = ImportUndo.objects.filter(run_id=run_id).order_by("-chunk").first()
            if entry is None:
                break
            actions: list[Action] = list(entry.actions)
            touched: set[int] = set()
            while actions and (time.monotonic() - started < UNDO_SECONDS or not undone):
                action = actions[-1]
                if action[0] == "create" and len(action[2]) > DELETE_BATCH:
                    batch = action[2][-DELETE_BATCH:]
                    actions[-1] = [action[0], action[1], action[2][:-DELETE_BATCH]]
                    touched |= _undo_one(["create", action[1], batch], user)
                else:
                    actions.pop()
                    touched |= _undo_one(action, user)
                undone += 1
            if actions:
                entry.actions = actions
                entry.save(update_fields=["actions"])
            else:
                entry.delete()
            transaction.on_commit(pagecache.bump, robust=True)
            if touched:
                organizations_written.send(
                    sender=ImportUndo,
                    ids=sorted(touched),
                    using=transaction.get_connection().alias,
                )
        if progress:
            progress(undone)
        if pause:
            time.sleep(pause)
    return undone


def _undo_one(action: Action, user: Any) -> set[int]:
    """Undo one action; returns the organisations it touched (for the search index)."""
    kind, label = action[0], action[1]
    model = apps.get_model(label)
    if kind == "create":
        return _delete(model, action[2], user)
    pk, values = action[2], action[3]
    query = model._default_manager.filter(pk=pk)
    if kind == "update":
        query.update(**{name: from_json(_field(model, name), v) for name, v in values.items()})
        instance = query.first()
    else:
        instance = query.first()
        if instance is not None:
            for name, value in values.items():
                setattr(instance, name, from_json(_field(model, name), value))
            set_history_user(instance, user)
            instance.save()
    return _organizations([instance] if instance is not None else [])


def _delete(model: type[Model], pks: list[Any], user: Any) -> set[int]:
    """Delete the rows `pks` of `model` that still exist, as `Model.delete` would
    (cascades, signals, history rows attributed to `user`), in one collection."""
    objects = list(model._default_manager.filter(pk__in=pks))
    if not objects:
        return set()
    for instance in objects:
        set_history_user(instance, user)
    touched = _organizations(objects)
    collector = Collector(using=router.db_for_write(model))
    collector.collect(objects)
    collector.delete()
    return touched


def _organizations(objects: list[Model]) -> set[int]:
    touched: set[int] = set()
    for instance in objects:
        if isinstance(instance, Organization):
            touched.add(instance.pk)
        elif isinstance(instance, Designation):
            touched.add(instance.organization_id)
    return touched
