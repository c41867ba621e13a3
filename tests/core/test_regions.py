"""Tests for hanjari.core.regions (시도 table, address splitting, 시군구 cells)."""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path

import pytest

from hanjari.core.regions import (
    GENERAL_GU,
    SIDOS,
    normalize_sigungu,
    resolve_sido,
    sido_by_code,
    split_address,
)

REPO = Path(__file__).resolve().parents[2]
SELF_SUFFICIENCY_CSV = "self_sufficiency_enterprises_15091502_2025-12-31.csv"


def _data_file(name: str) -> Path | None:
    for folder in (REPO / "data" / "official",):
        if (folder / name).is_file():
            return folder / name
    return None


# --- the table ---------------------------------------------------------------


def test_seventeen_sidos_with_current_names_and_codes() -> None:
    assert [(s.code, s.name) for s in SIDOS] == [
        ("11", "서울특별시"),
        ("26", "부산광역시"),
        ("27", "대구광역시"),
        ("28", "인천광역시"),
        ("29", "광주광역시"),
        ("30", "대전광역시"),
        ("31", "울산광역시"),
        ("36", "세종특별자치시"),
        ("41", "경기도"),
        ("51", "강원특별자치도"),
        ("43", "충청북도"),
        ("44", "충청남도"),
        ("52", "전북특별자치도"),
        ("46", "전라남도"),
        ("47", "경상북도"),
        ("48", "경상남도"),
        ("50", "제주특별자치도"),
    ]


def test_short_names_are_unique() -> None:
    shorts = [s.short_name for s in SIDOS]
    assert shorts == [
        "서울", "부산", "대구", "인천", "광주", "대전", "울산", "세종", "경기",
        "강원", "충북", "충남", "전북", "전남", "경북", "경남", "제주",
    ]  # fmt: skip


def test_table_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        SIDOS[0].name = "서울"  # type: ignore[misc]


def test_no_spelling_belongs_to_two_sidos() -> None:
    seen: dict[str, str] = {}
    for sido in SIDOS:
        for spelling in sido.spellings:
            key = spelling.replace(" ", "").lower()
            assert seen.setdefault(key, sido.code) == sido.code, spelling


# --- resolve_sido ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["전북", "전라북도", "전북특별자치도", "전북도", " 전 북 특별자치도 "]
)
def test_jeonbuk_aliases_resolve_to_one(text: str) -> None:
    sido = resolve_sido(text)
    assert sido is not None
    assert sido.name == "전북특별자치도"
    assert sido.code == "52"
    assert sido.former_codes == ("45",)


@pytest.mark.parametrize(
    "text", ["강원", "강원도", "강원특별자치도", "Gangwon-do", "gangwon state"]
)
def test_gangwon_aliases_resolve_to_one(text: str) -> None:
    sido = resolve_sido(text)
    assert sido is not None and sido.name == "강원특별자치도" and sido.code == "51"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("서울", "서울특별시"),
        ("서울시", "서울특별시"),
        ("Seoul", "서울특별시"),
        ("SEOUL", "서울특별시"),
        ("부산시", "부산광역시"),
        ("대구", "대구광역시"),
        ("인천", "인천광역시"),
        ("광주", "광주광역시"),
        ("광주광역시", "광주광역시"),
        ("대전", "대전광역시"),
        ("울산광역시", "울산광역시"),
        ("세종", "세종특별자치시"),
        ("세종시", "세종특별자치시"),
        ("경기", "경기도"),
        ("충북", "충청북도"),
        ("충청남도", "충청남도"),
        ("전남", "전라남도"),
        ("경북", "경상북도"),
        ("경남", "경상남도"),
        ("제주", "제주특별자치도"),
        ("제주도", "제주특별자치도"),
        ("ｓｅｏｕｌ", "서울특별시"),  # full-width, NFKC
    ],
)
def test_resolve_sido(text: str, name: str) -> None:
    sido = resolve_sido(text)
    assert sido is not None and sido.name == name


@pytest.mark.parametrize(
    "text", ["", None, "전주시", "광주시", "제주시", "강남구", "52", "서울특별시청"]
)
def test_resolve_sido_none(text: str | None) -> None:
    assert resolve_sido(text) is None


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("11", "서울특별시"),
        (52, "전북특별자치도"),
        ("45", "전북특별자치도"),
        ("42", "강원특별자치도"),
        ("5211000000", "전북특별자치도"),
        ("36", "세종특별자치시"),
    ],
)
def test_sido_by_code(code: str | int, name: str) -> None:
    sido = sido_by_code(code)
    assert sido is not None and sido.name == name


