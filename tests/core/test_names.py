"""Tests for hanjari.core.names (legal-form detection and name keys)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hanjari.core.names import (
    LEGAL_FORMS,
    detect_legal_form,
    legal_form,
    name_similarity,
    normalize_name,
)

# --- normalize_name -------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        # From the brief; spellings as they occur in the 2025-12-31 registers.
        ("㈜코이로", "코이로"),
        ("주) 케이앤에스건설", "케이앤에스건설"),
        ("(유한회사)미소택배", "미소택배"),
        ("유한회사 제나", "제나"),
        ("곡천향토체험마을영농조합법인", "곡천향토체험마을"),
        ("사단법인 꼭두", "꼭두"),
        ("수망리청년회㈜", "수망리청년회"),
        ("전주한옥마을협동조합", "전주한옥마을협동조합"),
        # More real rows.
        ("(주)봄내드림건축", "봄내드림건축"),
        ("미래환경(주)", "미래환경"),
        ("( 주 )한빛", "한빛"),
        ("（주）한빛", "한빛"),  # full-width parentheses
        ("케이앤에스건설(주", "케이앤에스건설"),
        ("(유) 차려드림", "차려드림"),
        ("(사)녹색발전소", "녹색발전소"),
        ("사)한국장애인기업협회 고양시지회", "한국장애인기업협회고양시지회"),
        ("㈔한빛", "한빛"),
        ("재단법인 한빛", "한빛"),
        ("(재)한빛", "한빛"),
        ("임실레드팜(영)", "임실레드팜"),
        ("(영)매야전통식품", "매야전통식품"),
        ("체험마을율리영농\n조합법인", "체험마을율리"),
        ("창수메밀영농조합", "창수메밀"),
        ("신안1004자연산굴 \n영어조합법인", "신안1004자연산굴"),
        ("농업회사법인 주식회사\n한국곤충교육연구소", "한국곤충교육연구소"),
        ("농업회사법인㈜보드미", "보드미"),
        ("농업 회사법인 몽스페이스", "몽스페이스"),
        ("어업회사법인㈜봉개바다", "봉개바다"),
        ("이포나루두레촌 합명회사", "이포나루두레촌"),
        ("향기나눔공동체사업단(사단법인향기)", "향기나눔공동체사업단향기"),
        # 협동조합 is kept; its abbreviations are spelled out.
        ("협동조합 자연살림", "협동조합자연살림"),
        ("나눔유통 협동조합", "나눔유통협동조합"),
        ("(협)철원주거복지희망기업", "협동조합철원주거복지희망기업"),
        ("강원주거복지사회적협동조합", "강원주거복지사회적협동조합"),
        ("(사협)다온사회서비스센터", "사회적협동조합다온사회서비스센터"),
        ("사회적협동조합\n문턱없는세상", "사회적협동조합문턱없는세상"),
        # Former-name notes are dropped.
        ("두루살기C&C협동조합\n(구: 세상의중심협동조합)", "두루살기cc협동조합"),
        ("구봉산 협동조합\n(前영농조합법인 고릿골)", "구봉산협동조합"),
        ("주식회사 서녹씨\n([구]여수미미협동조합)", "서녹씨"),
        ("품격도시협동조합\n(구. 익산청년협동조합)", "품격도시협동조합"),
        ("(전)텃밭협동조합\n(현)한울타리협동조합", "한울타리협동조합"),
        # Punctuation, separators and latin case.
        ("(주)다원누리(CU반송중앙점)", "다원누리cu반송중앙점"),
        ("유통ㆍ판매·서비스", "유통판매서비스"),
        ("A-B_C.D, [E]", "abcde"),
        # Words that merely contain marker syllables are untouched.
        ("당신재단실", "당신재단실"),
        ("사단법인 틔움복지재단", "틔움복지재단"),
        ("㈜주는나무", "주는나무"),
        ("주전수산물협동조합", "주전수산물협동조합"),
        ("유천마을영농조합법인", "유천마을"),
        # Nothing left.
        ("주식회사", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_normalize_name(raw: str | None, key: str) -> None:
    assert normalize_name(raw) == key


@pytest.mark.parametrize(
    "spelling",
    ["㈜코이로", "(주)코이로", "( 주 ) 코이로", "주)코이로", "코이로(주", "주식회사 코이로",
     "코이로 주식회사", "코이로㈜", "㈱코이로"],
)  # fmt: skip
def test_stock_company_spellings_share_one_key(spelling: str) -> None:
    assert normalize_name(spelling) == "코이로"
    assert detect_legal_form(spelling) == "stock_company"


def test_cooperative_is_not_stripped_so_names_stay_apart() -> None:
    assert normalize_name("전주한옥마을협동조합") != normalize_name("전주한옥마을영농조합법인")
    assert normalize_name("전주한옥마을영농조합법인") == normalize_name("(영)전주한옥마을")


@pytest.mark.parametrize(
    "text", ["주식-회사", "주식·회사 한빛", "İstanbul", "(협)", "주주식회사식회사"]
)
def test_normalize_name_is_idempotent_on_tricky_input(text: str) -> None:
    key = normalize_name(text)
    assert normalize_name(key) == key


@given(st.text(max_size=40))
def test_normalize_name_is_idempotent_and_clean(text: str) -> None:
    key = normalize_name(text)
    assert normalize_name(key) == key
    assert not any(ch.isspace() for ch in key)
    assert key == key.lower()


# --- detect_legal_form -------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("㈜코이로", "stock_company"),
        ("주) 케이앤에스건설", "stock_company"),
        ("(유한회사)미소택배", "limited_company"),
        ("유한회사 제나", "limited_company"),
        ("(유)늘푸른환경", "limited_company"),
        ("곡천향토체험마을영농조합법인", "farming_association"),
        ("임실레드팜(영)", "farming_association"),
        ("행원정 농업조합법인", "farming_association"),
        ("사단법인 꼭두", "incorporated_association"),
        ("(사)녹색발전소", "incorporated_association"),
        ("재단법인 한빛", "incorporated_foundation"),
        ("수망리청년회㈜", "stock_company"),
        ("전주한옥마을협동조합", "cooperative"),
        ("(협)철원주거복지희망기업", "cooperative"),
        ("강원주거복지사회적협동조합", "social_cooperative"),
        ("(사협)다온사회서비스센터", "social_cooperative"),
        ("전북사회적협동조합연합회", "social_cooperative_federation"),
        ("전북협동조합연합회", "cooperative_federation"),
        ("전국이종협동조합연합회", "mixed_cooperative_federation"),
        ("농업회사법인 주식회사 쌀양조장", "agricultural_company"),
        ("농헙회사법인㈜하서3리마을기업", "agricultural_company"),
        ("어업회사법인창바우마을주식회사", "fishery_company"),
        ("동주염전영어조합법인", "fishery_association"),
        ("이포나루두레촌 합명회사", "general_partnership"),
        ("한빛 유한책임회사", "limited_liability_company"),
        ("사회복지법인 한빛", "social_welfare_corporation"),
        ("구봉산 협동조합\n(前영농조합법인 고릿골)", "cooperative"),
        ("주식회사 서녹씨\n([구]여수미미협동조합)", "stock_company"),
        ("바른먹거리학교", None),
        ("당신재단실", None),
        ("", None),
        (None, None),
    ],
)
def test_detect_legal_form(raw: str | None, code: str | None) -> None:
    assert detect_legal_form(raw) == code


def test_legal_forms_table() -> None:
    codes = [form.code for form in LEGAL_FORMS]
    assert len(codes) == len(set(codes))
    # Specific forms are checked before the forms whose marker they contain.
    assert codes.index("social_cooperative") < codes.index("cooperative")
    assert codes.index("cooperative_federation") < codes.index("cooperative")
    assert codes.index("agricultural_company") < codes.index("stock_company")
    stripped = {form.code for form in LEGAL_FORMS if form.strip}
    assert {"stock_company", "limited_company", "incorporated_association",
            "incorporated_foundation", "farming_association",
            "agricultural_company"} <= stripped  # fmt: skip
    assert not {"cooperative", "social_cooperative"} & stripped
    assert legal_form("stock_company").name == "주식회사"
    assert "㈜" in legal_form("stock_company").markers
    with pytest.raises(KeyError):
        legal_form("no_such_form")


# --- name_similarity ----------------------------------------------------------------


def test_name_similarity() -> None:
    assert name_similarity("㈜코이로", "주식회사 코이로") == 100.0
    assert name_similarity("(유한회사)미소택배", "유한회사 미소택배") == 100.0
    assert name_similarity("곡천향토체험마을영농조합법인", "곡천 향토체험마을") == 100.0
    # "전주한옥마을협동조합" (10) vs "전주한옥마을" (6): Indel ratio 2·6/16 = 75.
    assert name_similarity("전주한옥마을협동조합", "전주한옥마을영농조합법인") == 75.0
    assert name_similarity("코이로", "바른먹거리학교") == 0.0
    assert name_similarity("주식회사", "㈜") == 0.0
    assert name_similarity(None, "코이로") == 0.0


@given(st.text(max_size=30), st.text(max_size=30))
def test_name_similarity_is_symmetric_and_bounded(a: str, b: str) -> None:
    score = name_similarity(a, b)
    assert 0.0 <= score <= 100.0
    assert score == name_similarity(b, a)
