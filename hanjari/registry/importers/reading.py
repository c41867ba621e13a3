"""Reading official XLSX and CSV files into a header row and data rows.

Official files put title lines above the header (the village-enterprise file's
header is on row 5), write CSV in UTF-8 (with or without BOM) or cp949, and write
numbers as Excel floats. `read_table` hides all of that.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

HEADER_SCAN_ROWS = 20
CSV_ENCODINGS = ("utf-8-sig", "cp949")
# Official lists are a few dozen columns wide and at most some tens of thousands of rows
# long (the cooperative list is the longest, DOMAIN.md §5). Cells right of
# XLSX_MAX_COLUMNS are not read; a file with content below row MAX_ROWS is refused.
XLSX_MAX_COLUMNS = 200
MAX_ROWS = 100_000
# Excel's own limit: a sheet that numbers a row further down is not a real sheet.
XLSX_SHEET_ROWS = 1_048_576


class FileReadError(Exception):
    """The file cannot be read as a table (not XLSX/CSV, bad encoding, corrupt)."""


@dataclass
class Table:
    """A file read as text cells.

    `header_row` is the 1-based row number of the header in the file; `rows` holds
    ``(row_number, cells)`` for every row below it (1-based file row numbers, cells as
    text); `title_lines` the non-empty text above the header (e.g. "(2025. 12. 31. 기준)");
    `row_errors` rows that could not be read at all, as ``(row_number, reason)``.
    """

    headers: list[str]
    header_row: int
    rows: list[tuple[int, list[str]]]
    title_lines: list[str] = field(default_factory=list)
    row_errors: list[tuple[int, str]] = field(default_factory=list)
    encoding: str = ""


_WS = re.compile(r"\s+")


def normalize_header(text: str) -> str:
    """Collapse every run of whitespace (spaces, line breaks, NBSP) to one space, strip."""
    return _WS.sub(" ", text.replace("\ufeff", "")).strip()


def header_key(text: str) -> str:
    """A header with all whitespace removed, for comparing headers loosely."""
    return _WS.sub("", text.replace("\ufeff", ""))


def cell_text(value: Any) -> str:
    """One cell as text: floats that are whole numbers lose their `.0`, dates become
    ISO `YYYY-MM-DD`, None becomes "". Text is returned as read (not stripped)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _too_many_rows(row_number: int) -> FileReadError:
    return FileReadError(
        _(
            "행이 너무 많습니다: %(max)s행보다 아래(%(row)s행)에도 내용이 있습니다. "
            "한 파일에서 %(max)s행까지 가져올 수 있습니다."
        )
        % {"max": f"{MAX_ROWS:,}", "row": f"{row_number:,}"}
    )


def _read_xlsx(data: bytes) -> list[list[str]]:
    """The first sheet's rows as text cells, trailing empty cells dropped.

    The size the sheet declares (``<dimension ref="A1:XFD1048576"/>``) is ignored:
    openpyxl's read-only mode would pad every row, and every row missing between two
    rows, to the declared width, so a file of a few kilobytes (a row 1, a row 1,048,576)
    could make it build 16,384 × 1,048,576 cells. Such a file succeeds: only the cells
    written in the sheet are read, and only in its first `XLSX_MAX_COLUMNS` columns —
    cells further right (a stray value in column XFD) are not read at all, so the real
    table imports. A sheet with content below row `MAX_ROWS` fails with FileReadError
    (the import report shows it, nothing is written) as soon as that row is reached;
    empty rows down there (formatting only) are skipped without being kept, down to
    Excel's last row (`XLSX_SHEET_ROWS`): a row numbered beyond it fails too, so a few
    bytes (``<row r="999999999">``) cannot make openpyxl fill in a billion empty rows.
    """
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    # SyntaxError covers xml.etree's ParseError (malformed or entity-laden sheet XML).
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, SyntaxError) as exc:
        raise FileReadError(f"XLSX 파일을 열 수 없습니다: {exc}") from exc
    try:
        ws = wb.worksheets[0]
        ws.reset_dimensions()
        grid: list[list[str]] = []
        rows = ws.iter_rows(max_col=XLSX_MAX_COLUMNS, values_only=True)
        for number, row in enumerate(rows, start=1):
            if number > XLSX_SHEET_ROWS:
                # openpyxl would go on filling the gap up to any row number written.
                raise FileReadError(
                    _("시트의 행 번호가 엑셀의 마지막 행(%s)을 넘습니다. 손상된 파일입니다.")
                    % f"{XLSX_SHEET_ROWS:,}"
                )
            if row.count(None) == len(row):  # empty (or openpyxl's filler for a gap)
                if number <= MAX_ROWS:
                    grid.append([])
                continue
            if number > MAX_ROWS:
                raise _too_many_rows(number)
            width = len(row)
            while row[width - 1] is None:
                width -= 1
            grid.append([cell_text(v) for v in row[:width]])
        return grid
    except FileReadError:
        raise
    except Exception as exc:  # openpyxl raises many kinds on corrupt sheets
        raise FileReadError(f"XLSX 시트를 읽을 수 없습니다: {exc}") from exc
    finally:
        wb.close()


