"""Applying a planned import in short transactions that other writes can interleave with.

The pipeline reads, validates and matches a whole file without writing (no
transaction, no lock), and turns it into a list of small writes (`Write`). `apply`
runs them in transactions of at most `CHUNK_SECONDS` each, so a login or a comment
waits for one chunk (tens of milliseconds) instead of the whole file: SQLite lets one
writer at a time hold the database, and the site's requests give up after 5 seconds
(``busy_timeout``, config/settings/base.py). On SQLite the writer also pauses between
chunks (`PAUSE_SECONDS`), because a waiting writer retries on a timer and would
otherwise keep missing the moment the lock is free.

New rows (organisations, source records, designations) are not saved one at a time:
the creates of a chunk are collected and inserted with one `bulk_create` per model, in
the order their foreign keys need, with their history rows (django-simple-history's
`bulk_history_create`). `bulk_create` sends no ``post_save``, so the writer itself
tells the page cache (a new generation when the chunk commits) and the apps above the
registry (`signals.organizations_written`: the search app indexes the organisations
in the background), the latter for the organisations of several chunks at once (at
most `INDEX_SECONDS` apart, `INDEX_BATCH` organisations, and with the last chunk):
each chunk costs a few fixed milliseconds besides its rows, and chunks get smaller
when the machine is busy (bench/import, docs/benchmarks.md).

All or nothing, per file, even when the process is killed: each chunk's transaction
first renews the run's hold (`undo.hold`: the run is still this process's), and records
in the database, with its writes, how to undo them (`undo.record`, an `ImportUndo`
row): the rows it inserted, the old values of the rows it changed. If a chunk fails
(the database refuses a write, an organisation was deleted meanwhile), the chunk rolls
back and the chunks already committed are undone from that log (`undo.undo_run`), in
short transactions too. If the process dies instead, the log stays with its run, and
the next worker or import to start undoes it (`recovery`). While the import runs the
site sees the rows applied so far.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Model
from simple_history.exceptions import NotHistoricalModelError
from simple_history.manager import HistoryManager
from simple_history.utils import bulk_create_with_history, get_history_manager_for_model

from hanjari.core import pagecache
from hanjari.core.audit import set_history_user

from ..models import Designation, Organization
from ..signals import organizations_written
from . import undo
from .undo import Action, RunLost

logger = logging.getLogger(__name__)

CHUNK_SECONDS = 0.1
CHUNK_WRITES = 400
# At most this many new rows are collected for one chunk's bulk inserts; fewer when the
# last inserts show that they would take more than what is left of `CHUNK_SECONDS` (a
# loaded machine inserts more slowly; bench/import).
CHUNK_CREATES = 240
PAUSE_SECONDS = 0.02
# The organisations written are handed to the search index (`organizations_written`)
# once this many are waiting or this many seconds after the last hand-over, and with
# the last chunk. An organisation written but not yet handed over when the process dies
# is undone by recovery anyway.
INDEX_BATCH = 500
INDEX_SECONDS = 2.0


class UndoIncomplete(Exception):
    """A chunk failed and undoing the chunks before it failed too: the run was let go
    of (`undo.release`) so that recovery finishes the undo. `__cause__` is the error
    of the undo, `failure` the error that made the import stop."""

    def __init__(self, failure: BaseException) -> None:
        super().__init__(str(failure))
        self.failure = failure


@dataclass
class Write:
    """One planned write: `run()` does it and returns its undo action (or None)."""

    run: Callable[[], Action | None]
    row: int = 0  # set on the last write of a row: its 1-based position in the file
    # A new instance, inserted with the other new rows of its chunk (`run` is unused).
    new: Model | None = None


@dataclass
class Writer:
    """Collects the planned writes of one file and applies them in chunks."""

    user: Any = None
    writes: list[Write] = field(default_factory=list)
    # Seconds one new row took to insert (with its history row) in the last bulk insert.
    seconds_per_new: float = 0.001
    # The saved `ImportRun` the writes belong to, and the process holding it (its
    # `owner`); set before `apply`.
    run_id: int | None = None
    owner: str = ""
    chunks: int = 0
    # Organisations written and not yet handed to the search index, and when it was last.
    to_index: set[int] = field(default_factory=set)
    indexed_at: float = 0.0

    def add(self, run: Callable[[], Action | None]) -> None:
        self.writes.append(Write(run))

    def row_done(self, position: int) -> None:
        """Mark the end of the writes of the row at `position` (1-based), for progress."""
        self.writes.append(Write(_nothing, position))

    # --- the kinds of writes the pipeline plans ---------------------------------------

    def create(self, instance: Model) -> None:
        """Insert a new instance (with history), in bulk with the other new instances of
        its chunk, before the next write of another kind; undo deletes it."""
        self.writes.append(Write(_nothing, new=instance))

    def save_fields(
        self, model: type[Model], key: Callable[[], Any], values: dict[str, Any]
    ) -> None:
        """Set `values` on the current database copy of ``model(pk=key())`` and save it
        with history (fields others changed meanwhile are kept); undo sets the old
        values back. `key` is called when the write runs (the pk of an organisation
        created earlier in the same import is known only then)."""
        values = dict(values)

        def run() -> Action:
            instance = model._default_manager.get(pk=key())
            before = undo.snapshot(instance, list(values))
            _save(instance, values, self.user)
            return ["save", model._meta.label_lower, instance.pk, before]

        self.add(run)

    def update(self, model: type[Model], key: Callable[[], Any], values: dict[str, Any]) -> None:
        """A plain UPDATE of bookkeeping columns (no history); undo writes the old
        values back."""
        values = dict(values)

        def run() -> Action | None:
            pk = key()
            query = model._default_manager.filter(pk=pk)
            before = query.values(*undo.columns(model, list(values))).first()
            query.update(**values)
            if before is None:
                return None
            return ["update", model._meta.label_lower, pk, undo.rows_as_json(model, before)]

        self.add(run)

    # --- applying -----------------------------------------------------------------------

    def apply(self, progress: Callable[[int], None] | None = None) -> None:
        """Run every write, in transactions of at most `CHUNK_SECONDS` / `CHUNK_WRITES`,
        each holding the run (`undo.hold`) and logging its undo actions (`undo.record`).

        `progress(position)` is called, outside the transaction, for each row whose
        writes are committed (`row_done`). On any exception the failing chunk is rolled
        back, the committed chunks are undone from the log, and the exception is raised
        again; `RunLost` (another process took the run over) is raised without undoing
        anything, `UndoIncomplete` when the undo failed too.
        """
        if self.run_id is None:
            raise ValueError("Writer.apply needs the saved run (run_id) and its owner")
        position = 0
        pause = connection.vendor == "sqlite" and not connection.in_atomic_block
        self.indexed_at = time.monotonic()
        try:
            while position < len(self.writes):
                started = time.monotonic()
                first = position
                actions: list[Action] = []
                count = 0  # writes done in this chunk, new rows included
                with transaction.atomic():
                    undo.hold(self.run_id, self.owner)
                    new: list[Model] = []
                    while position < len(self.writes):
                        write = self.writes[position]
                        position += 1
                        if write.new is not None:
                            new.append(write.new)
                            spent = time.monotonic() - started
                            if (
                                len(new) >= CHUNK_CREATES
                                or spent + len(new) * self.seconds_per_new >= CHUNK_SECONDS
                            ):
                                break
                            continue
                        if write.run is _nothing:
                            continue  # the end of a row: nothing to write
                        if new:
                            actions.extend(self._insert(new))
                            count += len(new)
                            new = []
                        back = write.run()
                        count += 1
                        if back is not None:
                            actions.append(back)
                        if (
                            count + len(new) >= CHUNK_WRITES
                            or time.monotonic() - started >= CHUNK_SECONDS
                        ):
                            break
                    if new:
                        actions.extend(self._insert(new))
                    if any(action[0] == "create" for action in actions):
                        transaction.on_commit(pagecache.bump, robust=True)
                    self._hand_over(last=position >= len(self.writes))
                    undo.record(self.run_id, self.chunks, actions)
                self.chunks += 1
                if progress:
                    for write in self.writes[first:position]:
                        if write.row:
                            progress(write.row)
                if pause and position < len(self.writes):
                    # Varied, so that a writer retrying on a fixed timer cannot keep missing it.
                    time.sleep(PAUSE_SECONDS * (0.8, 1.0, 1.2)[position % 3])
        except RunLost:
            raise
        except BaseException as exc:
            try:
                undo.undo_run(
                    self.run_id, self.owner, user=self.user, pause=PAUSE_SECONDS if pause else 0
                )
            except BaseException as failed:
                logger.exception("import run %s: undoing failed; left to recovery", self.run_id)
                undo.release(self.run_id, self.owner)
                raise UndoIncomplete(exc) from failed
            raise

    def _insert(self, instances: list[Model]) -> list[Action]:
        """Insert new `instances` (any models, in planning order) with one bulk insert
        per model, a model after those its foreign keys point to, with history rows
        attributed to the writer's user; tell the page cache and the apps above (see the
        module docstring). Returns the undo actions (one ``create`` per model), in
        insertion order."""
        started = time.monotonic()
        by_model: dict[type[Model], list[Model]] = {}
        for instance in instances:
            by_model.setdefault(type(instance), []).append(instance)
        user = self.user if getattr(self.user, "pk", None) else None
        actions: list[Action] = []
        for model in _dependency_order(list(by_model)):
            objects = by_model[model]
            for instance in objects:
                if isinstance(instance, Organization):
                    instance.set_derived_fields()
            history = _history_manager(model)
            if history is None:
                model._default_manager.bulk_create(objects)
            elif connection.features.can_return_rows_from_bulk_insert:
                model._default_manager.bulk_create(objects)
                history.bulk_history_create(objects, default_user=user)
            else:  # the primary keys are not returned: simple-history finds them
                bulk_create_with_history(objects, model, default_user=user)
            actions.append(["create", model._meta.label_lower, [o.pk for o in objects]])
            for instance in objects:
                if isinstance(instance, Organization):
                    self.to_index.add(instance.pk)
                elif isinstance(instance, Designation):
                    self.to_index.add(instance.organization_id)
        self.seconds_per_new = (time.monotonic() - started) / len(instances)
        return actions

    def _hand_over(self, *, last: bool) -> None:
        """Send `organizations_written` (in the chunk's transaction) for the
        organisations waiting in `to_index`, if enough are waiting, enough time has
        passed, or this is the `last` chunk."""
        now = time.monotonic()
        if not self.to_index or not (
            last or len(self.to_index) >= INDEX_BATCH or now - self.indexed_at >= INDEX_SECONDS
        ):
            return
        organizations_written.send(
            sender=type(self),
            ids=sorted(self.to_index),
            using=transaction.get_connection().alias,
        )
        self.to_index = set()
        self.indexed_at = now


def _nothing() -> None:
    return None


# The history manager of each model (None: no history). simple-history makes a new
# manager class on every `Model.history` access, a millisecond or two each time.
_HISTORY: dict[type[Model], HistoryManager | None] = {}


def _history_manager(model: type[Model]) -> HistoryManager | None:
    if model not in _HISTORY:
        try:
            _HISTORY[model] = get_history_manager_for_model(model)
        except NotHistoricalModelError:
            _HISTORY[model] = None
    return _HISTORY[model]


def _dependency_order(models: list[type[Model]]) -> list[type[Model]]:
    """`models` ordered so that each comes after the others its foreign keys point to
    (a designation after its source record and organisation); ties keep their order."""
    ordered: list[type[Model]] = []
    remaining = list(models)
    while remaining:
        for model in remaining:
            targets = {f.related_model for f in model._meta.concrete_fields if f.is_relation}
            if not (targets & set(remaining)) - {model}:
                break
        else:  # a cycle: not among the models the import writes
            model = remaining[0]
        ordered.append(model)
        remaining.remove(model)
    return ordered


def _save(instance: Model, values: dict[str, Any], user: Any) -> None:
    for name, value in values.items():
        setattr(instance, name, value)
    set_history_user(instance, user)
    instance.save()
