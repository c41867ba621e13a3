"""The four official layouts: recognition by headers, header offsets and spellings,
CSV encodings, Excel floats, and how each column lands in the registry."""

from __future__ import annotations

import datetime as dt

import pytest

from hanjari.registry.importers.layouts import LAYOUTS, best_layout
from hanjari.registry.importers.pipeline import (
    clean,
    parse_date,
    read_and_validate,
    reference_date_from,
)
from hanjari.registry.importers.reading import cell_text, header_key, normalize_header
from hanjari.registry.models import Designation, DesignationKind, Organization, SourceRecord
from hanjari.registry.services import registry_import

from .importdata import (
    BRN_A,
    BRN_B,
    COOP_HEADERS,
    COOP_NAME,
    SE_NAME,
    SE_OLD_HEADERS,
    SE_OLD_NAME,
    SE_WEBSITE_HEADERS,
    SELF_SUFFICIENCY_HEADERS,
    SELF_SUFFICIENCY_NAME,
    VILLAGE_HEADERS,
    VILLAGE_NAME,
    cooperative,
    cooperative_csv,
    csv_bytes,
    grid,
    se_old_csv,
    se_website_xlsx,
    self_sufficiency,
    self_sufficiency_csv,
    social_enterprise,
    village,
    village_xlsx,
    xlsx_bytes,
)


def only_designation(report) -> Designation:
    assert report.ok, report.errors
    assert report.created == 1
    return Designation.objects.select_related("organization", "dataset", "source_record").get()


# --- recognition of the four layouts with --dataset auto ----------------------------


@pytest.mark.django_db
def test_village_xlsx_recognised_and_mapped():
    data = village_xlsx(
        [
            village(
                "바른먹거리학교",
                sido="서울",
                sigungu="강남구",
                address="서울시 강남구 일원로5길 68, 104호",
                subtype="전통식품",
                industry="서비스업",
                products="발효음식 체험교육 및 판매",
                description="발효 체험",
                brn=BRN_A,
            )
        ],
        title_lines=["전국 마을기업 현황", "(2025. 12. 31. 기준)", "", ""],
    )
    report = registry_import(data=data, file_name="마을기업 현황.xlsx")

    assert (report.dataset, report.dataset_id) == ("village", "15080745")
    assert report.header_row == 5
    assert report.reference_date == dt.date(2025, 12, 31)
    assert report.warnings == []
    d = only_designation(report)
    assert d.kind == DesignationKind.VILLAGE_ENTERPRISE
    assert d.subtype == "전통식품"
    assert d.number == ""
    assert d.issuer == "행정안전부"
    assert d.start_date is None
    assert d.status == Designation.Status.ACTIVE
    assert d.last_seen_on == dt.date(2025, 12, 31)
    assert d.dataset.dataset_id == "15080745"
    assert d.dataset.publisher == "행정안전부"
    org = d.organization
    assert org.name == "바른먹거리학교"
    assert org.sido == "서울특별시"
    assert org.sigungu == "강남구"
    assert org.address == "서울시 강남구 일원로5길 68, 104호"
    assert org.industry == "서비스업"
    assert org.products == "발효음식 체험교육 및 판매"
    assert org.description == "발효 체험"
    assert org.brn == "1248100998"
    assert org.brn_verified is True
    record = d.source_record
    assert record.row_number == 6
    assert record.raw["마을기업명"] == "바른먹거리학교"
    assert record.raw["사업자등록번호 (-포함 작성)"] == BRN_A
    assert record.organization_id == org.pk


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("tier", "kind", "issuer"),
    [
        ("지역", DesignationKind.SELF_SUFFICIENCY_LOCAL, "전북특별자치도 전주시"),
        ("광역", DesignationKind.SELF_SUFFICIENCY_REGIONAL, "전북특별자치도"),
        ("전국", DesignationKind.SELF_SUFFICIENCY_NATIONAL, "보건복지부"),
    ],
)
def test_self_sufficiency_csv_recognised_and_mapped(tier, kind, issuer):
    data = self_sufficiency_csv(
        [
            self_sufficiency(
                "(유)이크린월드",
                sido="전북특별자치도",
                sigungu="전주시",
                tier=tier,
                industry="청소(학교)",
                address="전라북도 전주시 완산구 상거마4길 21-7",
            )
        ]
    )
    report = registry_import(data=data, file_name=SELF_SUFFICIENCY_NAME)

    assert (report.dataset, report.dataset_id) == ("self_sufficiency", "15091502")
    assert report.header_row == 1
    assert report.encoding == "cp949"
    # 전라북도 in the address is the former name of the 시도 column's 전북특별자치도.
    assert report.warnings == []
    d = only_designation(report)
    assert d.kind == kind
    assert d.issuer == issuer
    assert d.subtype == ""
    assert d.number == ""
    org = d.organization
    assert org.name == "(유)이크린월드"
    assert org.legal_form == "limited_company"
    assert (org.sido, org.sigungu) == ("전북특별자치도", "전주시")
    assert org.address == "전라북도 전주시 완산구 상거마4길 21-7"
    assert org.industry == "청소(학교)"
    assert org.products == ""
    assert org.brn == ""


