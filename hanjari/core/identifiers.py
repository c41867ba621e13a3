"""Korean business identifiers: 사업자등록번호 (BRN) and 법인등록번호 (CRN).

Pure functions for cleaning, validating, formatting and classifying the two
numbers that identify an organisation in the public registers, plus two
Django-style validators for model and form fields.

Sources:
- "Identifiers" in docs/development.md (the rules below, with checked examples).
- National Tax Service (국세청) numbering rules for the business registration
  number (사업자등록번호 부여 체계): layout, taxpayer-kind codes and check digit.
- Court registry (등기소) layout of the corporate registration number
  (법인등록번호): registry-office code + entity-kind code + serial + check digit.

The BRN check digit detects every single-digit error (weights 1, 3, 7 are
coprime to 10 and the 9th-digit term ``5·d + ⌊5·d/10⌋`` is a bijection mod 10).
The CRN check digit does *not* detect a change of ±5 in a digit with weight 2
(positions 2, 4, …, 12), because ``2 × 5 ≡ 0 (mod 10)``.
"""

from __future__ import annotations

import math
import re
import unicodedata
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

__all__ = [
    "BRN_LENGTH",
    "CRN_LENGTH",
    "TaxpayerKind",
    "brn_check_digit",
    "brn_format",
    "brn_is_sole_trader",
    "brn_is_valid",
    "brn_taxpayer_kind",
    "crn_check_digit",
    "crn_format",
    "crn_is_valid",
    "normalize_digits",
    "validate_brn",
    "validate_crn",
]

BRN_LENGTH = 10
CRN_LENGTH = 13

_BRN_WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)
_CRN_WEIGHTS = (1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2)

# An Excel cell read as a number and then written as text: "1248100998.0".
_TRAILING_FLOAT_ZERO = re.compile(r"\.0+\s*$")
_NON_DIGIT = re.compile(r"[^0-9]")


class TaxpayerKind(StrEnum):
    """Taxpayer kind encoded in digits 4–5 of a 사업자등록번호 (국세청 사업자등록번호 부여 체계)."""

    INDIVIDUAL_TAXABLE = "individual_taxable"  # 01–79: 개인 과세사업자
    INDIVIDUAL_EXEMPT = "individual_exempt"  # 90–99: 개인 면세사업자
    APARTMENT_MULTILEVEL = "apartment_multilevel"  # 80: 아파트관리사무소·다단계판매원
    CORPORATE_HEAD = "corporate_head"  # 81, 86, 87, 88: 영리법인 본점
    NONPROFIT = "nonprofit"  # 82: 비영리법인 (본점·지점)
    GOVERNMENT = "government"  # 83: 국가·지방자치단체
    FOREIGN = "foreign"  # 84: 외국법인
    CORPORATE_BRANCH = "corporate_branch"  # 85: 영리법인 지점
    RELIGIOUS = "religious"  # 89: 법인 아닌 종교단체
    UNKNOWN = "unknown"  # 00: not assigned by the published rules


def normalize_digits(value: object) -> str:
    """Return only the ASCII digits of an identifier as it appears in a data file.

    Inputs: a ``str``, ``int`` or ``float`` (other objects are converted with
    ``str()``). Strings are NFKC-normalised first, so full-width digits
    (``１２４``) count. A trailing ``.0`` left by spreadsheets is removed before
    the digits are taken, so the float ``1248100998.0`` and the strings
    ``"1248100998.0"`` and ``"124-81-00998.0"`` all give ``"1248100998"``.

    Output: the digit string (possibly empty). ``None``, ``""``, booleans,
    NaN and infinities give ``""``. Leading zeros already lost by a spreadsheet
    cannot be restored and are not guessed.

    Errors: never raises.

    Source: 고용노동부 사회적기업 목록 (dataset 15090110), whose numeric BRNs can carry a
    trailing ``.0`` (docs/data.md "Reading").
    """
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""
        text = str(int(value)) if value.is_integer() else repr(value)
    elif isinstance(value, int):
        text = str(abs(value))
    else:
        try:
            text = str(value)
        except Exception:  # a broken __str__ must not break an import run
            return ""
    text = unicodedata.normalize("NFKC", text)
    text = _TRAILING_FLOAT_ZERO.sub("", text)
    return _NON_DIGIT.sub("", text)


def _checked_digits(value: object, length: int, label: str) -> str:
    digits = normalize_digits(value)
    if len(digits) != length:
        raise ValueError(f"{label} needs {length} digits, got {len(digits)}: {value!r}")
    return digits


