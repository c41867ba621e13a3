"""The import pipeline against the database: bad files and rows (nothing imported,
row-by-row report), warnings, re-imports and newer snapshots, staff edits, and matching
the same organisation across lists."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import re

import pytest

from hanjari.core.models import AuditEntry
from hanjari.registry.importers import reading
from hanjari.registry.importers.pipeline import REVIEW_SIMILARITY, read_and_validate
from hanjari.registry.models import (
    Designation,
    DesignationKind,
    ImportRun,
    MergeCandidate,
    Organization,
    SourceDataset,
    SourceRecord,
)
from hanjari.registry.services import organization_update, registry_import
from tests.factories import UserFactory

from .importdata import (
    BRN_A,
    BRN_B,
    BRN_BAD,
    SE_NAME,
    SE_WEBSITE_HEADERS,
    SELF_SUFFICIENCY_NAME,
    VILLAGE_HEADERS,
    VILLAGE_NAME,
    VILLAGE_NAME_2026,
    cooperative,
    cooperative_csv,
    csv_bytes,
    grid,
    registry_counts,
    se_old_csv,
    se_website_xlsx,
    self_sufficiency,
    self_sufficiency_csv,
    social_enterprise,
    succeeded_runs,
    village,
    village_xlsx,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db

D2025 = dt.date(2025, 12, 31)
D2026 = dt.date(2026, 6, 30)


def run(data: bytes, file_name: str, **kwargs):
    return registry_import(data=data, file_name=file_name, **kwargs)


def ok(data: bytes, file_name: str, **kwargs):
    report = run(data, file_name, **kwargs)
    assert report.ok, report.errors
    return report


def issues(items) -> list[tuple[int, str, str, str]]:
    return [(i.row, i.column, i.value, i.reason) for i in items]


@pytest.fixture
def seeded():
    """A registry that already holds one village list (3 organisations)."""
    ok(
        village_xlsx(
            [
                village("바른먹거리학교"),
                village(
                    "국악나루협동조합", sigungu="강동구", address="서울시 강동구 양재대로 136길 38"
                ),
                village(
                    "곡천향토체험마을영농조합법인",
                    sido="전북",
                    sigungu="전주시",
                    address="전주시 덕진구 오신2길 24-17",
                ),
            ]
        ),
        VILLAGE_NAME,
    )
    return registry_counts()


def assert_refused(data: bytes, file_name: str, before: dict[str, int], **kwargs):
    """Import `data`, expect errors, an unchanged registry and one failed run."""
    runs_before = ImportRun.objects.count()
    report = run(data, file_name, **kwargs)
    assert not report.ok
    assert registry_counts() == before
    assert ImportRun.objects.count() == runs_before + 1
    failed = ImportRun.objects.get(pk=report.run_id)
    assert failed.status == ImportRun.Status.FAILED
    assert failed.error_count == len(report.errors)
    assert failed.file_name == file_name
    assert failed.finished_at is not None
    assert [(e["row"], e["column"], e["value"], e["reason"]) for e in failed.report["errors"]] == (
        issues(report.errors)
    )
    entry = AuditEntry.objects.filter(action="registry.import.failed").latest("id")
    assert entry.target_id == str(failed.pk)
    assert entry.data == {"errors": len(report.errors)}
    return report


# --- files and rows that are refused ----------------------------------------------------


def test_row_without_a_name(seeded):
    data = village_xlsx([village("가나다마을"), village("", subtype="공예품"), village("  ")])
    report = assert_refused(data, VILLAGE_NAME, seeded)
    assert issues(report.errors) == [
        (7, "마을기업명", "", "이름이 없습니다."),
        (8, "마을기업명", "", "이름이 없습니다."),
    ]
    assert report.rows == 3
    # The good row was not imported either.
    assert not Organization.objects.filter(name="가나다마을").exists()
    failed = ImportRun.objects.get(pk=report.run_id)
    assert failed.dataset.dataset_id == "15080745"
    assert failed.reference_date == D2025


def test_row_with_more_cells_than_headers(seeded):
    rows = grid(VILLAGE_HEADERS, [village("가나다마을"), village("라마바마을")])
    rows[2].append("덤")
    report = assert_refused(xlsx_bytes(rows), VILLAGE_NAME, seeded)
    assert issues(report.errors) == [
        (3, "", "", "읽을 수 없는 행: 머리글보다 칸이 많습니다 (11칸, 머리글 10칸).")
    ]
    assert report.rows == 2


def test_csv_row_with_more_cells_than_headers(seeded):
    text = (
        "순번,시도,시군구,자활기업,자활기업구분,대표자명,업종,사업자구분,주소\r\n"
        "1,서울특별시,강남구,가나다,지역,,청소,,서울특별시 강남구 테헤란로 1\r\n"
        "2,서울특별시,강남구,라마바,지역,,청소,,서울특별시 강남구 테헤란로 2,3층\r\n"
    )
    report = assert_refused(text.encode("cp949"), SELF_SUFFICIENCY_NAME, seeded)
    assert issues(report.errors) == [
        (3, "", "", "읽을 수 없는 행: 머리글보다 칸이 많습니다 (10칸, 머리글 9칸).")
    ]


def test_unreadable_date(seeded):
    rows = [
        social_enterprise("가나다", "제2023-001호", start_date="2023-01-05"),
        social_enterprise("라마바", "제2023-002호", start_date="2023-13-45"),
    ]
    report = assert_refused(se_website_xlsx(rows), SE_NAME, seeded)
    assert issues(report.errors) == [
        (6, "인증일자", "2023-13-45", "날짜를 읽을 수 없습니다 (예: 2025-12-31).")
    ]
    assert not SourceDataset.objects.filter(dataset_id="15090110").exists()


def test_missing_required_header(seeded):
    headers = {k: v for k, v in VILLAGE_HEADERS.items() if k not in ("subtype", "address")}
    rows = [{k: v for k, v in village("가나다").items() if k in headers}]
    data = xlsx_bytes(grid(headers, rows), title_lines=["전국 마을기업 현황", ""])
    report = assert_refused(data, VILLAGE_NAME, seeded)
    assert issues(report.errors) == [
        (3, "소재지", "", "필수 열이 없습니다."),
        (3, "유형", "", "필수 열이 없습니다."),
    ]
    assert report.dataset == "village"


def test_missing_optional_header_is_fine():
    headers = {k: v for k, v in VILLAGE_HEADERS.items() if k not in ("brn", "description")}
    rows = [{k: v for k, v in village("가나다").items() if k in headers}]
    report = ok(xlsx_bytes(grid(headers, rows)), VILLAGE_NAME)
    assert report.created == 1


def test_unknown_layout(seeded):
    data = csv_bytes([["이름", "전화", "주소"], ["가나다", "02-1", "서울"]])
    report = assert_refused(data, "list_2025-12-31.csv", seeded)
    [issue] = report.errors
    assert (issue.row, issue.column, issue.value) == (0, "", "")
    assert issue.reason.startswith("처음 20행 안에서 알려진 형식의 머리글 행을 찾지 못했습니다.")
    for known in ("15080745", "15091502", "15090110", "15155661"):
        assert known in issue.reason
    assert report.dataset == ""
    assert ImportRun.objects.get(pk=report.run_id).dataset is None


@pytest.mark.parametrize(
    ("data", "file_name", "reason"),
    [
        (b"", VILLAGE_NAME, "빈 파일입니다."),
        (b"this is not a zip", VILLAGE_NAME, "확장자는 .xlsx 이지만 XLSX(ZIP) 파일이 아닙니다."),
        (
            b"\xd0\xcf\x11\xe0 old excel",
            "village.xls",
            "옛 엑셀(.xls) 형식은 읽지 않습니다. .xlsx 또는 .csv로 저장해 주세요.",
        ),
        (b"%PDF-1.7", "village.pdf", "XLSX 또는 CSV 파일만 가져올 수 있습니다."),
        (
            "순번,시도\r\n".encode("utf-16"),
            SELF_SUFFICIENCY_NAME,
            "CSV 파일의 문자 인코딩을 알 수 없습니다 (UTF-8 또는 CP949만 읽습니다).",
        ),
        (
            b"a,b\x00,c\r\n",
            SELF_SUFFICIENCY_NAME,
            "CSV 파일에 NUL 문자가 있습니다. 텍스트 CSV가 아닙니다.",
        ),
    ],
)
def test_unreadable_files(seeded, data, file_name, reason):
    report = assert_refused(data, file_name, seeded)
    assert issues(report.errors) == [(0, "", "", reason)]


def test_zip_that_is_not_an_xlsx(seeded):
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("readme.txt", "hello")
    report = assert_refused(buf.getvalue(), VILLAGE_NAME, seeded)
    [issue] = report.errors
    assert issue.row == 0
    assert issue.reason.startswith("XLSX 파일을 열 수 없습니다")


def test_truncated_xlsx(seeded):
    data = village_xlsx([village("가나다")])
    report = assert_refused(data[: len(data) // 2], VILLAGE_NAME, seeded)
    [issue] = report.errors
    assert issue.reason.startswith("XLSX 파일을 열 수 없습니다")


def test_header_only(seeded):
    report = assert_refused(village_xlsx([]), VILLAGE_NAME, seeded)
    assert issues(report.errors) == [(0, "", "", "데이터 행이 없습니다.")]


def test_every_problem_is_reported_not_only_the_first(seeded):
    rows = grid(
        VILLAGE_HEADERS,
        [village("가"), village(""), village("다", brn=BRN_BAD), village("")],
    )
    rows[1].append("덤")
    report = assert_refused(
        xlsx_bytes(rows, title_lines=["(2025. 12. 31. 기준)"]), "v.xlsx", seeded
    )
    assert [(i.row, i.reason.split(":")[0]) for i in report.errors] == [
        (3, "읽을 수 없는 행"),
        (4, "이름이 없습니다."),
        (6, "이름이 없습니다."),
    ]
    # Warnings are reported alongside.
    assert [(w.row, w.value) for w in report.warnings] == [(5, BRN_BAD)]


def test_failed_run_records_the_user():
    user = UserFactory(username="importer")
    report = run(b"", VILLAGE_NAME, user=user)
    failed = ImportRun.objects.get(pk=report.run_id)
    assert failed.started_by == user
    assert AuditEntry.objects.get(action="registry.import.failed").user == user


def test_dry_run_with_errors_records_nothing():
    report = run(b"", VILLAGE_NAME, dry_run=True)
    assert not report.ok
    assert report.run_id is None
    assert ImportRun.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_report_as_csv():
    rows = [
        social_enterprise("가나다", "제2023-001호", start_date='=HYPERLINK("x")'),
        social_enterprise("라마바", "제2023-002호", brn=BRN_BAD),
    ]
    # CSV, since openpyxl would write "=..." as a formula.
    report = run(csv_bytes(grid(SE_WEBSITE_HEADERS, rows)), "se_2026-06-12.csv")
    text = report.issues_csv()
    assert text.startswith("\ufeff")
    parsed = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert parsed == [
        ["level", "row", "column", "value", "reason"],
        # A value Excel would run as a formula is defused with a leading apostrophe.
        [
            "error",
            "2",
            "인증일자",
            '\'=HYPERLINK("x")',
            "날짜를 읽을 수 없습니다 (예: 2025-12-31).",
        ],
        ["warning", "3", "사업자등록번호", BRN_BAD, report.warnings[0].reason],
    ]
    assert "검증번호" in report.warnings[0].reason


# --- warnings: imported but listed --------------------------------------------------------


def test_brn_check_digit_failing_is_kept_unverified_and_not_matched():
    report = ok(
        village_xlsx(
            [
                village(
                    "가나다마을",
                    sido="전북",
                    sigungu="전주시",
                    address="전주시 완산구 서학2길 60",
                    brn=BRN_BAD,
                )
            ]
        ),
        VILLAGE_NAME,
    )
    assert issues(report.warnings) == [
        (
            6,
            "사업자등록번호 (-포함 작성)",
            BRN_BAD,
            "사업자등록번호 검증번호가 맞지 않습니다. 확인 안 됨으로 표시하고, "
            "같은 조직 찾기에는 쓰지 않습니다.",
        )
    ]
    org = Organization.objects.get()
    assert (org.brn, org.brn_verified) == ("1248100999", False)
    record = SourceRecord.objects.get()
    assert record.values["brn"] == "1248100999"
    assert [w["reason"].split(".")[0] for w in record.warnings] == [
        "사업자등록번호 검증번호가 맞지 않습니다"
    ]
    run_row = ImportRun.objects.get(pk=report.run_id)
    assert run_row.warning_count == 1
    assert run_row.report["warnings"][0]["value"] == BRN_BAD
    # The designation is keyed by name and region, not by the unverified number.
    assert Designation.objects.get().source_key == "전북특별자치도|전주시|가나다마을"

    # Another list with the same unverified number is another organisation.
    report = ok(
        se_website_xlsx([social_enterprise("라마바", "제2015-003호", brn=BRN_BAD)]), SE_NAME
    )
    assert (report.linked, report.organizations_created) == (0, 1)
    assert Organization.objects.count() == 2


def test_brn_without_digits_is_no_brn():
    report = ok(village_xlsx([village("가나다", brn="-")]), VILLAGE_NAME)
    assert report.warnings == []
    assert Organization.objects.get().brn == ""


def test_brn_with_too_many_digits_is_not_stored():
    report = ok(village_xlsx([village("가나다", brn="124-81-009981")]), VILLAGE_NAME)
    [warning] = report.warnings
    assert (warning.row, warning.column, warning.value) == (
        6,
        "사업자등록번호 (-포함 작성)",
        "124-81-009981",
    )
    assert "10자리" in warning.reason
    assert Organization.objects.get().brn == ""


def test_unknown_sido_is_imported_without_sido():
    report = ok(village_xlsx([village("가나다", sido="한양", sigungu="강남구")]), VILLAGE_NAME)
    assert issues(report.warnings) == [
        (6, "시도", "한양", "알 수 없는 시도입니다. 시도 없이 가져옵니다.")
    ]
    org = Organization.objects.get()
    assert org.sido == ""
    assert org.sigungu == "강남구"


@pytest.mark.parametrize(
    "website",
    [
        "javascript:alert(1)",
        "JavaScript:alert(document.cookie)",
        "java script:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox(1)",
        "ftp://ftp.hanjari.example/",
        "mailto:info@hanjari.example",
        "tel:0212345678",
        "http:hanjari.example",
        "//evil.example/",
    ],
)
def test_homepage_that_is_not_a_web_address_is_dropped_with_a_warning(client, website):
    """Bug: "javascript:alert(1)" was stored as "http://javascript:alert(1)" and shown
    as a link on the profile. Any scheme but http(s) is now dropped with a warning."""
    report = ok(
        se_website_xlsx([social_enterprise("가나다", "제2012-001호", website=website)]), SE_NAME
    )
    assert issues(report.warnings) == [
        (
            5,
            "홈페이지",
            website,
            "누리집은 http:// 또는 https:// 주소만 받습니다. 누리집 없이 가져옵니다.",
        )
    ]
    org = Organization.objects.get()
    assert org.website == ""
    assert SourceRecord.objects.get().raw["홈페이지"] == website  # the cell is kept
    html = client.get(org.get_absolute_url()).content.decode()
    assert '<th scope="row">누리집</th>' not in html
    assert 'href="http://javascript' not in html and 'href="javascript' not in html


@pytest.mark.parametrize(
    ("website", "stored"),
    [
        ("http://hanjari.example/", "http://hanjari.example/"),
        ("HTTPS://Hanjari.Example", "HTTPS://Hanjari.Example"),
        ("www.hanjari.example", "http://www.hanjari.example"),
        ("blog.naver.com/hanjari", "http://blog.naver.com/hanjari"),
        ("hanjari.example:8080/about", "http://hanjari.example:8080/about"),
    ],
)
def test_homepage_web_addresses_are_kept(website, stored):
    report = ok(
        se_website_xlsx([social_enterprise("가나다", "제2012-001호", website=website)]), SE_NAME
    )
    assert report.warnings == []
    assert Organization.objects.get().website == stored


def test_address_in_another_sido():
    # Row 364 of the shipped village file: 시도 대전, address in 서울.
    address = "서울특별시 광진구 광나루로 56번길 50, 506호"
    report = ok(
        village_xlsx([village("가나다", sido="대전", sigungu="유성구", address=address)]),
        VILLAGE_NAME,
    )
    assert issues(report.warnings) == [
        (6, "소재지", address, "주소의 시도(서울특별시)가 시도 열(대전광역시)과 다릅니다.")
    ]
    org = Organization.objects.get()
    assert (org.sido, org.sigungu, org.address) == ("대전광역시", "유성구", address)


def test_former_sido_name_in_address_is_no_warning():
    report = ok(
        self_sufficiency_csv(
            [
                self_sufficiency(
                    "가나다",
                    sido="강원특별자치도",
                    sigungu="춘천시",
                    address="강원도 춘천시 후석로420번길 7",
                )
            ]
        ),
        SELF_SUFFICIENCY_NAME,
    )
    assert report.warnings == []
    assert Organization.objects.get().sido == "강원특별자치도"


@pytest.mark.parametrize(
    ("field", "length"),
    [("address", 301), ("industry", 201), ("subtype", 101)],
)
def test_too_long_text_is_cut_with_a_warning(field, length):
    value = "가" * length
    report = ok(village_xlsx([village("가나다", **{field: value})]), VILLAGE_NAME)
    [warning] = report.warnings
    assert warning.row == 6
    assert warning.value == value
    assert str(length - 1) in warning.reason
    d = Designation.objects.select_related("organization").get()
    stored = d.subtype if field == "subtype" else getattr(d.organization, field)
    assert stored == "가" * (length - 1)
    # The source record keeps the cell as read.
    assert d.source_record.raw[VILLAGE_HEADERS[field]] == value


def test_too_long_name_is_an_error():
    report = run(village_xlsx([village("가" * 201)]), VILLAGE_NAME)
    [error] = report.errors
    assert (error.row, error.column) == (6, "마을기업명")
    assert "200" in error.reason
    assert Organization.objects.count() == 0


def test_too_long_phone_is_cut_with_a_warning():
    phone = "063-123-4567, 063-123-4568, 010-1234-5678"
    report = ok(
        se_old_csv([social_enterprise("가나다", "제2015-001호", phone=phone, start_date=None)]),
        "se_2025-06-30.csv",
    )
    [warning] = report.warnings
    assert (warning.row, warning.column, warning.value) == (2, "대표전화번호", phone)
    assert Organization.objects.get().phone == phone[:30]


def test_very_long_keys_still_identify_the_rows():
    name = "가" * 190
    rows = [
        village(name, address="서울시 강남구 " + "나" * 250 + " 1"),
        village(name, address="서울시 강남구 " + "나" * 250 + " 2"),
    ]
    ok(village_xlsx(rows), VILLAGE_NAME)
    keys = list(Designation.objects.values_list("source_key", flat=True))
    assert len(set(keys)) == 2
    assert all(len(k) <= 400 for k in keys)
    report = ok(village_xlsx(rows), VILLAGE_NAME_2026)
    assert (report.created, report.unchanged, report.missing) == (0, 2, 0)


def test_long_file_name():
    name = "마을기업_" * 60 + "2025-12-31.xlsx"
    report = ok(village_xlsx([village("가나다")]), name)
    assert ImportRun.objects.get(pk=report.run_id).file_name == name[:255]
    assert SourceRecord.objects.get().file_name == name[:255]


# --- re-import and newer snapshots ----------------------------------------------------------


def test_same_file_twice_changes_nothing():
    village_data = village_xlsx(
        [
            village("㈜코이로", industry=""),
            village(
                "전주한옥마을협동조합",
                sido="전북",
                sigungu="전주시",
                address="전주시 완산구 바람쐬는길 39-1",
                brn=BRN_A,
            ),
            village("행복마을", sido="전북", sigungu="전주시", address="전주시 완산구 1"),
            village("행복마을", sido="전북", sigungu="전주시", address="전주시 덕진구 2"),
        ]
    )
    ss_data = self_sufficiency_csv(
        [
            self_sufficiency("주식회사 코이로", industry="청소(학교)"),
            self_sufficiency("가나다", tier="광역", sigungu="서울"),
        ]
    )
    first_v = ok(village_data, VILLAGE_NAME)
    first_s = ok(ss_data, SELF_SUFFICIENCY_NAME)
    assert (first_v.created, first_s.created, first_s.linked) == (4, 2, 1)
    before = registry_counts()
    audit_before = AuditEntry.objects.count()

    again_v = ok(village_data, VILLAGE_NAME)
    again_s = ok(ss_data, SELF_SUFFICIENCY_NAME)

    for report, rows in ((again_v, 4), (again_s, 2)):
        assert (report.created, report.changed, report.unchanged) == (0, 0, rows)
        assert (report.organizations_created, report.linked, report.queued) == (0, 0, 0)
        assert report.missing == 0
    assert registry_counts() == before
    assert succeeded_runs() == 4
    # Only the two new runs are logged.
    assert AuditEntry.objects.count() == audit_before + 2


def test_newer_snapshot_updates_and_marks_missing():
    staff = UserFactory(username="staff")
    ok(
        village_xlsx(
            [
                village("가마을", address="서울시 강남구 옛길 1"),
                village("나마을", industry="제조업"),
                village("다마을"),
            ]
        ),
        VILLAGE_NAME,
    )
    ga = Organization.objects.get(name="가마을")
    da = Designation.objects.get(organization__name="다마을")

    report = ok(
        village_xlsx(
            [
                village("가마을", address="서울시 강남구 새길 2"),
                village("나마을", industry="제조업"),
                village("라마을"),
            ],
            title_lines=["전국 마을기업 현황", "(2026. 6. 30. 기준)"],
        ),
        "마을기업.xlsx",
        user=staff,
    )
    assert report.reference_date == D2026
    assert (report.created, report.changed, report.unchanged, report.missing) == (1, 1, 1, 1)

    ga.refresh_from_db()
    assert ga.address == "서울시 강남구 새길 2"
    history = list(ga.history.order_by("-history_date", "-history_id"))
    assert [h.address for h in history] == ["서울시 강남구 새길 2", "서울시 강남구 옛길 1"]
    assert [h.history_type for h in history] == ["~", "+"]
    assert history[0].history_user == staff
    d_ga = ga.designations.get()
    assert d_ga.last_seen_on == D2026
    assert d_ga.source_record.reference_date == D2026

    # 다마을 is not in the newer list: kept, flagged, never deleted.
    da.refresh_from_db()
    assert da.status == Designation.Status.NOT_IN_LATEST
    assert da.not_in_latest_since == D2026
    assert da.last_seen_on == D2025
    assert Organization.objects.filter(name="다마을").exists()
    assert da.history.latest().status == Designation.Status.NOT_IN_LATEST
    # The unchanged one was seen again.
    assert Designation.objects.get(organization__name="나마을").last_seen_on == D2026

    # A later list that has it again makes it current again.
    report = ok(
        village_xlsx([village("가마을", address="서울시 강남구 새길 2"), village("다마을")]),
        "village_2026-09-30.xlsx",
    )
    assert (report.changed, report.unchanged, report.missing) == (1, 1, 2)
    da.refresh_from_db()
    assert (da.status, da.not_in_latest_since, da.last_seen_on) == (
        Designation.Status.ACTIVE,
        None,
        dt.date(2026, 9, 30),
    )
    assert set(
        Designation.objects.filter(status=Designation.Status.NOT_IN_LATEST).values_list(
            "organization__name", "not_in_latest_since"
        )
    ) == {("나마을", dt.date(2026, 9, 30)), ("라마을", dt.date(2026, 9, 30))}


def test_missing_rows_in_one_dataset_do_not_touch_another():
    ok(village_xlsx([village("가마을"), village("나마을")]), VILLAGE_NAME)
    ok(self_sufficiency_csv([self_sufficiency("다자활")]), SELF_SUFFICIENCY_NAME)
    report = ok(village_xlsx([village("가마을")]), VILLAGE_NAME_2026)
    assert report.missing == 1
    assert Designation.objects.get(organization__name="다자활").status == "active"


def test_older_snapshot_after_newer_is_refused():
    ok(village_xlsx([village("가마을")]), VILLAGE_NAME_2026)
    before = registry_counts()
    report = assert_refused(
        village_xlsx([village("가마을"), village("나마을")]), VILLAGE_NAME, before
    )
    assert issues(report.errors) == [
        (
            0,
            "",
            "2025-12-31",
            "이미 더 새로운 기준일(2026-06-30)의 목록을 가져왔습니다. 옛 목록은 가져오지 않습니다.",
        )
    ]
    # Another dataset with an older date is fine.
    ok(self_sufficiency_csv([self_sufficiency("다자활")]), SELF_SUFFICIENCY_NAME)


def test_corrected_file_with_the_same_reference_date_is_applied():
    ok(village_xlsx([village("가마을", industry="제조업"), village("나마을")]), VILLAGE_NAME)
    report = ok(
        village_xlsx([village("가마을", industry="서비스업"), village("나마을")]),
        "village_2025-12-31_v2.xlsx",
    )
    assert (report.changed, report.unchanged, report.missing) == (1, 1, 0)
    assert Organization.objects.get(name="가마을").industry == "서비스업"


def test_corrected_file_with_the_same_reference_date_that_drops_a_row():
    ok(village_xlsx([village("가마을"), village("나마을")]), VILLAGE_NAME)
    report = ok(village_xlsx([village("가마을")]), "village_2025-12-31_v2.xlsx")
    assert (report.unchanged, report.missing) == (1, 1)
    dropped = Designation.objects.get(organization__name="나마을")
    assert (dropped.status, dropped.not_in_latest_since) == ("not_in_latest", D2025)


def test_dry_run_writes_nothing_but_counts():
    data = village_xlsx([village("가마을"), village("나마을", brn=BRN_BAD)])
    report = run(data, VILLAGE_NAME, dry_run=True)
    assert report.ok
    assert report.dry_run is True
    assert (report.created, report.organizations_created) == (2, 2)
    assert len(report.warnings) == 1
    assert report.run_id is None
    assert registry_counts() == dict.fromkeys(registry_counts(), 0)
    assert ImportRun.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_dry_run_of_a_newer_snapshot():
    ok(village_xlsx([village("가마을", industry="제조업"), village("나마을")]), VILLAGE_NAME)
    before = registry_counts()
    report = run(
        village_xlsx([village("가마을", industry="서비스업"), village("다마을")]),
        VILLAGE_NAME_2026,
        dry_run=True,
    )
    assert (report.created, report.changed, report.missing) == (1, 1, 1)
    assert registry_counts() == before
    assert Organization.objects.get(name="가마을").industry == "제조업"
    assert not Designation.objects.exclude(status="active").exists()
    assert succeeded_runs() == 1
    # The dry run did not count as the newest snapshot.
    ok(village_xlsx([village("가마을"), village("나마을")]), VILLAGE_NAME)


def test_staff_edit_survives_a_newer_snapshot():
    staff = UserFactory(username="staff", is_staff=True)
    ok(
        village_xlsx(
            [village("가마을", industry="제조업", products="두부", address="서울시 강남구 옛길 1")]
        ),
        VILLAGE_NAME,
    )
    org = Organization.objects.get()
    organization_update(organization=org, data={"industry": "식품 제조·체험"}, by=staff)

    report = ok(
        village_xlsx(
            [
                village(
                    "가마을",
                    industry="서비스업",
                    products="두부, 된장",
                    address="서울시 강남구 새길 2",
                )
            ]
        ),
        VILLAGE_NAME_2026,
    )
    assert report.changed == 1
    org.refresh_from_db()
    assert org.industry == "식품 제조·체험"  # edited by staff: kept
    assert org.address == "서울시 강남구 새길 2"  # still the list's old value: updated
    assert org.products == "두부, 된장"
    history = list(org.history.order_by("history_date", "history_id"))
    assert [(h.industry, h.address) for h in history] == [
        ("제조업", "서울시 강남구 옛길 1"),
        ("식품 제조·체험", "서울시 강남구 옛길 1"),
        ("식품 제조·체험", "서울시 강남구 새길 2"),
    ]
    assert history[1].history_user == staff

    # A third snapshot that again changes the industry still leaves the edit alone.
    report = ok(
        village_xlsx(
            [
                village(
                    "가마을",
                    industry="관광업",
                    products="두부, 된장",
                    address="서울시 강남구 새길 2",
                )
            ]
        ),
        "village_2026-09-30.xlsx",
    )
    org.refresh_from_db()
    assert org.industry == "식품 제조·체험"


def test_emptied_cell_in_newer_snapshot_keeps_the_value():
    ok(village_xlsx([village("가마을", products="두부")]), VILLAGE_NAME)
    ok(village_xlsx([village("가마을", products="")]), VILLAGE_NAME_2026)
    assert Organization.objects.get().products == "두부"


def test_designation_fields_follow_the_list():
    ok(
        self_sufficiency_csv([self_sufficiency("가나다", tier="지역")]),
        SELF_SUFFICIENCY_NAME,
    )
    report = ok(
        self_sufficiency_csv([self_sufficiency("가나다", tier="광역", sigungu="서울")]),
        "self_sufficiency_2026-09-30.csv",
    )
    # 지역 → 광역 changes the 시군구 to "" and so the row's key: it is a new entry.
    assert (report.created, report.missing) == (1, 1)

    ok(
        se_website_xlsx([social_enterprise("가나다", "제2012-001호", subtype="일자리제공형")]),
        SE_NAME,
    )
    report = ok(
        se_website_xlsx([social_enterprise("가나다", "제2012-001호", subtype="혼합형")]),
        "social_enterprises_2026-09-30.xlsx",
    )
    assert (report.created, report.changed) == (0, 1)
    d = Designation.objects.get(kind=DesignationKind.SOCIAL_ENTERPRISE)
    assert d.subtype == "혼합형"
    assert list(d.history.order_by("history_id").values_list("subtype", flat=True)) == [
        "일자리제공형",
        "혼합형",
    ]


def test_newer_snapshot_that_adds_business_numbers_keeps_the_designations():
    rows = [village("가마을"), village("나마을", sigungu="강동구")]
    ok(village_xlsx(rows), VILLAGE_NAME)
    ids = set(Designation.objects.values_list("pk", flat=True))
    orgs = set(Organization.objects.values_list("pk", flat=True))

    rows = [village("가마을", brn=BRN_A), village("나마을", sigungu="강동구", brn=BRN_B)]
    report = ok(village_xlsx(rows), VILLAGE_NAME_2026)
    assert (report.created, report.changed, report.missing) == (0, 2, 0)
    assert report.organizations_created == 0
    assert set(Designation.objects.values_list("pk", flat=True)) == ids
    assert set(Organization.objects.values_list("pk", flat=True)) == orgs
    assert Organization.objects.get(name="가마을").brn == "1248100998"
    assert Designation.objects.get(organization__name="가마을").source_key == "brn:1248100998"
    assert not MergeCandidate.objects.exists()

    # And the next snapshot (same numbers) is a plain re-import.
    report = ok(village_xlsx(rows), "village_2026-09-30.xlsx")
    assert (report.created, report.changed, report.unchanged) == (0, 0, 2)


def test_snapshot_that_drops_business_numbers_keeps_the_designations():
    ok(village_xlsx([village("가마을", brn=BRN_A)]), VILLAGE_NAME)
    report = ok(village_xlsx([village("가마을")]), VILLAGE_NAME_2026)
    assert (report.created, report.unchanged, report.missing) == (0, 1, 0)
    assert Designation.objects.count() == 1
    assert Designation.objects.get().source_key == "서울특별시|강남구|가마을"


def test_same_name_with_another_valid_brn_in_a_newer_snapshot_is_another_entry():
    ok(village_xlsx([village("가마을", brn=BRN_A)]), VILLAGE_NAME)
    report = ok(village_xlsx([village("가마을", brn=BRN_B)]), VILLAGE_NAME_2026)
    assert (report.created, report.changed, report.missing) == (1, 0, 1)
    assert sorted(Organization.objects.values_list("brn", flat=True)) == [
        "1248100998",
        "2208101126",
    ]
    assert Designation.objects.get(status="not_in_latest").organization.brn == "1248100998"


def test_second_same_name_row_in_a_newer_snapshot():
    ok(village_xlsx([village("행복마을", address="서울시 강남구 1")]), VILLAGE_NAME)
    first = Designation.objects.get()
    report = ok(
        village_xlsx(
            [
                village("행복마을", address="서울시 강남구 1"),
                village("행복마을", address="서울시 강남구 2"),
            ]
        ),
        VILLAGE_NAME_2026,
    )
    assert (report.created, report.unchanged, report.missing) == (1, 1, 0)
    first.refresh_from_db()
    assert first.status == Designation.Status.ACTIVE
    assert first.last_seen_on == D2026


def test_progress_callback():
    calls = []
    ok(
        village_xlsx([village("가"), village("나"), village("다")]),
        VILLAGE_NAME,
        progress=lambda done, total: calls.append((done, total)),
    )
    assert calls == [(1, 3), (2, 3), (3, 3)]


def test_successful_run_is_recorded():
    user = UserFactory(username="importer")
    report = ok(village_xlsx([village("가"), village("나", brn=BRN_BAD)]), VILLAGE_NAME, user=user)
    run_row = ImportRun.objects.get(pk=report.run_id)
    assert run_row.status == ImportRun.Status.SUCCEEDED
    assert run_row.started_by == user
    assert (run_row.rows, run_row.created, run_row.organizations_created) == (2, 2, 2)
    assert run_row.warning_count == 1
    assert run_row.reference_date == D2025
    assert run_row.sha256 == report.sha256
    assert run_row.report["created"] == 2
    assert run_row.records.count() == 2
    entry = AuditEntry.objects.get(action="registry.import.succeeded")
    assert (entry.user, entry.target_id) == (user, str(run_row.pk))
    assert entry.data == {"created": 2, "changed": 0, "missing": 0}
    org = Organization.objects.get(name="가")
    assert org.history.get().history_user == user


# --- matching the same organisation across lists ------------------------------------------


def test_same_valid_brn_across_lists_is_one_organisation():
    ok(
        village_xlsx(
            [village("행복한밥상", sigungu="구로구", address="서울시 구로구 1", brn=BRN_A)]
        ),
        VILLAGE_NAME,
    )
    report = ok(
        se_website_xlsx([social_enterprise("협동조합 행복밥상", "제2015-001호", brn=BRN_A)]),
        SE_NAME,
    )
    assert (report.linked, report.organizations_created, report.queued) == (1, 0, 0)
    org = Organization.objects.get()
    assert sorted(org.designations.values_list("kind", flat=True)) == [
        DesignationKind.SOCIAL_ENTERPRISE,
        DesignationKind.VILLAGE_ENTERPRISE,
    ]
    assert org.name == "행복한밥상"
    assert org.aliases == ["협동조합 행복밥상"]
    assert set(org.source_records.values_list("dataset__dataset_id", flat=True)) == {
        "15080745",
        "15090110",
    }


def test_same_name_same_sigungu_is_linked():
    ok(village_xlsx([village("㈜코이로", industry="")]), VILLAGE_NAME)
    report = ok(
        self_sufficiency_csv(
            [
                self_sufficiency(
                    "주식회사 코이로", sido="서울특별시", sigungu="강남구", industry="청소(학교)"
                )
            ]
        ),
        SELF_SUFFICIENCY_NAME,
    )
    assert (report.linked, report.organizations_created, report.queued) == (1, 0, 0)
    org = Organization.objects.get()
    assert org.name == "㈜코이로"
    assert org.aliases == ["주식회사 코이로"]
    # An empty field is filled from the second list; nothing else is overwritten.
    assert org.industry == "청소(학교)"
    assert org.address == "서울시 강남구 일원로5길 68, 104호"
    assert sorted(org.designations.values_list("kind", flat=True)) == [
        DesignationKind.SELF_SUFFICIENCY_LOCAL,
        DesignationKind.VILLAGE_ENTERPRISE,
    ]
    assert SourceRecord.objects.filter(organization=org).count() == 2


def test_link_fills_an_empty_brn_and_later_lists_match_on_it():
    ok(village_xlsx([village("㈜코이로")]), VILLAGE_NAME)
    ok(
        se_website_xlsx(
            [
                social_enterprise(
                    "주식회사 코이로",
                    "제2015-001호",
                    sido="서울",
                    address="서울특별시 강남구 테헤란로 1",
                    brn=BRN_A,
                )
            ]
        ),
        SE_NAME,
    )
    org = Organization.objects.get()
    assert (org.brn, org.brn_verified) == ("1248100998", True)
    # A cooperative list row elsewhere, with the same number, joins it by number.
    report = ok(cooperative_csv([cooperative("코이로협동조합", brn=BRN_A)]), "coops_2025-11-30.csv")
    assert (report.linked, report.organizations_created) == (1, 0)
    assert org.designations.count() == 3


def test_same_name_in_two_cities_is_two_organisations():
    ok(
        village_xlsx(
            [village("행복마을협동조합", sido="전북", sigungu="전주시", address="전주시 완산구 1")]
        ),
        VILLAGE_NAME,
    )
    report = ok(self_sufficiency_csv([self_sufficiency("행복마을협동조합")]), SELF_SUFFICIENCY_NAME)
    assert (report.linked, report.organizations_created, report.queued) == (0, 1, 0)
    assert sorted(Organization.objects.values_list("sido", "sigungu")) == [
        ("서울특별시", "강남구"),
        ("전북특별자치도", "전주시"),
    ]
    assert not MergeCandidate.objects.exists()


def test_near_identical_name_in_the_same_sigungu_is_queued():
    ok(village_xlsx([village("한솔두부마을")]), VILLAGE_NAME)
    report = ok(self_sufficiency_csv([self_sufficiency("한솔두부마을점")]), SELF_SUFFICIENCY_NAME)
    assert (report.linked, report.organizations_created, report.queued) == (0, 1, 1)
    candidate = MergeCandidate.objects.get()
    assert candidate.left.name == "한솔두부마을"
    assert candidate.right.name == "한솔두부마을점"
    assert (candidate.left_name, candidate.right_name) == ("한솔두부마을", "한솔두부마을점")
    assert candidate.status == MergeCandidate.Status.PENDING
    assert REVIEW_SIMILARITY <= candidate.score < 100
    assert candidate.reason == "같은 시군구에 이름이 매우 비슷한 조직이 있습니다."
    assert ImportRun.objects.get(pk=report.run_id).queued == 1


def test_dissimilar_names_in_the_same_sigungu_are_not_queued():
    ok(village_xlsx([village("한솔두부마을")]), VILLAGE_NAME)
    report = ok(self_sufficiency_csv([self_sufficiency("강남청소")]), SELF_SUFFICIENCY_NAME)
    assert report.queued == 0
    assert not MergeCandidate.objects.exists()


def test_province_level_self_sufficiency_row_is_queued_against_a_village_enterprise():
    ok(
        village_xlsx(
            [
                village(
                    "가온누리협동조합",
                    sido="전북",
                    sigungu="전주시",
                    address="전주시 완산구 천잠로 555",
                )
            ]
        ),
        VILLAGE_NAME,
    )
    report = ok(
        self_sufficiency_csv(
            [
                self_sufficiency(
                    "가온누리협동조합",
                    sido="전북특별자치도",
                    sigungu="전북",
                    tier="광역",
                    address="전라북도 전주시 완산구 천잠로 555",
                )
            ]
        ),
        SELF_SUFFICIENCY_NAME,
    )
    assert (report.linked, report.organizations_created, report.queued) == (0, 1, 1)
    regional = Organization.objects.get(sigungu="")
    assert regional.sido == "전북특별자치도"
    assert regional.designations.get().kind == DesignationKind.SELF_SUFFICIENCY_REGIONAL
    candidate = MergeCandidate.objects.get()
    assert candidate.left.sigungu == "전주시"
    assert candidate.right == regional
    assert candidate.score == 100
    assert candidate.reason == "같은 시도에 같은 이름이 있지만 한쪽의 시군구를 알 수 없습니다."


def test_province_level_row_in_another_sido_is_not_queued():
    ok(
        village_xlsx(
            [village("가온누리협동조합", sido="전남", sigungu="순천시", address="순천시 1")]
        ),
        VILLAGE_NAME,
    )
    report = ok(
        self_sufficiency_csv(
            [
                self_sufficiency(
                    "가온누리협동조합", sido="전북특별자치도", sigungu="전북", tier="광역"
                )
            ]
        ),
        SELF_SUFFICIENCY_NAME,
    )
    assert report.queued == 0


def test_same_name_both_without_sigungu_is_queued():
    ok(
        self_sufficiency_csv(
            [
                self_sufficiency(
                    "가온누리협동조합", sido="전북특별자치도", sigungu="전북", tier="광역"
                )
            ]
        ),
        SELF_SUFFICIENCY_NAME,
    )
    # A social-enterprise row whose address names no 시군구.
    report = ok(
        se_website_xlsx(
            [
                social_enterprise(
                    "가온누리협동조합", "제2019-010호", sido="전북", address="전북특별자치도"
                )
            ]
        ),
        SE_NAME,
    )
    assert (report.linked, report.organizations_created, report.queued) == (0, 1, 1)
    assert MergeCandidate.objects.get().reason.startswith("같은 시도에 같은 이름")


def test_same_name_twice_in_one_list_is_two_entries_and_queued():
    rows = [
        village("행복마을", address="서울시 강남구 1"),
        village("행복마을", address="서울시 강남구 2"),
    ]
    report = ok(village_xlsx(rows), VILLAGE_NAME)
    assert (report.created, report.organizations_created, report.queued) == (2, 2, 1)
    assert sorted(Designation.objects.values_list("source_key", flat=True)) == [
        "서울특별시|강남구|행복마을|서울시강남구1",
        "서울특별시|강남구|행복마을|서울시강남구2",
    ]
    assert (
        MergeCandidate.objects.get().reason
        == "같은 목록에 같은 시군구, 같은 이름이 두 번 있습니다."
    )
    report = ok(village_xlsx(rows), VILLAGE_NAME)
    assert (report.created, report.changed, report.unchanged) == (0, 0, 2)


def test_different_valid_brns_with_the_same_name_are_not_linked():
    ok(village_xlsx([village("행복마을협동조합", brn=BRN_A)]), VILLAGE_NAME)
    report = ok(
        se_website_xlsx(
            [
                social_enterprise(
                    "행복마을협동조합",
                    "제2015-002호",
                    sido="서울",
                    address="서울특별시 강남구 테헤란로 1",
                    brn=BRN_B,
                )
            ]
        ),
        SE_NAME,
    )
    assert (report.linked, report.organizations_created) == (0, 1)
    assert Organization.objects.count() == 2
    # Two legal entities cannot be merged, so they are not queued either.
    assert not MergeCandidate.objects.exists()


def test_linking_then_reimporting_changes_nothing():
    ok(village_xlsx([village("㈜코이로", industry="", products="")]), VILLAGE_NAME)
    ss = self_sufficiency_csv([self_sufficiency("주식회사 코이로", industry="청소(학교)")])
    se = se_website_xlsx(
        [
            social_enterprise(
                "코이로 주식회사",
                "제2015-001호",
                sido="서울",
                address="서울특별시 강남구 테헤란로 1",
                brn=BRN_A,
                website="koiro.example",
            )
        ]
    )
    ok(ss, SELF_SUFFICIENCY_NAME)
    ok(se, SE_NAME)
    org = Organization.objects.get()
    assert org.designations.count() == 3
    assert (org.industry, org.brn, org.website) == (
        "청소(학교)",
        "1248100998",
        "http://koiro.example",
    )
    before = registry_counts()
    for data, name in ((ss, SELF_SUFFICIENCY_NAME), (se, SE_NAME)):
        report = ok(data, name)
        assert (report.created, report.changed) == (0, 0)
    assert registry_counts() == before


def test_cooperative_with_invalid_crn_is_a_warning():
    report = ok(
        cooperative_csv([cooperative("가나다협동조합", crn="130111-0006247")]),
        "coops_2025-11-30.csv",
    )
    [warning] = report.warnings
    assert (warning.column, warning.value) == ("법인등록번호", "130111-0006247")
    org = Organization.objects.get()
    assert (org.crn, org.crn_verified) == ("1301110006247", False)


def test_records_keep_what_was_read():
    ok(
        village_xlsx([village("가나다", products="건설자재 및\n일반건축", brn=1248100998.0)]),
        VILLAGE_NAME,
    )
    record = SourceRecord.objects.get()
    assert record.dataset.dataset_id == "15080745"
    assert record.reference_date == D2025
    assert record.file_name == VILLAGE_NAME
    assert record.raw["주 생산품 또는 서비스명"] == "건설자재 및\n일반건축"
    assert record.raw["사업자등록번호 (-포함 작성)"] == "1248100998"
    assert record.values["products"] == "건설자재 및 일반건축"
    assert record.values["brn"] == "1248100998"
    assert record.values["kind"] == "village_enterprise"
    assert Organization.objects.get().products == "건설자재 및 일반건축"


def test_status_set_by_staff_is_not_revived_by_a_newer_list():
    """A designation staff marked as ended stays ended when a later list still has it;
    one that was only missing from a list becomes active again when it returns."""
    ok(village_xlsx([village("가마을"), village("나마을")]), VILLAGE_NAME)
    ended = Designation.objects.get(organization__name="가마을")
    ended.status = Designation.Status.ENDED
    ended.save()
    missing = Designation.objects.get(organization__name="나마을")
    missing.status = Designation.Status.NOT_IN_LATEST
    missing.save()

    report = ok(village_xlsx([village("가마을"), village("나마을")]), VILLAGE_NAME_2026)

    ended.refresh_from_db()
    missing.refresh_from_db()
    assert ended.status == Designation.Status.ENDED
    assert missing.status == Designation.Status.ACTIVE
    assert report.changed == 1


def test_future_reference_date_is_refused():
    """Regression: a 2099 reference date marked every organisation of the dataset as
    missing and then blocked every real snapshot until 2099."""
    before = registry_counts()
    report = run(village_xlsx([village("가마을")]), "village_2099-12-31.xlsx")
    assert not report.ok
    assert report.errors[0].value == "2099-12-31"
    assert "기준일이 오늘" in report.errors[0].reason
    assert registry_counts()["Designation"] == before["Designation"]
    ok(village_xlsx([village("가마을")]), VILLAGE_NAME)  # the real date still imports


def test_malformed_sheet_xml_is_a_clear_error_not_a_crash():
    """Regression: an XLSX whose sheet XML declares an undefined entity raised
    xml.etree ParseError (500 on the staff page)."""
    import io
    import zipfile

    good = village_xlsx([village("가마을")])
    src = zipfile.ZipFile(io.BytesIO(good))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.endswith("sheet1.xml"):
                data = data.replace(b"<sheetData>", b"<sheetData>&undefined;", 1)
            dst.writestr(item, data)
    report = run(out.getvalue(), VILLAGE_NAME)
    assert not report.ok
    assert "XLSX" in report.errors[0].reason


# --- sheets that declare or use a huge size -------------------------------------------------


def rewrite_sheet(data: bytes, transform) -> bytes:
    """`data` (an XLSX) with its first sheet's XML passed through `transform`."""
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            part = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                part = transform(part)
            dst.writestr(item, part)
    return out.getvalue()


