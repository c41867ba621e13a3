"""Import files that used to be misread: duplicate header columns, a date in the file
name behind another 20xx number, an unbalanced quote, invisible characters in names,
and files too large to read."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from hanjari.registry.importers import reading
from hanjari.registry.importers.pipeline import read_and_validate, reference_date_from
from hanjari.registry.models import ImportRun, Organization, SourceRecord
from hanjari.registry.services import registry_import

from .importdata import (
    SELF_SUFFICIENCY_HEADERS,
    SELF_SUFFICIENCY_NAME,
    VILLAGE_HEADERS,
    VILLAGE_NAME,
    grid,
    registry_counts,
    village,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db

HEADER = ",".join(SELF_SUFFICIENCY_HEADERS.values())


def errors(report) -> list[tuple[int, str, str, str]]:
    return [(i.row, i.column, i.value, i.reason) for i in report.errors]


def test_duplicate_header_columns_are_refused():
    rows = grid(VILLAGE_HEADERS, [village("가나다마을", brn="124-81-00998")])
    rows[0].append("사업자등록번호 (-포함 작성)")
    rows[1].append("220-81-01126")
    report = registry_import(data=xlsx_bytes(rows), file_name=VILLAGE_NAME)
    assert errors(report)[0][3].startswith(
        "1행의 머리글에 같은 열 이름이 두 번 이상 있습니다: "
        "사업자등록번호 (-포함 작성) (10, 11번째 열)."
    )
    assert Organization.objects.count() == 0
    assert ImportRun.objects.get().status == ImportRun.Status.FAILED


def test_duplicate_header_spelled_with_other_spacing_is_refused():
    row = "1,서울특별시,강남구,가나다,지역,,청소,,서울 강남구 1,서울 강남구 2"
    text = f"{HEADER},주  소\r\n{row}\r\n"
    _layout, _rows, report = read_and_validate(text.encode(), SELF_SUFFICIENCY_NAME)
    assert report.errors[0].reason.startswith(
        "1행의 머리글에 같은 열 이름이 두 번 이상 있습니다: 주소 (9, 10번째 열)."
    )


@pytest.mark.parametrize(
    ("file_name", "expected"),
    [
        # Another 20xx number first: "2025_20…" is no date and used to hide the real one.
        ("village_2025_2025-12-31.xlsx", dt.date(2025, 12, 31)),
        ("자활기업_2024년판_20251231.csv", dt.date(2025, 12, 31)),
        ("list_202512_2025-12-31.csv", dt.date(2025, 12, 31)),
        # Mixed separators are no date; a date inside a longer number is none either.
        ("list_2025-1231.csv", None),
        ("id120251231.csv", None),
    ],
)
def test_reference_date_in_the_file_name_after_another_number(file_name, expected):
    assert reference_date_from(file_name, []) == expected


def test_unbalanced_quote_is_reported_as_such_not_as_a_missing_name():
    text = (
        f"{HEADER}\r\n"
        "1,서울특별시,강남구,가나다,지역,,청소,,서울특별시 강남구 테헤란로 1\r\n"
        '2,서울특별시,"강남구,라마바,지역,,청소,,서울특별시 강남구 테헤란로 2\r\n'
        "3,서울특별시,강남구,사아자,지역,,청소,,서울특별시 강남구 테헤란로 3\r\n"
    )
    report = registry_import(data=text.encode("cp949"), file_name=SELF_SUFFICIENCY_NAME)
    assert errors(report) == [
        (
            3,
            "",
            "",
            '읽을 수 없는 행: 따옴표(")가 닫히지 않아 3–4번째 줄이 한 칸으로 읽혔습니다. '
            "따옴표를 고치거나 지워 주세요.",
        )
    ]
    assert Organization.objects.count() == 0


def test_quoted_cell_with_a_line_break_is_still_read():
    text = (
        f"{HEADER}\r\n"
        '1,서울특별시,강남구,가나다,지역,,"청소\r\n방역",,서울특별시 강남구 테헤란로 1\r\n'
    )
    report = registry_import(data=text.encode("cp949"), file_name=SELF_SUFFICIENCY_NAME)
    assert report.ok, report.errors
    assert Organization.objects.get().industry == "청소, 방역"


def test_invisible_characters_in_names_are_removed_and_shown():
    rows = [
        village("가나\u202e다마을"),  # RIGHT-TO-LEFT OVERRIDE
        village("라마\u200b바마을", industry="제조\ufeff업"),  # ZERO WIDTH SPACE, BOM
        village("사아자\U000effff마을"),  # a non-character
    ]
    report = registry_import(data=xlsx_bytes(grid(VILLAGE_HEADERS, rows)), file_name=VILLAGE_NAME)
    assert report.ok, report.errors
    assert [(w.row, w.column, w.value, w.reason) for w in report.warnings] == [
        (2, "마을기업명", "가나<U+202E>다마을", "보이지 않는 문자(U+202E)를 지우고 가져옵니다."),
        (3, "마을기업명", "라마<U+200B>바마을", "보이지 않는 문자(U+200B)를 지우고 가져옵니다."),
        (3, "주 업종", "제조<U+FEFF>업", "보이지 않는 문자(U+FEFF)를 지우고 가져옵니다."),
        (4, "마을기업명", "사아자<U+EFFFF>마을", "보이지 않는 문자(U+EFFFF)를 지우고 가져옵니다."),
    ]
    assert sorted(Organization.objects.values_list("name", flat=True)) == [
        "가나다마을",
        "라마바마을",
        "사아자마을",
    ]
    # The source record keeps the cell as read.
    record = SourceRecord.objects.get(row_number=2)
    assert record.raw["마을기업명"] == "가나\u202e다마을"


def test_name_of_invisible_characters_only_is_an_error():
    rows = [village("\u200b\u202e")]
    report = registry_import(data=xlsx_bytes(grid(VILLAGE_HEADERS, rows)), file_name=VILLAGE_NAME)
    assert errors(report) == [
        (2, "마을기업명", "<U+200B><U+202E>", "이름에 보이지 않는 문자만 있습니다.")
    ]


def test_file_over_the_size_limit_is_refused_before_reading(monkeypatch):
    monkeypatch.setattr(reading, "MAX_FILE_BYTES", 1000)
    report = registry_import(data=b"x" * 1001, file_name=SELF_SUFFICIENCY_NAME)
    assert errors(report) == [
        (0, "", "", "파일이 너무 큽니다 (0.1 MB). 0.1 MB까지인 파일만 가져올 수 있습니다.")
    ]


def test_command_refuses_a_large_file_by_its_size_without_reading_it(tmp_path, monkeypatch):
    monkeypatch.setattr(reading, "MAX_FILE_BYTES", 2 * 1024 * 1024)
    path = tmp_path / SELF_SUFFICIENCY_NAME
    with path.open("wb") as f:
        f.truncate(3 * 1024 * 1024)  # sparse: nothing to read
    read = []
    monkeypatch.setattr(
        type(path), "read_bytes", lambda self: read.append(self) or b""
    )  # must not be called
    before = registry_counts()
    with pytest.raises(CommandError, match="1 file"):
        call_command("registry_import", str(path))
    assert read == []
    assert registry_counts() == before
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED
    assert run.report["errors"][0]["reason"] == (
        "파일이 너무 큽니다 (3.0 MB). 2.0 MB까지인 파일만 가져올 수 있습니다."
    )
