"""Background imports (가져오기 작업): the staff page stores the file privately, the task
(django-tasks) imports it after the commit, the page follows its progress (htmx) and
shows the report; a crash leaves a failed job with a message; the task is idempotent."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from hanjari.core.models import AuditEntry
from hanjari.registry import services
from hanjari.registry.models import ImportJob, ImportRun, Organization
from hanjari.registry.tasks import run_import_job

pytestmark = pytest.mark.django_db

FILE_NAME = "self_sufficiency_enterprises_15091502_2025-12-31.csv"
HEADER = [
    "순번",
    "시도",
    "시군구",
    "자활기업",
    "자활기업구분",
    "대표자명",
    "업종",
    "사업자구분",
    "주소",
]
ROWS = [
    ["1", "전북특별자치도", "전주시", "좋은일자활", "지역", "홍길동", "청소", "", "전북 전주시 1"],
    ["2", "전북", "군산시", "나래자활", "광역", "김철수", "청소", "", "전북 군산시 2"],
]


def csv_bytes(rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buf.getvalue().encode()


def queue(staff, rows=ROWS, **options) -> ImportJob:
    """A job queued by `staff` (its task not run: the test transaction never commits)."""
    upload = SimpleUploadedFile(FILE_NAME, csv_bytes(rows), "text/csv")
    return services.import_job_create(upload=upload, by=staff, **options)


def test_the_upload_is_stored_privately_and_imported_after_the_commit(
    client, staff, settings, tmp_path, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    upload = SimpleUploadedFile("홍길동_명단 " + FILE_NAME, csv_bytes(ROWS), "text/csv")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("registry:import"), {"file": upload, "dataset": "auto"})
    job = ImportJob.objects.get()
    assert response.status_code == 303
    assert response["Location"] == f"/staff/imports/jobs/{job.pk}/"
    # Stored under the private root with a random name; nothing under MEDIA_ROOT.
    stored = Path(job.file.path)
    assert stored.is_relative_to(tmp_path / "private" / "imports")
    assert "홍길동" not in stored.name
    assert stored.read_bytes() == csv_bytes(ROWS)
    # Only the server's user may read it (adversarial review: the lists were 0644).
    assert stored.stat().st_mode & 0o777 == 0o600
    assert stored.parent.stat().st_mode & 0o777 == 0o700
    assert not Path(settings.MEDIA_ROOT).exists() or not any(Path(settings.MEDIA_ROOT).rglob("*"))
    assert job.file_name == "홍길동_명단 " + FILE_NAME
    assert (job.status, job.created_by, job.dry_run) == (ImportJob.Status.QUEUED, staff, False)
    # Nothing imported until the transaction commits and the task runs.
    assert Organization.objects.count() == 0
    assert len(callbacks) == 1
    callbacks[0]()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.SUCCEEDED
    assert job.run == ImportRun.objects.get(status=ImportRun.Status.SUCCEEDED)
    assert job.started_at <= job.finished_at
    assert job.report["created"] == 2
    assert Organization.objects.count() == 2
    assert list(
        AuditEntry.objects.filter(target_type="registry.importjob")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["registry.import_job.queued", "registry.import_job.finished"]


def test_a_queued_job_page_polls_and_the_fragment_is_the_status_only(client, staff):
    job = queue(staff)
    client.force_login(staff)
    html = client.get(job.get_absolute_url()).content.decode()
    assert "<h1" in html
    assert f'hx-get="/staff/imports/jobs/{job.pk}/" hx-trigger="every 2s"' in html
    assert "가져오기 차례를 기다리고 있습니다." in html
    fragment = client.get(job.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith('<section id="import-job-status"')
    assert "<h1" not in fragment
    assert "hx-trigger" in fragment


def test_a_running_job_shows_its_progress(client, staff):
    job = queue(staff)
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.RUNNING, started_at=timezone.now()
    )
    client.force_login(staff)
    fragment = client.get(job.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()
    assert "파일을 읽고 검사하는 중입니다." in fragment
    writer = services._progress_writer(job.pk)
    for done in range(1, 1235):
        writer(done, 4000)
    fragment = client.get(job.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()
    # Written at the first row, then once per hundredth of the file (40 rows).
    assert services.import_job_progress(job) == (1201, 4000)
    assert '<progress max="4000" value="1201">30%</progress>' in fragment
    assert "4,000행 가운데 1,201행 (30%)" in fragment
    assert "hx-trigger" in fragment


def test_the_finished_fragment_stops_polling(client, staff):
    job = queue(staff)
    services.import_job_run(job_id=job.pk)
    client.force_login(staff)
    fragment = client.get(job.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in fragment
    assert "가져오기를 마쳤습니다." in fragment


def test_the_task_is_idempotent(staff):
    job = queue(staff)
    result = run_import_job.enqueue(job.pk)
    assert result.return_value == ImportJob.Status.SUCCEEDED
    finished = ImportJob.objects.get(pk=job.pk)
    # Again: the job is not queued any more, so nothing is imported twice.
    again = run_import_job.enqueue(job.pk)
    assert again.return_value == ImportJob.Status.SUCCEEDED
    assert ImportRun.objects.count() == 1
    assert Organization.objects.count() == 2
    assert ImportJob.objects.get(pk=job.pk).finished_at == finished.finished_at
    # A running job (another worker has it) is left alone too.
    other = queue(staff)
    ImportJob.objects.filter(pk=other.pk).update(status=ImportJob.Status.RUNNING)
    assert services.import_job_run(job_id=other.pk).status == ImportJob.Status.RUNNING
    assert ImportRun.objects.count() == 1
    # No such job: nothing to do.
    assert run_import_job.enqueue(999_999).return_value == ""


def test_a_crash_keeps_a_failed_job_with_a_message(client, staff, monkeypatch):
    job = queue(staff)

    def crash(**kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(services, "registry_import", crash)
    result = run_import_job.enqueue(job.pk)
    # The task backend records the error as well.
    assert result.status == "FAILED"
    assert result.errors[0].exception_class_path == "builtins.RuntimeError"
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert job.finished_at is not None
    assert job.message == (
        "가져오는 중 예기치 않은 오류(RuntimeError)로 멈췄습니다. 아무것도 가져오지 않았습니다. "
        "관리자에게 알려 주세요."
    )
    assert Organization.objects.count() == 0
    assert AuditEntry.objects.filter(action="registry.import_job.failed").count() == 1
    client.force_login(staff)
    html = client.get(job.get_absolute_url()).content.decode()
    assert '<h2 id="job-status-title">실패</h2>' in html
    assert job.message in html
    assert 'hx-trigger="every' not in html


def test_a_missing_stored_file_fails_with_a_message(staff):
    job = queue(staff)
    Path(job.file.path).unlink()
    job = services.import_job_run(job_id=job.pk)
    assert job.status == ImportJob.Status.FAILED
    assert job.message == "올린 파일을 읽을 수 없습니다. 파일을 다시 올려 주세요."


def test_a_dry_run_job_keeps_its_report_and_writes_nothing(staff):
    job = queue(staff, dry_run=True)
    job = services.import_job_run(job_id=job.pk)
    assert job.status == ImportJob.Status.SUCCEEDED
    assert job.run is None
    assert (job.report["rows"], job.report["created"], job.report["dry_run"]) == (2, 2, True)
    assert Organization.objects.count() == 0
    assert ImportRun.objects.count() == 0


def test_the_progress_is_kept_in_the_shared_cache(staff):
    job = queue(staff)
    assert services.import_job_progress(job) == (0, 0)
    services.import_job_run(job_id=job.pk)
    assert services.import_job_progress(job) == (2, 2)
    cache.clear()
    assert services.import_job_progress(job) == (0, 0)


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_runs_a_queued_job(staff, settings, django_capture_on_commit_callbacks):
    """With the production backend (django-tasks-db) the upload only enqueues; the
    worker (`manage.py db_worker`, started by `make run`) imports. Committed for real:
    the worker closes connections between tasks, as it does in production."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True):
        job = queue(staff)
    assert DBTaskResult.objects.count() == 1
    assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.QUEUED
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")
    job.refresh_from_db()
    assert job.status == ImportJob.Status.SUCCEEDED
    assert Organization.objects.count() == 2