@contextlib.contextmanager
def openpyxl_sheet(data: bytes):
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    try:
        yield wb.worksheets[0]
    finally:
        wb.close()


def two_social_enterprises() -> bytes:
    return se_website_xlsx(
        [social_enterprise("가나다", "제2012-001호"), social_enterprise("라마바", "제2012-002호")]
    )


def declare_dimension(ref: str):
    def transform(xml: bytes) -> bytes:
        out, count = re.subn(
            rb'<dimension ref="[^"]*"/>', f'<dimension ref="{ref}"/>'.encode(), xml
        )
        assert count == 1
        return out

    return transform


def append_row(row_xml: str):
    def transform(xml: bytes) -> bytes:
        assert b"</sheetData>" in xml
        return xml.replace(b"</sheetData>", row_xml.encode() + b"</sheetData>")

    return transform


def test_huge_declared_dimension_reads_only_the_real_cells():
    """Bug: an XLSX declaring <dimension ref="A1:XFD1048576"/> made openpyxl's read-only
    mode pad every row (and every missing row between two rows) to 16,384 cells: a few
    kilobytes with a row 1 and a row 1,048,576 meant 17 billion cells (memory
    exhausted). The declared size is now ignored and only the real cells are read; here
    300 empty rows below the table, which used to cost 300 × 16,384 cells."""
    import tracemalloc

    empty_rows = "".join(f'<row r="{n}"/>' for n in range(7, 307))
    data = rewrite_sheet(
        rewrite_sheet(two_social_enterprises(), declare_dimension("A1:XFD1048576")),
        append_row(empty_rows),
    )
    assert len(data) < 10_000
    tracemalloc.start()
    try:
        grid_read = reading._read_xlsx(data)
        _layout, parsed, report = read_and_validate(data, SE_NAME)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 5_000_000
    assert len(grid_read) == 306
    assert max(len(row) for row in grid_read) == len(SE_WEBSITE_HEADERS)
    assert (report.errors, len(parsed)) == ([], 2)

    report = ok(data, SE_NAME)
    assert (report.rows, report.created) == (2, 2)
    assert sorted(Organization.objects.values_list("name", flat=True)) == ["가나다", "라마바"]


