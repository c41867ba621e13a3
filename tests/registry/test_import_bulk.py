"""The import's bulk write path: new rows are inserted in bulk per chunk with their
history, derived columns and merge candidates; the search index is built by a
background task (immediate in tests); the run is "running" while it is written."""

from __future__ import annotations

import pytest

from hanjari.registry.importers import pipeline, writer
from hanjari.registry.models import Designation, ImportRun, MergeCandidate, Organization
from hanjari.registry.services import registry_import
from hanjari.search.models import SearchDocument
from tests.factories import UserFactory

from .importdata import (
    BRN_A,
    SELF_SUFFICIENCY_NAME,
    VILLAGE_NAME,
    registry_counts,
    self_sufficiency,
    self_sufficiency_csv,
    village,
    village_xlsx,
)

pytestmark = pytest.mark.django_db


def many_rows(count: int) -> bytes:
    return self_sufficiency_csv(
        [
            self_sufficiency(f"한빛밥상{n:03d}", address=f"서울특별시 강남구 테헤란로 {n}")
            for n in range(count)
        ]
    )


def test_rows_inserted_in_bulk_get_history_derived_columns_and_search(monkeypatch):
    monkeypatch.setattr(writer, "CHUNK_CREATES", 7)  # several chunks
    user = UserFactory()
    rows = [village(f"(주)한빛밥상{n:02d}", address=f"서울 강남구 역삼로 {n}") for n in range(9)]
    rows.append(village("새솔공방", brn=BRN_A, address="서울 강남구 역삼로 99"))
    report = registry_import(data=village_xlsx(rows), file_name=VILLAGE_NAME, user=user)
    assert report.ok, report.errors
    assert (report.created, report.organizations_created) == (10, 10)
    orgs = Organization.objects.order_by("name")
    assert orgs.count() == 10
    assert Organization.history.filter(history_type="+").count() == 10
    assert Designation.history.filter(history_type="+").count() == 10
    assert {h.history_user for h in Organization.history.all()} == {user}
    assert {h.history_user for h in Designation.history.all()} == {user}
    first = orgs.get(name="(주)한빛밥상00")
    # What Organization.save computes, also when the row was inserted in bulk.
    assert first.name_normalized == "한빛밥상00"
    assert first.legal_form != ""
    saesol = orgs.get(name="새솔공방")
    assert (saesol.brn, saesol.brn_verified) == ("1248100998", True)
    assert saesol.designations.get().source_record.organization == saesol
    # The search index was built by the background task (the immediate backend here).
    assert set(
        SearchDocument.objects.filter(kind="organization").values_list("object_id", flat=True)
    ) == set(orgs.values_list("pk", flat=True))


def test_merge_candidates_are_inserted_in_bulk_and_reimport_changes_nothing(monkeypatch):
    monkeypatch.setattr(writer, "CHUNK_CREATES", 2)
    data = village_xlsx([village("라마을"), village("라마을"), village("다마을")])
    first = registry_import(data=data, file_name=VILLAGE_NAME)
    assert first.ok, first.errors
    candidate = MergeCandidate.objects.get()
    assert (candidate.left_name, candidate.right_name) == ("라마을", "라마을")
    assert candidate.left != candidate.right
    before = registry_counts()
    again = registry_import(data=data, file_name=VILLAGE_NAME)
    assert again.ok, again.errors
    assert (again.created, again.changed, again.unchanged, again.queued) == (0, 0, 3, 0)
    assert registry_counts() == before


def test_the_run_is_running_while_written_then_succeeded(monkeypatch):
    seen = []

    def progress(done: int, total: int) -> None:
        seen.append(ImportRun.objects.get().status)

    monkeypatch.setattr(writer, "CHUNK_CREATES", 3)
    report = pipeline.import_file(many_rows(5), SELF_SUFFICIENCY_NAME, progress=progress)
    assert report.ok, report.errors
    assert set(seen) == {ImportRun.Status.RUNNING}
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.SUCCEEDED
    assert run.finished_at is not None


def test_an_interrupted_import_is_undone_and_marked_interrupted(monkeypatch):
    """A process interrupted while writing (here: from the keyboard after the first
    chunk) undoes what it wrote from the undo log and records the run as interrupted,
    with an end time, before it stops."""
    monkeypatch.setattr(writer, "CHUNK_CREATES", 3)
    seen = []

    def interrupt(done: int, total: int) -> None:
        seen.append(Organization.objects.count())
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        pipeline.import_file(many_rows(5), SELF_SUFFICIENCY_NAME, progress=interrupt)
    assert len(seen) == 1 and seen[0] > 0  # a chunk was committed when the interrupt came
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.INTERRUPTED
    assert run.finished_at is not None
    assert run.get_status_display() == "중단됨 — 되돌림"
    assert [e["reason"] for e in run.report["errors"]] == [
        "가져오기가 끝나기 전에 멈췄습니다. 그때까지 쓴 내용을 모두 되돌렸으므로 이 파일은 "
        "적용되지 않았습니다. 같은 파일을 다시 가져오세요."
    ]
    assert (Organization.objects.count(), run.records.count(), run.undo_log.count()) == (0, 0, 0)


