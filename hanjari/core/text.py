"""Text checks shared by every app: control and invisible characters in one-line fields."""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# C0 and C1 controls and the Unicode line/paragraph separators.
CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def is_invisible(ch: str) -> bool:
    """True for characters that show nothing or reorder text: controls (Cc), format
    characters (Cf: zero-width spaces and joiners, bidirectional overrides such as
    U+202E), unassigned code points and non-characters (Cn), private use (Co) and
    surrogates (Cs). Source: Unicode general categories (UAX #44)."""
    return unicodedata.category(ch) in {"Cc", "Cf", "Cn", "Co", "Cs"}


def invisible_characters(value: str) -> list[str]:
    """The invisible characters in `value` as ``U+XXXX`` labels, in order, without
    repeats (for an error message or an import report)."""
    return list(dict.fromkeys(f"U+{ord(ch):04X}" for ch in value if is_invisible(ch)))


def remove_invisible(value: str) -> str:
    """`value` with every invisible character (see `is_invisible`) removed; tabs and line
    breaks become spaces first so that words stay apart."""
    value = re.sub(r"[\t\r\n\u2028\u2029]", " ", value)
    return "".join(ch for ch in value if not is_invisible(ch))


def no_control_characters(value: str) -> None:
    """Validator: one-line fields (a title, a venue) may not hold line breaks or other
    control characters (they end up in e-mail subjects and calendar lines). Raises
    `ValidationError` with code ``control_characters``."""
    if value and CONTROL_CHARS.search(value):
        raise ValidationError(
            _("줄바꿈이나 제어 문자는 넣을 수 없습니다."), code="control_characters"
        )


# The same without tab, line feed and carriage return (kept in multi-line text).
_CONTROLS_BUT_BREAKS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def replace_controls(value: str, replacement: str = "", *, keep_line_breaks: bool = False) -> str:
    """`value` with each control character (C0, C1, U+2028/U+2029; see `CONTROL_CHARS`)
    replaced by `replacement` ("" removes them; " " keeps words apart). With
    `keep_line_breaks`, tab, line feed and carriage return stay (multi-line fields) and
    U+2028/U+2029 stay too. Never raises."""
    pattern = _CONTROLS_BUT_BREAKS if keep_line_breaks else CONTROL_CHARS
    return pattern.sub(replacement, value)
