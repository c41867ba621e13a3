"""An import stays all or nothing per file when its process dies: each committed chunk
logs how to undo it (`ImportUndo`); a run whose process is gone is undone from that log
and marked interrupted (`services.import_runs_recover`), a run whose process lives is
never touched, a failure in a later chunk undoes the earlier ones from the same log."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from hanjari.core import pagecache, processes
from hanjari.registry import services
from hanjari.registry.importers import pipeline, recovery, undo, writer
from hanjari.registry.models import (
    Designation,
    ImportJob,
    ImportRun,
    ImportUndo,
    MergeCandidate,
    Organization,
)
from hanjari.registry.services import import_runs_recover, registry_import
from hanjari.search.models import SearchDocument
from tests.factories import UserFactory

from .importdata import self_sufficiency, self_sufficiency_csv

REPO = Path(__file__).resolve().parents[2]
FIRST = "self_sufficiency_enterprises_15091502_2025-12-31.csv"
SECOND = "self_sufficiency_enterprises_15091502_2026-06-30.csv"
INTERRUPTED = (
    "가져오기가 끝나기 전에 멈췄습니다. 그때까지 쓴 내용을 모두 되돌렸으므로 이 파일은 "
    "적용되지 않았습니다. 같은 파일을 다시 가져오세요."
)


def first_file() -> bytes:
    return self_sufficiency_csv(
        [
            self_sufficiency("가온자활", industry="청소", address="서울특별시 강남구 테헤란로 1"),
            self_sufficiency("나래자활", industry="세탁", address="서울특별시 강남구 테헤란로 2"),
            self_sufficiency("다솜자활", industry="집수리", address="서울특별시 강남구 테헤란로 3"),
        ]
    )


def second_file(new: int = 12) -> bytes:
    """The next snapshot: 가온자활 changed its 업종 (an update with history), 나래자활
    unchanged (bookkeeping only), 다솜자활 gone (marked not in the latest list), and
    `new` new enterprises, two of them with the same name (a merge candidate)."""
    rows = [
        self_sufficiency(f"새빛자활{n:02d}", address=f"서울특별시 서초구 반포대로 {n}")
        for n in range(new)
    ]
    rows += [
        self_sufficiency("가온자활", industry="방역", address="서울특별시 강남구 테헤란로 1"),
        self_sufficiency("나래자활", industry="세탁", address="서울특별시 강남구 테헤란로 2"),
        self_sufficiency("새빛자활00", address="서울특별시 서초구 반포대로 99"),
    ]
    return self_sufficiency_csv(rows)


def state() -> dict[str, Any]:
    """What an undone import must leave as it found it (history tables aside: they
    record the undo)."""
    from .recovery_child import snapshot

    found = snapshot()
    del found["runs"]
    return found


def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(writer, "CHUNK_CREATES", 3)
    monkeypatch.setattr(writer, "CHUNK_WRITES", 3)
    monkeypatch.setattr(writer, "PAUSE_SECONDS", 0)
    monkeypatch.setattr(writer, "INDEX_SECONDS", 0)  # hand each chunk to the index at once


def dead_owner() -> str:
    """The owner line of a process of this machine that has ended (and been reaped)."""
    done = subprocess.run(
        [sys.executable, "-c", "from hanjari.core.processes import current_owner as o; print(o())"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


class Killed(BaseException):
    """Stands for SIGKILL in-process: nothing after it runs (see `abandon_after_a_chunk`)."""


def abandon_after_a_chunk(data: bytes, name: str) -> ImportRun:
    """Start importing `data` and stop for good once the first chunk is committed, as a
    killed process would: no undo, no end recorded. Returns the run, left "running" and
    then handed to a process that has ended."""

    def stop(done: int, total: int) -> None:
        raise Killed

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(undo, "undo_run", _killed)
        patch.setattr(undo, "release", lambda *args: None)
        with pytest.raises(Killed):
            registry_import(data=data, file_name=name, progress=stop)
    run = ImportRun.objects.get(status=ImportRun.Status.RUNNING)
    ImportRun.objects.filter(pk=run.pk).update(owner=dead_owner())
    run.refresh_from_db()
    return run


def _killed(*args: Any, **kwargs: Any) -> None:
    raise Killed


# --- in this process ---------------------------------------------------------------------


@pytest.mark.django_db
def test_each_committed_chunk_logs_its_undo_and_a_finished_run_keeps_none(monkeypatch):
    small_chunks(monkeypatch)
    assert registry_import(data=first_file(), file_name=FIRST).ok
    logged = []
    report = registry_import(
        data=second_file(),
        file_name=SECOND,
        progress=lambda done, total: logged.append(
            list(ImportUndo.objects.values_list("actions", flat=True))
        ),
    )
    assert report.ok, report.errors
    assert (report.created, report.changed, report.missing) == (13, 1, 1)
    kinds = {(a[0], a[1]) for actions in logged[-1] for a in actions}
    assert kinds == {
        ("create", "registry.organization"),
        ("create", "registry.sourcerecord"),
        ("create", "registry.designation"),
        ("create", "registry.mergecandidate"),
        ("save", "registry.organization"),
        ("save", "registry.designation"),
        ("update", "registry.designation"),
    }
    saved = next(
        a for actions in logged[-1] for a in actions if a[:2] == ["save", "registry.organization"]
    )
    assert saved[3] == {"industry": "청소"}  # the old value, by column
    assert ImportUndo.objects.count() == 0
    run = ImportRun.objects.get(pk=report.run_id)
    assert (run.status, run.owner) == (ImportRun.Status.SUCCEEDED, processes.current_owner())


@pytest.mark.django_db
def test_a_failure_in_a_later_chunk_undoes_the_earlier_chunks_from_the_log(monkeypatch):
    small_chunks(monkeypatch)
    assert registry_import(data=first_file(), file_name=FIRST).ok
    before = state()
    real = writer.Writer._insert
    seen = []

    def failing(self: writer.Writer, instances: list[Any]) -> list[Any]:
        if any(isinstance(i, MergeCandidate) for i in instances):
            raise RuntimeError("디스크가 가득 찼습니다")
        return real(self, instances)

    monkeypatch.setattr(writer.Writer, "_insert", failing)
    report = registry_import(
        data=second_file(),
        file_name=SECOND,
        progress=lambda done, total: seen.append(ImportUndo.objects.count()),
    )
    assert not report.ok
    assert max(seen) >= 2  # several chunks were committed and logged before the failure
    assert state() == before
    run = ImportRun.objects.get(pk=report.run_id)
    assert (run.status, run.undo_log.count()) == (ImportRun.Status.FAILED, 0)
    assert Organization.objects.get(name="가온자활").industry == "청소"
    dasom = Designation.objects.get(organization__name="다솜자활")
    assert (dasom.status, dasom.not_in_latest_since) == (Designation.Status.ACTIVE, None)


@pytest.mark.django_db
def test_an_abandoned_run_is_undone_and_marked_interrupted(
    monkeypatch, django_capture_on_commit_callbacks
):
    small_chunks(monkeypatch)
    user = UserFactory()
    assert registry_import(data=first_file(), file_name=FIRST, user=user).ok
    before = state()
    generation = pagecache.generation()
    run = abandon_after_a_chunk(second_file(), SECOND)
    written = Organization.objects.filter(name__startswith="새빛").values_list("pk", flat=True)
    assert written  # the first chunk's rows stayed, and were indexed
    assert set(written) <= set(
        SearchDocument.objects.filter(kind="organization").values_list("object_id", flat=True)
    )
    assert recovery.run_state(run) == recovery.GONE
    with django_capture_on_commit_callbacks(execute=True):
        done = import_runs_recover()
    assert [(r.run_id, r.state) for r in done["runs"]] == [(run.pk, recovery.GONE)]
    assert done["runs"][0].undone > 0
    assert state() == before  # rows as before, updated fields restored, index too
    assert pagecache.generation() != generation
    run.refresh_from_db()
    assert run.status == ImportRun.Status.INTERRUPTED
    assert run.get_status_display() == "중단됨 — 되돌림"
    assert run.finished_at is not None
    assert run.report["errors"][0]["reason"] == INTERRUPTED
    assert (run.created, run.undo_log.count(), run.records.count()) == (0, 0, 0)
    # Recovering again finds nothing; importing the file again applies it whole.
    assert import_runs_recover() == {"runs": [], "jobs": []}
    again = registry_import(data=second_file(), file_name=SECOND)
    assert again.ok, again.errors
    assert again.created == 13


@pytest.mark.django_db
def test_a_live_run_is_never_undone(monkeypatch):
    """Recovery started while an import of this very process is between two chunks
    (its process runs) leaves it alone; the import then finishes."""
    small_chunks(monkeypatch)
    found = []

    def recover_meanwhile(done: int, total: int) -> None:
        if not found:
            run = ImportRun.objects.get(status=ImportRun.Status.RUNNING)
            found.append((recovery.run_state(run), import_runs_recover()))

    report = registry_import(data=second_file(), file_name=SECOND, progress=recover_meanwhile)
    assert report.ok, report.errors
    assert found == [(recovery.ALIVE, {"runs": [], "jobs": []})]
    assert Organization.objects.count() == 15


@pytest.mark.django_db
def test_run_state_tells_live_runs_from_gone_ones():
    now = timezone.now()
    other = "elsewhere|another-node|4242|99"

    def run(owner: str, heartbeat: dt.datetime | None, **fields: Any) -> ImportRun:
        made = ImportRun.objects.create(
            file_name="a.csv",
            sha256="0" * 64,
            status=ImportRun.Status.RUNNING,
            owner=owner,
            heartbeat_at=heartbeat,
            **fields,
        )
        return made

    stale = dt.timedelta(seconds=recovery.stale_seconds() + 1)
    assert recovery.run_state(run(processes.current_owner(), now - stale)) == recovery.ALIVE
    assert recovery.run_state(run(dead_owner(), now)) == recovery.GONE
    # Another machine: judged by its last write only.
    assert recovery.run_state(run(other, now - dt.timedelta(seconds=30))) == recovery.ALIVE
    assert recovery.run_state(run(other, now - stale)) == recovery.GONE
    assert recovery.run_state(run("", now)) == recovery.RELEASED
    legacy = run("", None)
    assert recovery.run_state(legacy) == recovery.ALIVE  # just started, perhaps
    ImportRun.objects.filter(pk=legacy.pk).update(started_at=now - stale)
    legacy.refresh_from_db()
    assert recovery.run_state(legacy) == recovery.LEGACY


def test_owner_state_of_this_process_a_gone_one_and_a_reused_id():
    me = processes.current_owner()
    assert processes.owner_state(me) is processes.OwnerState.ALIVE
    assert processes.owner_state(dead_owner()) is processes.OwnerState.GONE
    host, node, pid, start = me.split("|")
    # This process's id with another start time: a new process that got a dead one's id.
    assert processes.owner_state(f"{host}|{node}|{pid}|{start}1") is processes.OwnerState.GONE
    assert processes.owner_state(f"{host}|other-node|{pid}|{start}") is processes.OwnerState.UNKNOWN
    assert processes.owner_state("") is processes.OwnerState.UNKNOWN


@pytest.mark.django_db
def test_two_recoveries_undo_a_run_once(monkeypatch):
    small_chunks(monkeypatch)
    assert registry_import(data=first_file(), file_name=FIRST).ok
    before = state()
    run = abandon_after_a_chunk(second_file(), SECOND)
    seen_by_the_slower = recovery.running_runs()
    assert seen_by_the_slower == [(run, recovery.GONE)]
    assert len(import_runs_recover()["runs"]) == 1
    # The slower one read the run before the first took it over: its claim finds the
    # run changed and it leaves the run alone.
    monkeypatch.setattr(recovery, "running_runs", lambda: seen_by_the_slower)
    assert recovery.recover_runs() == []
    assert state() == before
    assert ImportRun.objects.get(pk=run.pk).status == ImportRun.Status.INTERRUPTED


@pytest.mark.django_db
def test_a_writer_whose_run_was_taken_over_stops_without_writing(monkeypatch):
    """A writer that was thought gone (on another machine, silent for too long) finds
    at its next chunk that the run is not its own any more: it stops, undoes nothing
    (the process that took the run over does) and reports that the file was not
    applied."""
    small_chunks(monkeypatch)
    taken = []

    def take_over(done: int, total: int) -> None:
        if not taken:
            run = ImportRun.objects.get(status=ImportRun.Status.RUNNING)
            ImportRun.objects.filter(pk=run.pk).update(owner=dead_owner())
            taken.append(Organization.objects.count())

    report = registry_import(data=second_file(), file_name=SECOND, progress=take_over)
    assert [e.reason for e in report.errors] == [str(pipeline._RUN_TAKEN_OVER)]
    assert Organization.objects.count() == taken[0]  # nothing more written, nothing undone
    assert [r.state for r in import_runs_recover()["runs"]] == [recovery.GONE]
    assert Organization.objects.count() == 0


@pytest.mark.django_db
def test_an_undo_that_fails_is_finished_by_recovery(monkeypatch):
    small_chunks(monkeypatch)
    assert registry_import(data=first_file(), file_name=FIRST).ok
    before = state()
    real = writer.Writer._insert

    def failing(self: writer.Writer, instances: list[Any]) -> list[Any]:
        if any(isinstance(i, MergeCandidate) for i in instances):
            raise RuntimeError("디스크가 가득 찼습니다")
        return real(self, instances)

    def undo_fails(*args: Any, **kwargs: Any) -> int:
        raise RuntimeError("연결이 끊겼습니다")

    monkeypatch.setattr(writer.Writer, "_insert", failing)
    monkeypatch.setattr(undo, "undo_run", undo_fails)
    report = registry_import(data=second_file(), file_name=SECOND)
    assert [e.reason for e in report.errors] == [
        "쓰는 중 오류(디스크가 가득 찼습니다)가 났고, 되돌리기도 끝내지 못했습니다. 남은 것은 "
        "다음 복구가 되돌립니다 (manage.py registry_recover_imports, "
        f"가져오기 기록 {report.run_id})."
    ]
    run = ImportRun.objects.get(pk=report.run_id)
    assert (run.status, run.owner) == (ImportRun.Status.RUNNING, "")  # let go of
    assert state() != before
    monkeypatch.undo()
    assert [r.state for r in import_runs_recover()["runs"]] == [recovery.RELEASED]
    assert state() == before


@pytest.mark.django_db
def test_a_run_from_before_the_undo_log_is_ended_without_undoing():
    org = Organization.objects.create(name="옛가져오기자활")
    run = ImportRun.objects.create(
        file_name="old.csv", sha256="0" * 64, status=ImportRun.Status.RUNNING
    )
    ImportRun.objects.filter(pk=run.pk).update(started_at=timezone.now() - dt.timedelta(days=1))
    assert [r.state for r in import_runs_recover()["runs"]] == [recovery.LEGACY]
    run.refresh_from_db()
    assert run.status == ImportRun.Status.INTERRUPTED
    assert "그대로 남아 있습니다" in run.report["errors"][0]["reason"]
    assert Organization.objects.filter(pk=org.pk).exists()


@pytest.mark.django_db
def test_stopped_jobs_are_marked_failed_and_live_ones_kept(monkeypatch):
    small_chunks(monkeypatch)
    before_run = ImportJob.objects.create(
        file_name="a.csv", status=ImportJob.Status.RUNNING, owner=dead_owner()
    )
    live = ImportJob.objects.create(
        file_name="b.csv", status=ImportJob.Status.RUNNING, owner=processes.current_owner()
    )
    run = abandon_after_a_chunk(second_file(), SECOND)
    with_run = ImportJob.objects.create(
        file_name=SECOND, status=ImportJob.Status.RUNNING, owner=run.owner, run=run
    )
    done = import_runs_recover()
    assert [r.run_id for r in done["runs"]] == [run.pk]
    assert sorted(j["job_id"] for j in done["jobs"]) == [before_run.pk, with_run.pk]
    before_run.refresh_from_db()
    with_run.refresh_from_db()
    live.refresh_from_db()
    assert (before_run.status, with_run.status, live.status) == (
        ImportJob.Status.FAILED,
        ImportJob.Status.FAILED,
        ImportJob.Status.RUNNING,
    )
    assert "아무것도 가져오지 않았습니다" in before_run.message
    assert "이 파일은 적용되지 않았습니다" in with_run.message
    assert with_run.finished_at is not None


@pytest.mark.django_db
def test_the_job_task_links_its_run_when_it_starts(monkeypatch, staff):
    from django.core.files.uploadedfile import SimpleUploadedFile

    links = []
    real = services.registry_import

    def spy(**kwargs: Any) -> Any:
        on_run = kwargs["on_run"]

        def linked(run: ImportRun) -> None:
            on_run(run)
            links.append(ImportJob.objects.get().run_id == run.pk)

        return real(**{**kwargs, "on_run": linked})

    monkeypatch.setattr(services, "registry_import", spy)
    job = services.import_job_create(
        upload=SimpleUploadedFile(SECOND, second_file(2), "text/csv"), by=staff
    )
    job = services.import_job_run(job_id=job.pk)
    assert links == [True]
    assert (job.status, job.owner) == (ImportJob.Status.SUCCEEDED, processes.current_owner())


@pytest.mark.django_db
def test_the_recover_command_prints_what_it_did(monkeypatch, capsys):
    small_chunks(monkeypatch)
    run = abandon_after_a_chunk(second_file(), SECOND)
    call_command("registry_recover_imports", "--list")
    listed = capsys.readouterr().out
    assert f"run {run.pk} {SECOND}: gone" in listed
    assert ImportRun.objects.get(pk=run.pk).status == ImportRun.Status.RUNNING
    call_command("registry_recover_imports")
    out = capsys.readouterr().out
    assert f"run {run.pk} {SECOND}: undone (" in out
    assert "marked interrupted — import the file again." in out
    call_command("registry_recover_imports")
    assert capsys.readouterr().out == "Nothing to recover.\n"


@pytest.mark.django_db
def test_registry_import_recovers_when_it_starts(monkeypatch, tmp_path):
    small_chunks(monkeypatch)
    run = abandon_after_a_chunk(second_file(), SECOND)
    path = tmp_path / FIRST
    path.write_bytes(first_file())
    call_command("registry_import", str(path))
    assert ImportRun.objects.get(pk=run.pk).status == ImportRun.Status.INTERRUPTED
    assert not Organization.objects.filter(name__startswith="새빛").exists()


@pytest.mark.django_db(transaction=True)
def test_the_worker_recovers_when_it_starts(monkeypatch, settings):
    """`manage.py db_worker` (here one batch run with the database backend; the
    worker commits as it goes, so this test does too)."""
    small_chunks(monkeypatch)
    second = abandon_after_a_chunk(second_file(), SECOND)
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)
    assert ImportRun.objects.get(pk=second.pk).status == ImportRun.Status.INTERRUPTED
    assert Organization.objects.count() == 0


# --- a process killed for real -----------------------------------------------------------


def _database_url(tmp_path: Path) -> str:
    """A URL for child processes to the data this test committed: the test database
    itself, or for SQLite in memory a file copy of it."""
    if connection.vendor == "sqlite":
        copy = tmp_path / "copy.sqlite3"
        connection.ensure_connection()
        copy.write_bytes(connection.connection.serialize())
        return f"sqlite:///{copy}"
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


def _child(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 (our own interpreter and scripts)
        [sys.executable, *args],
        cwd=REPO,
        env={**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
        capture_output=True,
        text=True,
        timeout=300,
    )


def _snapshot(url: str) -> dict[str, Any]:
    done = _child(url, "-m", "tests.registry.recovery_child", "snapshot")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("where", ["between", "inside"])
def test_a_killed_import_is_undone_by_the_next_recovery(where, tmp_path):
    """`registry_import` in another process, killed with SIGKILL after its first chunk
    was committed: between two chunks, or inside the second chunk's transaction. The
    recovery command (another process again) undoes exactly what it wrote."""
    assert registry_import(data=first_file(), file_name=FIRST).ok
    url = _database_url(tmp_path)
    before = _snapshot(url)
    path = tmp_path / SECOND
    path.write_bytes(second_file())
    child = subprocess.Popen(  # noqa: S603 (our own interpreter and script)
        [sys.executable, "-m", "tests.registry.recovery_child", "import", str(path), where],
        cwd=REPO,
        env={**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        line = child.stdout.readline().strip()
        assert line == ("committed" if where == "between" else "inside"), child.stderr.read()
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=60)
    killed = _snapshot(url)
    assert killed["runs"][-1]["status"] == "running"
    assert killed["runs"][-1]["undo_log"] >= 1
    written = [o for o in killed["organizations"] if o["name"].startswith("새빛")]
    assert written and {o["id"] for o in written} <= set(killed["search"])
    assert killed["organizations"] != before["organizations"]

    done = _child(url, "manage.py", "registry_recover_imports")
    assert done.returncode == 0, done.stderr
    assert f"{SECOND}: undone (" in done.stdout
    after = _snapshot(url)
    for key in ("organizations", "designations", "records", "candidates", "search"):
        assert after[key] == before[key], key
    assert after["runs"][-1] == {
        "status": "interrupted",
        "finished": True,
        "errors": [INTERRUPTED],
        "undo_log": 0,
    }
    again = _child(url, "manage.py", "registry_recover_imports")
    assert again.stdout == "Nothing to recover.\n"
    if where == "between":
        reimported = _child(url, "-m", "tests.registry.recovery_child", "import", str(path), "none")
        assert reimported.returncode == 0, reimported.stderr
        assert json.loads(reimported.stdout.splitlines()[-1]) == {"ok": True, "created": 13}