def test_declared_dimension_smaller_than_the_sheet_does_not_cut_it():
    """The other way round: openpyxl trusted "A1:B2" and read 2 columns of 2 rows."""
    data = rewrite_sheet(two_social_enterprises(), declare_dimension("A1:B2"))
    report = ok(data, SE_NAME)
    assert (report.rows, report.created) == (2, 2)


def test_cell_in_the_last_column_is_not_read():
    """A stray value in column XFD (16,384) made openpyxl build 16,384-cell rows; cells
    right of column 200 are not read, so the real table imports."""

    def far_cell(xml: bytes) -> bytes:
        assert xml.count(b'</row><row r="5">') == 1  # after the header row
        return xml.replace(
            b'</row><row r="5">',
            b'<c r="XFD4" t="inlineStr"><is><t>far away</t></is></c></row><row r="5">',
        )

    data = rewrite_sheet(two_social_enterprises(), far_cell)
    with openpyxl_sheet(data) as sheet:  # the cell is there for a reader that looks
        assert sheet.cell(row=4, column=16384).value == "far away"
    grid_read = reading._read_xlsx(data)
    assert max(len(row) for row in grid_read) <= reading.XLSX_MAX_COLUMNS
    assert "far away" not in {cell for row in grid_read for cell in row}
    report = ok(data, SE_NAME)
    assert (report.rows, report.created) == (2, 2)