@pytest.mark.django_db
def test_social_enterprise_website_xlsx_header_on_row_4():
    data = se_website_xlsx(
        [
            social_enterprise(
                "(주)전주문화나눔",
                "제2012-045호",
                sido="전북",
                description="공연 기획",
                subtype="일자리제공형",
                industry="문화·예술",
                # Excel stores a number typed into the cell as a float.
                brn=1248100998.0,
                representative="홍길동",
                address="전북특별자치도 전주시 완산구 전라감영5길 20",
                website="www.jjculture.example",
                start_date=dt.datetime(2012, 5, 31),
                round="12차",
            )
        ],
        title_lines=["사회적기업 인증 현황", "(2026. 6. 12. 기준)", ""],
    )
    report = registry_import(data=data, file_name="홈페이지용 사회적기업 리스트.xlsx")

    assert (report.dataset, report.dataset_id) == ("social_enterprise", "15090110")
    assert report.header_row == 4
    # From the title line "(2026. 6. 12. 기준)".
    assert report.reference_date == dt.date(2026, 6, 12)
    d = only_designation(report)
    assert d.kind == DesignationKind.SOCIAL_ENTERPRISE
    assert d.subtype == "일자리제공형"
    assert d.number == "제2012-045호"
    assert d.issuer == "고용노동부"
    assert d.start_date == dt.date(2012, 5, 31)
    assert d.source_key == "no:제2012-045호"
    org = d.organization
    assert org.name == "(주)전주문화나눔"
    assert org.sido == "전북특별자치도"
    # The SE list has no 시군구 column: it comes from the address.
    assert org.sigungu == "전주시"
    assert org.address == "전북특별자치도 전주시 완산구 전라감영5길 20"
    assert org.industry == "문화·예술"
    assert org.description == "공연 기획"
    assert org.website == "http://www.jjculture.example"
    assert org.representative == "홍길동"
    assert org.brn == "1248100998"
    assert org.brn_verified is True
    assert d.source_record.raw["사업자등록번호"] == "1248100998"
    assert d.source_record.raw["인증일자"] == "2012-05-31"


