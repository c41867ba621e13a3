"""Control and invisible characters (hanjari.core.text)."""

import pytest
from django.core.exceptions import ValidationError

from hanjari.core import text
from hanjari.core.csvsafe import safe_cell


def test_invisible_characters_are_named_once_in_order():
    value = "가\u202e나\u200b다\u202e\ufdd0"
    assert text.invisible_characters(value) == ["U+202E", "U+200B", "U+FDD0"]
    assert text.remove_invisible(value) == "가나다"


def test_remove_invisible_keeps_words_apart_across_line_breaks():
    assert text.remove_invisible("두레\n협동조합\t\x00") == "두레 협동조합 "


@pytest.mark.parametrize(
    ("value", "replacement", "keep", "expected"),
    [
        ("a\x00b\x1fc\x7fd\x85e", "", False, "abcde"),
        ("a\nb\tc\u2028d", " ", False, "a b c d"),
        ("a\nb\r\nc\td\x00e\x0bf", "", True, "a\nb\r\nc\tdef"),
    ],
)
def test_replace_controls(value, replacement, keep, expected):
    assert text.replace_controls(value, replacement, keep_line_breaks=keep) == expected


def test_no_control_characters_refuses_line_breaks_in_one_line_fields():
    text.no_control_characters("한마음 워크숍")
    with pytest.raises(ValidationError) as info:
        text.no_control_characters("한마음\n워크숍")
    assert info.value.error_list[0].code == "control_characters"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ("@SUM(A1)", "'@SUM(A1)"),
        (" =space", "' =space"),  # adversarial review: spaces first escaped the guard
        ("\n=lf", "'\n=lf"),
        ("  -1+2", "'  -1+2"),
        ("두레 = 협동", "두레 = 협동"),
        (" 두레", " 두레"),
        (None, ""),
        (3, "3"),
    ],
)
def test_csv_cells_that_a_spreadsheet_would_evaluate_are_quoted(value, expected):
    assert safe_cell(value) == expected
