"""English names of 시도 and 시군구 (hanjari.core.regions), checked against the Revised
Romanization of Korean (문화체육관광부 고시 제2000-8호) computed here syllable by
syllable with its consonant assimilation rules, and by hand for well-known names."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from hanjari.core import regions

_INITIAL = ["g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch",
            "k", "t", "p", "h"]  # fmt: skip
_VOWEL = ["a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u",
          "wo", "we", "wi", "yu", "eu", "ui", "i"]  # fmt: skip
# Final consonants by index (0: none) as the sound before a pause.
_FINAL = ["", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m",
          "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t"]  # fmt: skip
# Finals carried over to a following vowel (연음): ㄱ g, ㄷ d, ㄹ r, ㅂ b, ㅅ s, ㅈ j.
_LINKED = {1: "g", 7: "d", 8: "r", 17: "b", 19: "s", 22: "j"}


def _split(syllable: str) -> tuple[int, int, int]:
    index = ord(syllable) - 0xAC00
    return index // 588, (index % 588) // 28, index % 28


def romanize(word: str) -> str:
    """A place name in the Revised Romanization, with the assimilations that occur in
    place names: linking before a vowel, ㄴ/ㄹ → ll, ㅇ/ㅁ + ㄹ → n, ㄱ/ㅂ before
    ㄴ/ㅁ/ㄹ → ng/m (and that ㄹ → n), ㄷ/ㅅ/ㅈ before ㄴ/ㅁ → n."""
    parts = [_split(ch) for ch in word]
    out = []
    for i, (initial, vowel, final) in enumerate(parts):
        prev_final = parts[i - 1][2] if i else 0
        lead = _INITIAL[initial]
        if i and initial == 5:  # ㄹ after a consonant
            if prev_final in (4, 8):
                lead = "l"
            elif prev_final:
                lead = "n"
        if i and initial == 11 and prev_final in _LINKED:
            lead = _LINKED[prev_final]
        tail = _FINAL[final]
        if i + 1 < len(parts):
            next_initial = parts[i + 1][0]
            if next_initial == 11 and final in _LINKED:
                tail = ""
            elif final == 1 and next_initial in (2, 6, 5):
                tail = "ng"
            elif final == 17 and next_initial in (2, 6, 5):
                tail = "m"
            elif final in (7, 19, 22) and next_initial in (2, 6):
                tail = "n"
            elif final == 4 and next_initial == 5:
                tail = "l"
        out.append(lead + _VOWEL[vowel] + tail)
    return "".join(out)


def official(name: str) -> str:
    """`name` (ending in 시, 군 or 구) as an official English name: Jeonju-si."""
    body, suffix = name[:-1], {"시": "si", "군": "gun", "구": "gu"}[name[-1]]
    return f"{romanize(body).capitalize()}-{suffix}"


def test_every_name_follows_the_revised_romanization():
    wrong = {k: (v, official(k)) for k, v in regions.SIGUNGU_ENGLISH.items() if v != official(k)}
    assert wrong == {}


def test_well_known_names_by_hand():
    expected = {
        "전주시": "Jeonju-si",
        "완주군": "Wanju-gun",
        "종로구": "Jongno-gu",
        "강릉시": "Gangneung-si",
        "울릉군": "Ulleung-gun",
        "영등포구": "Yeongdeungpo-gu",
        "정읍시": "Jeongeup-si",
        "덕양구": "Deogyang-gu",
        "철원군": "Cheorwon-gun",
        "창녕군": "Changnyeong-gun",
        "관악구": "Gwanak-gu",
        "부산진구": "Busanjin-gu",
        "마산합포구": "Masanhappo-gu",
        "의정부시": "Uijeongbu-si",
        "서귀포시": "Seogwipo-si",
    }
    assert {k: regions.SIGUNGU_ENGLISH[k] for k in expected} == expected


def test_every_sigungu_the_region_rules_know_has_an_english_name():
    known = set(regions.GENERAL_GU) | {city for _code, city in regions.GENERAL_GU.values()}
    # The 시군구 of the shipped registers (data/official, 2025-12-31), every 시도.
    known |= set(
        "강릉시 고성군 동해시 삼척시 속초시 양양군 영월군 원주시 인제군 정선군 철원군 춘천시 "
        "태백시 평창군 홍천군 화천군 횡성군 가평군 고양시 광명시 광주시 구리시 군포시 김포시 "
        "남양주시 동두천시 부천시 성남시 수원시 시흥시 안산시 안성시 안양시 양주시 양평군 "
        "여주시 연천군 오산시 용인시 의왕시 의정부시 이천시 파주시 평택시 포천시 하남시 "
        "화성시 거제시 거창군 김해시 남해군 밀양시 사천시 산청군 양산시 의령군 진주시 "
        "창녕군 창원시 통영시 하동군 함안군 함양군 합천군 경산시 경주시 고령군 구미시 "
        "김천시 문경시 봉화군 상주시 성주군 안동시 영덕군 영양군 영주시 영천시 예천군 "
        "울릉군 울진군 의성군 청도군 청송군 칠곡군 포항시 광산구 남구 동구 북구 서구 "
        "군위군 달서구 달성군 수성구 중구 대덕구 유성구 강서구 금정구 기장군 동래구 "
        "부산진구 사상구 사하구 수영구 연제구 영도구 해운대구 강남구 강동구 강북구 관악구 "
        "광진구 구로구 금천구 노원구 도봉구 동대문구 동작구 마포구 서대문구 서초구 성동구 "
        "성북구 송파구 양천구 영등포구 용산구 은평구 종로구 중랑구 울주군 강화군 계양구 "
        "남동구 미추홀구 부평구 연수구 옹진군 강진군 고흥군 곡성군 광양시 구례군 나주시 "
        "담양군 목포시 무안군 보성군 순천시 신안군 여수시 영광군 영암군 완도군 장성군 "
        "장흥군 진도군 함평군 해남군 화순군 고창군 군산시 김제시 남원시 무주군 부안군 "
        "순창군 완주군 익산시 임실군 장수군 전주시 정읍시 진안군 서귀포시 제주시 계룡시 "
        "공주시 금산군 논산시 당진시 보령시 부여군 서산시 서천군 아산시 예산군 천안시 "
        "청양군 태안군 홍성군 괴산군 단양군 보은군 영동군 옥천군 음성군 제천시 증평군 "
        "진천군 청주시 충주시".split()
    )
    assert sorted(known - set(regions.SIGUNGU_ENGLISH)) == []
    for name in regions.SIGUNGU_ENGLISH.values():
        assert re.fullmatch(r"[A-Z][a-z]+-(si|gun|gu)", name), name


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "Jeonju-si, Jeonbuk State"), ("ko", "전북특별자치도 전주시")],
)
def test_labels_follow_the_language(language, expected):
    assert regions.region_label("전북특별자치도", "전주시", language=language) == expected
    with translation.override(language):
        assert regions.region_label("전북특별자치도", "전주시") == expected
        assert regions.region_text_label("전북특별자치도 전주시") == expected


def test_labels_of_odd_input():
    assert regions.sido_label("", language="en") == ""
    assert regions.sido_label("어딘가", language="en") == "어딘가"
    assert regions.sigungu_label("전주시 덕진구", language="en") == "Jeonju-si Deokjin-gu"
    assert regions.sigungu_label("없는군", language="en") == "없는군"
    assert regions.region_label("세종특별자치시", "", language="en") == "Sejong"
    assert regions.region_text_label("주소 없음", language="en") == "주소 없음"