@pytest.mark.django_db
def test_social_enterprise_older_csv_layout():
    data = se_old_csv(
        [
            social_enterprise(
                "사회적협동조합 온누리",
                "제2010-012호",
                sido="서울",
                industry="사회복지",
                subtype="사회서비스제공형",
                phone="02-123-4567",
                address="서울특별시 마포구 월드컵로 10",
                start_date=None,
            )
        ],
        encoding="utf-8",
    )
    # The older layout has no 인증일자 column (start_date=None drops the key).
    report = registry_import(data=data, file_name=SE_OLD_NAME)

    assert (report.dataset, report.dataset_id) == ("social_enterprise", "15090110")
    assert report.header_row == 1
    assert report.reference_date == dt.date(2025, 6, 30)
    d = only_designation(report)
    assert d.kind == DesignationKind.SOCIAL_ENTERPRISE
    assert d.number == "제2010-012호"
    assert d.subtype == "사회서비스제공형"
    assert d.start_date is None
    org = d.organization
    assert org.name == "사회적협동조합 온누리"
    assert (org.sido, org.sigungu) == ("서울특별시", "마포구")
    assert org.industry == "사회복지"
    assert org.phone == "02-123-4567"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("coop_type", "kind", "issuer"),
    [
        ("일반협동조합", DesignationKind.COOPERATIVE, "전북특별자치도"),
        ("사회적협동조합", DesignationKind.SOCIAL_COOPERATIVE, "기획예산처"),
        ("협동조합연합회", DesignationKind.COOPERATIVE_FEDERATION, "전북특별자치도"),
        ("사회적협동조합연합회", DesignationKind.SOCIAL_COOPERATIVE_FEDERATION, "기획예산처"),
        ("이종협동조합연합회", DesignationKind.MIXED_COOPERATIVE_FEDERATION, "기획예산처"),
    ],
)
def test_cooperative_csv_recognised_and_mapped(coop_type, kind, issuer):
    data = cooperative_csv(
        [
            cooperative(
                "전주한옥마을협동조합",
                coop_type=coop_type,
                address="전북특별자치도 전주시 완산구 효자로 225",
                address_lot="전북특별자치도 전주시 완산구 효자동1가 1",
                latitude=35.8242,
                longitude=127.1480,
                phone="063-281-2114",
                description="한옥 체험 숙박",
                start_date="20190304",
                brn=BRN_B,
                crn="130111-0006246",
            )
        ]
    )
    report = registry_import(data=data, file_name=COOP_NAME)

    assert (report.dataset, report.dataset_id) == ("cooperative", "15155661")
    assert report.reference_date == dt.date(2025, 11, 30)
    d = only_designation(report)
    assert d.kind == kind
    assert d.subtype == coop_type
    assert d.issuer == issuer
    assert d.start_date == dt.date(2019, 3, 4)
    org = d.organization
    assert org.name == "전주한옥마을협동조합"
    assert org.legal_form == "cooperative"
    # No 시도/시군구 columns: both come from the road address.
    assert (org.sido, org.sigungu) == ("전북특별자치도", "전주시")
    assert org.address == "전북특별자치도 전주시 완산구 효자로 225"
    assert org.description == "한옥 체험 숙박"
    assert org.phone == "063-281-2114"
    assert org.brn == "2208101126"
    assert org.brn_verified is True
    assert org.crn == "1301110006246"
    assert org.crn_verified is True


@pytest.mark.parametrize(
    ("headers", "key"),
    [
        (VILLAGE_HEADERS, "village"),
        (SELF_SUFFICIENCY_HEADERS, "self_sufficiency"),
        (SE_WEBSITE_HEADERS, "social_enterprise"),
        (SE_OLD_HEADERS, "social_enterprise"),
        (COOP_HEADERS, "cooperative"),
    ],
)
def test_best_layout_picks_the_layout_by_headers(headers, key):
    layout = best_layout(list(headers.values()))
    assert layout is not None
    assert layout.key == key
    assert layout.missing(list(headers.values())) == []


def test_best_layout_rejects_unrelated_headers():
    assert best_layout(["이름", "전화", "주소"]) is None
    # The village header is not a self-sufficiency header, even though it has 시도/시군구.
    assert best_layout(list(VILLAGE_HEADERS.values()), only="self_sufficiency") is None


