"""Tests for hanjari.core.identifiers (사업자등록번호 / 법인등록번호)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from hanjari.core.identifiers import (
    TaxpayerKind,
    brn_check_digit,
    brn_format,
    brn_is_sole_trader,
    brn_is_valid,
    brn_taxpayer_kind,
    crn_check_digit,
    crn_format,
    crn_is_valid,
    normalize_digits,
    validate_brn,
    validate_crn,
)

KNOWN_BRN = "1248100998"  # 124-81-00998, "Identifiers" in docs/development.md
KNOWN_CRNS = ("1301110006246", "1101110085450")  # the same section

BRN_WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)


def nine_digits() -> st.SearchStrategy[str]:
    return st.text(alphabet="0123456789", min_size=9, max_size=9)


def twelve_digits() -> st.SearchStrategy[str]:
    return st.text(alphabet="0123456789", min_size=12, max_size=12)


def folded_crn_check_digit(first_twelve: str) -> int:
    """The wrong variant some public code uses: digit-sum of two-digit products."""
    total = 0
    for index, char in enumerate(first_twelve):
        product = int(char) * (1 if index % 2 == 0 else 2)
        total += product // 10 + product % 10
    return (10 - total % 10) % 10


# --- normalize_digits -------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("124-81-00998", "1248100998"),
        ("124-81-00998.0", "1248100998"),
        ("1248100998.0", "1248100998"),
        (1248100998.0, "1248100998"),
        (1248100998, "1248100998"),
        (" 124 81 00998 ", "1248100998"),
        ("１２４－８１－００９９８", "1248100998"),  # full-width
        ("130111-0006246", "1301110006246"),
        (1301110006246.0, "1301110006246"),
        ("", ""),
        (None, ""),
        (float("nan"), ""),
        (float("inf"), ""),
        (True, ""),
        ("없음", ""),
    ],
)
def test_normalize_digits(value: object, expected: str) -> None:
    assert normalize_digits(value) == expected


def test_normalize_digits_treats_other_dots_as_separators() -> None:
    # Only a *trailing* ".0" is an Excel artefact; other dots are separators.
    assert normalize_digits("124.81.00998") == "1248100998"
    assert normalize_digits("12.5") == "125"


# --- BRN ---------------------------------------------------------------------


@pytest.mark.parametrize("value", [KNOWN_BRN, "124-81-00998", 1248100998, 1248100998.0])
def test_known_brn_is_valid(value: object) -> None:
    assert brn_is_valid(value) is True


def test_known_brn_check_digit_by_hand() -> None:
    # 1·1 + 2·3 + 4·7 + 8·1 + 1·3 + 0·7 + 0·1 + 9·3 + 9·5 = 118; + ⌊9·5/10⌋ = 122
    assert brn_check_digit("124810099") == 8


@pytest.mark.parametrize(
    "value",
    [
        "1248100999",  # wrong check digit
        "1248100997",
        "1348100998",  # first digit changed
        "1248200998",  # kind digits changed
        "1248100988",  # 9th digit changed
        "124810099",  # too short
        "12481009988",  # too long
        "",
        None,
        "abc",
        [],
    ],
)
def test_invalid_brns(value: object) -> None:
    assert brn_is_valid(value) is False


def test_brn_check_detects_every_single_digit_change_algebraically() -> None:
    """Checked over all positions and digit pairs before asserting the property.

    Positions 1–8 have weights 1, 3, 7 (coprime to 10). Position 9 contributes
    5·d + ⌊5·d/10⌋, which takes the ten values 0,5,1,6,2,7,3,8,4,9 (mod 10) for
    d = 0…9: all distinct. Position 10 is the check digit itself. So every
    single-digit change alters the result, for every position.
    """
    for position, weight in enumerate(BRN_WEIGHTS):
        contributions = set()
        for digit in range(10):
            value = digit * weight + (digit * 5 // 10 if position == 8 else 0)
            contributions.add(value % 10)
        assert len(contributions) == 10, position


@given(nine_digits())
def test_brn_built_with_check_digit_validates(prefix: str) -> None:
    number = prefix + str(brn_check_digit(prefix))
    assert brn_is_valid(number)
    assert brn_is_valid(brn_format(number))
    assert brn_is_valid(f"{number}.0")
    if not number.startswith("0"):  # a number cell cannot keep a leading zero
        assert brn_is_valid(int(number))
        assert brn_is_valid(float(number))


@given(nine_digits(), st.integers(min_value=0, max_value=9), st.integers(1, 9))
def test_brn_single_digit_change_always_invalidates(prefix: str, position: int, delta: int) -> None:
    number = prefix + str(brn_check_digit(prefix))
    digits = list(number)
    digits[position] = str((int(digits[position]) + delta) % 10)
    assert not brn_is_valid("".join(digits))


def test_brn_every_single_digit_change_of_known_number_fails() -> None:
    for position in range(10):
        for digit in "0123456789":
            if digit == KNOWN_BRN[position]:
                continue
            mutated = KNOWN_BRN[:position] + digit + KNOWN_BRN[position + 1 :]
            assert not brn_is_valid(mutated), mutated


def test_brn_format() -> None:
    assert brn_format(KNOWN_BRN) == "124-81-00998"
    assert brn_format(1248100998.0) == "124-81-00998"
    assert brn_format("124-81-00998") == "124-81-00998"


@given(nine_digits())
def test_brn_format_round_trip(prefix: str) -> None:
    number = prefix + str(brn_check_digit(prefix))
    formatted = brn_format(number)
    assert len(formatted) == 12
    assert formatted[3] == "-" and formatted[6] == "-"
    assert normalize_digits(formatted) == number
    assert brn_format(formatted) == formatted


@pytest.mark.parametrize("value", ["124810099", "", "12481009981"])
def test_brn_format_rejects_wrong_length(value: str) -> None:
    with pytest.raises(ValueError, match="10 digits"):
        brn_format(value)


@pytest.mark.parametrize(
    ("middle", "kind", "sole"),
    [
        ("01", TaxpayerKind.INDIVIDUAL_TAXABLE, True),
        ("45", TaxpayerKind.INDIVIDUAL_TAXABLE, True),
        ("79", TaxpayerKind.INDIVIDUAL_TAXABLE, True),
        ("80", TaxpayerKind.APARTMENT_MULTILEVEL, False),
        ("81", TaxpayerKind.CORPORATE_HEAD, False),
        ("82", TaxpayerKind.NONPROFIT, False),
        ("83", TaxpayerKind.GOVERNMENT, False),
        ("84", TaxpayerKind.FOREIGN, False),
        ("85", TaxpayerKind.CORPORATE_BRANCH, False),
        ("86", TaxpayerKind.CORPORATE_HEAD, False),
        ("87", TaxpayerKind.CORPORATE_HEAD, False),
        ("88", TaxpayerKind.CORPORATE_HEAD, False),
        ("89", TaxpayerKind.RELIGIOUS, False),
        ("90", TaxpayerKind.INDIVIDUAL_EXEMPT, True),
        ("99", TaxpayerKind.INDIVIDUAL_EXEMPT, True),
        ("00", TaxpayerKind.UNKNOWN, False),
    ],
)
def test_brn_taxpayer_kind(middle: str, kind: TaxpayerKind, sole: bool) -> None:
    number = f"124-{middle}-00998"
    assert brn_taxpayer_kind(number) == kind
    assert brn_taxpayer_kind(number) == kind.value  # plain string comparison works
    assert brn_is_sole_trader(number) is sole


def test_known_brn_is_corporate_head_office() -> None:
    assert brn_taxpayer_kind(KNOWN_BRN) == "corporate_head"
    assert brn_is_sole_trader(KNOWN_BRN) is False


def test_brn_kind_rejects_wrong_length() -> None:
    with pytest.raises(ValueError):
        brn_taxpayer_kind("12481")
    with pytest.raises(ValueError):
        brn_is_sole_trader(None)


# --- CRN ---------------------------------------------------------------------


@pytest.mark.parametrize("crn", KNOWN_CRNS)
def test_known_crns_valid(crn: str) -> None:
    assert crn_is_valid(crn)
    assert crn_is_valid(crn_format(crn))
    assert crn_is_valid(int(crn))
    assert crn_is_valid(float(crn))


def test_known_crn_check_digits_by_hand() -> None:
    # 1+6+0+2+1+2+0+0+0+12+2+8 = 34 → 6; the folded variant sums 12 as 3 → 25 → 5.
    assert crn_check_digit("130111000624") == 6
    assert folded_crn_check_digit("130111000624") == 5
    # 1+2+0+2+1+2+0+0+8+10+4+10 = 40 → 0; folded: 10 → 1 twice → 22 → 8.
    assert crn_check_digit("110111008545") == 0
    assert folded_crn_check_digit("110111008545") == 8


@pytest.mark.parametrize("crn", KNOWN_CRNS)
def test_digit_folding_variant_would_reject_known_crns(crn: str) -> None:
    assert folded_crn_check_digit(crn[:12]) != int(crn[12])


@pytest.mark.parametrize(
    "value",
    [
        "1301110006247",  # wrong check digit
        "1301110006245",
        "1301120006246",  # weight-1 position changed
        "1101110085451",
        "130111000624",  # too short
        "13011100062460",  # too long
        "1248100998",  # a BRN is not a CRN
        "",
        None,
    ],
)
def test_invalid_crns(value: object) -> None:
    assert crn_is_valid(value) is False


@given(twelve_digits())
def test_crn_built_with_check_digit_validates(prefix: str) -> None:
    number = prefix + str(crn_check_digit(prefix))
    assert crn_is_valid(number)
    assert crn_is_valid(crn_format(number))


@given(twelve_digits(), st.integers(min_value=0, max_value=12), st.integers(1, 9))
def test_crn_single_digit_change(prefix: str, position: int, delta: int) -> None:
    """Weight-1 positions (and the check digit) catch every change; weight-2
    positions miss exactly a change of ±5, because 2 × 5 ≡ 0 (mod 10)."""
    number = prefix + str(crn_check_digit(prefix))
    digits = list(number)
    digits[position] = str((int(digits[position]) + delta) % 10)
    mutated = "".join(digits)
    weight_two = position < 12 and position % 2 == 1
    if weight_two and delta == 5:
        assert crn_is_valid(mutated)
    else:
        assert not crn_is_valid(mutated)


def test_crn_known_weakness_example() -> None:
    # 130111-0006246 with its 2nd digit 3 → 8 (weight 2, +5) still passes.
    assert crn_is_valid("180111-0006246")


@given(twelve_digits())
def test_crn_format_round_trip(prefix: str) -> None:
    number = prefix + str(crn_check_digit(prefix))
    formatted = crn_format(number)
    assert formatted == f"{number[:6]}-{number[6:]}"
    assert normalize_digits(formatted) == number
    assert crn_format(formatted) == formatted


def test_crn_format() -> None:
    assert crn_format("1301110006246") == "130111-0006246"
    assert crn_format(1101110085450.0) == "110111-0085450"
    with pytest.raises(ValueError, match="13 digits"):
        crn_format("130111-000624")


# --- Django validators ---------------------------------------------------------


def _text(message: object) -> str:
    """Render a lazy message (the suite runs with Django configured)."""
    return str(message)


def test_validate_brn_accepts_valid() -> None:
    validate_brn("124-81-00998")  # does not raise
    validate_brn(1248100998.0)
    validate_brn("124-81-00998.0")


def test_validate_brn_rejects_invalid_with_korean_message() -> None:
    with pytest.raises(ValidationError) as info:
        validate_brn("124-81-00999")
    error = info.value
    assert error.code == "invalid_brn"
    assert error.params == {"value": "124-81-00999"}
    assert "사업자등록번호" in _text(error.message)


def test_validate_crn() -> None:
    validate_crn("130111-0006246")  # does not raise
    validate_crn(1101110085450)
    with pytest.raises(ValidationError) as info:
        validate_crn("130111-0006247")
    assert info.value.code == "invalid_crn"
    assert "법인등록번호" in _text(info.value.message)