def _decode_csv(data: bytes) -> tuple[str, str]:
    for encoding in CSV_ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise FileReadError("CSV 파일의 문자 인코딩을 알 수 없습니다 (UTF-8 또는 CP949만 읽습니다).")


def _read_csv(data: bytes) -> tuple[list[list[str]], str]:
    text, encoding = _decode_csv(data)
    if "\x00" in text:
        raise FileReadError("CSV 파일에 NUL 문자가 있습니다. 텍스트 CSV가 아닙니다.")
    grid: list[list[str]] = []
    try:
        for number, row in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
            if number > MAX_ROWS:
                if any(row):
                    raise _too_many_rows(number)
                continue
            grid.append(row)
    except csv.Error as exc:
        raise FileReadError(f"CSV 파일을 읽을 수 없습니다: {exc}") from exc
    return grid, encoding


def sniff_format(data: bytes, file_name: str) -> str:
    """'xlsx' or 'csv' from the content (ZIP magic) and the name; raises FileReadError."""
    lower = file_name.lower()
    if data[:4] == b"PK\x03\x04":
        return "xlsx"
    if lower.endswith((".xlsx", ".xlsm")):
        raise FileReadError("확장자는 .xlsx 이지만 XLSX(ZIP) 파일이 아닙니다.")
    if lower.endswith(".xls"):
        raise FileReadError("옛 엑셀(.xls) 형식은 읽지 않습니다. .xlsx 또는 .csv로 저장해 주세요.")
    if lower.endswith((".csv", ".txt")) or not lower.rpartition(".")[1]:
        return "csv"
    raise FileReadError("XLSX 또는 CSV 파일만 가져올 수 있습니다.")


def read_table(data: bytes, file_name: str, is_header: Callable[[list[str]], bool]) -> Table:
    """Read `data` (the bytes of `file_name`) and find its header row.

    `is_header(cells)` decides whether a row (whitespace-normalised cells) is the
    header; the first such row within the first `HEADER_SCAN_ROWS` rows wins. Rows
    below it become data rows; entirely empty rows and repeats of the header row are
    dropped. Raises FileReadError
    when the file cannot be read or no header is found.
    """
    fmt = sniff_format(data, file_name)
    encoding = ""
    if fmt == "xlsx":
        grid = _read_xlsx(data)
    else:
        grid, encoding = _read_csv(data)
    title_lines: list[str] = []
    for index, raw in enumerate(grid[:HEADER_SCAN_ROWS]):
        cells = [normalize_header(c) for c in raw]
        if is_header(cells):
            while cells and not cells[-1]:
                cells.pop()
            table = Table(
                headers=cells,
                header_row=index + 1,
                rows=[],
                title_lines=title_lines,
                encoding=encoding,
            )
            width = len(cells)
            for offset, row in enumerate(grid[index + 1 :], start=index + 2):
                if not any(c.strip() for c in row):
                    continue
                if [normalize_header(c) for c in row[:width]] == cells:
                    continue  # the header repeated (e.g. on every printed page)
                extra = [c for c in row[width:] if c.strip()]
                if extra:
                    table.row_errors.append(
                        (offset, f"머리글보다 칸이 많습니다 ({len(row)}칸, 머리글 {width}칸).")
                    )
                    continue
                table.rows.append((offset, list(row[:width]) + [""] * (width - len(row))))
            return table
        text = " ".join(c for c in cells if c)
        if text:
            title_lines.append(text)
    raise FileReadError(
        f"처음 {HEADER_SCAN_ROWS}행 안에서 알려진 형식의 머리글 행을 찾지 못했습니다."
    )
