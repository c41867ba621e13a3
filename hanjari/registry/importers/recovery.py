"""Undoing imports whose process stopped while writing (중단된 가져오기 복구).

A run that is still "running" is looked at in turn (`run_state`):

- its owner ran on this machine, in this process namespace (`hanjari.core.processes`):
  it is gone when no process with its id and start time runs any more;
- its owner ran on another machine: it is gone when the run's heartbeat (renewed by
  each transaction it commits) is older than ``HANJARI_IMPORT_STALE_SECONDS``;
- no owner any more: the writer let go of it after an undo that failed half-way;
- no heartbeat at all: a run of the importer before the undo log existed, with
  nothing to undo it from.

A gone run is taken over with one conditional UPDATE (only if its owner and heartbeat
are still those just read), so that of two workers starting together exactly one
undoes it, and a writer that was merely slow loses it (its next transaction finds the
run is not its own, `undo.RunLost`, and stops without writing). The new owner undoes
the run from its log (`undo.undo_run`), then marks it "interrupted" (중단됨 — 되돌림)
with its end time and a report saying the file was not applied. A recovery that is
itself killed leaves a run held by a dead process, which the next recovery takes over
and finishes: undoing is idempotent.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import logging
from collections.abc import Callable

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _lazy

from hanjari.core import processes
from hanjari.core.audit import log_action

from ..models import ImportRun
from . import undo
from .pipeline import INTERRUPTED_UNDONE, ImportReport, Issue, finish_run
from .writer import PAUSE_SECONDS

logger = logging.getLogger(__name__)

# What `run_state` says about a running run.
ALIVE = "alive"  # its process runs (or, on another machine, wrote recently)
GONE = "gone"  # its process stopped: undo it
RELEASED = "released"  # let go of after a failed undo: undo it
LEGACY = "legacy"  # from before the undo log: nothing to undo it from

_LEGACY_REASON = _lazy(
    "가져오기가 끝나기 전에 멈췄습니다. 되돌리기 기록이 없던 때의 가져오기라 그때까지 쓴 "
    "행은 그대로 남아 있습니다. 같은 파일을 다시 가져오면 나머지가 채워집니다."
)


@dataclasses.dataclass
class Recovered:
    """One run this recovery ended: `undone` undo actions were applied (see
    `undo.undo_run`); `state` is what `run_state` found (`GONE`, `RELEASED`,
    `LEGACY`); `owner` the process that had held it."""

    run_id: int
    file_name: str
    owner: str
    state: str
    undone: int


def stale_seconds() -> int:
    return int(getattr(settings, "HANJARI_IMPORT_STALE_SECONDS", 600))


def run_state(run: ImportRun, *, now: dt.datetime | None = None) -> str:
    """`ALIVE`, `GONE`, `RELEASED` or `LEGACY` for a "running" `run` (module docstring).
    A run whose state cannot be known yet is `ALIVE`: a live run is never undone."""
    now = now or timezone.now()
    stale = dt.timedelta(seconds=stale_seconds())
    if run.heartbeat_at is None:
        return LEGACY if run.started_at and now - run.started_at > stale else ALIVE
    if not run.owner:
        return RELEASED
    state = processes.owner_state(run.owner)
    if state is processes.OwnerState.GONE:
        return GONE
    if state is processes.OwnerState.UNKNOWN and now - run.heartbeat_at > stale:
        return GONE
    return ALIVE


def running_runs() -> list[tuple[ImportRun, str]]:
    """Every "running" run with its `run_state`, oldest first."""
    now = timezone.now()
    runs = ImportRun.objects.filter(status=ImportRun.Status.RUNNING).order_by("pk")
    return [(run, run_state(run, now=now)) for run in runs]


def recover_runs(*, progress: Callable[[ImportRun, int], None] | None = None) -> list[Recovered]:
    """Undo and end every running run whose process is gone (module docstring).

    `progress(run, actions undone so far)` is called as a run is undone. Returns what
    was ended, oldest run first; a run another process took over first is skipped.
    Raises database errors (what was undone stays undone; the run stays held by this
    process, and is taken over by the next recovery once this process is gone).
    """
    done: list[Recovered] = []
    for run, state in running_runs():
        if state == ALIVE:
            continue
        me = processes.current_owner()
        claimed = ImportRun.objects.filter(
            pk=run.pk,
            status=ImportRun.Status.RUNNING,
            owner=run.owner,
            heartbeat_at=run.heartbeat_at,
        ).update(owner=me, heartbeat_at=timezone.now())
        if claimed != 1:
            continue  # another process was quicker, or the writer wrote meanwhile
        previous = run.owner
        run.owner = me
        pause = PAUSE_SECONDS if connection.vendor == "sqlite" else 0.0
        step: Callable[[int], None] | None = None
        if progress is not None:
            step = functools.partial(progress, run)
        try:
            undone = undo.undo_run(
                run.pk,
                me,
                user=run.started_by,
                pause=0.0 if connection.in_atomic_block else pause,
                progress=step,
            )
        except undo.RunLost:
            continue
        reason = _LEGACY_REASON if state == LEGACY else INTERRUPTED_UNDONE
        report = ImportReport(
            file_name=run.file_name,
            sha256=run.sha256,
            dataset=run.dataset.layout if run.dataset else "",
            dataset_id=run.dataset.dataset_id if run.dataset else "",
            reference_date=run.reference_date,
            rows=run.rows,
        )
        report.errors.append(Issue(0, "", "", str(reason)))
        try:
            with transaction.atomic():
                undo.hold(run.pk, me)
                finish_run(run, report, status=ImportRun.Status.INTERRUPTED)
                log_action(
                    "registry.import.interrupted",
                    user=None,
                    target=run,
                    data={"owner": previous, "state": state, "undone": undone},
                )
        except undo.RunLost:
            continue
        logger.warning(
            "import run %s (%s) was left %s by %s: %d undo actions applied, marked interrupted",
            run.pk,
            run.file_name,
            state,
            previous or "-",
            undone,
        )
        done.append(Recovered(run.pk, run.file_name, previous, state, undone))
    return done
