"""Small official-list files for the importer tests, built in memory.

Headers are the official ones (docs/data.md, data/official/README.md). Rows are
dicts keyed by field name (see `*_HEADERS` below for which header each key fills);
missing keys become empty cells. Nothing binary is committed: XLSX files are written
with openpyxl, CSV files encoded on the fly.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import openpyxl

from hanjari.registry.models import (
    Council,
    CouncilMembership,
    Designation,
    ImportRun,
    MergeCandidate,
    Organization,
    SourceDataset,
    SourceRecord,
)

# Business registration numbers (사업자등록번호) whose check digit holds (the rule in
# hanjari/core/identifiers.py: 124-81-00998 is its documented example; the others were
# computed with the same rule).
BRN_A = "124-81-00998"
BRN_B = "220-81-01126"
BRN_C = "105-82-01237"
BRN_D = "402-82-03456"
# The same digits as BRN_A with the check digit off by one.
BRN_BAD = "124-81-00999"

# Field key → official header, in file order.
VILLAGE_HEADERS: dict[str, str] = {
    "seq": "연번",
    "sido": "시도",
    "sigungu": "시군구",
    "address": "소재지",
    "name": "마을기업명",
    "subtype": "유형",
    "industry": "주 업종",
    "products": "주 생산품 또는 서비스명",
    "description": "사업내용",
    "brn": "사업자등록번호 (-포함 작성)",
}
SELF_SUFFICIENCY_HEADERS: dict[str, str] = {
    "seq": "순번",
    "sido": "시도",
    "sigungu": "시군구",
    "name": "자활기업",
    "tier": "자활기업구분",
    "representative": "대표자명",
    "industry": "업종",
    "business_type": "사업자구분",
    "address": "주소",
}
# 고용노동부 website XLSX ("홈페이지용 사회적기업 리스트"), header on row 4.
SE_WEBSITE_HEADERS: dict[str, str] = {
    "sido": "지역",
    "number": "인증번호",
    "name": "기관명",
    "description": "사업내용",
    "subtype": "사회적목적실현유형",
    "industry": "사회서비스분야",
    "brn": "사업자등록번호",
    "representative": "대표자",
    "address": "소재지",
    "website": "홈페이지",
    "start_date": "인증일자",
    "round": "인증회차",
}
# The older CSV/DB layout of the same list.
SE_OLD_HEADERS: dict[str, str] = {
    "seq": "연번",
    "sido": "지역",
    "number": "인증번호",
    "name": "업체명",
    "description": "사업내용",
    "subtype": "사회적목적실현유형",
    "industry": "업종",
    "representative": "대표자",
    "phone": "대표전화번호",
    "address": "소재지",
    "website": "홈페이지",
    "round": "인증회차",
}
# 전국협동조합표준데이터 (15155661), standard-data style columns (an inference,
# docs/data.md).
COOP_HEADERS: dict[str, str] = {
    "name": "협동조합명",
    "coop_type": "협동조합유형",
    "address": "소재지도로명주소",
    "address_lot": "소재지지번주소",
    "latitude": "위도",
    "longitude": "경도",
    "phone": "전화번호",
    "representative": "대표자명",
    "description": "주요사업내용",
    "start_date": "설립일자",
    "crn": "법인등록번호",
    "brn": "사업자등록번호",
    "reference_date": "데이터기준일자",
    "provider_code": "제공기관코드",
    "provider": "제공기관명",
}

# Title lines above the header. The official files carry the reference date there
# ("(2025. 12. 31. 기준)"); these leave it out so the file name decides, unless a test
# passes its own title lines.
VILLAGE_TITLE = ["전국 마을기업 현황", "", "", ""]
SE_TITLE = ["사회적기업 인증 현황", "", ""]


def grid(
    headers: Mapping[str, str], rows: Iterable[Mapping[str, Any]], *, seq: bool = True
) -> list[list[Any]]:
    """Header row + one list per row dict (cells in header order, missing → "").

    With `seq`, a row without a "seq" value gets its 1-based position (연번/순번). A
    field set to None is left out (e.g. `start_date=None` for a layout without 인증일자).
    """
    keys = list(headers)
    out: list[list[Any]] = [list(headers.values())]
    for index, row in enumerate(rows, start=1):
        values = {k: v for k, v in row.items() if v is not None}
        unknown = set(values) - set(keys)
        assert not unknown, f"unknown fields {unknown} for headers {keys}"
        if seq and "seq" in keys and "seq" not in values:
            values["seq"] = index
        out.append([values.get(k, "") for k in keys])
    return out


def xlsx_bytes(
    rows: Sequence[Sequence[Any]],
    *,
    title_lines: Sequence[str] = (),
    sheet_title: str = "Sheet1",
) -> bytes:
    """An XLSX workbook whose first sheet holds `title_lines` (one per row, "" = an
    empty row) and then `rows`. Cell values are written as given (floats stay floats,
    dates stay dates, "" becomes an empty cell)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet_title
    for line in title_lines:
        ws.append([line or None])
    for row in rows:
        ws.append([None if v == "" else v for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_bytes(
    rows: Sequence[Sequence[Any]],
    *,
    encoding: str = "utf-8-sig",
    title_lines: Sequence[str] = (),
    lineterminator: str = "\r\n",
) -> bytes:
    """CSV bytes in `encoding` ("utf-8-sig" = UTF-8 with BOM, "utf-8", "cp949")."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator=lineterminator)
    for line in title_lines:
        writer.writerow([line] if line else [])
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return buf.getvalue().encode(encoding)


# Row builders with realistic defaults (서울 강남구 unless told otherwise).


def village(name: str, **fields: Any) -> dict[str, Any]:
    row = {
        "sido": "서울",
        "sigungu": "강남구",
        "address": "서울시 강남구 일원로5길 68, 104호",
        "name": name,
        "subtype": "일반식품",
        "industry": "제조업",
        "products": "두부",
    }
    row.update(fields)
    return row


def self_sufficiency(name: str, **fields: Any) -> dict[str, Any]:
    row = {
        "sido": "서울특별시",
        "sigungu": "강남구",
        "name": name,
        "tier": "지역",
        "industry": "청소(일반건물)",
        "address": "서울특별시 강남구 테헤란로 1",
    }
    row.update(fields)
    return row


def social_enterprise(name: str, number: str, **fields: Any) -> dict[str, Any]:
    row = {
        "sido": "전북",
        "number": number,
        "name": name,
        "subtype": "일자리제공형",
        "industry": "문화·예술",
        "address": "전북특별자치도 전주시 완산구 전라감영5길 20",
        "start_date": "2012-05-31",
        "round": "12차",
    }
    row.update(fields)
    return row


def cooperative(name: str, **fields: Any) -> dict[str, Any]:
    row = {
        "name": name,
        "coop_type": "일반협동조합",
        "address": "전북특별자치도 전주시 완산구 효자로 225",
        "start_date": "2019-03-04",
        "reference_date": "2025-11-30",
    }
    row.update(fields)
    return row


def village_xlsx(rows: Iterable[Mapping[str, Any]], **kwargs: Any) -> bytes:
    """The village list as MOIS publishes it: title lines, header on row 5."""
    kwargs.setdefault("title_lines", VILLAGE_TITLE)
    kwargs.setdefault("sheet_title", "마을기업 현황")
    return xlsx_bytes(grid(VILLAGE_HEADERS, rows), **kwargs)


def self_sufficiency_csv(rows: Iterable[Mapping[str, Any]], **kwargs: Any) -> bytes:
    """The self-sufficiency list as published: cp949 CSV, CRLF, header on row 1."""
    kwargs.setdefault("encoding", "cp949")
    return csv_bytes(grid(SELF_SUFFICIENCY_HEADERS, rows), **kwargs)


def se_website_xlsx(rows: Iterable[Mapping[str, Any]], **kwargs: Any) -> bytes:
    """MOEL's website XLSX: sheet 인증사회적기업, header on row 4."""
    kwargs.setdefault("title_lines", SE_TITLE)
    kwargs.setdefault("sheet_title", "인증사회적기업")
    return xlsx_bytes(grid(SE_WEBSITE_HEADERS, rows), **kwargs)


def se_old_csv(rows: Iterable[Mapping[str, Any]], **kwargs: Any) -> bytes:
    return csv_bytes(grid(SE_OLD_HEADERS, rows), **kwargs)


def cooperative_csv(rows: Iterable[Mapping[str, Any]], **kwargs: Any) -> bytes:
    return csv_bytes(grid(COOP_HEADERS, rows), **kwargs)


# File names carry the reference date (기준일) the way the shipped files do.
VILLAGE_NAME = "village_enterprises_15080745_2025-12-31.xlsx"
VILLAGE_NAME_2026 = "village_enterprises_15080745_2026-06-30.xlsx"
SELF_SUFFICIENCY_NAME = "self_sufficiency_enterprises_15091502_2025-12-31.csv"
SE_NAME = "social_enterprises_15090110_2026-06-12.xlsx"
SE_OLD_NAME = "social_enterprises_15090110_2025-06-30.csv"
COOP_NAME = "cooperatives_15155661_2025-11-30.csv"


def registry_counts() -> dict[str, int]:
    """Rows in every registry table (and their history tables), for before/after checks.

    Import runs are left out: a failed import records one on purpose.
    """
    models = (
        Organization,
        Designation,
        SourceRecord,
        SourceDataset,
        MergeCandidate,
        Council,
        CouncilMembership,
    )
    counts = {m.__name__: m.objects.count() for m in models}
    counts["Organization.history"] = Organization.history.count()
    counts["Designation.history"] = Designation.history.count()
    return counts


def succeeded_runs() -> int:
    return ImportRun.objects.filter(status=ImportRun.Status.SUCCEEDED).count()
