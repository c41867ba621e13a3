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
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

HEADER_SCAN_ROWS = 20
CSV_ENCODINGS = ("utf-8-sig", "cp949")
# Official lists are a few dozen columns wide and at most some tens of thousands of rows
# long (the cooperative list, 15155661, is the longest; docs/data.md). Cells right of
# XLSX_MAX_COLUMNS are not read; a file with content below row MAX_ROWS is refused.
XLSX_MAX_COLUMNS = 200
MAX_ROWS = 100_000
# The largest file read at all, checked on its size before reading (the command line
# checks the file's size on disk): 100,000 rows of the widest official layout (the
# cooperative list, 15 columns) take about 30 MB as CSV.
MAX_FILE_BYTES = 64 * 1024 * 1024
# Excel's own limit: a sheet that numbers a row further down is not a real sheet.
XLSX_SHEET_ROWS = 1_048_576
# An XLSX is a ZIP archive of XML parts, and openpyxl keeps some of them whole in memory
# (every string of xl/sharedStrings.xml; [Content_Types].xml, the workbook, styles and
# theme parts). A few hundred kilobytes of ZIP can unzip to gigabytes, so the archive is
# checked before openpyxl opens it (`_check_xlsx_archive`). Sizes are bytes once unzipped:
# the shipped village list (1,727 rows) is 0.84 MB, a 40,000-row cooperative list of 15
# columns as openpyxl writes it about 68 MB (13:1 compressed), 100,000 (`MAX_ROWS`) such
# rows 170 MB. Real parts compress about 5–15 to 1; zeros compress 1,000 to 1.
XLSX_MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
XLSX_MAX_RATIO = 200  # unzipped : zipped, checked for parts over XLSX_RATIO_MIN_BYTES
XLSX_RATIO_MIN_BYTES = 1024 * 1024
_XLSX_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)  # what Excel writes
_UNZIP_CHUNK = 256 * 1024
# A ZIP local file header: signature and fixed fields (26 bytes), then the lengths of
# the name and of the extra field that come between it and the part's data.
_LOCAL_HEADER = struct.Struct("<26xHH")


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


def _megabytes(size: int) -> str:
    """`size` bytes in megabytes (1,048,576 bytes), rounded up: to whole megabytes with
    separators from 10 MB ("301", "1,024"), to tenths below ("0.5", "9.1")."""
    if size >= 10 * 2**20:
        return f"{-(-size // 2**20):,}"
    return f"{-(-size * 10 // 2**20) / 10:.1f}"


def _part_name(info: zipfile.ZipInfo) -> str:
    return info.filename[:100]