def test_content_on_the_last_excel_row_is_refused(seeded):
    """A sheet with content below row 100,000 (here on row 1,048,576) is refused with a
    clear message as soon as that row is reached; nothing is imported."""
    data = rewrite_sheet(
        two_social_enterprises(),
        append_row('<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>끝</t></is></c></row>'),
    )
    report = assert_refused(data, SE_NAME, seeded)
    assert issues(report.errors) == [
        (
            0,
            "",
            "",
            "행이 너무 많습니다: 100,000행보다 아래(1,048,576행)에도 내용이 있습니다. "
            "한 파일에서 100,000행까지 가져올 수 있습니다.",
        )
    ]


def test_empty_formatted_row_far_below_is_ignored():
    """An empty (formatting only) row far below the table is no reason to refuse it."""
    data = rewrite_sheet(
        two_social_enterprises(),
        append_row('<row r="1048576"><c r="XFD1048576" s="0"/></row>'),
    )
    report = ok(data, SE_NAME)
    assert (report.rows, report.created) == (2, 2)


def test_row_numbered_beyond_excel_is_refused(seeded):
    """<row r="999999999"> would make openpyxl yield a billion empty rows first."""
    data = rewrite_sheet(two_social_enterprises(), append_row('<row r="999999999"/>'))
    report = assert_refused(data, SE_NAME, seeded)
    assert issues(report.errors) == [
        (0, "", "", "시트의 행 번호가 엑셀의 마지막 행(1,048,576)을 넘습니다. 손상된 파일입니다.")
    ]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_more_rows_than_the_limit_are_refused(seeded, monkeypatch, fmt):
    """The row limit (100,000), lowered here: a file of exactly the limit imports, one
    more row with content is refused, empty rows beyond the limit are ignored."""
    rows = [village(f"마을{i}") for i in range(1, 9)]  # header on row 5 → rows 6..13
    make = village_xlsx if fmt == "xlsx" else (lambda r: csv_bytes(grid(VILLAGE_HEADERS, r)))
    name = VILLAGE_NAME if fmt == "xlsx" else VILLAGE_NAME.replace(".xlsx", ".csv")
    monkeypatch.setattr(reading, "MAX_ROWS", 13 if fmt == "xlsx" else 9)
    report = assert_refused(make([*rows, village("하나 더")]), name, seeded)
    limit = reading.MAX_ROWS
    assert issues(report.errors) == [
        (
            0,
            "",
            "",
            f"행이 너무 많습니다: {limit}행보다 아래({limit + 1}행)에도 내용이 있습니다. "
            f"한 파일에서 {limit}행까지 가져올 수 있습니다.",
        )
    ]
    data = make(rows)
    if fmt == "csv":
        data += b"\r\n" * 50
    else:
        data = rewrite_sheet(
            data, append_row(f'<row r="{limit + 30}"><c r="B{limit + 30}" s="0"/></row>')
        )
    report = ok(data, name)
    assert report.rows == 8