def brn_check_digit(first_nine: str) -> int:
    """Compute the check digit of a 사업자등록번호 (business registration number, BRN).

    Inputs: the first 9 digits as a string of ASCII digits (separators are
    ignored via :func:`normalize_digits`).

    Output: the 10th digit, 0–9: multiply the digits by 1,3,7,1,3,7,1,3,5,
    add ``⌊d₉ × 5 / 10⌋`` and take ``(10 − sum mod 10) mod 10``.

    Errors: ``ValueError`` if the input does not hold exactly 9 digits.

    Source: National Tax Service BRN numbering rules ("Identifiers" in
    docs/development.md).
    """
    digits = _checked_digits(first_nine, len(_BRN_WEIGHTS), "BRN prefix")
    nums = [int(c) for c in digits]
    total = sum(d * w for d, w in zip(nums, _BRN_WEIGHTS, strict=True))
    total += (nums[8] * 5) // 10
    return (10 - total % 10) % 10


def brn_is_valid(value: object) -> bool:
    """Tell whether a value is a well-formed 사업자등록번호 (BRN) with a correct check digit.

    Inputs: ``str``, ``int`` or ``float`` in any common spelling
    (``"124-81-00998"``, ``1248100998``, ``1248100998.0``); non-digit
    characters are ignored (see :func:`normalize_digits`).

    Output: ``True`` when the value has exactly 10 digits and the 10th equals
    :func:`brn_check_digit` of the first nine; otherwise ``False``. The
    taxpayer-kind digits are not checked (``00`` passes if the check digit does).

    Errors: never raises.

    Source: National Tax Service BRN numbering rules ("Identifiers" in
    docs/development.md).
    """
    digits = normalize_digits(value)
    if len(digits) != BRN_LENGTH:
        return False
    return brn_check_digit(digits[:9]) == int(digits[9])


def brn_format(digits: object) -> str:
    """Format a 사업자등록번호 (BRN) as ``XXX-XX-XXXXX``.

    Inputs: any value :func:`normalize_digits` accepts, holding 10 digits.

    Output: e.g. ``"124-81-00998"``. The check digit is not verified; call
    :func:`brn_is_valid` for that.

    Errors: ``ValueError`` if the value does not hold exactly 10 digits.

    Source: National Tax Service BRN layout ``XXX-XX-XXXXX``.
    """
    d = _checked_digits(digits, BRN_LENGTH, "BRN")
    return f"{d[:3]}-{d[3:5]}-{d[5:]}"


_CORPORATE_KINDS: dict[int, TaxpayerKind] = {
    80: TaxpayerKind.APARTMENT_MULTILEVEL,
    81: TaxpayerKind.CORPORATE_HEAD,
    82: TaxpayerKind.NONPROFIT,
    83: TaxpayerKind.GOVERNMENT,
    84: TaxpayerKind.FOREIGN,
    85: TaxpayerKind.CORPORATE_BRANCH,
    86: TaxpayerKind.CORPORATE_HEAD,
    87: TaxpayerKind.CORPORATE_HEAD,
    88: TaxpayerKind.CORPORATE_HEAD,
    89: TaxpayerKind.RELIGIOUS,
}


def brn_taxpayer_kind(digits: object) -> TaxpayerKind:
    """Classify a 사업자등록번호 (BRN) by its middle two digits (개인/법인 구분코드).

    Inputs: any value :func:`normalize_digits` accepts, holding 10 digits.

    Output: a :class:`TaxpayerKind` (a ``str``): 01–79 ``individual_taxable``,
    90–99 ``individual_exempt``, 80 ``apartment_multilevel``, 81/86/87/88
    ``corporate_head``, 82 ``nonprofit``, 83 ``government``, 84 ``foreign``,
    85 ``corporate_branch``, 89 ``religious``, 00 ``unknown``.

    Errors: ``ValueError`` if the value does not hold exactly 10 digits.

    Source: National Tax Service BRN numbering rules ("Identifiers" in
    docs/development.md).
    """
    middle = int(_checked_digits(digits, BRN_LENGTH, "BRN")[3:5])
    if 1 <= middle <= 79:
        return TaxpayerKind.INDIVIDUAL_TAXABLE
    if 90 <= middle <= 99:
        return TaxpayerKind.INDIVIDUAL_EXEMPT
    return _CORPORATE_KINDS.get(middle, TaxpayerKind.UNKNOWN)