@pytest.mark.parametrize("code", ["99", "", "1", "ab"])
def test_sido_by_code_unknown(code: str) -> None:
    assert sido_by_code(code) is None


# --- split_address -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "sido", "sigungu", "rest"),
    [
        # Examples from the brief and both official files (2025-12-31).
        ("전라북도 전주시 덕진구 감수길 29", "전북특별자치도", "전주시", "덕진구 감수길 29"),
        ("서울시 강남구 일원로5길 68, 104호", "서울특별시", "강남구", "일원로5길 68, 104호"),
        ("전주시 완산구 서학2길 60", None, "전주시", "완산구 서학2길 60"),
        ("세종특별자치시 한누리대로 2130", "세종특별자치시", "", "한누리대로 2130"),
        ("세종시 조치원읍 장안로10-8", "세종특별자치시", "", "조치원읍 장안로10-8"),
        ("강원특별자치도 강릉시 사임당로 180 상가동 105호", "강원특별자치도", "강릉시",
         "사임당로 180 상가동 105호"),
        ("강원도 정선군 정선읍 대촌길 5-5", "강원특별자치도", "정선군", "정선읍 대촌길 5-5"),
        ("대구시 달성군 화원읍 성화로 20", "대구광역시", "달성군", "화원읍 성화로 20"),
        ("대구 중구 서성로 14길 84", "대구광역시", "중구", "서성로 14길 84"),
        ("인천 남동구 도림북로19번길 12-26", "인천광역시", "남동구", "도림북로19번길 12-26"),
        ("부산광역시 부산진구 황령대로 9 1층", "부산광역시", "부산진구", "황령대로 9 1층"),
        ("부산진구 성지로 1", None, "부산진구", "성지로 1"),
        ("경기도 광주시 광남안로 286-27 2호동", "경기도", "광주시", "광남안로 286-27 2호동"),
        ("광주시 퇴촌면 천진암로 1091번길 11", None, "광주시", "퇴촌면 천진암로 1091번길 11"),
        ("광주시 북구 용봉로 77", "광주광역시", "북구", "용봉로 77"),
        ("광주 광역시 동구 학소로 106번길 13-1", "광주광역시", "동구", "학소로 106번길 13-1"),
        ("광주광역시 광산구 광산로30번길65 8동8호", "광주광역시", "광산구",
         "광산로30번길65 8동8호"),
        ("제주시 조천읍 신촌3길 32", None, "제주시", "조천읍 신촌3길 32"),
        ("화성시 효행구 봉담읍 하가등길 82", None, "화성시", "효행구 봉담읍 하가등길 82"),
        ("(본점)수원시 팔달구 동말로 91", None, "수원시", "팔달구 동말로 91"),
        ("덕진구 오신2길 24-17", None, "전주시", "덕진구 오신2길 24-17"),
        ("전주시덕진구 감수길 29", None, "전주시", "덕진구 감수길 29"),
        ("청주시 청원구 내수읍\n형동2길 92-76", None, "청주시", "청원구 내수읍 형동2길 92-76"),
        # Glued addresses from the self-sufficiency file.
        ("경기도부천시소사구중동로30번길 21", "경기도", "부천시", "소사구중동로30번길 21"),
        ("서울광진구뚝섬로24길 30", "서울특별시", "광진구", "뚝섬로24길 30"),
        ("광주서구쌍촌동1235~1258 1253-1", "광주광역시", "서구", "쌍촌동1235~1258 1253-1"),
        ("부산기장군기장읍청강리 77", "부산광역시", "기장군", "기장읍청강리 77"),
        ("제주제주시삼도1동 1", "제주특별자치도", "제주시", "삼도1동 1"),
        ("충북충주시앙성면 둔터로 558", "충청북도", "충주시", "앙성면 둔터로 558"),
        ("강원화천군 화천읍", "강원특별자치도", "화천군", "화천읍"),
        ("강원양구군양구읍", "강원특별자치도", "양구군", "양구읍"),
        ("아산시송악면 외암로", None, "아산시", "송악면 외암로"),
        # No 시도 and no 시군구: road names ending in a 구/시-like syllable are not 시군구.
        ("진성11길 58-11", None, "", "진성11길 58-11"),
        ("구룡령로 2110-17", None, "", "구룡령로 2110-17"),
        ("중앙시장길 6 중앙시장 2층", None, "", "중앙시장길 6 중앙시장 2층"),
        ("대전광역시 은구비서로23번길 8-16 1층", "대전광역시", "", "은구비서로23번길 8-16 1층"),
        ("소재불명(폐업)", None, "", "소재불명(폐업)"),
    ],
)  # fmt: skip
def test_split_address(address: str, sido: str | None, sigungu: str, rest: str) -> None:
    found, found_sigungu, found_rest = split_address(address)
    assert (found.name if found else None, found_sigungu, found_rest) == (sido, sigungu, rest)