# --- XLSX archives that unzip to too much (zip bombs) ---------------------------------------

SHARED_STRINGS = "xl/sharedStrings.xml"
SHARED_STRINGS_TYPE = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
)
THEME = "xl/theme/theme1.xml"


def with_part(
    data: bytes,
    name: str,
    *,
    head: bytes,
    fill: bytes,
    size: int,
    tail: bytes = b"",
    compress_type: int = 8,
) -> bytes:
    """`data` (an XLSX) with part `name` (replaced or added) holding `head`, `size`
    repeats of the byte `fill`, then `tail`. Written in 1 MB pieces: 300 MB cost 1 MB
    of memory and under a second (compression level 1, about 230:1). `compress_type` is
    the part's ZIP method (8: deflate). A new shared-strings part is listed in
    [Content_Types].xml, so openpyxl reads it."""
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
        for item in src.infolist():
            if item.filename == name:
                continue
            content = src.read(item.filename)
            if item.filename == "[Content_Types].xml" and name == SHARED_STRINGS:
                override = (
                    f'<Override PartName="/{SHARED_STRINGS}" ContentType="{SHARED_STRINGS_TYPE}"/>'
                )
                content = content.replace(b"</Types>", override.encode() + b"</Types>")
            dst.writestr(item, content)
        info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
        info.compress_type = compress_type
        with dst.open(info, "w", force_zip64=True) as part:
            part.write(head)
            piece = fill * 2**20
            for _ in range(size // 2**20):
                part.write(piece)
            part.write(fill * (size % 2**20) + tail)
    return out.getvalue()


def with_shared_strings(data: bytes, text_bytes: int, *, compress_type: int = 8) -> bytes:
    """`data` (an XLSX) with an xl/sharedStrings.xml holding one string of `text_bytes`
    letters "a" (openpyxl keeps every shared string in memory)."""
    return with_part(
        data,
        SHARED_STRINGS,
        head=b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns='
        b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>',
        fill=b"a",
        size=text_bytes,
        tail=b"</t></si></sst>",
        compress_type=compress_type,
    )


def patch_central_entry(data: bytes, name: str, patch) -> bytes:
    """`data` (a ZIP) with `patch(buffer, offset)` applied to the central directory
    entry of part `name` (the header zipfile believes)."""
    import struct

    out = bytearray(data)
    end = out.rfind(b"PK\x05\x06")
    count, _size, offset = struct.unpack_from("<HII", out, end + 10)
    for _ in range(count):
        assert out[offset : offset + 4] == b"PK\x01\x02"
        name_length, extra_length, comment_length = struct.unpack_from("<HHH", out, offset + 28)
        if out[offset + 46 : offset + 46 + name_length] == name.encode():
            patch(out, offset)
            return bytes(out)
        offset += 46 + name_length + extra_length + comment_length
    raise AssertionError(name)


def declare_part_size(data: bytes, name: str, size: int) -> bytes:
    """`data` whose central directory declares `size` bytes (and the CRC-32 of the
    part's first `size` bytes) for part `name`: a forged header zipfile believes."""
    import struct
    import zipfile
    import zlib

    first = zipfile.ZipFile(io.BytesIO(data)).open(name).read(size)

    def patch(out: bytearray, offset: int) -> None:
        struct.pack_into("<I", out, offset + 16, zlib.crc32(first))
        struct.pack_into("<I", out, offset + 24, size)

    return patch_central_entry(data, name, patch)


def mark_encrypted(data: bytes, name: str) -> bytes:
    def patch(out: bytearray, offset: int) -> None:
        out[offset + 8] |= 0x1  # general purpose flag bit 0: encrypted

    return patch_central_entry(data, name, patch)


def refused_with(data: bytes, seeded, message: str) -> None:
    report = assert_refused(data, SE_NAME, seeded)
    assert issues(report.errors) == [(0, "", "", message)]


def test_xlsx_that_unzips_to_more_than_200_mb_is_refused(seeded):
    """Bug: a 1.4 MB XLSX whose shared strings unzip to 300 MB made openpyxl hold them
    all in memory (and a few gigabytes need not be much bigger). The sizes the archive
    declares are added up first; nothing is unzipped, nothing imported."""
    import tracemalloc

    data = with_shared_strings(two_social_enterprises(), 300 * 2**20)
    assert len(data) < 2 * 2**20
    tracemalloc.start()
    try:
        _layout, _parsed, report = read_and_validate(data, SE_NAME)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 10_000_000
    message = (
        "XLSX 파일의 압축을 풀면 301 MB가 됩니다. "
        "압축을 푼 크기가 200 MB까지인 파일만 가져올 수 있습니다."
    )
    assert issues(report.errors) == [(0, "", "", message)]
    refused_with(data, seeded, message)


def test_unzipped_size_limit_counts_every_part(seeded, monkeypatch):
    """The limit (200 MB), lowered here: half a megabyte refuses 0.8 MB of shared
    strings; at exactly the file's unzipped size the file imports, a byte less and it
    is refused."""
    import zipfile

    data = with_shared_strings(two_social_enterprises(), 800 * 1024)
    monkeypatch.setattr(reading, "XLSX_MAX_UNZIPPED_BYTES", 512 * 1024)
    refused_with(
        data,
        seeded,
        "XLSX 파일의 압축을 풀면 0.8 MB가 됩니다. "
        "압축을 푼 크기가 0.5 MB까지인 파일만 가져올 수 있습니다.",
    )
    total = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(data)).infolist())
    monkeypatch.setattr(reading, "XLSX_MAX_UNZIPPED_BYTES", total - 1)
    report = assert_refused(data, SE_NAME, seeded)
    assert report.errors[0].reason.startswith("XLSX 파일의 압축을 풀면 ")
    monkeypatch.setattr(reading, "XLSX_MAX_UNZIPPED_BYTES", total)
    report = ok(data, SE_NAME)
    assert (report.rows, report.created) == (2, 2)


