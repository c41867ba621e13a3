"""The two official files shipped in data/official/ (2025-12-31 reference date).

Both files are imported once for this module (committed outside the per-test
transactions, and wiped when the module ends); every test then reads the result, and
the re-import test runs inside its own rolled-back transaction.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.db import connection, transaction
from django.db.models import Count
from django.http import QueryDict

from hanjari.core.models import AuditEntry
from hanjari.registry.importers.pipeline import clean
from hanjari.registry.models import (
    Designation,
    DesignationKind,
    ImportRun,
    MergeCandidate,
    Organization,
    SourceDataset,
    SourceRecord,
)
from hanjari.registry.selectors import DirectoryFilters, organization_directory
from hanjari.registry.services import registry_import
from tests.conftest import SELF_SUFFICIENCY_CSV, VILLAGE_XLSX

from .importdata import registry_counts

REFERENCE_DATE = dt.date(2025, 12, 31)


def _village_rows() -> list[tuple[int, tuple]]:
    """(file row, cells) of every data row of the village XLSX, read independently."""
    wb = openpyxl.load_workbook(VILLAGE_XLSX, read_only=True)
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    wb.close()
    header = next(i for i, r in enumerate(rows) if r[0] == "연번")
    return [(i + 1, r) for i, r in enumerate(rows) if i > header and any(r)]


def _self_sufficiency_rows() -> list[dict[str, str]]:
    text = SELF_SUFFICIENCY_CSV.read_bytes().decode("cp949")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _wipe() -> None:
    """Empty the tables the imports wrote to (plain SQL: no per-row signals, so no
    deletion history for 2,700 organisations), in foreign-key order. The search
    documents the imports' commits indexed go too."""
    from hanjari.search.models import SearchDocument

    models = (
        SearchDocument,
        MergeCandidate,
        Designation,
        SourceRecord,
        ImportRun,
        SourceDataset,
        Organization,
        Organization.history.model,
        Designation.history.model,
        AuditEntry,
    )
    with transaction.atomic(), connection.cursor() as cursor:
        for model in models:
            table = connection.ops.quote_name(model._meta.db_table)  # our own model names
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608