def brn_is_sole_trader(digits: object) -> bool:
    """Tell whether a 사업자등록번호 (BRN) belongs to an individual (개인사업자, sole trader).

    Inputs: any value :func:`normalize_digits` accepts, holding 10 digits.

    Output: ``True`` for middle digits 01–79 and 90–99, else ``False``. A sole
    trader's BRN identifies a living person and is personal information
    (개인정보 보호법 §2): mask it before publishing.

    Errors: ``ValueError`` if the value does not hold exactly 10 digits.

    Source: National Tax Service BRN numbering rules ("Identifiers" in
    docs/development.md).
    """
    return brn_taxpayer_kind(digits) in (
        TaxpayerKind.INDIVIDUAL_TAXABLE,
        TaxpayerKind.INDIVIDUAL_EXEMPT,
    )


def crn_check_digit(first_twelve: str) -> int:
    """Compute the check digit of a 법인등록번호 (corporate registration number, CRN).

    Inputs: the first 12 digits as a string of ASCII digits (separators are
    ignored via :func:`normalize_digits`).

    Output: the 13th digit, 0–9: multiply the digits by 1,2,1,2,… and sum the
    products as they are (a product of 10+ is *not* folded into its digit
    sum), then take ``(10 − sum mod 10) mod 10``.

    Errors: ``ValueError`` if the input does not hold exactly 12 digits.

    Source: 법인등록번호 layout ("Identifiers" in docs/development.md;
    130111-0006246 and 110111-0085450 pass only this unfolded variant).
    """
    digits = _checked_digits(first_twelve, len(_CRN_WEIGHTS), "CRN prefix")
    total = sum(int(c) * w for c, w in zip(digits, _CRN_WEIGHTS, strict=True))
    return (10 - total % 10) % 10


def crn_is_valid(value: object) -> bool:
    """Tell whether a value is a well-formed 법인등록번호 (CRN) with a correct check digit.

    Inputs: ``str``, ``int`` or ``float`` in any common spelling
    (``"130111-0006246"``, ``1301110006246``); non-digit characters are
    ignored (see :func:`normalize_digits`).

    Output: ``True`` when the value has exactly 13 digits and the 13th equals
    :func:`crn_check_digit` of the first twelve; otherwise ``False``.

    Errors: never raises.

    Source: 법인등록번호 layout ("Identifiers" in docs/development.md).
    """
    digits = normalize_digits(value)
    if len(digits) != CRN_LENGTH:
        return False
    return crn_check_digit(digits[:12]) == int(digits[12])


def crn_format(digits: object) -> str:
    """Format a 법인등록번호 (CRN) as ``XXXXXX-XXXXXXX``.

    Inputs: any value :func:`normalize_digits` accepts, holding 13 digits.

    Output: e.g. ``"130111-0006246"``. The check digit is not verified; call
    :func:`crn_is_valid` for that.

    Errors: ``ValueError`` if the value does not hold exactly 13 digits.

    Source: 법인등록번호 layout ("Identifiers" in docs/development.md).
    """
    d = _checked_digits(digits, CRN_LENGTH, "CRN")
    return f"{d[:6]}-{d[6:]}"


def validate_brn(value: object) -> None:
    """Django validator for a 사업자등록번호 (BRN) field.

    Inputs: the field value (``str``/``int``/``float``; separators allowed).

    Output: ``None`` when :func:`brn_is_valid` accepts the value.

    Errors: ``django.core.exceptions.ValidationError`` with code
    ``"invalid_brn"``, a translatable Korean message and ``params={"value": value}``.

    Source: National Tax Service BRN numbering rules ("Identifiers" in
    docs/development.md).
    """
    if not brn_is_valid(value):
        raise ValidationError(
            _(
                "올바른 사업자등록번호가 아닙니다. "
                "10자리 번호(000-00-00000)와 끝자리 검증번호를 확인해 주세요."
            ),
            code="invalid_brn",
            params={"value": value},
        )


def validate_crn(value: object) -> None:
    """Django validator for a 법인등록번호 (CRN) field.

    Inputs: the field value (``str``/``int``/``float``; separators allowed).

    Output: ``None`` when :func:`crn_is_valid` accepts the value.

    Errors: ``django.core.exceptions.ValidationError`` with code
    ``"invalid_crn"``, a translatable Korean message and ``params={"value": value}``.

    Source: 법인등록번호 layout ("Identifiers" in docs/development.md).
    """
    if not crn_is_valid(value):
        raise ValidationError(
            _(
                "올바른 법인등록번호가 아닙니다. "
                "13자리 번호(000000-0000000)와 끝자리 검증번호를 확인해 주세요."
            ),
            code="invalid_crn",
            params={"value": value},
        )


def is_object_id(value: object) -> bool:
    """Whether `value` is a database id as typed in a URL or form: 1–18 ASCII digits
    (so "²" or a 30-digit number is refused rather than crashing `int()` or the
    database). Never raises."""
    text = str(value)
    return 0 < len(text) <= 18 and text.isascii() and text.isdigit()
