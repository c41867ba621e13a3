"""Organisation-name normalisation for matching records across registers.

The same organisation is spelled differently in each public file: ``㈜코이로``,
``(주)코이로``, ``주식회사 코이로``, ``코이로 주식회사``; line breaks and double
spaces are kept from the source. This module detects the legal form (법인
형태) from those markers and reduces a name to a comparison key.

Policy: company-type markers (주식회사, 유한회사, 사단법인, 재단법인,
영농조합법인, 농업회사법인, … and their abbreviations) are removed from the key.
Cooperative forms (협동조합, 사회적협동조합 and their federations) are detected
but **kept** in the key, because very many names are "XX협동조합" and removing
it would make "전주한옥마을협동조합" equal to an unrelated "전주한옥마을"; their
abbreviations ``(협)``/``(사협)`` are spelled out instead.

Sources:
- data/official/README.md "Quirks" and the marker spellings in the 2025-12-31
  village-enterprise (15080745) and self-sufficiency (15091502) files.
- The laws that define the forms: 상법 (company forms), 민법 (사단·재단법인),
  농어업경영체법 (영농·영어조합법인, 농업·어업회사법인), 협동조합 기본법 (cooperative forms).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz

__all__ = [
    "LEGAL_FORMS",
    "LegalForm",
    "detect_legal_form",
    "legal_form",
    "name_similarity",
    "normalize_name",
]


@dataclass(frozen=True, slots=True)
class LegalForm:
    """A legal form (법인 형태) and the spellings that mark it in a name.

    ``markers`` are written as found in data; they are matched after NFKC
    normalisation with all whitespace removed, so ``"( 주 )"``, ``"（주）"``
    and ``"㈜"`` all match ``"(주)"``. A marker with an unmatched ``)``
    (``"주)"``) only matches at the start of a name, one with an unmatched
    ``(`` (``"(주"``) only at the end. ``strip`` tells whether
    :func:`normalize_name` removes the marker; when it does not, the marker
    is replaced by ``name`` (so ``"(협)"`` becomes ``"협동조합"``).
    """

    code: str
    name: str
    english_name: str
    markers: tuple[str, ...]
    strip: bool


# Ordered: detect_legal_form returns the first form with a marker in the name,
# so more specific forms come before the forms they contain ("사회적협동조합"
# before "협동조합") and the agricultural/fishery company forms before the
# 주식회사/유한회사 they are usually organised as.
LEGAL_FORMS: tuple[LegalForm, ...] = (
    LegalForm(
        "social_cooperative_federation",
        "사회적협동조합연합회",
        "social cooperative federation",
        ("사회적협동조합연합회",),
        strip=False,
    ),
    LegalForm(
        "mixed_cooperative_federation",
        "이종협동조합연합회",
        "mixed-type cooperative federation",
        ("이종협동조합연합회",),
        strip=False,
    ),
    LegalForm(
        "cooperative_federation",
        "협동조합연합회",
        "cooperative federation",
        ("협동조합연합회",),
        strip=False,
    ),
    LegalForm(
        "social_cooperative",
        "사회적협동조합",
        "social cooperative",
        ("사회적협동조합", "(사협)"),
        strip=False,
    ),
    LegalForm(
        "agricultural_company",
        "농업회사법인",
        "agricultural company",
        # 농헙회사법인: a typo in the 2025-12-31 village-enterprise register.
        ("농업회사법인", "농어업회사법인", "영농회사법인", "농헙회사법인", "(농)"),
        strip=True,
    ),
    LegalForm(
        "fishery_company",
        "어업회사법인",
        "fishery company",
        ("어업회사법인",),
        strip=True,
    ),
    LegalForm(
        "farming_association",
        "영농조합법인",
        "farming association",
        ("영농조합법인", "농업조합법인", "영농조합", "(영)"),
        strip=True,
    ),
    LegalForm(
        "fishery_association",
        "영어조합법인",
        "fishery association",
        ("영어조합법인", "영어조합"),
        strip=True,
    ),
    LegalForm(
        "social_welfare_corporation",
        "사회복지법인",
        "social welfare corporation",
        ("사회복지법인", "(복)"),
        strip=True,
    ),
    LegalForm(
        "incorporated_association",
        "사단법인",
        "incorporated association",
        ("사단법인", "㈔", "(사)", "사)", "㈳", "(社)"),
        strip=True,
    ),
    LegalForm(
        "incorporated_foundation",
        "재단법인",
        "incorporated foundation",
        ("재단법인", "(재)", "㈶", "(財)"),
        strip=True,
    ),
    LegalForm(
        "limited_liability_company",
        "유한책임회사",
        "limited liability company",
        ("유한책임회사",),
        strip=True,
    ),
    LegalForm(
        "limited_company",
        "유한회사",
        "limited company",
        ("(유한회사)", "유한회사", "(유)", "유)", "㈲", "(有)"),
        strip=True,
    ),
    LegalForm(
        "limited_partnership",
        "합자회사",
        "limited partnership company",
        ("합자회사", "(합자)"),
        strip=True,
    ),
    LegalForm(
        "general_partnership",
        "합명회사",
        "general partnership company",
        ("합명회사", "(합명)"),
        strip=True,
    ),
    LegalForm(
        "stock_company",
        "주식회사",
        "stock company",
        ("주식회사", "㈜", "(주)", "( 주 )", "주)", "(주", "㈱", "(株)"),
        strip=True,
    ),
    LegalForm(
        "cooperative",
        "협동조합",
        "cooperative",
        ("협동조합", "(협)"),
        strip=False,
    ),
    LegalForm(
        "nonprofit_civil_group",
        "비영리민간단체",
        "non-profit civil group",
        ("비영리민간단체",),
        strip=False,
    ),
    LegalForm(
        "sole_proprietor",
        "개인사업자",
        "sole proprietor",
        ("개인사업자",),
        strip=False,
    ),
)

_BY_CODE: dict[str, LegalForm] = {form.code: form for form in LEGAL_FORMS}
_WHITESPACE = re.compile(r"\s+")
# Characters that are letters to Unicode but used as separators in names.
_SEPARATOR_LETTERS = frozenset("ㆍᆞ")
# Opening of a former-name note: "(구: …)", "(구. …)", "(구 …)", "([구]…)",
# "((구)…)", "(前…)", "(舊…)".
_FORMER_NAME_OPEN = re.compile(r"\((?=\s*(?:\[\s*구\s*\]|\(\s*구\s*\)|구\s*[.:]|구\s|前|舊))")
# "(전)옛이름 (현)새이름": keep what follows "(현)".
_CURRENT_NAME = re.compile(r"^\s*\(\s*전\s*\).*?\(\s*현\s*\)", re.DOTALL)


def _compact(text: str) -> str:
    return _WHITESPACE.sub("", unicodedata.normalize("NFKC", text))


def _marker_pattern(marker: str) -> str:
    compact = _compact(marker)
    escaped = re.escape(compact)
    if compact.count(")") > compact.count("("):
        return "^" + escaped
    if compact.count("(") > compact.count(")"):
        return escaped + "$"
    return escaped


def _compile(forms: tuple[LegalForm, ...]) -> re.Pattern[str]:
    markers = {_compact(m) for form in forms for m in form.markers}
    # Longest first, so "영농조합법인" wins over "영농조합" and "(유한회사)" over "유한회사".
    ordered = sorted(markers, key=lambda m: (-len(m), m))
    return re.compile("|".join(f"(?:{_marker_pattern(m)})" for m in ordered))


_FORM_PATTERNS: tuple[tuple[LegalForm, re.Pattern[str]], ...] = tuple(
    (form, _compile((form,))) for form in LEGAL_FORMS
)
_ALL_MARKERS = _compile(LEGAL_FORMS)
_FORM_OF_MARKER: dict[str, LegalForm] = {}
for _form in reversed(LEGAL_FORMS):  # earlier forms win a shared spelling
    for _marker in _form.markers:
        _FORM_OF_MARKER[_compact(_marker)] = _form


def _drop_former_names(text: str) -> str:
    """Remove notes on a former name: "두루살기협동조합 (구: 세상의중심협동조합)"."""
    current = _CURRENT_NAME.sub("", text)
    if current.strip():
        text = current
    while (match := _FORMER_NAME_OPEN.search(text)) is not None:
        depth, end = 0, len(text)
        for index in range(match.start(), len(text)):
            if text[index] == "(":
                depth += 1
            elif text[index] == ")":
                depth -= 1
                if depth == 0:
                    end = index + 1
                    break
        text = text[: match.start()] + text[end:]
    return text


def _prepare(name: str) -> str:
    """NFKC, former-name notes removed, all whitespace removed."""
    return _compact(_drop_former_names(unicodedata.normalize("NFKC", name)))


def legal_form(code: str) -> LegalForm:
    """Return the :class:`LegalForm` with a given code.

    Inputs: a code from :data:`LEGAL_FORMS`, e.g. ``"stock_company"``.

    Output: the matching :class:`LegalForm`.

    Errors: ``KeyError`` for an unknown code.

    Source: this module's :data:`LEGAL_FORMS` table.
    """
    return _BY_CODE[code]


def detect_legal_form(name: str | None) -> str | None:
    """Detect the legal form (법인 형태) marked in an organisation name.

    Inputs: a raw organisation name as found in a register, e.g.
    ``"㈜코이로"``, ``"주) 케이앤에스건설"``, ``"곡천향토체험마을영농조합법인"``,
    ``"농업회사법인 주식회사 쌀양조장"``. Matching is on the NFKC form with all
    whitespace removed; notes on a former name (``"(구: …)"``, ``"(前…)"``)
    are ignored.

    Output: the code of the first :data:`LEGAL_FORMS` entry whose marker
    appears (``"stock_company"``, ``"limited_company"``,
    ``"incorporated_association"``, ``"farming_association"``,
    ``"agricultural_company"``, ``"social_cooperative"``, ``"cooperative"``,
    …), or ``None`` when the name carries no marker. 협동조합 and
    사회적협동조합 are detected even though :func:`normalize_name` keeps them.

    Errors: never raises.

    Source: marker spellings in the 2025-12-31 public registers
    (data/official/README.md); 협동조합 기본법 for the cooperative forms.
    """
    if not name:
        return None
    prepared = _prepare(name)
    for form, pattern in _FORM_PATTERNS:
        if pattern.search(prepared):
            return form.code
    return None


def _replace_marker(match: re.Match[str]) -> str:
    form = _FORM_OF_MARKER[match.group(0)]
    return "" if form.strip else form.name


def normalize_name(name: str | None) -> str:
    """Reduce an organisation name to a key for matching (기관명 정규화).

    Inputs: a raw organisation name as found in a register.

    Output: the name NFKC-normalised, without former-name notes, with the
    company-type markers of :data:`LEGAL_FORMS` removed (``strip=True``:
    주식회사, ㈜, (주), 주), 유한회사, (유), 사단법인, (사), 재단법인,
    영농조합법인, (영), 농업회사법인, …), cooperative abbreviations spelled out
    (``(협)`` → 협동조합, ``(사협)`` → 사회적협동조합) and 협동조합 itself kept,
    with all whitespace and punctuation removed and latin letters lower-cased.
    Examples: ``"㈜코이로"`` → ``"코이로"``, ``"(유한회사)미소택배"`` →
    ``"미소택배"``, ``"곡천향토체험마을영농조합법인"`` → ``"곡천향토체험마을"``,
    ``"전주한옥마을협동조합"`` → ``"전주한옥마을협동조합"``. ``None`` or a name
    that is only a marker gives ``""``.

    Errors: never raises.

    Source: marker spellings in the 2025-12-31 public registers
    (data/README.md "Quirks worth knowing").
    """
    if not name:
        return ""
    text = _prepare(name)
    # Repeat until stable: removing a marker can expose another ("농업회사법인주)…"),
    # and removing punctuation can join one ("주식·회사"). A few passes suffice.
    for _ in range(8):
        previous = text
        text = _ALL_MARKERS.sub(_replace_marker, unicodedata.normalize("NFKC", text))
        text = "".join(
            ch
            for ch in text.lower()
            if unicodedata.category(ch)[0] in "LN" and ch not in _SEPARATOR_LETTERS
        )
        if text == previous:
            break
    return text


def name_similarity(a: str | None, b: str | None) -> float:
    """Score how alike two organisation names are, 0–100.

    Inputs: two raw organisation names.

    Output: ``rapidfuzz.fuzz.ratio`` of their :func:`normalize_name` keys
    (100.0 = identical keys). ``0.0`` when either key is empty, so two
    marker-only or blank names never count as a match.

    Errors: never raises.

    Source: rapidfuzz ``fuzz.ratio`` (normalised Indel similarity).
    """
    key_a, key_b = normalize_name(a), normalize_name(b)
    if not key_a or not key_b:
        return 0.0
    return float(fuzz.ratio(key_a, key_b))