def test_forced_dataset_that_does_not_fit_is_an_error():
    data = self_sufficiency_csv([self_sufficiency("가나다")])
    layout, rows, report = read_and_validate(data, SELF_SUFFICIENCY_NAME, dataset="village")
    assert layout is None
    assert rows == []
    [issue] = report.errors
    assert issue.row == 0
    assert "머리글 행을 찾지 못했습니다" in issue.reason
    # Only the forced layout is offered as the expected one.
    assert "전국 마을기업 현황(15080745)" in issue.reason
    assert "전국자활기업현황" not in issue.reason


def test_unknown_dataset_name_is_an_error():
    data = self_sufficiency_csv([self_sufficiency("가나다")])
    _layout, _rows, report = read_and_validate(data, SELF_SUFFICIENCY_NAME, dataset="banks")
    [issue] = report.errors
    assert (issue.row, issue.value, issue.reason) == (0, "banks", "알 수 없는 데이터 종류입니다.")


def test_forced_dataset_that_fits_is_used():
    data = self_sufficiency_csv([self_sufficiency("가나다")])
    layout, rows, report = read_and_validate(
        data, SELF_SUFFICIENCY_NAME, dataset="self_sufficiency"
    )
    assert report.ok
    assert layout is LAYOUTS["self_sufficiency"]
    assert [r.org["name"] for r in rows] == ["가나다"]


# --- header offsets and header spellings ---------------------------------------------


@pytest.mark.parametrize("header_row", [1, 4, 5, 20])
def test_header_found_on_row(header_row):
    titles = ["전국 마을기업 현황", *[""] * (header_row - 2)] if header_row > 1 else []
    data = village_xlsx([village("바른먹거리학교"), village("국악나루")], title_lines=titles)
    _layout, rows, report = read_and_validate(data, VILLAGE_NAME)
    assert report.ok, report.errors
    assert report.header_row == header_row
    assert [(r.row, r.org["name"]) for r in rows] == [
        (header_row + 1, "바른먹거리학교"),
        (header_row + 2, "국악나루"),
    ]


def test_header_after_row_20_is_not_found():
    data = village_xlsx([village("바른먹거리학교")], title_lines=["전국 마을기업 현황"] + [""] * 19)
    layout, rows, report = read_and_validate(data, VILLAGE_NAME)
    assert layout is None
    assert rows == []
    [issue] = report.errors
    assert issue.row == 0
    assert "처음 20행 안에서" in issue.reason


def test_header_on_row_20_in_csv_too():
    titles = ["전국자활기업현황", *["(2025.12.31. 기준)"] * 18]
    data = self_sufficiency_csv([self_sufficiency("가나다")], title_lines=titles)
    _layout, rows, report = read_and_validate(data, "list.csv")
    assert report.header_row == 20
    # The title lines carry the reference date, the file name does not.
    assert report.reference_date == dt.date(2025, 12, 31)
    assert [r.row for r in rows] == [21]


@pytest.mark.parametrize(
    "spelling", ["주  업종", "주\n업종", " 주 업종 ", "주\u00a0업종", "주업종", "\ufeff주 업종"]
)
def test_header_whitespace_is_normalised(spelling):
    headers = {**VILLAGE_HEADERS, "industry": spelling}
    data = xlsx_bytes(grid(headers, [village("바른먹거리학교", industry="서비스업")]))
    _layout, rows, report = read_and_validate(data, VILLAGE_NAME)
    assert report.ok, report.errors
    assert rows[0].org["industry"] == "서비스업"


def test_multiline_header_in_csv():
    headers = {**SELF_SUFFICIENCY_HEADERS, "tier": "자활기업\r\n구분", "name": " 자활기업 "}
    data = csv_bytes(grid(headers, [self_sufficiency("가나다", tier="광역")]))
    _layout, rows, report = read_and_validate(data, SELF_SUFFICIENCY_NAME)
    assert report.ok, report.errors
    assert rows[0].org["name"] == "가나다"
    assert rows[0].designation["kind"] == DesignationKind.SELF_SUFFICIENCY_REGIONAL


