"""The 17 시도 (광역자치단체, provinces and metropolitan cities) and address splitting.

A frozen table of the 17 top-level local governments with their canonical
current names, 2-digit 행정표준코드 (the first two digits of the 법정동코드),
short names, English names and the aliases found in public data files, plus
helpers that read the 시도 and 시군구 (기초자치단체, city/county/district) off
the start of a free-text Korean address.

Sources:
- 행정안전부 행정표준코드관리시스템 (법정동코드): 2-digit 시도 codes; 강원특별자치도
  took code 51 (formerly 42, 강원도) on 2023-06-11 and 전북특별자치도 took 52
  (formerly 45, 전라북도) on 2024-01-18.
- data/official/README.md "Quirks": short and long 시도
  names, addresses that still say 전라북도/강원도, addresses that omit the 시도 or
  시군구.
- 일반구 (non-autonomous districts inside a large 시) per 지방자치법 §3; we key
  on the 시 (e.g. 전주시, not 전주시 덕진구).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from types import MappingProxyType

__all__ = [
    "GENERAL_GU",
    "SIDOS",
    "SIGUNGU_ENGLISH",
    "Sido",
    "normalize_sigungu",
    "region_label",
    "region_text_label",
    "resolve_sido",
    "sido_by_code",
    "sido_label",
    "sigungu_label",
    "split_address",
]


@dataclass(frozen=True, slots=True)
class Sido:
    """One 시도 (광역자치단체).

    ``code`` is the current 2-digit 행정표준코드 (법정동코드 prefix);
    ``former_codes`` lists codes it used before a rename (강원 42, 전북 45).
    ``aliases`` are extra spellings that unambiguously mean this 시도; the
    canonical, short and English names are matched too.
    """

    code: str
    name: str
    short_name: str
    english_name: str
    aliases: tuple[str, ...] = ()
    former_codes: tuple[str, ...] = ()

    def __str__(self) -> str:
        return self.name

    @property
    def spellings(self) -> tuple[str, ...]:
        """Every spelling that :func:`resolve_sido` maps to this 시도."""
        return (self.name, self.short_name, self.english_name, *self.aliases)


SIDOS: tuple[Sido, ...] = (
    Sido("11", "서울특별시", "서울", "Seoul", ("서울시", "서울특별", "Seoul Special City")),
    Sido("26", "부산광역시", "부산", "Busan", ("부산시", "Pusan")),
    Sido("27", "대구광역시", "대구", "Daegu", ("대구시", "Taegu")),
    Sido("28", "인천광역시", "인천", "Incheon", ("인천시",)),
    # "광주시" is deliberately absent: it is also 경기도 광주시 (see split_address).
    Sido("29", "광주광역시", "광주", "Gwangju", ("Kwangju",)),
    Sido("30", "대전광역시", "대전", "Daejeon", ("대전시", "Taejon")),
    Sido("31", "울산광역시", "울산", "Ulsan", ("울산시",)),
    Sido("36", "세종특별자치시", "세종", "Sejong", ("세종시", "세종특별시")),
    Sido("41", "경기도", "경기", "Gyeonggi-do", ("Gyeonggi", "Kyonggi-do")),
    Sido(
        "51",
        "강원특별자치도",
        "강원",
        "Gangwon State",
        ("강원도", "강원특별자치", "강원자치도", "Gangwon-do", "Gangwon"),
        former_codes=("42",),
    ),
    Sido("43", "충청북도", "충북", "Chungcheongbuk-do", ("충북도", "Chungbuk")),
    Sido("44", "충청남도", "충남", "Chungcheongnam-do", ("충남도", "Chungnam")),
    Sido(
        "52",
        "전북특별자치도",
        "전북",
        "Jeonbuk State",
        ("전라북도", "전북도", "전북특별자치", "전북자치도", "Jeollabuk-do", "Jeonbuk"),
        former_codes=("45",),
    ),
    Sido("46", "전라남도", "전남", "Jeollanam-do", ("전남도", "Jeonnam")),
    Sido("47", "경상북도", "경북", "Gyeongsangbuk-do", ("경북도", "Gyeongbuk")),
    Sido("48", "경상남도", "경남", "Gyeongsangnam-do", ("경남도", "Gyeongnam")),
    # "제주시" is deliberately absent: it is a 행정시 inside 제주특별자치도.
    Sido(
        "50",
        "제주특별자치도",
        "제주",
        "Jeju",
        ("제주도", "제주특별자치", "Jeju-do", "Jeju Special Self-Governing Province"),
    ),
)

# 일반구 (non-autonomous 구 inside a 시) whose name is unique nationwide, mapped to
# (시도 code, 시). Names shared with autonomous 구 (남구, 북구, …) are left out.
GENERAL_GU: MappingProxyType[str, tuple[str, str]] = MappingProxyType(
    {
        **dict.fromkeys(("장안구", "권선구", "팔달구", "영통구"), ("41", "수원시")),
        **dict.fromkeys(("수정구", "중원구", "분당구"), ("41", "성남시")),
        **dict.fromkeys(("만안구", "동안구"), ("41", "안양시")),
        **dict.fromkeys(("상록구", "단원구"), ("41", "안산시")),
        **dict.fromkeys(("덕양구", "일산동구", "일산서구"), ("41", "고양시")),
        **dict.fromkeys(("처인구", "기흥구", "수지구"), ("41", "용인시")),
        **dict.fromkeys(("원미구", "소사구", "오정구"), ("41", "부천시")),
        **dict.fromkeys(("만세구", "효행구", "병점구", "동탄구"), ("41", "화성시")),
        **dict.fromkeys(("상당구", "서원구", "흥덕구", "청원구"), ("43", "청주시")),
        **dict.fromkeys(("동남구", "서북구"), ("44", "천안시")),
        **dict.fromkeys(("완산구", "덕진구"), ("52", "전주시")),
        **dict.fromkeys(
            ("의창구", "성산구", "마산합포구", "마산회원구", "진해구"), ("48", "창원시")
        ),
    }
)

# Spellings that are a 시도 only in context: "광주시 북구" is 광주광역시, but
# "광주시 퇴촌면" is 경기도 광주시.
_CONTEXT_SIDO_ALIASES: MappingProxyType[str, str] = MappingProxyType({"광주시": "29"})
_SEJONG_CODE = "36"
# 시군구 whose name starts with a 시도 alias; never split as a glued 시도.
_SIGUNGU_LIKE_SIDO_PREFIX = ("부산진구",)
_GWANGJU_AUTONOMOUS_GU = frozenset({"동구", "서구", "남구", "북구", "광산구"})

_WHITESPACE = re.compile(r"\s+")
_KEY_DROP = re.compile(r"[\s\-_.·]+")
_LEADING_PAREN = re.compile(r"^\s*\([^()]{0,10}\)\s*")
_EDGE_PUNCT = ",.;:·()[]"
# A whole 시군구 token: Hangul ending in 시/군/구, at least 2 characters.
_SIGUNGU_TOKEN = re.compile(r"^[가-힣]+[시군구]$")
# A 시군구 glued to what follows ("서귀포시대정읍"): the shortest Hangul prefix that
# ends in 시/군/구.
_GLUED_SIGUNGU = re.compile(r"^([가-힣]+?[시군구])(.*)$")
# Names the shortest-prefix rule would cut too early ("양구" + "군").
_GLUED_EXCEPTIONS = ("양구군",)
# What may follow a glued 시군구 when no 시도 precedes it: a 구/읍/면/동/리/가.
_UNIT_START = re.compile(r"^[가-힣]{1,5}\d*[구읍면동리가](?:[\d가-힣]|$)")


def _key(text: str) -> str:
    return _KEY_DROP.sub("", unicodedata.normalize("NFKC", text)).casefold()


_BY_KEY: MappingProxyType[str, Sido] = MappingProxyType(
    {_key(spelling): sido for sido in SIDOS for spelling in sido.spellings}
)
_BY_CODE: MappingProxyType[str, Sido] = MappingProxyType(
    {code: sido for sido in SIDOS for code in (sido.code, *sido.former_codes)}
)
# Hangul spellings, longest first, for prefixes glued to the rest of an address.
_GLUE_PREFIXES: tuple[tuple[str, Sido], ...] = tuple(
    sorted(
        ((k, s) for k, s in _BY_KEY.items() if re.fullmatch(r"[가-힣]+", k)),
        key=lambda item: -len(item[0]),
    )
)


def resolve_sido(text: str | None) -> Sido | None:
    """Find the 시도 (광역자치단체) a name refers to.

    Inputs: a 시도 spelling as found in data: canonical (``"전북특별자치도"``),
    former (``"전라북도"``, ``"강원도"``, ``"제주도"``), short (``"전북"``), informal
    (``"서울시"``, ``"전북도"``) or English (``"Seoul"``, ``"jeollabuk-do"``).
    Matching is NFKC-normalised and ignores whitespace, hyphens, dots and
    latin case. Codes are not names: use :func:`sido_by_code` for ``"52"``.

    Output: the :class:`Sido`, or ``None`` when nothing matches. ``"광주시"``
    gives ``None`` because it is also 경기도 광주시; ``"제주시"`` gives ``None``
    because it is a 시 inside 제주특별자치도.

    Errors: never raises.

    Source: 행정표준코드 (법정동코드) 시도 list; data/README.md quirks.
    """
    if not text:
        return None
    return _BY_KEY.get(_key(text))


def sido_by_code(code: str | int) -> Sido | None:
    """Look a 시도 up by its 2-digit 행정표준코드 (법정동코드 prefix).

    Inputs: ``"52"``/``52``, or a longer 법정동코드 such as ``"5211000000"``
    (its first two digits are used). Former codes ``"42"`` (강원도) and
    ``"45"`` (전라북도) resolve to the renamed 시도.

    Output: the :class:`Sido`, or ``None`` for an unknown code.

    Errors: never raises.

    Source: 행정안전부 행정표준코드관리시스템.
    """
    digits = "".join(c for c in str(code) if c.isdigit())
    return _BY_CODE.get(digits[:2]) if len(digits) >= 2 else None


def _clean(text: str) -> str:
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def _strip_edges(token: str) -> str:
    return token.strip(_EDGE_PUNCT)


def _is_sigungu_token(token: str) -> bool:
    return bool(_SIGUNGU_TOKEN.match(token)) and resolve_sido(token) is None


def _split_glued_sigungu(token: str) -> tuple[str, str] | None:
    """Split ``"서귀포시대정읍"`` into ``("서귀포시", "대정읍")``."""
    for name in _GLUED_EXCEPTIONS:
        if token.startswith(name):
            return name, token[len(name) :]
    match = _GLUED_SIGUNGU.match(token)
    if match is None:
        return None
    return match.group(1), match.group(2)


def _city_of(sigungu: str, sido: Sido | None) -> str:
    """Map a nationally unique 일반구 to its 시, when consistent with the 시도."""
    entry = GENERAL_GU.get(sigungu)
    if entry is None:
        return sigungu
    code, city = entry
    if sido is not None and sido.code != code:
        return sigungu
    return city


def _take_sido(tokens: list[str]) -> tuple[Sido | None, list[str], bool]:
    """Consume a leading 시도 (spaced or glued); the flag tells whether it was glued."""
    if not tokens:
        return None, tokens, False
    first = _strip_edges(tokens[0])
    sido = resolve_sido(first)
    if sido is not None:
        rest = tokens[1:]
        # A name split by a space: "광주 광역시 동구", "전북 특별자치도 …".
        while rest and resolve_sido(first + _strip_edges(rest[0])) is sido:
            first, rest = first + _strip_edges(rest[0]), rest[1:]
        return sido, rest, False
    context_code = _CONTEXT_SIDO_ALIASES.get(first)
    if context_code is not None:
        if len(tokens) > 1 and _strip_edges(tokens[1]) in _GWANGJU_AUTONOMOUS_GU:
            return _BY_CODE[context_code], tokens[1:], False
        return None, tokens, False
    if first.startswith(_SIGUNGU_LIKE_SIDO_PREFIX):
        return None, tokens, False
    # Glued: "경기도부천시소사구…", "서울광진구뚝섬로24길", "강원화천군".
    for prefix, candidate in _GLUE_PREFIXES:
        if not first.startswith(prefix) or len(first) == len(prefix):
            continue
        remainder = first[len(prefix) :]
        # Accept a long prefix on its own ("세종시연서면"); a short one ("광주",
        # "대구") only when a 시군구 follows, so "광주시퇴촌면" stays 경기도's.
        if len(prefix) >= 3 or _split_glued_sigungu(remainder) is not None:
            return candidate, [remainder, *tokens[1:]], True
    return None, tokens, False


def _take_sigungu(tokens: list[str], after_glued_sido: bool) -> tuple[str, list[str]]:
    """Consume a leading 시군구 token (or a 시군구 glued to what follows)."""
    if not tokens:
        return "", tokens
    first = _strip_edges(tokens[0])
    for gu, (_code, city) in GENERAL_GU.items():  # "전주시덕진구" → "전주시", "덕진구"
        if first == city + gu:
            return city, [gu, *tokens[1:]]
    if _is_sigungu_token(first):
        return first, tokens[1:]
    split = _split_glued_sigungu(first)
    if split is not None and resolve_sido(split[0]) is None:
        name, remainder = split
        if after_glued_sido or _UNIT_START.match(remainder):
            return name, [remainder, *tokens[1:]]
    return "", tokens


def _parse(address: str) -> tuple[Sido | None, str, list[str]]:
    text = _LEADING_PAREN.sub("", _clean(address))
    tokens = text.split(" ") if text else []
    sido, tokens, glued = _take_sido(tokens)
    sigungu = ""
    if sido is None or sido.code != _SEJONG_CODE:  # 세종특별자치시 has no 시군구
        sigungu, tokens = _take_sigungu(tokens, after_glued_sido=glued)
    return sido, sigungu, [t for t in tokens if t]


def split_address(address: str | None) -> tuple[Sido | None, str, str]:
    """Split a Korean address into (시도, 시군구, rest).

    Inputs: a free-text address as found in the registers, e.g.
    ``"전라북도 전주시 덕진구 감수길 29"``, ``"서울시 강남구 일원로5길 68, 104호"``,
    ``"전주시 완산구 서학2길 60"`` (no 시도), ``"세종특별자치시 한누리대로 2130"`` (no
    시군구) or glued ``"경남창원시마산합포구북성로"``. Text is NFKC-normalised
    and runs of whitespace (line breaks included) become one space. A leading
    parenthesised note such as ``"(본점)"`` is skipped.

    Output: ``(sido, sigungu, rest)``.
    - ``sido``: the :class:`Sido` named by any alias at the start, else ``None``
      (it is never inferred from the 시군구). ``"광주시"`` counts as 광주광역시
      only when one of its 자치구 follows; otherwise it is 경기도 광주시.
    - ``sigungu``: the first token ending in 시/군/구 right after the 시도 (or
      at the start), e.g. ``"전주시"``; for a 시 with 일반구 this is the 시
      (we key on the 시), and a bare, nationally unique 일반구 is mapped to its
      시 (``"덕진구"`` → ``"전주시"``). ``""`` when absent (always for 세종).
    - ``rest``: everything after the 시군구 (after the 시도 when there is no
      시군구), single-spaced; a 일반구 stays at the start of ``rest``
      (``"덕진구 감수길 29"``).

    Errors: never raises; ``None`` or ``""`` gives ``(None, "", "")``.

    Source: 행정표준코드 시도/시군구 structure; data/README.md quirks.
    """
    if not address:
        return None, "", ""
    sido, sigungu, tokens = _parse(address)
    city = _city_of(sigungu, sido)
    if city != sigungu:  # a bare 일반구: keep it in the rest, like "전주시 덕진구 …"
        tokens = [sigungu, *tokens]
    return sido, city, " ".join(tokens)


def normalize_sigungu(sido: Sido | None, text: str | None) -> str:
    """Return the canonical 시군구 (기초자치단체) name for a register's 시군구 cell.

    Inputs: the row's :class:`Sido` (or ``None``) and the raw 시군구 text, e.g.
    ``"전주시"``, ``" 전주시 덕진구 "``, ``"덕진구"``, ``"전북"``.

    Output: the 시군구 name, keyed on the 시 for 일반구 (``"전주시 덕진구"`` and
    ``"덕진구"`` → ``"전주시"``). ``""`` when the text is empty, is itself a
    시도 alias (the self-sufficiency CSV puts ``"전북"``/``"대전"`` there for 광역
    rows; also ``"광주시"`` under 광주광역시), names no 시/군/구, names a
    different 시도 than ``sido``, or ``sido`` is 세종특별자치시 (no 시군구).

    Errors: never raises.

    Source: data/README.md quirks; 행정표준코드 시군구 structure.
    """
    if not text:
        return ""
    cleaned = _clean(text)
    compact = cleaned.replace(" ", "")
    if not compact or resolve_sido(compact) is not None:
        return ""
    if sido is not None and sido.code == _SEJONG_CODE:
        return ""
    context_code = _CONTEXT_SIDO_ALIASES.get(compact)
    if context_code is not None and sido is not None and sido.code == context_code:
        return ""
    row_sido, sigungu, _rest = _parse(cleaned)
    if row_sido is not None and sido is not None and row_sido.code != sido.code:
        return ""
    return _city_of(sigungu, sido or row_sido)


# --- English names ---------------------------------------------------------------------

# Every 시군구 (and the 일반구 of GENERAL_GU) with its official English name: the Revised
# Romanization of Korean (문화체육관광부 고시 제2000-8호, "국어의 로마자 표기법") with
# the -si / -gun / -gu suffixes of the local governments' own English names, sound
# changes as pronounced (종로 Jongno, 강릉 Gangneung, 울릉 Ulleung, 신라 → Silla, …) and
# no hyphen inside a name. A name used in several 시도 (중구, 고성군, 강서구) is written
# the same everywhere. Sources: 행정안전부 행정구역 현황 (2025), 인천광역시 행정체제
# 개편 (제물포구, 영종구, 검단구 from 2026-07-01), 화성시 일반구 (2026-02-01).
SIGUNGU_ENGLISH: MappingProxyType[str, str] = MappingProxyType(
    {
        # 서울특별시
        "종로구": "Jongno-gu",
        "중구": "Jung-gu",
        "용산구": "Yongsan-gu",
        "성동구": "Seongdong-gu",
        "광진구": "Gwangjin-gu",
        "동대문구": "Dongdaemun-gu",
        "중랑구": "Jungnang-gu",
        "성북구": "Seongbuk-gu",
        "강북구": "Gangbuk-gu",
        "도봉구": "Dobong-gu",
        "노원구": "Nowon-gu",
        "은평구": "Eunpyeong-gu",
        "서대문구": "Seodaemun-gu",
        "마포구": "Mapo-gu",
        "양천구": "Yangcheon-gu",
        "강서구": "Gangseo-gu",
        "구로구": "Guro-gu",
        "금천구": "Geumcheon-gu",
        "영등포구": "Yeongdeungpo-gu",
        "동작구": "Dongjak-gu",
        "관악구": "Gwanak-gu",
        "서초구": "Seocho-gu",
        "강남구": "Gangnam-gu",
        "송파구": "Songpa-gu",
        "강동구": "Gangdong-gu",
        # 부산광역시 (and the 구 names every 광역시 shares)
        "서구": "Seo-gu",
        "동구": "Dong-gu",
        "남구": "Nam-gu",
        "북구": "Buk-gu",
        "영도구": "Yeongdo-gu",
        "부산진구": "Busanjin-gu",
        "동래구": "Dongnae-gu",
        "해운대구": "Haeundae-gu",
        "사하구": "Saha-gu",
        "금정구": "Geumjeong-gu",
        "연제구": "Yeonje-gu",
        "수영구": "Suyeong-gu",
        "사상구": "Sasang-gu",
        "기장군": "Gijang-gun",
        # 대구광역시
        "수성구": "Suseong-gu",
        "달서구": "Dalseo-gu",
        "달성군": "Dalseong-gun",
        "군위군": "Gunwi-gun",
        # 인천광역시
        "미추홀구": "Michuhol-gu",
        "연수구": "Yeonsu-gu",
        "남동구": "Namdong-gu",
        "부평구": "Bupyeong-gu",
        "계양구": "Gyeyang-gu",
        "강화군": "Ganghwa-gun",
        "옹진군": "Ongjin-gun",
        "제물포구": "Jemulpo-gu",
        "영종구": "Yeongjong-gu",
        "검단구": "Geomdan-gu",
        # 광주광역시
        "광산구": "Gwangsan-gu",
        # 대전광역시
        "유성구": "Yuseong-gu",
        "대덕구": "Daedeok-gu",
        # 울산광역시
        "울주군": "Ulju-gun",
        # 경기도
        "수원시": "Suwon-si",
        "성남시": "Seongnam-si",
        "의정부시": "Uijeongbu-si",
        "안양시": "Anyang-si",
        "부천시": "Bucheon-si",
        "광명시": "Gwangmyeong-si",
        "평택시": "Pyeongtaek-si",
        "동두천시": "Dongducheon-si",
        "안산시": "Ansan-si",
        "고양시": "Goyang-si",
        "과천시": "Gwacheon-si",
        "구리시": "Guri-si",
        "남양주시": "Namyangju-si",
        "오산시": "Osan-si",
        "시흥시": "Siheung-si",
        "군포시": "Gunpo-si",
        "의왕시": "Uiwang-si",
        "하남시": "Hanam-si",
        "용인시": "Yongin-si",
        "파주시": "Paju-si",
        "이천시": "Icheon-si",
        "안성시": "Anseong-si",
        "김포시": "Gimpo-si",
        "화성시": "Hwaseong-si",
        "광주시": "Gwangju-si",
        "양주시": "Yangju-si",
        "포천시": "Pocheon-si",
        "여주시": "Yeoju-si",
        "연천군": "Yeoncheon-gun",
        "가평군": "Gapyeong-gun",
        "양평군": "Yangpyeong-gun",
        # 강원특별자치도
        "춘천시": "Chuncheon-si",
        "원주시": "Wonju-si",
        "강릉시": "Gangneung-si",
        "동해시": "Donghae-si",
        "태백시": "Taebaek-si",
        "속초시": "Sokcho-si",
        "삼척시": "Samcheok-si",
        "홍천군": "Hongcheon-gun",
        "횡성군": "Hoengseong-gun",
        "영월군": "Yeongwol-gun",
        "평창군": "Pyeongchang-gun",
        "정선군": "Jeongseon-gun",
        "철원군": "Cheorwon-gun",
        "화천군": "Hwacheon-gun",
        "양구군": "Yanggu-gun",
        "인제군": "Inje-gun",
        "고성군": "Goseong-gun",
        "양양군": "Yangyang-gun",
        # 충청북도
        "청주시": "Cheongju-si",
        "충주시": "Chungju-si",
        "제천시": "Jecheon-si",
        "보은군": "Boeun-gun",
        "옥천군": "Okcheon-gun",
        "영동군": "Yeongdong-gun",
        "증평군": "Jeungpyeong-gun",
        "진천군": "Jincheon-gun",
        "괴산군": "Goesan-gun",
        "음성군": "Eumseong-gun",
        "단양군": "Danyang-gun",
        # 충청남도
        "천안시": "Cheonan-si",
        "공주시": "Gongju-si",
        "보령시": "Boryeong-si",
        "아산시": "Asan-si",
        "서산시": "Seosan-si",
        "논산시": "Nonsan-si",
        "계룡시": "Gyeryong-si",
        "당진시": "Dangjin-si",
        "금산군": "Geumsan-gun",
        "부여군": "Buyeo-gun",
        "서천군": "Seocheon-gun",
        "청양군": "Cheongyang-gun",
        "홍성군": "Hongseong-gun",
        "예산군": "Yesan-gun",
        "태안군": "Taean-gun",
        # 전북특별자치도
        "전주시": "Jeonju-si",
        "군산시": "Gunsan-si",
        "익산시": "Iksan-si",
        "정읍시": "Jeongeup-si",
        "남원시": "Namwon-si",
        "김제시": "Gimje-si",
        "완주군": "Wanju-gun",
        "진안군": "Jinan-gun",
        "무주군": "Muju-gun",
        "장수군": "Jangsu-gun",
        "임실군": "Imsil-gun",
        "순창군": "Sunchang-gun",
        "고창군": "Gochang-gun",
        "부안군": "Buan-gun",
        # 전라남도
        "목포시": "Mokpo-si",
        "여수시": "Yeosu-si",
        "순천시": "Suncheon-si",
        "나주시": "Naju-si",
        "광양시": "Gwangyang-si",
        "담양군": "Damyang-gun",
        "곡성군": "Gokseong-gun",
        "구례군": "Gurye-gun",
        "고흥군": "Goheung-gun",
        "보성군": "Boseong-gun",
        "화순군": "Hwasun-gun",
        "장흥군": "Jangheung-gun",
        "강진군": "Gangjin-gun",
        "해남군": "Haenam-gun",
        "영암군": "Yeongam-gun",
        "무안군": "Muan-gun",
        "함평군": "Hampyeong-gun",
        "영광군": "Yeonggwang-gun",
        "장성군": "Jangseong-gun",
        "완도군": "Wando-gun",
        "진도군": "Jindo-gun",
        "신안군": "Sinan-gun",
        # 경상북도
        "포항시": "Pohang-si",
        "경주시": "Gyeongju-si",
        "김천시": "Gimcheon-si",
        "안동시": "Andong-si",
        "구미시": "Gumi-si",
        "영주시": "Yeongju-si",
        "영천시": "Yeongcheon-si",
        "상주시": "Sangju-si",
        "문경시": "Mungyeong-si",
        "경산시": "Gyeongsan-si",
        "의성군": "Uiseong-gun",
        "청송군": "Cheongsong-gun",
        "영양군": "Yeongyang-gun",
        "영덕군": "Yeongdeok-gun",
        "청도군": "Cheongdo-gun",
        "고령군": "Goryeong-gun",
        "성주군": "Seongju-gun",
        "칠곡군": "Chilgok-gun",
        "예천군": "Yecheon-gun",
        "봉화군": "Bonghwa-gun",
        "울진군": "Uljin-gun",
        "울릉군": "Ulleung-gun",
        # 경상남도
        "창원시": "Changwon-si",
        "진주시": "Jinju-si",
        "통영시": "Tongyeong-si",
        "사천시": "Sacheon-si",
        "김해시": "Gimhae-si",
        "밀양시": "Miryang-si",
        "거제시": "Geoje-si",
        "양산시": "Yangsan-si",
        "의령군": "Uiryeong-gun",
        "함안군": "Haman-gun",
        "창녕군": "Changnyeong-gun",
        "남해군": "Namhae-gun",
        "하동군": "Hadong-gun",
        "산청군": "Sancheong-gun",
        "함양군": "Hamyang-gun",
        "거창군": "Geochang-gun",
        "합천군": "Hapcheon-gun",
        # 제주특별자치도 (행정시)
        "제주시": "Jeju-si",
        "서귀포시": "Seogwipo-si",
        # 일반구 (GENERAL_GU)
        "장안구": "Jangan-gu",
        "권선구": "Gwonseon-gu",
        "팔달구": "Paldal-gu",
        "영통구": "Yeongtong-gu",
        "수정구": "Sujeong-gu",
        "중원구": "Jungwon-gu",
        "분당구": "Bundang-gu",
        "만안구": "Manan-gu",
        "동안구": "Dongan-gu",
        "상록구": "Sangnok-gu",
        "단원구": "Danwon-gu",
        "덕양구": "Deogyang-gu",
        "일산동구": "Ilsandong-gu",
        "일산서구": "Ilsanseo-gu",
        "처인구": "Cheoin-gu",
        "기흥구": "Giheung-gu",
        "수지구": "Suji-gu",
        "원미구": "Wonmi-gu",
        "소사구": "Sosa-gu",
        "오정구": "Ojeong-gu",
        "만세구": "Manse-gu",
        "효행구": "Hyohaeng-gu",
        "병점구": "Byeongjeom-gu",
        "동탄구": "Dongtan-gu",
        "상당구": "Sangdang-gu",
        "서원구": "Seowon-gu",
        "흥덕구": "Heungdeok-gu",
        "청원구": "Cheongwon-gu",
        "동남구": "Dongnam-gu",
        "서북구": "Seobuk-gu",
        "완산구": "Wansan-gu",
        "덕진구": "Deokjin-gu",
        "의창구": "Uichang-gu",
        "성산구": "Seongsan-gu",
        "마산합포구": "Masanhappo-gu",
        "마산회원구": "Masanhoewon-gu",
        "진해구": "Jinhae-gu",
    }
)


def _english(language: str | None) -> bool:
    if language is None:
        from django.utils import translation

        language = translation.get_language() or ""
    return language.lower().startswith("en")


def sido_label(name: str | None, *, language: str | None = None) -> str:
    """A 시도 as shown: its English name (``"전북특별자치도"`` → ``"Jeonbuk State"``)
    when `language` (default: the active language) is English, else the name as given.
    Unknown names are returned as they are; ``None`` gives ``""``."""
    if not name:
        return ""
    found = resolve_sido(name) if _english(language) else None
    return found.english_name if found is not None else name


def sigungu_label(name: str | None, *, language: str | None = None) -> str:
    """A 시군구 as shown: its English name from `SIGUNGU_ENGLISH` (``"완주군"`` →
    ``"Wanju-gun"``; ``"전주시 덕진구"`` → ``"Jeonju-si Deokjin-gu"``) when `language`
    (default: the active language) is English, else the name as given. Unknown names
    are returned as they are; ``None`` gives ``""``."""
    if not name:
        return ""
    if not _english(language):
        return name
    return " ".join(SIGUNGU_ENGLISH.get(part, part) for part in name.split())


def region_label(sido: str | None, sigungu: str | None, *, language: str | None = None) -> str:
    """A 시도 and 시군구 as shown, in English when the language is English: ``("전북특별자치도",
    "전주시")`` → ``"전북특별자치도 전주시"`` or ``"Jeonju-si, Jeonbuk State"`` (English
    addresses go from the smaller place to the larger)."""
    parts = [sido_label(sido, language=language), sigungu_label(sigungu, language=language)]
    if _english(language):
        return ", ".join(p for p in reversed(parts) if p)
    return " ".join(p for p in parts if p)


def region_text_label(text: str | None, *, language: str | None = None) -> str:
    """A stored "시도 시군구" text (as `Organization.region_display` makes it) as
    shown, through :func:`region_label`; text that does not start with a 시도 is
    returned as it is."""
    if not text:
        return ""
    head, _sep, rest = text.strip().partition(" ")
    if resolve_sido(head) is None:
        return text
    return region_label(head, rest, language=language)