@pytest.fixture(scope="module")
def reports(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        assert Organization.objects.count() == 0, "the test database should start empty"
        try:
            village = registry_import(data=VILLAGE_XLSX.read_bytes(), file_name=VILLAGE_XLSX.name)
            self_sufficiency = registry_import(
                data=SELF_SUFFICIENCY_CSV.read_bytes(), file_name=SELF_SUFFICIENCY_CSV.name
            )
            yield village, self_sufficiency
        finally:
            _wipe()
            assert registry_counts() == dict.fromkeys(registry_counts(), 0)


@pytest.fixture
def village_report(reports, db):
    return reports[0]


@pytest.fixture
def self_sufficiency_report(reports, db):
    return reports[1]


def org(name: str, **region: str) -> Organization:
    return Organization.objects.prefetch_related("designations").get(name=name, **region)


def test_village_file(village_report):
    report = village_report
    assert report.ok, report.errors
    file_rows = _village_rows()
    assert len(file_rows) == 1727
    assert (report.dataset, report.dataset_id) == ("village", "15080745")
    assert report.header_row == 5
    assert report.reference_date == REFERENCE_DATE
    assert (report.rows, report.created, report.organizations_created) == (1727, 1727, 1727)
    assert (report.changed, report.unchanged, report.missing) == (0, 0, 0)
    # One warning: row 364 says 대전 but its address is in 서울.
    assert [(w.row, w.column, w.reason) for w in report.warnings] == [
        (364, "소재지", "주소의 시도(서울특별시)가 시도 열(대전광역시)과 다릅니다.")
    ]
    designations = Designation.objects.filter(dataset__dataset_id="15080745")
    assert designations.count() == len(file_rows)
    assert set(designations.values_list("kind", flat=True)) == {DesignationKind.VILLAGE_ENTERPRISE}
    assert designations.filter(source_record__isnull=True).count() == 0
    assert designations.filter(status="active", last_seen_on=REFERENCE_DATE).count() == 1727
    # Each designation has its own source row, one per data row of the file.
    record_rows = sorted(designations.values_list("source_record__row_number", flat=True))
    assert record_rows == [row for row, _cells in file_rows]
    # And the row's 마을기업명 (line breaks as ", ") is its organisation's name.
    names = {row: clean(cells[4]) for row, cells in file_rows}
    for row_number, name, aliases in designations.values_list(
        "source_record__row_number", "organization__name", "organization__aliases"
    ):
        assert names[row_number] in (name, *aliases)


def test_self_sufficiency_file(self_sufficiency_report):
    report = self_sufficiency_report
    assert report.ok, report.errors
    file_rows = _self_sufficiency_rows()
    assert len(file_rows) == 977
    assert (report.dataset, report.dataset_id) == ("self_sufficiency", "15091502")
    assert (report.header_row, report.encoding) == (1, "cp949")
    assert report.reference_date == REFERENCE_DATE
    assert (report.rows, report.created) == (977, 977)
    # Four rows join village enterprises (실오라기 by its address); one near-duplicate
    # pair is queued.
    assert (report.organizations_created, report.linked, report.queued) == (973, 4, 1)
    assert [w.row for w in report.warnings] == [461, 579, 598]
    designations = Designation.objects.filter(dataset__dataset_id="15091502")
    assert designations.count() == len(file_rows)
    assert designations.filter(source_record__isnull=True).count() == 0
    tiers = {"지역": 0, "광역": 0, "전국": 0}
    for row in file_rows:
        tiers[row["자활기업구분"]] += 1
    counts = dict(designations.values_list("kind").annotate(n=Count("id")).order_by())
    assert counts == {
        DesignationKind.SELF_SUFFICIENCY_LOCAL: tiers["지역"],
        DesignationKind.SELF_SUFFICIENCY_REGIONAL: tiers["광역"],
        DesignationKind.SELF_SUFFICIENCY_NATIONAL: tiers["전국"],
    }
    assert tiers == {"지역": 924, "광역": 49, "전국": 4}
    record_rows = sorted(designations.values_list("source_record__row_number", flat=True))
    assert record_rows == list(range(2, 979))


def test_every_row_has_a_record(reports, db):
    assert SourceRecord.objects.count() == 1727 + 977
    assert SourceRecord.objects.filter(organization__isnull=True).count() == 0
    assert Organization.objects.count() == 1727 + 973
    assert ImportRun.objects.filter(status="succeeded").count() == 2


def test_jeonju(reports, db):
    def names(kind: str) -> list[str]:
        filters = DirectoryFilters(kind=kind, sido="전북특별자치도", sigungu="전주시")
        # Sorted here: the database's collation decides the directory's own order.
        return sorted(o.name for o in organization_directory(filters=filters))

    assert names("village") == [
        "곡천향토체험마을영농조합법인",
        "사단법인 꼭두",
        "아이워크코리아협동조합",
        "유한회사채움",
        "전주한옥마을협동조합",
        "학전영농조합법인",
        "행복나눔보물상자협동조합",
    ]
    ss = names("self_sufficiency")
    assert len(ss) == 16
    assert ss == sorted(
        [
            "(유)이크린월드",
            "농부맘",
            "두바이크",
            "사람과환경",
            "사랑나누리",
            "온두레밥상협동조합",
            "주) 케이앤에스건설",
            "카페120협동조합",
            "(유한회사)미소택배",
            "(주)필건축인테리어",
            "미소간병인회",
            "섬김장례서비스",
            "예다간병인회",
            "유한회사 제나",
            "전주세탁나라",
            "한국주거복지사회적협동조합",
        ]
    )
    # 광역 rows (시군구 column "전북") are province-level, not in 전주시.
    assert "(유)미진" not in ss
    # The same query string the directory page would get.
    filters = DirectoryFilters.from_query(QueryDict("kind=village&sido=전북&sigungu=전주시"))
    assert organization_directory(filters=filters).count() == 7


def test_village_record_gokcheon(reports, db):
    o = org("곡천향토체험마을영농조합법인")
    assert (o.sido, o.sigungu) == ("전북특별자치도", "전주시")
    assert o.address == "전주시 덕진구 오신2길 24-17"
    assert o.legal_form == "farming_association"
    assert o.name_normalized == "곡천향토체험마을"
    assert (o.industry, o.products) == ("서비스업", "농촌 체험")
    assert (o.brn, o.description) == ("", "")
    [d] = o.designations.all()
    assert d.kind == DesignationKind.VILLAGE_ENTERPRISE
    assert (d.subtype, d.issuer, d.number, d.start_date) == ("관광체험", "행정안전부", "", None)
    assert d.source_key == "전북특별자치도|전주시|곡천향토체험마을"
    record = d.source_record
    assert record.row_number == 1087
    assert record.raw["연번"] == "1082"
    assert record.raw["시도"] == "전북"
    assert record.raw["주 업종"] == "서비스업"
    assert record.file_name == VILLAGE_XLSX.name
    assert record.reference_date == REFERENCE_DATE


def test_village_records_elsewhere(reports, db):
    o = org("바른먹거리학교")
    assert (o.sido, o.sigungu, o.address) == (
        "서울특별시",
        "강남구",
        "서울시 강남구 일원로5길 68, 104호",
    )
    assert (o.industry, o.products) == ("서비스업", "발효음식 체험교육 및 판매")
    assert o.designations.get().subtype == "전통식품"
    assert o.designations.get().source_record.row_number == 6
    # The row without 주 업종 / 주 생산품.
    o = org("마당쇠마을협동조합")
    assert (o.sido, o.sigungu, o.industry, o.products) == ("울산광역시", "북구", "", "")
    # A line break inside a cell.
    o = org("(주)편안한집")
    assert o.products == "건설자재 및 일반건축"
    record = o.designations.get(kind=DesignationKind.VILLAGE_ENTERPRISE).source_record
    assert record.raw["주 생산품 또는 서비스명"] == "건설자재 및\n일반건축"


def test_self_sufficiency_record_ecleanworld(reports, db):
    o = org("(유)이크린월드")
    assert (o.sido, o.sigungu) == ("전북특별자치도", "전주시")
    assert o.address == "전라북도 전주시 완산구 상거마4길 21-7 유)이크린월드"
    assert o.industry == "청소(학교)"
    assert o.legal_form == "limited_company"
    [d] = o.designations.all()
    assert d.kind == DesignationKind.SELF_SUFFICIENCY_LOCAL
    assert d.issuer == "전북특별자치도 전주시"
    assert d.subtype == ""
    assert d.source_record.row_number == 851
    assert d.source_record.raw["순번"] == "850"
    assert d.source_record.raw["자활기업구분"] == "지역"


def test_self_sufficiency_records_elsewhere(reports, db):
    o = org("(유)미진")
    assert (o.sido, o.sigungu) == ("전북특별자치도", "")
    d = o.designations.get()
    assert (d.kind, d.issuer) == (DesignationKind.SELF_SUFFICIENCY_REGIONAL, "전북특별자치도")
    o = org("한국주거복지사회적협동조합")
    d = o.designations.get()
    assert (d.kind, d.issuer) == (DesignationKind.SELF_SUFFICIENCY_NATIONAL, "보건복지부")
    assert (o.sido, o.sigungu) == ("전북특별자치도", "전주시")
    # The `?` the source wrote for a character cp949 cannot hold is kept as read.
    assert org("오늘드림 자활기업").industry == "배송?운전(일반택배)"


def test_organisations_in_both_lists_are_linked(reports, db):
    both = Organization.objects.annotate(
        lists=Count("designations__dataset", distinct=True)
    ).filter(lists=2)
    assert sorted((o.name, o.sido, o.sigungu) for o in both) == [
        ("(주)편안한집", "경상남도", "하동군"),
        ("㈜그린택배", "경기도", "구리시"),
        ("실오라기협동조합", "전북특별자치도", "익산시"),
        ("협동조합 행복한밥상", "서울특별시", "구로구"),
    ]
    for o in both:
        assert sorted(o.designations.values_list("kind", flat=True)) == [
            DesignationKind.SELF_SUFFICIENCY_LOCAL,
            DesignationKind.VILLAGE_ENTERPRISE,
        ]
        assert o.source_records.count() == 2
    hadong = org("(주)편안한집", sigungu="하동군")
    # The village list's address (no 시도) is kept; the other list's is in its record.
    assert hadong.address == "고전면 재첩길 5-6"
    assert hadong.industry == "건설업"
    assert org("㈜그린택배").aliases == ["(주)그린택배"]
    # The same address written "전북 … 5-1" and "전라북도 … 5-1 실오라기", the name with
    # and without 협동조합: one organisation.
    assert org("실오라기협동조합").aliases == ["실오라기"]
    # Same names elsewhere (대전 대덕구, 전남 해남군) are other organisations.
    others = Organization.objects.filter(name_normalized="행복한밥상")
    assert sorted(others.values_list("sigungu", flat=True)) == ["대덕구", "해남군"]
    assert all(o.designations.count() == 1 for o in others)


def test_look_alike_pairs_are_queued(reports, db):
    candidates = MergeCandidate.objects.order_by("pk")
    assert [(c.left_name, c.right_name, c.score, c.reason) for c in candidates] == [
        # In the village list: the same core name in 대구 동구 (협동조합 / 영농조합법인) …
        (
            "안심협동조합",
            "안심영농조합법인",
            100.0,
            "같은 시군구에 법인 형태만 다르고 이름이 같은 조직이 있습니다.",
        ),
        # … and two names at one address in 서귀포시.
        ("㈜난드르", "난드르마을협동조합", 75.0, "같은 주소에 이름이 비슷한 조직이 있습니다."),
        # Across the lists, in 울주군.
        (
            "지에스(GS)25 울산온산강변점",
            "지에스(GS)25온산강변점",
            pytest.approx(92.3, abs=0.1),
            "같은 시군구에 이름이 매우 비슷한 조직이 있습니다.",
        ),
    ]
    assert {c.status for c in candidates} == {MergeCandidate.Status.PENDING}
    assert candidates[2].left.sigungu == candidates[2].right.sigungu == "울주군"


def test_reimport_changes_nothing(reports, db):
    before = registry_counts()
    for path in (VILLAGE_XLSX, SELF_SUFFICIENCY_CSV):
        report = registry_import(data=path.read_bytes(), file_name=path.name)
        assert report.ok, report.errors
        assert (report.created, report.changed, report.missing) == (0, 0, 0)
        assert (report.organizations_created, report.linked, report.queued) == (0, 0, 0)
        assert report.unchanged == report.rows
    assert registry_counts() == before