def test_header_helpers():
    assert normalize_header(" 주 \n 생산품  또는\u00a0서비스명 ") == "주 생산품 또는 서비스명"
    assert header_key("사업자등록번호 (-포함 작성)") == "사업자등록번호(-포함작성)"


# --- CSV encodings ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "detected"),
    [("utf-8-sig", "utf-8-sig"), ("utf-8", "utf-8-sig"), ("cp949", "cp949")],
)
def test_csv_encodings(encoding, detected):
    rows = [
        self_sufficiency("주식회사 강릉희망유통", industry="배송ㆍ운전(양곡택배)"),
        self_sufficiency("씨유강릉유천올림피아점", industry="유통ㆍ판매(편의점)"),
    ]
    data = self_sufficiency_csv(rows, encoding=encoding)
    if encoding == "utf-8-sig":
        assert data.startswith(b"\xef\xbb\xbf")
    _layout, parsed, report = read_and_validate(data, SELF_SUFFICIENCY_NAME)
    assert report.ok, report.errors
    assert report.encoding == detected
    assert [(r.org["name"], r.org["industry"]) for r in parsed] == [
        ("주식회사 강릉희망유통", "배송ㆍ운전(양곡택배)"),
        ("씨유강릉유천올림피아점", "유통ㆍ판매(편의점)"),
    ]
    # The BOM does not stick to the first header ("순번").
    assert next(iter(parsed[0].raw)) == "순번"


def test_csv_with_lf_line_ends_and_quoted_line_breaks():
    rows = [self_sufficiency("가나다", address="서울특별시 강남구\n테헤란로 1")]
    data = self_sufficiency_csv(rows, lineterminator="\n")
    _layout, parsed, report = read_and_validate(data, SELF_SUFFICIENCY_NAME)
    assert report.ok, report.errors
    # A line break inside a cell becomes ", " in the field, the raw cell keeps it.
    assert parsed[0].org["address"] == "서울특별시 강남구, 테헤란로 1"
    assert parsed[0].raw["주소"] == "서울특별시 강남구\n테헤란로 1"
    assert (parsed[0].org["sido"], parsed[0].org["sigungu"]) == ("서울특별시", "강남구")


# --- business registration numbers ------------------------------------------------------


@pytest.mark.parametrize(
    "cell", [1248100998.0, 1248100998, "1248100998.0", "124-81-00998", "124 81 00998"]
)
def test_brn_spellings_in_xlsx(cell):
    data = village_xlsx([village("바른먹거리학교", brn=cell)])
    _layout, rows, report = read_and_validate(data, VILLAGE_NAME)
    assert report.ok, report.errors
    assert report.warnings == []
    assert (rows[0].brn, rows[0].brn_valid) == ("1248100998", True)
    assert rows[0].key == "brn:1248100998"


@pytest.mark.django_db
def test_float_brn_in_csv_is_stored_as_digits():
    # The older CSV layout has no BRN column: add one the way a spreadsheet export
    # writes a number column (with a trailing ".0").
    headers = {**SE_OLD_HEADERS, "brn": "사업자등록번호"}
    row = social_enterprise("가나다", "제2015-001호", brn="2208101126.0", start_date=None)
    data = csv_bytes(grid(headers, [row]))
    report = registry_import(data=data, file_name=SE_OLD_NAME)
    assert report.ok, report.errors
    org = Organization.objects.get()
    assert (org.brn, org.brn_verified) == ("2208101126", True)
    assert org.brn_display == BRN_B


# --- dates, cells, reference dates ----------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "2023-01-15",
        "2023.01.15",
        "2023. 1. 15.",
        "2023/1/15",
        "20230115",
        "2023년 1월 15일",
        "2023-01-15 00:00:00",
    ],
)
def test_parse_date_spellings(text):
    assert parse_date(text) == dt.date(2023, 1, 15)


