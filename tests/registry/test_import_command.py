"""`manage.py registry_import`: output, options and exit status."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from hanjari.registry.models import Designation, ImportRun, Organization, SourceRecord
from tests.factories import UserFactory

from .importdata import (
    BRN_BAD,
    SELF_SUFFICIENCY_NAME,
    VILLAGE_NAME,
    registry_counts,
    self_sufficiency,
    self_sufficiency_csv,
    village,
    village_xlsx,
)

pytestmark = pytest.mark.django_db


def write(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def command(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("registry_import", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def village_file(tmp_path):
    data = village_xlsx([village("가마을"), village("나마을", brn=BRN_BAD)])
    return write(tmp_path, VILLAGE_NAME, data)


@pytest.fixture
def self_sufficiency_file(tmp_path):
    data = self_sufficiency_csv([self_sufficiency("주식회사 가마을", sido="서울")])
    return write(tmp_path, SELF_SUFFICIENCY_NAME, data)


def test_success_output(village_file):
    out, err = command(str(village_file))
    assert out.strip().splitlines()[0] == (
        f"{VILLAGE_NAME}: village (15080745), reference date 2025-12-31, 2 rows: "
        "2 created, 0 changed, 0 unchanged, 0 not in this list; 2 new organisations, "
        "0 linked to existing ones, 0 queued for review; 1 warnings; written in 1 "
        "transactions."
    )
    assert err == ""
    assert Organization.objects.count() == 2
    run = ImportRun.objects.get()
    assert (run.status, run.started_by) == (ImportRun.Status.SUCCEEDED, None)
    # The row-by-row table follows on the command's own stdout.
    table = "\n".join(out.strip().splitlines()[1:])
    assert "warning" in table
    assert BRN_BAD in table


def test_several_files_and_linking(village_file, self_sufficiency_file):
    out, _err = command(str(village_file), str(self_sufficiency_file))
    lines = [
        line for line in out.strip().splitlines() if not line.startswith(("│", "┃", "┏", "┡", "└"))
    ]
    assert len(lines) == 2
    assert lines[1].startswith(
        f"{SELF_SUFFICIENCY_NAME}: self_sufficiency (15091502), reference date 2025-12-31, "
        "1 rows: 1 created"
    )
    assert "0 new organisations, 1 linked to existing ones" in lines[1]
    assert Organization.objects.get(name="가마을").designations.count() == 2


def test_dry_run(village_file):
    out, _err = command(str(village_file), "--dry-run")
    assert out.startswith(f"[dry run] {VILLAGE_NAME}: village (15080745)")
    assert "2 created" in out
    assert registry_counts() == dict.fromkeys(registry_counts(), 0)
    assert ImportRun.objects.count() == 0


def test_dataset_option(village_file, tmp_path):
    out, _err = command(str(village_file), "--dataset", "village")
    assert "village (15080745)" in out

    other = write(tmp_path, "v2_2026-06-30.xlsx", village_xlsx([village("다마을")]))
    with pytest.raises(CommandError, match="1 file"):
        command(str(other), "--dataset", "self_sufficiency")
    assert not Organization.objects.filter(name="다마을").exists()
    failed = ImportRun.objects.get(status=ImportRun.Status.FAILED)
    assert "15091502" in failed.report["errors"][0]["reason"]


def test_unknown_dataset_choice(village_file):
    with pytest.raises(CommandError, match="invalid choice"):
        command(str(village_file), "--dataset", "banks")


def test_reference_date_option(tmp_path):
    path = write(tmp_path, "마을기업.xlsx", village_xlsx([village("가마을")]))
    with pytest.raises(CommandError):
        command(str(path))  # no date in the title lines or the name
    out, _err = command(str(path), "--reference-date", "2026-01-31")
    assert "reference date 2026-01-31" in out
    assert Designation.objects.get().last_seen_on == dt.date(2026, 1, 31)
    assert SourceRecord.objects.get().reference_date == dt.date(2026, 1, 31)


def test_bad_reference_date(village_file):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        command(str(village_file), "--reference-date", "2026-13-01")
    assert ImportRun.objects.count() == 0


def test_skip_imported(village_file):
    command(str(village_file))
    out, _err = command(str(village_file), "--skip-imported")
    assert out.strip() == f"{VILLAGE_NAME}: already imported, skipped."
    assert ImportRun.objects.count() == 1
    # Without the flag the same file is imported again, changing nothing.
    out, _err = command(str(village_file))
    assert "0 created, 0 changed, 2 unchanged" in out
    assert ImportRun.objects.count() == 2


def test_skip_imported_does_not_skip_a_dry_run(village_file):
    command(str(village_file), "--dry-run")
    out, _err = command(str(village_file), "--skip-imported")
    assert "2 created" in out


def test_bad_file_exits_with_an_error(tmp_path):
    bad = write(tmp_path, VILLAGE_NAME, village_xlsx([village("가마을"), village("")]))
    before = registry_counts()
    out = io.StringIO()
    err = io.StringIO()
    with pytest.raises(CommandError, match=r"1 file\(s\) had errors and were not imported\."):
        call_command("registry_import", str(bad), stdout=out, stderr=err)
    assert err.getvalue().strip() == f"{VILLAGE_NAME}: 1 errors — nothing was imported."
    assert "이름이 없습니다." in out.getvalue()
    assert registry_counts() == before
    assert ImportRun.objects.get().status == ImportRun.Status.FAILED


def test_not_an_xlsx(tmp_path):
    bad = write(tmp_path, VILLAGE_NAME, b"not a zip")
    with pytest.raises(CommandError):
        command(str(bad))
    failed = ImportRun.objects.get()
    assert (
        failed.report["errors"][0]["reason"] == "확장자는 .xlsx 이지만 XLSX(ZIP) 파일이 아닙니다."
    )


def test_good_and_bad_files_together(tmp_path, village_file):
    bad = write(tmp_path, "empty.csv", b"")
    with pytest.raises(CommandError, match="1 file"):
        command(str(village_file), str(bad))
    # Each file is its own transaction: the good one is in.
    assert Organization.objects.count() == 2
    assert list(ImportRun.objects.order_by("id").values_list("status", flat=True)) == [
        "succeeded",
        "failed",
    ]


def test_missing_file(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        command(str(tmp_path / "nope.xlsx"))


def test_user_option(village_file):
    user = UserFactory(username="centre")
    command(str(village_file), "--user", "centre")
    run = ImportRun.objects.get()
    assert run.started_by == user
    assert Organization.objects.get(name="가마을").history.get().history_user == user
    with pytest.raises(CommandError, match="no user 'ghost'"):
        command(str(village_file), "--user", "ghost")


def test_report_csv(tmp_path, village_file):
    report_path = tmp_path / "report.csv"
    command(str(village_file), "--report-csv", str(report_path))
    rows = list(csv.reader(io.StringIO(report_path.read_text(encoding="utf-8").lstrip("\ufeff"))))
    assert rows[0] == ["level", "row", "column", "value", "reason"]
    assert rows[1][:4] == ["warning", "7", "사업자등록번호 (-포함 작성)", BRN_BAD]