def test_part_compressed_more_than_200_to_1_is_refused(seeded):
    """4 MB of one letter deflate to about 17 KB (230:1); real parts compress 5–15 to 1."""
    import zipfile

    data = with_shared_strings(two_social_enterprises(), 4 * 2**20)
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(SHARED_STRINGS)
    ratio = info.file_size // info.compress_size
    assert ratio > 200
    refused_with(
        data,
        seeded,
        f"XLSX 파일 안의 {SHARED_STRINGS} 부분이 비정상적으로 많이 압축되어 있습니다 "
        f"({ratio:,}배, 최대 200배). 엑셀에서 다시 저장한 파일을 올려 주세요.",
    )


def test_part_larger_than_its_header_says_is_refused(seeded):
    """Bug: a forged central directory said the theme part was its usual 10 KB (with the
    CRC of those bytes) while it held 300 MB more (spaces after the XML). zipfile
    returns the declared bytes and the CRC matches, so the file imported — but
    ZipFile.read, openpyxl's way to read the theme, styles and workbook parts, first
    inflated all 300 MB at once (about 2.5 times that in memory). Each part is now
    inflated in small pieces before openpyxl opens the file and refused as soon as it
    outgrows its header."""
    import tracemalloc
    import zipfile

    base = two_social_enterprises()
    theme = zipfile.ZipFile(io.BytesIO(base)).read(THEME)
    data = declare_part_size(
        with_part(base, THEME, head=theme, fill=b" ", size=300 * 2**20), THEME, len(theme)
    )
    assert len(data) < 2 * 2**20
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.getinfo(THEME).file_size == len(theme)
    with archive.open(THEME) as part:  # zipfile believes the header, CRC and all
        assert part.read(len(theme) + 4096) == theme
    tracemalloc.start()
    try:
        _layout, _parsed, report = read_and_validate(data, SE_NAME)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 10_000_000
    message = f"XLSX 파일 안의 {THEME} 부분이 적힌 크기보다 큽니다. 손상되었거나 조작된 파일입니다."
    assert issues(report.errors) == [(0, "", "", message)]
    refused_with(data, seeded, message)