@pytest.mark.parametrize("address", ["", None, "   "])
def test_split_address_empty(address: str | None) -> None:
    assert split_address(address) == (None, "", "")


def test_general_gu_table_points_to_cities() -> None:
    assert GENERAL_GU["덕진구"] == ("52", "전주시")
    assert GENERAL_GU["완산구"] == ("52", "전주시")
    assert GENERAL_GU["장안구"] == ("41", "수원시")
    assert "남구" not in GENERAL_GU  # also an autonomous 구 in several 광역시
    for code, city in GENERAL_GU.values():
        assert sido_by_code(code) is not None and city.endswith("시")


# --- normalize_sigungu ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("sido", "text", "expected"),
    [
        ("전북특별자치도", "전주시", "전주시"),
        ("전북특별자치도", " 전주시 ", "전주시"),
        ("전북특별자치도", "전주시 덕진구", "전주시"),
        ("전북특별자치도", "덕진구", "전주시"),
        (None, "덕진구", "전주시"),
        ("경기도", "수원시", "수원시"),
        ("서울특별시", "용산구", "용산구"),
        ("부산광역시", "부산진구", "부산진구"),
        ("경기도", "광주시", "광주시"),
        ("제주특별자치도", "제주시", "제주시"),
        # 광역 rows in the self-sufficiency CSV carry the 시도 in the 시군구 column.
        ("전북특별자치도", "전북", ""),
        ("대전광역시", "대전", ""),
        ("강원특별자치도", "강원", ""),
        ("광주광역시", "광주시", ""),
        ("세종특별자치시", "세종특별자치시", ""),
        ("세종특별자치시", "세종", ""),
        ("전북특별자치도", "", ""),
        ("전북특별자치도", None, ""),
        ("강원특별자치도", "북면", ""),  # a 면 is not a 시군구
        ("서울특별시", "전북 전주시", ""),  # names a different 시도
        ("전북특별자치도", "전북 전주시", "전주시"),
    ],
)
def test_normalize_sigungu(sido: str | None, text: str | None, expected: str) -> None:
    assert normalize_sigungu(resolve_sido(sido), text) == expected


# --- the real register ---------------------------------------------------------------


def test_self_sufficiency_register_sido_and_sigungu() -> None:
    """All 977 rows: every 시도 cell resolves; addresses agree with the cells.

    The file (cp949, CRLF) is read from data/official/ or ../shared/data/official/.
    Disagreements that remain are the data's own (an organisation listed under
    one 시군구 but located in another), so the thresholds are not 100%.
    """
    path = _data_file(SELF_SUFFICIENCY_CSV)
    assert path is not None, f"{SELF_SUFFICIENCY_CSV} is shipped in data/official/"
    with path.open(encoding="cp949", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 977
    sido_hits = sigungu_hits = compared = sido_in_sigungu_column = 0
    for row in rows:
        sido = resolve_sido(row["시도"])
        assert sido is not None, row["시도"]
        cell = normalize_sigungu(sido, row["시군구"])
        if resolve_sido(row["시군구"]) is not None:  # "전북", "대전", "세종특별자치시"
            sido_in_sigungu_column += 1
            assert resolve_sido(row["시군구"]) == sido
            assert cell == ""
        found_sido, found_sigungu, _rest = split_address(row["주소"])
        sido_hits += found_sido == sido
        if cell:
            compared += 1
            sigungu_hits += found_sigungu == cell
    assert sido_in_sigungu_column == 55  # 49 광역 rows, 5 세종 rows, 1 지역 row ("경북")
    assert sido_hits >= 970  # 3 rows are located in a neighbouring 시도
    assert compared > 900
    assert sigungu_hits / compared > 0.97