def _check_xlsx_archive(data: bytes) -> None:
    """Refuse (FileReadError) an XLSX whose ZIP archive would unzip to too much.

    Checked before openpyxl reads anything, on the archive's central directory: every
    part is stored or deflated (what Excel writes) and not encrypted; the parts'
    declared unzipped sizes add up to at most `XLSX_MAX_UNZIPPED_BYTES` (200 MB); no part
    over `XLSX_RATIO_MIN_BYTES` (1 MB) unzips to more than `XLSX_MAX_RATIO` (200) times
    its zipped size.

    The declared sizes are the archive's word, and it can lie: a part declaring 1 KB
    may hold 300 MB of deflated zeros. zipfile never returns more than the declared
    size, and checks at the end the CRC the archive declares — which a forger computes
    over the declared bytes, so it passes. But `ZipFile.read`, which openpyxl uses for
    whole parts, first inflates everything the part holds (up to 1 GiB in one call) and
    only then cuts it to the declared size: 306 KB declaring 1 KB took 600 MB of memory.
    So every deflated part is also inflated here, `_UNZIP_CHUNK` bytes at a time
    (memory stays at a few hundred kilobytes), and refused as soon as it yields more
    than it declares; this extra pass reads at most `XLSX_MAX_UNZIPPED_BYTES` (about a
    second at that size, milliseconds for real lists). After these checks nothing
    openpyxl reads can go beyond the limit. A bad archive (not a ZIP, a part cut short
    or not a valid deflate stream) is refused as "cannot open".
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception as exc:  # BadZipFile, and OSError/ValueError on odd archives
        raise _cannot_open(exc) from exc
    with archive:
        members = archive.infolist()
        for info in members:
            if info.compress_type not in _XLSX_METHODS or info.flag_bits & 0x1:
                raise FileReadError(
                    _(
                        "XLSX 파일을 열 수 없습니다: 안에 든 %(name)s 부분이 암호화되었거나 "
                        "엑셀이 쓰지 않는 방식으로 압축되어 있습니다."
                    )
                    % {"name": _part_name(info)}
                )
        total = sum(info.file_size for info in members)
        if total > XLSX_MAX_UNZIPPED_BYTES:
            raise FileReadError(
                _(
                    "XLSX 파일의 압축을 풀면 %(size)s MB가 됩니다. 압축을 푼 크기가 "
                    "%(max)s MB까지인 파일만 가져올 수 있습니다."
                )
                % {"size": _megabytes(total), "max": _megabytes(XLSX_MAX_UNZIPPED_BYTES)}
            )
        for info in members:
            if (
                info.file_size > XLSX_RATIO_MIN_BYTES
                and info.file_size > XLSX_MAX_RATIO * info.compress_size
            ):
                raise FileReadError(
                    _(
                        "XLSX 파일 안의 %(name)s 부분이 비정상적으로 많이 압축되어 있습니다 "
                        "(%(ratio)s배, 최대 %(max)s배). 엑셀에서 다시 저장한 파일을 올려 주세요."
                    )
                    % {
                        "name": _part_name(info),
                        "ratio": f"{info.file_size // max(info.compress_size, 1):,}",
                        "max": f"{XLSX_MAX_RATIO:,}",
                    }
                )
        for info in members:
            _check_unzipped_size(data, info)


def _check_unzipped_size(data: bytes, info: zipfile.ZipInfo) -> None:
    """Inflate the deflated part `info` of the archive `data` `_UNZIP_CHUNK` bytes at a
    time, as zipfile would (from its local header, `info.compress_size` bytes), and
    refuse it as soon as it yields more than its declared `info.file_size`. A stored
    part yields its stored bytes, which zipfile cuts to the declared size: only its
    bounds are checked."""
    header = data[info.header_offset : info.header_offset + _LOCAL_HEADER.size]
    if len(header) < _LOCAL_HEADER.size or not header.startswith(b"PK\x03\x04"):
        raise _cannot_open(_("%(name)s 부분의 머리글이 없습니다") % {"name": _part_name(info)})
    name_length, extra_length = _LOCAL_HEADER.unpack(header)
    start = info.header_offset + _LOCAL_HEADER.size + name_length + extra_length
    if start + info.compress_size > len(data):
        raise _cannot_open(_("%(name)s 부분이 잘려 있습니다") % {"name": _part_name(info)})
    if info.compress_type != zipfile.ZIP_DEFLATED:
        return
    zipped = memoryview(data)[start : start + info.compress_size]
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)  # a raw deflate stream, as in ZIP
    produced = position = 0
    try:
        while not inflater.eof:
            if inflater.unconsumed_tail:
                chunk: bytes | memoryview = inflater.unconsumed_tail
            elif position < len(zipped):
                chunk = zipped[position : position + _UNZIP_CHUNK]
                position += len(chunk)
            else:
                raise _cannot_open(_("%(name)s 부분이 잘려 있습니다") % {"name": _part_name(info)})
            produced += len(inflater.decompress(chunk, _UNZIP_CHUNK))
            if produced > info.file_size:
                raise FileReadError(
                    _(
                        "XLSX 파일 안의 %(name)s 부분이 적힌 크기보다 큽니다. "
                        "손상되었거나 조작된 파일입니다."
                    )
                    % {"name": _part_name(info)}
                )
    except zlib.error as exc:
        raise _cannot_open(exc) from exc


def _cannot_open(reason: object) -> FileReadError:
    return FileReadError(_("XLSX 파일을 열 수 없습니다: %(reason)s") % {"reason": reason})


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

    _check_xlsx_archive(data)
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    # SyntaxError covers xml.etree's ParseError (malformed or entity-laden sheet XML);
    # RuntimeError (encrypted part), zlib.error and EOFError (damaged or short deflate
    # data) are refused by `_check_xlsx_archive` first and listed here as a second line.
    except (
        zipfile.BadZipFile,
        KeyError,
        OSError,
        ValueError,
        SyntaxError,
        RuntimeError,
        zlib.error,
        EOFError,
    ) as exc:
        raise _cannot_open(exc) from exc
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
        raise FileReadError(
            _("XLSX 시트를 읽을 수 없습니다: %(reason)s") % {"reason": exc}
        ) from exc
    finally:
        wb.close()


def _read_csv(data: bytes) -> tuple[list[list[str]], str, dict[int, tuple[int, int]]]:
    """The rows of a CSV file, its encoding, and the records that span several lines.

    The bytes are decoded and parsed as a stream (UTF-8, with or without BOM, else
    cp949: a decoding error restarts the file in the next encoding), so no decoded copy
    of the whole file is held. The third value maps the 1-based record number of every
    record read over more than one line to its first and last line: a quoted cell may
    hold a line break, and a quote left open swallows the lines after it
    (`read_table` tells them apart).
    """
    for encoding in CSV_ENCODINGS:
        try:
            grid, spans = _parse_csv(data, encoding)
        except UnicodeDecodeError:
            continue
        return grid, encoding, spans
    raise FileReadError("CSV 파일의 문자 인코딩을 알 수 없습니다 (UTF-8 또는 CP949만 읽습니다).")


def _parse_csv(data: bytes, encoding: str) -> tuple[list[list[str]], dict[int, tuple[int, int]]]:
    stream = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
    grid: list[list[str]] = []
    spans: dict[int, tuple[int, int]] = {}
    reader = csv.reader(stream)
    line = 0
    try:
        for number, row in enumerate(reader, start=1):
            first, line = line + 1, reader.line_num
            if any("\x00" in cell for cell in row):
                raise FileReadError("CSV 파일에 NUL 문자가 있습니다. 텍스트 CSV가 아닙니다.")
            if number > MAX_ROWS:
                if any(row):
                    raise _too_many_rows(number)
                continue
            if line > first:
                spans[number] = (first, line)
            grid.append(row)
    except csv.Error as exc:
        raise FileReadError(_("CSV 파일을 읽을 수 없습니다: %(reason)s") % {"reason": exc}) from exc
    finally:
        stream.detach()
    return grid, spans


def _duplicate_headers(cells: list[str]) -> list[str]:
    """Header texts that occur more than once (compared as `header_key`), each with its
    1-based column numbers: ``"사업자등록번호 (3, 7번째 열)"``."""
    columns: dict[str, list[int]] = {}
    for number, cell in enumerate(cells, start=1):
        if cell:
            columns.setdefault(header_key(cell), []).append(number)
    found = []
    for number_list in columns.values():
        if len(number_list) > 1:
            where = ", ".join(str(n) for n in number_list)
            found.append(
                _("%(header)s (%(columns)s번째 열)")
                % {"header": cells[number_list[0] - 1], "columns": where}
            )
    return found


def too_large(size: int) -> FileReadError:
    """The refusal of a file of `size` bytes, over `MAX_FILE_BYTES`."""
    return FileReadError(
        _("파일이 너무 큽니다 (%(size)s MB). %(max)s MB까지인 파일만 가져올 수 있습니다.")
        % {"size": _megabytes(size), "max": _megabytes(MAX_FILE_BYTES)}
    )


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
    if len(data) > MAX_FILE_BYTES:
        raise too_large(len(data))
    fmt = sniff_format(data, file_name)
    encoding = ""
    spans: dict[int, tuple[int, int]] = {}
    if fmt == "xlsx":
        grid = _read_xlsx(data)
    else:
        grid, encoding, spans = _read_csv(data)
    title_lines: list[str] = []
    for index, raw in enumerate(grid[:HEADER_SCAN_ROWS]):
        cells = [normalize_header(c) for c in raw]
        if is_header(cells):
            while cells and not cells[-1]:
                cells.pop()
            duplicates = _duplicate_headers(cells)
            if duplicates:
                raise FileReadError(
                    _("%(row)s행의 머리글에 같은 열 이름이 두 번 이상 있습니다: %(columns)s.")
                    % {"row": index + 1, "columns": ", ".join(duplicates)}
                )
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
                span = spans.get(offset)
                if span and len(row) < width and any("\n" in c or "\r" in c for c in row):
                    # A quote opened and never closed took the next lines into one cell.
                    table.row_errors.append(
                        (
                            offset,
                            _(
                                '따옴표(")가 닫히지 않아 %(first)s–%(last)s번째 줄이 한 칸으로 '
                                "읽혔습니다. 따옴표를 고치거나 지워 주세요."
                            )
                            % {"first": f"{span[0]:,}", "last": f"{span[1]:,}"},
                        )
                    )
                    continue
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