@pytest.mark.parametrize("text", ["2023-13-45", "15/01/2023", "2023", "어제", "2023-02-30"])
def test_parse_date_rejects(text):
    with pytest.raises(ValueError):
        parse_date(text)


def test_parse_date_empty_is_none():
    assert parse_date("  ") is None


def test_se_date_spellings_are_read():
    rows = [
        social_enterprise("가", "제2012-001호", start_date="20120531"),
        social_enterprise("나", "제2012-002호", start_date="2012.05.31"),
        social_enterprise("다", "제2012-003호", start_date=dt.date(2012, 5, 31)),
        social_enterprise("라", "제2012-004호", start_date=""),
    ]
    _layout, parsed, report = read_and_validate(se_website_xlsx(rows), SE_NAME)
    assert report.ok, report.errors
    assert [r.designation["start_date"] for r in parsed] == [dt.date(2012, 5, 31)] * 3 + [None]


def test_cell_text():
    assert cell_text(None) == ""
    assert cell_text(1248100998.0) == "1248100998"
    assert cell_text(35.5) == "35.5"
    assert cell_text(dt.datetime(2012, 5, 31)) == "2012-05-31"
    assert cell_text(dt.datetime(2012, 5, 31, 9, 30)) == "2012-05-31 09:30:00"
    assert cell_text(dt.date(2012, 5, 31)) == "2012-05-31"
    assert cell_text(True) == "TRUE"
    assert cell_text(" 그대로 ") == " 그대로 "


def test_clean_cells():
    assert clean("건설자재 및\n일반건축") == "건설자재 및 일반건축"
    assert clean("  전통  식품 \r\n") == "전통 식품"
    assert clean("") == ""


@pytest.mark.parametrize(
    ("file_name", "titles", "expected"),
    [
        ("x.xlsx", ["전국 마을기업 현황", "(2025. 12. 31. 기준)"], dt.date(2025, 12, 31)),
        ("x.xlsx", ["2024년 6월 30일 기준"], dt.date(2024, 6, 30)),
        ("x.xlsx", ["(2024.06.30 기준)"], dt.date(2024, 6, 30)),
        ("village_enterprises_15080745_2025-12-31.xlsx", [], dt.date(2025, 12, 31)),
        ("홈페이지용 사회적기업 리스트(20260612).xlsx", [], dt.date(2026, 6, 12)),
        ("list_2025_12_31.csv", [], dt.date(2025, 12, 31)),
        # The title wins over the name.
        ("list_2025-12-31.xlsx", ["(2025. 6. 30. 기준)"], dt.date(2025, 6, 30)),
        ("list.csv", ["전국 마을기업 현황"], None),
        ("list_2025-13-45.csv", [], None),
        # An impossible date in a title line is skipped, not a crash.
        ("list_2025-12-31.csv", ["(2025. 13. 31. 기준)"], dt.date(2025, 12, 31)),
        ("list.csv", ["(2025. 02. 30. 기준)"], None),
        # MOEL names its file with a YYMMDD prefix: not read, --reference-date is needed.
        ("★260612_홈페이지용 사회적기업 리스트(3729개, 26년 제2차) (1).xlsx", [], None),
    ],
)
def test_reference_date_from(file_name, titles, expected):
    assert reference_date_from(file_name, titles) == expected


def test_reference_date_missing_is_an_error_unless_given():
    data = village_xlsx([village("바른먹거리학교")], title_lines=["전국 마을기업 현황"])
    _layout, _rows, report = read_and_validate(data, "마을기업.xlsx")
    [issue] = report.errors
    assert issue.row == 0
    assert "기준일을 알 수 없습니다" in issue.reason

    _layout, _rows, report = read_and_validate(
        data, "마을기업.xlsx", reference_date=dt.date(2025, 12, 31)
    )
    assert report.ok
    assert report.reference_date == dt.date(2025, 12, 31)