def test_a_failed_import_is_failed_with_an_end_time(
    monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(writer, "CHUNK_CREATES", 2)

    def failing(*args, **kwargs):
        raise RuntimeError("디스크가 가득 찼습니다")

    monkeypatch.setattr(MergeCandidate.objects, "bulk_create", failing)
    with django_capture_on_commit_callbacks(execute=True):
        report = registry_import(
            data=village_xlsx([village("가마을"), village("나마을"), village("나마을")]),
            file_name=VILLAGE_NAME,
        )
    assert not report.ok
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED
    assert run.finished_at is not None
    assert Organization.objects.count() == 0
    assert SearchDocument.objects.filter(kind="organization").count() == 0


def test_the_run_page_says_what_happens_to_a_stopped_import(client):
    staff = UserFactory(is_staff=True)
    run = ImportRun.objects.create(
        file_name="a.csv", sha256="0" * 64, status=ImportRun.Status.RUNNING
    )
    client.force_login(staff)
    page = client.get(run.get_absolute_url()).content.decode()
    assert "가져오는 중" in page
    assert "그때까지 쓴 내용을 모두 되돌리고" in page
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.INTERRUPTED)
    page = client.get(run.get_absolute_url()).content.decode()
    assert "중단됨 — 되돌림" in page
    assert "같은 파일을 다시 가져오세요" in page


def test_dependency_order_puts_the_targets_of_foreign_keys_first():
    from hanjari.registry.models import SourceRecord

    assert writer._dependency_order([Designation, SourceRecord, MergeCandidate, Organization]) == [
        Organization,
        SourceRecord,
        Designation,
        MergeCandidate,
    ]


def test_the_organisations_of_several_chunks_are_handed_to_the_index_together(monkeypatch):
    """One `organizations_written` (one background indexing task) per `INDEX_BATCH`
    organisations or `INDEX_SECONDS`, and one with the last chunk; not one per chunk."""
    from hanjari.registry.signals import organizations_written

    monkeypatch.setattr(writer, "CHUNK_CREATES", 3)  # one row a chunk
    monkeypatch.setattr(writer, "INDEX_BATCH", 4)
    monkeypatch.setattr(writer, "INDEX_SECONDS", 3600)
    sent: list[list[int]] = []

    def receiver(sender, ids, **kwargs):
        sent.append(ids)

    organizations_written.connect(receiver)
    try:
        report = pipeline.import_file(many_rows(10), SELF_SUFFICIENCY_NAME)
    finally:
        organizations_written.disconnect(receiver)
    assert report.ok, report.errors
    assert [len(ids) for ids in sent] == [4, 4, 2]
    assert sorted(pk for ids in sent for pk in ids) == sorted(
        Organization.objects.values_list("pk", flat=True)
    )
    assert SearchDocument.objects.filter(kind="organization").count() == 10


def test_the_import_keeps_its_long_lived_objects_out_of_gc_while_it_runs(monkeypatch):
    """The rows and the plan are frozen for Python's garbage collector while they are
    written (its full collections took half of the import's CPU time), and thawed
    after."""
    import gc

    monkeypatch.setattr(writer, "CHUNK_CREATES", 3)
    frozen = []
    assert gc.get_freeze_count() == 0
    report = pipeline.import_file(
        many_rows(3),
        SELF_SUFFICIENCY_NAME,
        progress=lambda done, total: frozen.append(gc.get_freeze_count()),
    )
    assert report.ok, report.errors
    assert frozen and min(frozen) > 0
    assert gc.get_freeze_count() == 0


def test_background_commands_run_nicer_once():
    """`lower_priority` sets a floor, not a step (in a child process: it cannot be
    undone)."""
    import subprocess
    import sys
    from pathlib import Path

    script = (
        "import os; from hanjari.core.processes import lower_priority as low; "
        "start = os.nice(0); print(start, low(start + 2), low(start + 1), low(0), os.nice(0))"
    )
    done = subprocess.run(  # noqa: S603 (our own interpreter, fixed script)
        [sys.executable, "-c", script],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        check=True,
    )
    start, *after = (int(n) for n in done.stdout.split())
    assert after == [min(start + 2, 19)] * 4