@pytest.mark.parametrize(
    "change",
    [
        # bzip2 and LZMA: zipfile inflates whatever one read gives it, with no bound
        lambda data: with_shared_strings(data, 1000, compress_type=12),
        lambda data: with_shared_strings(data, 1000, compress_type=14),
        lambda data: mark_encrypted(with_shared_strings(data, 1000), SHARED_STRINGS),
    ],
    ids=["bzip2", "lzma", "encrypted"],
)
def test_part_not_stored_or_deflated_is_refused(seeded, change):
    """Excel writes parts stored or deflated. Bug: an encrypted part made zipfile raise
    RuntimeError out of openpyxl (a server error); bzip2 and LZMA parts are inflated by
    zipfile with no bound on what one read yields."""
    data = change(two_social_enterprises())
    refused_with(
        data,
        seeded,
        f"XLSX 파일을 열 수 없습니다: 안에 든 {SHARED_STRINGS} 부분이 암호화되었거나 "
        "엑셀이 쓰지 않는 방식으로 압축되어 있습니다.",
    )


def test_part_that_is_not_a_deflate_stream_cannot_be_opened(seeded):
    """Bug: zlib.error from a damaged part escaped openpyxl (a server error)."""
    import zipfile

    data = bytearray(with_shared_strings(two_social_enterprises(), 1000))
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo(SHARED_STRINGS)
    start = info.header_offset + 30 + len(SHARED_STRINGS.encode())
    start += int.from_bytes(data[info.header_offset + 28 : info.header_offset + 30], "little")
    data[start : start + 8] = b"\xff" * 8
    report = assert_refused(bytes(data), SE_NAME, seeded)
    assert report.errors[0].reason.startswith("XLSX 파일을 열 수 없습니다: ")