@pytest.mark.django_db
def test_given_reference_date_overrides_the_file():
    data = village_xlsx([village("바른먹거리학교")])
    report = registry_import(data=data, file_name=VILLAGE_NAME, reference_date=dt.date(2026, 1, 31))
    assert report.reference_date == dt.date(2026, 1, 31)
    assert Designation.objects.get().last_seen_on == dt.date(2026, 1, 31)
    assert SourceRecord.objects.get().reference_date == dt.date(2026, 1, 31)


def test_rows_with_fewer_cells_than_headers_are_padded():
    text = (
        "순번,시도,시군구,자활기업,자활기업구분,대표자명,업종,사업자구분,주소\r\n"
        "1,서울,강남구,가나다,지역\r\n"
    )
    _layout, rows, report = read_and_validate(text.encode("utf-8"), SELF_SUFFICIENCY_NAME)
    assert report.ok, report.errors
    assert rows[0].org["name"] == "가나다"
    assert rows[0].org["address"] == ""
    assert rows[0].raw["주소"] == ""


def test_empty_rows_are_skipped_and_row_numbers_kept():
    rows = grid(VILLAGE_HEADERS, [village("가"), village("나")])
    rows.insert(2, [""] * len(VILLAGE_HEADERS))
    _layout, parsed, report = read_and_validate(xlsx_bytes(rows), VILLAGE_NAME)
    assert report.ok
    assert report.rows == 2
    assert [(r.row, r.org["name"]) for r in parsed] == [(2, "가"), (4, "나")]


@pytest.mark.parametrize("sigungu", ["전주시", "덕진구", "전주시 덕진구", " 전주시\n"])
def test_sigungu_is_keyed_on_the_city(sigungu):
    data = village_xlsx([village("가나다", sido="전북", sigungu=sigungu, address="")])
    _layout, rows, report = read_and_validate(data, VILLAGE_NAME)
    assert report.ok
    assert (rows[0].org["sido"], rows[0].org["sigungu"]) == ("전북특별자치도", "전주시")


def test_repeated_header_rows_are_skipped():
    rows = grid(VILLAGE_HEADERS, [village("가"), village("나")])
    # The header again (with a stray space), as printed-page exports repeat it.
    rows.insert(2, ["연번 ", *list(VILLAGE_HEADERS.values())[1:]])
    _layout, parsed, report = read_and_validate(xlsx_bytes(rows), VILLAGE_NAME)
    assert report.ok, report.errors
    assert report.warnings == []
    assert [(r.row, r.org["name"]) for r in parsed] == [(2, "가"), (4, "나")]


def test_village_row_without_industry_or_products_is_fine():
    # The shipped village file has one such row.
    data = village_xlsx([village("바른먹거리학교", industry="", products="")])
    _layout, rows, report = read_and_validate(data, VILLAGE_NAME)
    assert report.ok
    assert report.warnings == []
    assert (rows[0].org["industry"], rows[0].org["products"]) == ("", "")


@pytest.mark.parametrize("brn", [BRN_A, BRN_B])
def test_valid_brns_used_in_tests_are_valid(brn):
    from hanjari.core.identifiers import brn_is_valid

    assert brn_is_valid(brn)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("건설자재 및\n일반건축", "건설자재 및 일반건축"),
        ("환경보드게임\n판매 제작 교육\n정원디자인", "환경보드게임, 판매 제작 교육, 정원디자인"),
        ("서비스업\r\n제조업", "서비스업, 제조업"),
        ("  두  칸   공백 ", "두 칸 공백"),
        ("농산물,\n가공품", "농산물, 가공품"),
    ],
)
def test_cell_line_breaks_become_list_separators_unless_the_line_continues(cell, expected):
    from hanjari.registry.importers.pipeline import clean

    assert clean(cell) == expected
