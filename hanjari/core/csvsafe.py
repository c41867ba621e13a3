"""CSV export that spreadsheet programs cannot turn into formulas (CSV injection)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    """Return `value` as text that Excel/LibreOffice will not evaluate.

    Text starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a leading
    apostrophe (OWASP "CSV injection" advice), also when spaces or line breaks come
    first (spreadsheets skip them before reading a formula). None becomes "". Never
    raises.
    """
    if value is None:
        return ""
    text = str(value)
    if text.startswith(FORMULA_PREFIXES) or text.lstrip(" \n\r\t").startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def rows_to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """Render `header` and `rows` as CSV text (UTF-8 BOM first, so Excel reads Korean).

    Every cell goes through `safe_cell`. Returns the whole document as a string.
    """
    buf = io.StringIO()
    buf.write("\ufeff")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(c) for c in row])
    return buf.getvalue()
