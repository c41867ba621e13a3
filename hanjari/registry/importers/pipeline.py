"""Validate an official file row by row and apply it to the registry.

All or nothing per file: any error (missing or repeated header, unknown layout, a row
without a name, an unreadable row or date, an older snapshot, a file too large) imports
nothing and returns a row-by-row report. Warnings (bad 사업자등록번호 check digit,
unknown 시도, address in another 시도, a 누리집 that is not an http(s) address and is
left out, invisible characters removed) import but are flagged.

The file is read, validated and matched with no transaction open (`plan_rows`); the
planned writes are then applied in short transactions that other requests interleave
with, each logging how to undo it, and undone together if one fails or the process
dies (`writer`, `undo`, `recovery`).

Matching the same organisation across lists (docs/data.md "Matching"): an existing
designation with the same source key → same organisation; otherwise `_match_or_create`
links the row by its official 사업자등록번호, its normalised name in its 시군구, or its
core name at the same address, and proposes look-alikes for staff review
(`matching`). The same name in another city is another organisation, and so is the
same name with another official 사업자등록번호. Linking fills the organisation's empty
fields from the row and keeps the row's spelling of the name as an alias.

A row whose source key changed between snapshots (the list now gives, or no longer
gives, a 사업자등록번호; a second row with the same name appeared) is matched to its
designation by name, region and address (`_Rekeyer`).
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import hashlib
import logging
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Max, Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from rapidfuzz import fuzz

from hanjari.core import identifiers, processes, regions
from hanjari.core.audit import log_action
from hanjari.core.csvsafe import rows_to_csv
from hanjari.core.names import detect_legal_form, normalize_name
from hanjari.core.text import invisible_characters, is_invisible, remove_invisible

from ..models import (
    Designation,
    DesignationKind,
    ImportRun,
    MergeCandidate,
    Organization,
    SourceDataset,
    SourceRecord,
)
from ..public import listed_phone_public, listed_website_public
from . import reading
from .layouts import LAYOUTS, Layout, best_layout
from .matching import (
    ADDRESS_SIMILARITY,
    REVIEW_SIMILARITY,
    OrganizationIndex,
    address_key,
    core_name,
)
from .reading import FileReadError, Table, read_table
from .undo import RunLost, hold
from .writer import UndoIncomplete, Writer

__all__ = ["REVIEW_SIMILARITY", "ImportReport", "Issue", "import_file", "read_and_validate"]

logger = logging.getLogger(__name__)


ORG_FIELDS = (
    "name",
    "address",
    "sido",
    "sigungu",
    "industry",
    "products",
    "description",
    "website",
    "phone",
    "representative",
)
DESIGNATION_FIELDS = ("kind", "subtype", "number", "issuer", "start_date")

ProgressCallback = Callable[[int, int], None]
RunCallback = Callable[[ImportRun], None]


@dataclass
class Issue:
    """One line of the report: `row` (1-based file row; 0 = the file), `column`,
    `value` as read, `reason` in Korean."""

    row: int
    column: str
    value: str
    reason: str


@dataclass
class ImportReport:
    """What an import did or would do. `errors` non-empty means nothing was imported."""

    file_name: str
    sha256: str
    dataset: str = ""
    dataset_id: str = ""
    reference_date: dt.date | None = None
    header_row: int = 0
    encoding: str = ""
    dry_run: bool = False
    rows: int = 0
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    organizations_created: int = 0
    linked: int = 0
    queued: int = 0
    missing: int = 0
    # Review candidates beyond `QUEUE_LIMIT` per row, not queued (summarised in a warning).
    not_queued: int = 0
    # Look-alike names not compared because their block was longer than COMPARE_LIMIT.
    not_compared: int = 0
    # Transactions the writes were committed in (`writer.Writer.apply`).
    transactions: int = 0
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    run_id: int | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    def issues_csv(self) -> str:
        """The errors and warnings as CSV (level, row, column, value, reason)."""
        rows = [("error", i.row, i.column, i.value, i.reason) for i in self.errors]
        rows += [("warning", i.row, i.column, i.value, i.reason) for i in self.warnings]
        return rows_to_csv(["level", "row", "column", "value", "reason"], rows)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["reference_date"] = self.reference_date.isoformat() if self.reference_date else None
        return data


@dataclass
class ParsedRow:
    row: int
    raw: dict[str, str]
    values: dict[str, str]
    org: dict[str, str]
    designation: dict[str, Any]
    key: str
    brn: str = ""
    brn_valid: bool = False
    crn: str = ""
    address_sigungu: str = ""
    warnings: list[Issue] = field(default_factory=list)


_WS = re.compile(r"\s+")
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$"),
    re.compile(r"^(\d{4})\.\s*(\d{1,2})\.\s*(\d{1,2})\.?$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
    re.compile(r"^(\d{4})년\s*(\d{1,2})월\s*(\d{1,2})일$"),
)
# A date in a file name: 20YYMMDD with one separator (or none) used twice, not inside a
# longer number. A lookahead, so every position is tried: in "list_2025_2025-12-31" the
# first "2025_20…" is no date and must not hide the real one after it.
_FILE_DATE = re.compile(r"(?<!\d)(?=(20\d{2})([-_.]?)(\d{2})\2(\d{2})(?!\d))")
_TITLE_DATE = re.compile(r"(20\d{2})\s*[.\-년]\s*(\d{1,2})\s*[.\-월]\s*(\d{1,2})\s*[.일]?\s*기준")


def parse_date(text: str) -> dt.date | None:
    """Parse a Korean list date (`2025-12-31`, `2025.12.31`, `2025. 12. 31.`,
    `20251231`, `2025년 12월 31일`). Returns None for "", raises ValueError otherwise."""
    text = text.strip()
    if not text:
        return None
    for pattern in _DATE_PATTERNS:
        m = pattern.match(text)
        if m:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
    raise ValueError(text)


_CONTINUES = ("및", "와", "과", "·", ",", "/", "&", "(")


def clean(text: str) -> str:
    """Cell text for a field: other whitespace runs become one space; a line break
    separates list items (", ") unless the line plainly continues — it ends with a
    conjunction or separator such as "및", "·", "," or the next line starts with one
    ("건설자재 및\n일반건축" → "건설자재 및 일반건축")."""
    parts = [_WS.sub(" ", p).strip() for p in text.replace("\r", "\n").split("\n")]
    out = ""
    for part in (p for p in parts if p):
        if not out:
            out = part
        elif out.endswith(_CONTINUES) or part.startswith(("및", ")", ",")):
            out += " " + part
        else:
            out += ", " + part
    return out


# A URL scheme ("javascript:", "data:", "tel:0212345678"), but not a domain with a port
# ("www.example.kr:8080/"), which is a web address without its "http://".
_SCHEME = re.compile(r"^(?![a-z0-9\-]+(?:\.[a-z0-9\-]+)+:\d+(?:[/?#]|$))[a-z][a-z0-9+.\-]*:", re.I)


def web_address(text: str) -> str | None:
    """A 누리집 cell as an http(s) address, or None when it is not one.

    ``http://…`` and ``https://…`` are kept as written; a bare address
    (``www.hanjari.kr``, ``hanjari.kr:8080/about``) gets ``http://``. A value with any
    other scheme (``javascript:alert(1)``, ``data:…``, ``ftp://…``, ``mailto:…``; also
    written with spaces, as browsers ignore tabs and line breaks in a URL), a malformed
    ``http:`` one (``http:hanjari.kr``) or a path (``//host``, ``/page``) is None: it
    must never become a link such as ``http://javascript:alert(1)``.
    """
    value = text.strip()
    probe = _WS.sub("", value)
    if re.match(r"^https?://", probe, re.IGNORECASE):
        return value
    if probe.startswith(("/", "\\")) or _SCHEME.match(probe):
        return None
    return "http://" + value


def reference_date_from(file_name: str, title_lines: list[str]) -> dt.date | None:
    """The snapshot's reference date (기준일) from a title line such as
    "(2025. 12. 31. 기준)" or from a date in the file name; None if neither has one."""
    found = [(m[1], m[2], m[3]) for line in title_lines for m in _TITLE_DATE.finditer(line)]
    found += [(m[1], m[3], m[4]) for m in _FILE_DATE.finditer(file_name)]
    for year, month, day in found:
        try:
            return dt.date(int(year), int(month), int(day))
        except ValueError:  # "2025. 13. 31. 기준": not a date, look further
            continue
    return None


def _kind_for(layout: Layout, values: dict[str, str]) -> tuple[str, str]:
    """(designation kind, issuer) for a row; issuer per the kind's legal basis."""
    if layout.key == "village":
        return DesignationKind.VILLAGE_ENTERPRISE, "행정안전부"
    if layout.key == "self_sufficiency":
        tier = values.get("tier", "")
        if tier == "광역":
            return DesignationKind.SELF_SUFFICIENCY_REGIONAL, values.get("sido", "")
        if tier == "전국":
            return DesignationKind.SELF_SUFFICIENCY_NATIONAL, "보건복지부"
        issuer = " ".join(p for p in (values.get("sido", ""), values.get("sigungu", "")) if p)
        return DesignationKind.SELF_SUFFICIENCY_LOCAL, issuer
    if layout.key == "social_enterprise":
        return DesignationKind.SOCIAL_ENTERPRISE, "고용노동부"
    coop = values.get("coop_type", "").replace(" ", "")
    if "이종" in coop:
        return DesignationKind.MIXED_COOPERATIVE_FEDERATION, "기획예산처"
    if "사회적" in coop and "연합회" in coop:
        return DesignationKind.SOCIAL_COOPERATIVE_FEDERATION, "기획예산처"
    if "사회적" in coop:
        return DesignationKind.SOCIAL_COOPERATIVE, "기획예산처"
    if "연합회" in coop:
        return DesignationKind.COOPERATIVE_FEDERATION, values.get("sido", "")
    return DesignationKind.COOPERATIVE, values.get("sido", "")


def parse_rows(layout: Layout, table: Table, report: ImportReport) -> list[ParsedRow]:
    """Validate every row of `table`; errors and warnings go into `report`."""
    columns = layout.match(table.headers)
    for row_number, reason in table.row_errors:
        report.errors.append(Issue(row_number, "", "", _("읽을 수 없는 행: %s") % reason))
    parsed: list[ParsedRow] = []
    header_names = {f: table.headers[i] for f, i in columns.items()}
    for row_number, cells in table.rows:
        raw = {h: cells[i] for i, h in enumerate(table.headers) if h}
        values = {f: clean(cells[i]) for f, i in columns.items()}
        invisible = _strip_invisible(row_number, values, header_names)
        name = values.get("name", "")
        if not name:
            hidden = [i for i in invisible if i.column == header_names.get("name")]
            report.errors.append(
                Issue(
                    row_number,
                    header_names.get("name", ""),
                    hidden[0].value if hidden else "",
                    _("이름에 보이지 않는 문자만 있습니다.") if hidden else _("이름이 없습니다."),
                )
            )
            continue
        row = ParsedRow(row_number, raw, values, {}, {}, "", warnings=invisible)
        bad_date = False
        for date_field in layout.date_fields:
            text = values.get(date_field, "")
            try:
                parse_date(text)
            except ValueError:
                bad_date = True
                report.errors.append(
                    Issue(
                        row_number,
                        header_names.get(date_field, date_field),
                        text,
                        _("날짜를 읽을 수 없습니다 (예: 2025-12-31)."),
                    )
                )
        if bad_date:
            continue
        _fill_region(row, header_names)
        _fill_fields(layout, row, header_names)
        if not _fit_lengths(row, header_names, report):
            continue
        parsed.append(row)
    _assign_keys(layout, parsed)
    for row in parsed:
        report.warnings.extend(row.warnings)
    return parsed


def _strip_invisible(
    row_number: int, values: dict[str, str], header_names: dict[str, str]
) -> list[Issue]:
    """Remove invisible characters (zero-width spaces, bidirectional overrides such as
    U+202E, non-characters; `hanjari.core.text.is_invisible`) from every field of a row,
    in place, with a warning per cell that shows where they were (``가<U+202E>나``). The
    source record keeps the cell as read. A name that is nothing but such characters
    becomes empty (an error)."""
    warnings = []
    for field_name, value in values.items():
        found = invisible_characters(value)
        if not found:
            continue
        values[field_name] = clean(remove_invisible(value))
        warnings.append(
            Issue(
                row_number,
                header_names.get(field_name, field_name),
                "".join(f"<U+{ord(ch):04X}>" if is_invisible(ch) else ch for ch in value),
                _("보이지 않는 문자(%(chars)s)를 지우고 가져옵니다.") % {"chars": ", ".join(found)},
            )
        )
    return warnings


def _fill_region(row: ParsedRow, header_names: dict[str, str]) -> None:
    values = row.values
    sido_text = values.get("sido", "")
    sido = regions.resolve_sido(sido_text) if sido_text else None
    address = values.get("address", "") or values.get("address_lot", "")
    addr_sido, addr_sigungu, _rest = regions.split_address(address)
    if sido_text and sido is None:
        row.warnings.append(
            Issue(
                row.row,
                header_names.get("sido", ""),
                sido_text,
                _("알 수 없는 시도입니다. 시도 없이 가져옵니다."),
            )
        )
    if sido and addr_sido and addr_sido.name != sido.name:
        row.warnings.append(
            Issue(
                row.row,
                header_names.get("address", ""),
                address,
                _("주소의 시도(%(addr)s)가 시도 열(%(col)s)과 다릅니다.")
                % {"addr": addr_sido.name, "col": sido.name},
            )
        )
    if sido is None and not sido_text:
        sido = addr_sido
    sido_name = sido.name if sido else ""
    if "sigungu" in values:
        sigungu = regions.normalize_sigungu(sido, values["sigungu"]) if sido else values["sigungu"]
    else:
        sigungu = addr_sigungu if (addr_sido is None or sido is None or addr_sido == sido) else ""
    row.org["sido"] = sido_name
    row.org["sigungu"] = sigungu
    row.org["address"] = address
    row.address_sigungu = addr_sigungu


def _fill_fields(layout: Layout, row: ParsedRow, header_names: dict[str, str]) -> None:
    values = row.values
    for name in ("name", "industry", "products", "description", "website", "phone"):
        row.org[name] = values.get(name, "")
    row.org["representative"] = values.get("representative", "")
    website = row.org["website"]
    if website:
        address = web_address(website)
        if address is None:
            row.warnings.append(
                Issue(
                    row.row,
                    header_names.get("website", ""),
                    website,
                    _("누리집은 http:// 또는 https:// 주소만 받습니다. 누리집 없이 가져옵니다."),
                )
            )
        row.org["website"] = address or ""
    row.brn, row.brn_valid = _identifier(
        row,
        header_names,
        "brn",
        identifiers.BRN_LENGTH,
        identifiers.brn_is_valid,
        _("사업자등록번호"),
    )
    row.crn, _crn_valid = _identifier(
        row,
        header_names,
        "crn",
        identifiers.CRN_LENGTH,
        identifiers.crn_is_valid,
        _("법인등록번호"),
    )
    kind, issuer = _kind_for(layout, {**values, **row.org})
    start = values.get("start_date", "")
    row.designation = {
        "kind": kind,
        "subtype": values.get("subtype", "") or values.get("coop_type", ""),
        "number": values.get("number", ""),
        "issuer": issuer,
        "start_date": parse_date(start) if start else None,
    }


def _identifier(
    row: ParsedRow,
    header_names: dict[str, str],
    field_name: str,
    length: int,
    is_valid: Callable[[str], bool],
    label: str,
) -> tuple[str, bool]:
    """(digits, valid) of a 사업자등록번호/법인등록번호 cell, with warnings.

    A cell without digits ("-", "없음") is no number. Digits with a wrong check digit
    are kept but unverified; more digits than the number has cannot be stored and are
    dropped (the source record keeps the cell).
    """
    text = row.values.get(field_name, "")
    digits = identifiers.normalize_digits(text)
    if not digits:
        return "", False
    if is_valid(digits):
        return digits, True
    column = header_names.get(field_name, "")
    if len(digits) != length:
        row.warnings.append(
            Issue(
                row.row,
                column,
                text,
                _(
                    "%(label)s는 %(length)d자리여야 합니다 (%(found)d자리). 확인 안 됨으로 "
                    "표시하고, 같은 조직 찾기에는 쓰지 않습니다."
                )
                % {"label": label, "length": length, "found": len(digits)},
            )
        )
        return (digits if len(digits) < length else ""), False
    row.warnings.append(
        Issue(
            row.row,
            column,
            text,
            _(
                "%s 검증번호가 맞지 않습니다. 확인 안 됨으로 표시하고, "
                "같은 조직 찾기에는 쓰지 않습니다."
            )
            % label,
        )
    )
    return digits, False


_FALLBACK_SOURCES = {"subtype": ("coop_type",), "address": ("address_lot",)}


def _max_length(model: type[Any], field_name: str) -> int:
    return int(model._meta.get_field(field_name).max_length)


def _fit_lengths(row: ParsedRow, header_names: dict[str, str], report: ImportReport) -> bool:
    """Check text against the database column sizes.

    A name or certification number that does not fit is an error (returns False: the
    row is not imported); other text is cut to fit, with a warning. The source record
    keeps the full cell either way.
    """
    fits = True
    Target = tuple[dict[str, Any], str, type[Organization] | type[Designation]]
    identifying: list[Target] = [
        (row.org, "name", Organization),
        (row.designation, "number", Designation),
    ]
    descriptive: list[Target] = [
        *((row.org, f, Organization) for f in ORG_FIELDS if f != "name"),
        (row.designation, "subtype", Designation),
    ]
    for target, field_name, model in identifying:
        limit = _max_length(model, field_name)
        value = target[field_name]
        if len(value) > limit:
            fits = False
            report.errors.append(
                Issue(
                    row.row,
                    header_names.get(field_name, field_name),
                    value,
                    _("너무 깁니다 (%(limit)d자까지, %(length)d자).")
                    % {"limit": limit, "length": len(value)},
                )
            )
    for target, field_name, model in descriptive:
        max_length = getattr(model._meta.get_field(field_name), "max_length", None)
        value = target[field_name]
        if max_length is None or len(value) <= max_length:
            continue
        target[field_name] = value[:max_length]
        # The column the value came from (subtype may be 협동조합유형, address 지번주소).
        sources = [field_name, *_FALLBACK_SOURCES.get(field_name, ())]
        column = next((header_names[f] for f in sources if f in header_names), "")
        row.warnings.append(
            Issue(
                row.row,
                column,
                value,
                _("너무 길어 앞 %(limit)d자만 가져옵니다 (%(length)d자).")
                % {"limit": max_length, "length": len(value)},
            )
        )
    issuer_limit = _max_length(Designation, "issuer")
    row.designation["issuer"] = row.designation["issuer"][:issuer_limit]
    return fits


def _identity(org: dict[str, str]) -> tuple[str, str]:
    """A row's (or a source record's) name-and-region key, and the same with the
    address: what finds a designation again when its source key changed."""
    name = normalize_name(org.get("name", "")) or org.get("name", "")
    base = f"{org.get('sido', '')}|{org.get('sigungu', '')}|{name}"
    return base, f"{base}|{_WS.sub('', org.get('address', ''))}"


_KEY_LENGTH = 400  # Designation.source_key


def _fit_key(key: str) -> str:
    if len(key) <= _KEY_LENGTH:
        return key
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"{key[: _KEY_LENGTH - len(digest) - 1]}#{digest}"


def _assign_keys(layout: Layout, rows: list[ParsedRow]) -> None:
    """Give each row a key that finds the same designation in a later snapshot."""

    def base_key(row: ParsedRow) -> str:
        if layout.key == "social_enterprise" and row.designation["number"]:
            return "no:" + row.designation["number"].replace(" ", "")
        if row.brn_valid:
            return "brn:" + row.brn
        return _identity(row.org)[0]

    groups: dict[str, list[ParsedRow]] = defaultdict(list)
    for row in rows:
        groups[base_key(row)].append(row)
    for key, members in groups.items():
        if len(members) == 1:
            members[0].key = _fit_key(key)
            continue
        seen: dict[str, int] = defaultdict(int)
        for row in members:
            addr = _WS.sub("", row.org["address"])
            seen[addr] += 1
            row.key = _fit_key(f"{key}|{addr}" + (f"|{seen[addr]}" if seen[addr] > 1 else ""))


def read_and_validate(
    data: bytes,
    file_name: str,
    *,
    dataset: str = "auto",
    reference_date: dt.date | None = None,
) -> tuple[Layout | None, list[ParsedRow], ImportReport]:
    """Read and validate a file without touching the database.

    Returns the recognised layout (None when unknown), the parsed rows and the report
    (with errors and warnings). Never raises for bad input: every problem is an Issue.
    """
    report = ImportReport(file_name=file_name, sha256=hashlib.sha256(data).hexdigest())
    only = None if dataset in ("", "auto") else dataset
    if only and only not in LAYOUTS:
        report.errors.append(Issue(0, "", dataset, _("알 수 없는 데이터 종류입니다.")))
        return None, [], report
    if not data:
        report.errors.append(Issue(0, "", "", _("빈 파일입니다.")))
        return None, [], report
    found: dict[str, Layout] = {}

    def is_header(cells: list[str]) -> bool:
        layout = best_layout(cells, only)
        if layout:
            found["layout"] = layout
        return layout is not None

    try:
        table = read_table(data, file_name, is_header)
    except FileReadError as exc:
        reason = str(exc)
        if "머리글" in reason:
            expected = ", ".join(
                f"{lay.title}({lay.dataset_id})"
                for lay in ([LAYOUTS[only]] if only else LAYOUTS.values())
            )
            reason += " " + _("알려진 형식: %s") % expected
        report.errors.append(Issue(0, "", "", reason))
        return None, [], report
    layout = found["layout"]
    report.dataset, report.dataset_id = layout.key, layout.dataset_id
    report.header_row, report.encoding = table.header_row, table.encoding
    for header in layout.missing(table.headers):
        report.errors.append(Issue(table.header_row, header, "", _("필수 열이 없습니다.")))
    if report.errors:
        return layout, [], report
    rows = parse_rows(layout, table, report)
    report.rows = len(table.rows) + len(table.row_errors)
    report.reference_date = reference_date or reference_date_from(file_name, table.title_lines)
    if report.reference_date is None:
        report.errors.append(
            Issue(
                0,
                "",
                "",
                _("기준일을 알 수 없습니다. --reference-date YYYY-MM-DD 로 알려 주세요."),
            )
        )
    if not rows and not report.errors:
        report.errors.append(Issue(0, "", "", _("데이터 행이 없습니다.")))
    return layout, rows, report


class _Rekeyer:
    """Finds the designation of a row whose source key changed between snapshots.

    A key is the SE 인증번호, else a verified 사업자등록번호, else name and region (with
    the address when one list has the same name twice). When a newer list adds or drops
    a 사업자등록번호, or a second row with the same name appears, the key changes while
    the row is the same. Such a row is matched to the designation (of this dataset,
    not claimed by its own key) whose source row had the same name and region, or the
    same name, region and address, when exactly one designation and one row share it.
    """

    def __init__(self, existing: dict[str, Designation], rows: list[ParsedRow]) -> None:
        keys = {row.key for row in rows}
        self.open: dict[str, list[Designation]] = defaultdict(list)
        for key, designation in existing.items():
            record = designation.source_record
            if key in keys or record is None:
                continue
            for identity in _identity(record.values):
                self.open[identity].append(designation)
        self.wanted: dict[str, int] = defaultdict(int)
        for row in rows:
            if row.key not in existing:
                for identity in _identity(row.org):
                    self.wanted[identity] += 1
        self.claimed: set[int] = set()

    def claim(self, row: ParsedRow) -> Designation | None:
        for identity in _identity(row.org):
            candidates = self.open.get(identity, [])
            if len(candidates) == 1 and self.wanted[identity] == 1:
                designation = candidates[0]
                if designation.pk in self.claimed or self._other_entity(designation, row):
                    continue
                self.claimed.add(designation.pk)
                return designation
        return None

    @staticmethod
    def _other_entity(designation: Designation, row: ParsedRow) -> bool:
        """Different verified 사업자등록번호: another legal entity of the same name."""
        record = designation.source_record
        before = record.values.get("brn", "") if record is not None else ""
        return row.brn_valid and identifiers.brn_is_valid(before) and before != row.brn


@dataclass
class _Plan:
    """The state of one import while it is planned (nothing written yet).

    `orgs` maps an index key (a pk, or a negative number for an organisation this
    file creates) to the one in-memory copy of that organisation, so every row sees
    what earlier rows planned for it. `capped` lists rows whose review candidates
    were cut to `QUEUE_LIMIT`, with how many were left out.
    """

    report: ImportReport
    writer: Writer
    index: OrganizationIndex
    orgs: dict[int, Organization] = field(default_factory=dict)
    keys: dict[int, int] = field(default_factory=dict)  # id(org) → index key
    orgs_in_dataset: set[int] = field(default_factory=set)
    capped: list[tuple[int, int]] = field(default_factory=list)
    uncompared: int = 0

    def org(self, key: int) -> Organization:
        if key not in self.orgs:
            self.orgs[key] = Organization.objects.get(pk=key)
            self.keys[id(self.orgs[key])] = key
        return self.orgs[key]

    def key_of(self, org: Organization) -> int:
        return self.keys.setdefault(id(org), org.pk)


# At most this many merge candidates are queued for one row (the best scores first);
# the rest are counted in the report (`ImportReport.not_queued`).
QUEUE_LIMIT = 5


def plan_rows(
    layout: Layout,
    rows: list[ParsedRow],
    report: ImportReport,
    run: ImportRun,
    dataset: SourceDataset,
    *,
    user: Any = None,
) -> Writer:
    """Match validated rows to the registry and plan the writes, writing nothing.

    Reads the dataset's designations, this file's source records (when the same file
    was imported before) and the organisation index; fills the report's counts
    (created, changed, unchanged, linked, queued, missing, …) and returns the `Writer`
    that applies the plan. `run` and `dataset` may be unsaved (a dry run).
    """
    if report.reference_date is None:
        raise ValueError("plan_rows needs a report with a reference date")
    ref_date = report.reference_date
    plan = _Plan(report, Writer(user=user), OrganizationIndex.load())
    existing: dict[str, Designation] = {}
    if dataset.pk:
        existing = {
            d.source_key: d
            for d in Designation.objects.filter(dataset=dataset)
            .exclude(source_key="")
            .select_related("organization", "source_record")
        }
    records = {r.row_number: r for r in SourceRecord.objects.filter(sha256=report.sha256)}
    # One instance per organisation, shared by all its designations, so that an update
    # planned for one row is seen by the next.
    for d in existing.values():
        d.organization = plan.orgs.setdefault(d.organization_id, d.organization)
        plan.keys[id(d.organization)] = d.organization_id
    rekeyer = _Rekeyer(existing, rows)
    plan.orgs_in_dataset = {d.organization_id for d in existing.values()}
    seen: set[int] = set()  # pks of existing designations this file lists
    file_name = report.file_name[: _max_length(ImportRun, "file_name")]
    writer = plan.writer
    for position, row in enumerate(rows, start=1):
        record = records.get(row.row)
        new_record = record is None
        if record is None:
            record = SourceRecord(
                dataset=dataset,
                import_run=run,
                reference_date=ref_date,
                file_name=file_name,
                sha256=report.sha256,
                row_number=row.row,
                raw=row.raw,
                values={
                    **row.org,
                    "brn": row.brn,
                    "crn": row.crn,
                    **{k: str(v or "") for k, v in row.designation.items()},
                },
                warnings=[asdict(w) for w in row.warnings],
            )
        designation = existing.get(row.key)
        if designation is None:
            designation = rekeyer.claim(row)
            if designation is not None:
                # Same row, new key (e.g. the list now gives its 사업자등록번호).
                existing[row.key] = existing.pop(designation.source_key)
                designation.source_key = row.key
                writer.update(Designation, _pk(designation), {"source_key": row.key})
        if designation is not None:
            org = designation.organization
            if new_record:
                record.organization = org
                writer.create(record)
            _update_existing(designation, row, record, ref_date, plan)
            seen.add(designation.pk)
        else:
            org = _match_or_create(row, plan)
            if new_record:
                record.organization = org
                writer.create(record)
            designation = Designation(
                organization=org,
                dataset=dataset,
                source_key=row.key,
                source_record=record,
                last_seen_on=ref_date,
                **row.designation,
            )
            # Field values only: the foreign keys are planned here, and the source key
            # is unique per file (checking either costs a query per row).
            designation.full_clean(
                exclude=["organization", "dataset", "source_record"],
                validate_unique=False,
                validate_constraints=False,
            )
            writer.create(designation)
            plan.orgs_in_dataset.add(plan.key_of(org))
            existing[row.key] = designation
            report.created += 1
        if not new_record and record.organization_id != org.pk:
            writer.update(SourceRecord, _pk(record), {"organization": org})
        writer.row_done(position)
    _plan_missing(dataset, run, seen, ref_date, plan)
    if plan.capped:
        rows_text = ", ".join(str(r) for r, _n in plan.capped[:20])
        report.not_queued = sum(n for _r, n in plan.capped)
        report.warnings.append(
            Issue(
                0,
                "",
                rows_text + (" …" if len(plan.capped) > 20 else ""),
                _(
                    "%(rows)s개 행은 비슷한 조직이 많아 행마다 가장 비슷한 %(limit)s곳만 "
                    "병합 후보로 올렸습니다. 올리지 않은 후보는 %(rest)s건입니다."
                )
                % {
                    "rows": f"{len(plan.capped):,}",
                    "limit": QUEUE_LIMIT,
                    "rest": f"{report.not_queued:,}",
                },
            )
        )
    report.not_compared = plan.uncompared
    return writer


def _pk(instance: Model) -> Callable[[], Any]:
    """The pk of `instance` when the write runs (planned instances get it on save)."""
    return lambda: instance.pk


def _plan_missing(
    dataset: SourceDataset, run: ImportRun, seen: set[int], ref_date: dt.date, plan: _Plan
) -> None:
    """Plan marking what this file no longer lists, when it is the newest snapshot."""
    if not dataset.pk:
        return
    latest = dataset.import_runs.filter(status=ImportRun.Status.SUCCEEDED)
    if run.pk:
        latest = latest.exclude(pk=run.pk)
    latest_date = latest.aggregate(m=Max("reference_date"))["m"]
    if latest_date is not None and ref_date < latest_date:
        return
    # Everything of this dataset that this file did not list (also when it is a
    # corrected file for the same reference date) is no longer in the latest list.
    current = Designation.objects.filter(dataset=dataset, status=Designation.Status.ACTIVE)
    for pk in sorted(set(current.values_list("pk", flat=True)) - seen):
        plan.writer.save_fields(
            Designation,
            functools.partial(int, pk),
            {"status": Designation.Status.NOT_IN_LATEST, "not_in_latest_since": ref_date},
        )
        plan.report.missing += 1


def _update_existing(
    designation: Designation,
    row: ParsedRow,
    record: SourceRecord,
    ref_date: dt.date,
    plan: _Plan,
) -> None:
    """Plan the update of a designation (and its organisation's list-sourced fields)
    from a row.

    An organisation field is overwritten only when it still holds what this list said
    last time (or is empty): edits by staff or members, and values from other lists,
    are kept.
    """
    report, writer = plan.report, plan.writer
    org = designation.organization
    previous = designation.source_record.values if designation.source_record else {}
    org_changes: dict[str, Any] = {}
    for name, new in _list_values(row).items():
        current = getattr(org, name)
        if new and new != current and (not current or current == previous.get(name)):
            setattr(org, name, new)
            org_changes[name] = new
    if org_changes:
        writer.save_fields(Organization, _pk(org), org_changes)
    changes: dict[str, Any] = {}
    for name in DESIGNATION_FIELDS:
        if getattr(designation, name) != row.designation[name]:
            changes[name] = row.designation[name]
    if designation.status == Designation.Status.NOT_IN_LATEST:
        # Back in the list: active again. An older snapshot does not revive what a
        # newer one dropped, and statuses set by staff (ended, revoked) are kept.
        if not (designation.last_seen_on and designation.last_seen_on > ref_date):
            changes["status"] = Designation.Status.ACTIVE
            changes["not_in_latest_since"] = None
    if org_changes or changes:
        changes["source_record"] = record
        changes["last_seen_on"] = max(filter(None, [designation.last_seen_on, ref_date]))
        for name, value in changes.items():
            setattr(designation, name, value)
        writer.save_fields(Designation, _pk(designation), changes)
        report.changed += 1
        return
    report.unchanged += 1
    bookkeeping: dict[str, Any] = {}
    if designation.source_record_id != record.pk and (
        not designation.last_seen_on or ref_date >= designation.last_seen_on
    ):
        bookkeeping["source_record"] = record
    if not designation.last_seen_on or ref_date > designation.last_seen_on:
        bookkeeping["last_seen_on"] = ref_date
    if bookkeeping:
        writer.update(Designation, _pk(designation), bookkeeping)
        for k, v in bookkeeping.items():
            setattr(designation, k, v)


def _list_values(row: ParsedRow) -> dict[str, str]:
    """The organisation fields a row gives (list-sourced; empty = not given)."""
    return {**{name: row.org.get(name, "") for name in ORG_FIELDS}, "brn": row.brn, "crn": row.crn}


def _link(key: int, row: ParsedRow, plan: _Plan) -> Organization:
    """Plan attaching a row to an existing organisation: fill its empty fields from the
    row (so that re-importing the file changes nothing) and remember the row's spelling
    of the name as an alias."""
    org = plan.org(key)
    changes: dict[str, Any] = {}
    for name, value in _list_values(row).items():
        if value and not getattr(org, name):
            setattr(org, name, value)
            changes[name] = value
    # A phone or website filled from the list starts public as on a new organisation.
    for name, public_field, listed_public in (
        ("phone", "phone_public", listed_phone_public),
        ("website", "website_public", listed_website_public),
    ):
        if name in changes and getattr(org, public_field) != listed_public(changes[name]):
            setattr(org, public_field, listed_public(changes[name]))
            changes[public_field] = getattr(org, public_field)
    name = row.org["name"]
    if name != org.name and name not in org.aliases:
        org.aliases = [*org.aliases, name]
        changes["aliases"] = org.aliases
    if changes:
        plan.writer.save_fields(Organization, _pk(org), changes)
        if changes.get("brn") and row.brn_valid:
            plan.index.set_brn(key, row.brn)
    plan.report.linked += 1
    return org


def _other_entity(plan: _Plan, key: int, row: ParsedRow) -> bool:
    """Whether `key` and the row carry different official 사업자등록번호: two legal
    entities, never the same organisation whatever their names."""
    other = plan.index.brn_of.get(key, "")
    return bool(row.brn_valid and other and other != row.brn)


def _match_or_create(row: ParsedRow, plan: _Plan) -> Organization:
    """Plan the organisation a new designation belongs to: an existing one it is linked
    to, or a new one, with the merge candidates (병합 후보) staff should review.

    Linked: the same official 사업자등록번호; else the same normalised name in the same
    시도 and 시군구; else the same core name (one side without the cooperative word)
    at the same normalised address, both sides with a 시군구. Proposed for review (at
    most `QUEUE_LIMIT`, best first): a 사업자등록번호 typed by a member, the same name
    twice in one list, the same name where one side has no 시군구, the same core name
    in the same 시군구, a similar name at the same address, a near-identical name in
    the same 시군구. Never linked or proposed: two different official 사업자등록번호.
    Signals and sources: docs/data.md ("Matching").
    """
    index = plan.index
    sido, sigungu = row.org["sido"], row.org["sigungu"]
    norm = normalize_name(row.org["name"])
    core = core_name(norm)
    if row.brn_valid and row.brn in index.by_brn:
        return _link(index.by_brn[row.brn], row, plan)
    review: dict[int, tuple[float, str]] = {}

    def propose(key: int, score: float, reason: str) -> None:
        if not _other_entity(plan, key, row) and (key not in review or review[key][0] < score):
            review[key] = (score, reason)

    if row.brn_valid:
        for key in index.member_brn.get(row.brn, []):
            # A number typed on a profile is no official source: ask, do not link.
            propose(key, 100.0, _("회원이 입력한 사업자등록번호가 같습니다."))
    at_address, uncompared = index.at_address(address_key(sido, sigungu, row.org["address"]))
    plan.uncompared += uncompared
    if sido and sigungu:
        for key in index.by_name.get((sido, sigungu, norm), []):
            if _other_entity(plan, key, row):
                continue
            if key in plan.orgs_in_dataset:
                # It already holds a row of this very list: two rows of one list are
                # two entries unless staff decide otherwise.
                propose(key, 100.0, _("같은 목록에 같은 시군구, 같은 이름이 두 번 있습니다."))
                continue
            return _link(key, row, plan)
        for key in at_address:
            entry = index.entries[key]
            if (
                entry.sigungu
                and entry.core == core
                and core in (norm, entry.norm)
                and key not in plan.orgs_in_dataset
                and not _other_entity(plan, key, row)
            ):
                # Same place, same name but that one side adds a legal form
                # ("온두레밥상협동조합" / "(주)온두레밥상"): one organisation in two lists.
                return _link(key, row, plan)
    if sido:
        for key in index.by_sido_name.get((sido, norm), []):
            if index.entries[key].sigungu and sigungu:
                continue  # same 시군구: handled above; another 시군구: another organisation
            propose(key, 100.0, _("같은 시도에 같은 이름이 있지만 한쪽의 시군구를 알 수 없습니다."))
    if sido and sigungu:
        for key in index.by_core.get((sido, sigungu, core), []):
            propose(key, 100.0, _("같은 시군구에 법인 형태만 다르고 이름이 같은 조직이 있습니다."))
    for key in at_address:
        score = float(fuzz.ratio(core, index.entries[key].core))
        if score >= ADDRESS_SIMILARITY:
            propose(key, score, _("같은 주소에 이름이 비슷한 조직이 있습니다."))
    if sido and sigungu:
        similar, uncompared = index.similar(norm, sido, sigungu)
        plan.uncompared += uncompared
        for key, score in similar:
            propose(key, score, _("같은 시군구에 이름이 매우 비슷한 조직이 있습니다."))
    org = Organization(
        name=row.org["name"],
        legal_form=detect_legal_form(row.org["name"]) or "",
        brn=row.brn,
        crn=row.crn,
        address=row.org["address"],
        sido=sido,
        sigungu=sigungu,
        industry=row.org["industry"],
        products=row.org["products"],
        description=row.org["description"],
        website=row.org["website"],
        phone=row.org["phone"],
        representative=row.org["representative"],
        # The lists publish these: an office phone and a website start public.
        website_public=listed_website_public(row.org["website"]),
        phone_public=listed_phone_public(row.org["phone"]),
    )
    key = -(len(plan.orgs) + 1)
    while key in plan.orgs:
        key -= 1
    plan.orgs[key] = org
    plan.keys[id(org)] = key
    plan.writer.create(org)
    plan.report.organizations_created += 1
    index.add(key, norm, sido, sigungu, row.org["address"])
    if row.brn_valid:
        index.set_brn(key, row.brn)
    ranked = sorted(review.items(), key=lambda item: (-item[1][0], item[0]))
    if len(ranked) > QUEUE_LIMIT:
        plan.capped.append((row.row, len(ranked) - QUEUE_LIMIT))
    for other_key, (score, reason) in ranked[:QUEUE_LIMIT]:
        _plan_candidate(plan.org(other_key), org, score, reason, plan)
    return org


def _plan_candidate(
    left: Organization, right: Organization, score: float, reason: str, plan: _Plan
) -> None:
    """Plan a merge candidate (병합 후보) for staff review. `right` is an organisation
    this file creates, so the pair cannot exist yet: a plain insert, in bulk with the
    chunk's other new rows."""
    plan.writer.create(
        MergeCandidate(
            left=left,
            right=right,
            score=score,
            reason=reason,
            left_name=left.name,
            right_name=right.name,
        )
    )
    plan.report.queued += 1


def import_file(
    data: bytes,
    file_name: str,
    *,
    dataset: str = "auto",
    reference_date: dt.date | None = None,
    dry_run: bool = False,
    user: Any = None,
    progress: ProgressCallback | None = None,
    on_run: RunCallback | None = None,
) -> ImportReport:
    """Validate `data` and, if it has no errors, apply it, all or nothing.

    Reading, validating and matching happen before anything is written; the planned
    writes are then applied in short transactions (`writer.Writer.apply`) so the site
    keeps writing during a long import, and undone if one of them fails; if the
    process is killed, the next worker or import to start undoes them
    (`recovery.recover_runs`). Returns the report. With `dry_run` the plan is
    computed and nothing is written. A file with errors imports nothing; its failed
    run is still recorded (who, when, report) unless `dry_run`. `progress(done,
    total)` is called as rows are written; `on_run(run)` once the run is saved, in
    that transaction, before anything else is written. An interruption
    (`KeyboardInterrupt`, `SystemExit`) undoes what was written, marks the run
    "interrupted" and is raised again.
    """
    with _LongLived() as keep:
        return _import_file(
            data,
            file_name,
            dataset=dataset,
            reference_date=reference_date,
            dry_run=dry_run,
            user=user,
            progress=progress,
            on_run=on_run,
            keep=keep,
        )


class _LongLived:
    """Keeps what an import holds from start to end (the file's rows, the planned
    writes: about a hundred objects a row) out of Python's cyclic garbage collection
    while the import runs (`gc.freeze`), so that its full collections do not go
    through them again and again. Measured on 10,000 generated rows: full collections
    took about half of the import's CPU time. Not nested: when something else froze
    objects first, it does nothing."""

    def __enter__(self) -> Callable[[], None]:
        self.mine = gc.get_freeze_count() == 0
        return self.keep

    def keep(self) -> None:
        """Freeze what exists now (after a young collection, so little garbage is kept)."""
        if self.mine:
            gc.collect(1)
            gc.freeze()

    def __exit__(self, *exc: object) -> None:
        if self.mine:
            gc.unfreeze()


def _import_file(
    data: bytes,
    file_name: str,
    *,
    dataset: str,
    reference_date: dt.date | None,
    dry_run: bool,
    user: Any,
    progress: ProgressCallback | None,
    on_run: RunCallback | None,
    keep: Callable[[], None],
) -> ImportReport:
    layout, rows, report = read_and_validate(
        data, file_name, dataset=dataset, reference_date=reference_date
    )
    keep()
    report.dry_run = dry_run
    if not report.errors and layout is not None:
        _check_snapshot_order(layout, report)
    if report.errors or layout is None:
        if not dry_run:
            _record_failure(report, user)
        return report
    source = SourceDataset.objects.filter(dataset_id=layout.dataset_id).first()
    if source is None:
        source = SourceDataset(
            dataset_id=layout.dataset_id,
            layout=layout.key,
            title=layout.title,
            publisher=layout.publisher,
            url=layout.url,
        )
    run = ImportRun(
        dataset=source,
        reference_date=report.reference_date,
        file_name=report.file_name[: _max_length(ImportRun, "file_name")],
        sha256=report.sha256,
        started_by=user if getattr(user, "pk", None) else None,
        # Until its last write is committed (or undone) the run is running, with no
        # end time, held by this process (ImportRun, `undo.hold`).
        status=ImportRun.Status.RUNNING,
        rows=report.rows,
        owner=processes.current_owner(),
    )
    writer = plan_rows(layout, rows, report, run, source, user=user)
    if dry_run:
        return report
    keep()
    with transaction.atomic():
        if source.pk is None:
            found, _created = SourceDataset.objects.get_or_create(
                dataset_id=layout.dataset_id,
                defaults={
                    "layout": layout.key,
                    "title": layout.title,
                    "publisher": layout.publisher,
                    "url": layout.url,
                },
            )
            # The planned records and designations point at this very instance.
            source.pk, source._state.adding = found.pk, False
        run.heartbeat_at = timezone.now()
        run.save()
        if on_run is not None:
            on_run(run)
    report.run_id = run.pk
    writer.run_id, writer.owner = run.pk, run.owner
    total = len(rows)
    try:
        writer.apply(progress=(lambda done: progress(done, total)) if progress else None)
    except RunLost:
        # Another process judged this one gone and took the run over to undo it.
        logger.error("import of %s: run %s was taken over while writing", file_name, run.pk)
        report.errors.append(Issue(0, "", "", str(_RUN_TAKEN_OVER)))
        return report
    except UndoIncomplete as exc:
        logger.error("import of %s failed while writing and could not be undone", file_name)
        if not isinstance(exc.failure, Exception):
            raise exc.failure from exc  # interrupted: stop as asked
        report.errors.append(Issue(0, "", "", _UNDO_LEFT % {"reason": exc.failure, "run": run.pk}))
        return report
    except Exception as exc:
        logger.exception("import of %s failed while writing; undone", file_name)
        report.errors.append(
            Issue(
                0,
                "",
                "",
                _("쓰는 중 오류가 나서 가져온 내용을 모두 되돌렸습니다: %(reason)s")
                % {"reason": exc},
            )
        )
        _finish_held(run, report, ImportRun.Status.FAILED, user)
        return report
    except BaseException:
        # Interrupted (Ctrl-C, a worker asked to stop at once): undone by `apply`.
        report.errors.append(Issue(0, "", "", str(INTERRUPTED_UNDONE)))
        _finish_held(run, report, ImportRun.Status.INTERRUPTED, user)
        raise
    report.transactions = writer.chunks
    _finish_held(run, report, ImportRun.Status.SUCCEEDED, user)
    return report


# Messages of a run that did not finish on its own (the report's only error).
INTERRUPTED_UNDONE = _lazy(
    "가져오기가 끝나기 전에 멈췄습니다. 그때까지 쓴 내용을 모두 되돌렸으므로 이 파일은 "
    "적용되지 않았습니다. 같은 파일을 다시 가져오세요."
)
_RUN_TAKEN_OVER = _lazy(
    "가져오는 동안 다른 프로세스가 이 가져오기를 멈춘 것으로 보고 되돌렸습니다. 이 파일은 "
    "적용되지 않았습니다. 같은 파일을 다시 가져오세요."
)
_UNDO_LEFT = _lazy(
    "쓰는 중 오류(%(reason)s)가 났고, 되돌리기도 끝내지 못했습니다. 남은 것은 다음 복구가 "
    "되돌립니다 (manage.py registry_recover_imports, 가져오기 기록 %(run)s)."
)


def _finish_held(run: ImportRun, report: ImportReport, status: str, user: Any) -> None:
    """Record the end of `run` if this process still holds it (else the process that
    took it over records it), and drop its undo log."""
    try:
        with transaction.atomic():
            hold(run.pk, run.owner)
            finish_run(run, report, status=status)
            log_action(
                _AUDIT_ACTIONS[status],
                user=user,
                target=run,
                data={
                    "created": report.created,
                    "changed": report.changed,
                    "missing": report.missing,
                }
                if status == ImportRun.Status.SUCCEEDED
                else {"errors": len(report.errors)},
            )
    except RunLost:
        logger.error("import run %s was taken over before it ended", run.pk)
        report.errors.append(Issue(0, "", "", str(_RUN_TAKEN_OVER)))


_AUDIT_ACTIONS: dict[str, str] = {
    ImportRun.Status.SUCCEEDED: "registry.import.succeeded",
    ImportRun.Status.FAILED: "registry.import.failed",
    ImportRun.Status.INTERRUPTED: "registry.import.interrupted",
}


def finish_run(run: ImportRun, report: ImportReport, *, status: str) -> None:
    """Record the end of `run`: `status`, the counts of `report` (zero unless it
    succeeded), its errors and warnings, the end time; drop its undo log (nothing is
    left to undo, or it was undone)."""
    for name in (
        "created",
        "changed",
        "unchanged",
        "organizations_created",
        "linked",
        "queued",
        "missing",
    ):
        setattr(run, name, getattr(report, name) if status == ImportRun.Status.SUCCEEDED else 0)
    run.status = status
    run.error_count = len(report.errors)
    run.warning_count = len(report.warnings)
    run.finished_at = timezone.now()
    run.report = report.as_dict()
    run.save()
    run.undo_log.all().delete()


def refuse_too_large(file_name: str, size: int, *, user: Any = None) -> ImportReport:
    """The failed report (and recorded run) of a file of `size` bytes over
    `reading.MAX_FILE_BYTES`, refused on its size before any of it is read."""
    report = ImportReport(file_name=file_name, sha256="")
    report.errors.append(Issue(0, "", "", str(reading.too_large(size))))
    _record_failure(report, user)
    return report


def _check_snapshot_order(layout: Layout, report: ImportReport) -> None:
    today = timezone.localdate()
    if report.reference_date and report.reference_date > today:
        # A future date would mark the whole dataset as missing and then block every
        # real snapshot until that date.
        report.errors.append(
            Issue(
                0,
                "",
                report.reference_date.isoformat(),
                _("기준일이 오늘(%s)보다 뒤입니다. 기준일을 확인해 주세요.") % today.isoformat(),
            )
        )
        return
    latest = ImportRun.objects.filter(
        dataset__dataset_id=layout.dataset_id, status=ImportRun.Status.SUCCEEDED
    ).aggregate(m=Max("reference_date"))["m"]
    if latest and report.reference_date and report.reference_date < latest:
        report.errors.append(
            Issue(
                0,
                "",
                report.reference_date.isoformat(),
                _("이미 더 새로운 기준일(%s)의 목록을 가져왔습니다. 옛 목록은 가져오지 않습니다.")
                % latest.isoformat(),
            )
        )


def _record_failure(report: ImportReport, user: Any) -> None:
    dataset = None
    if report.dataset_id:
        dataset = SourceDataset.objects.filter(dataset_id=report.dataset_id).first()
    run = ImportRun.objects.create(
        dataset=dataset,
        reference_date=report.reference_date,
        file_name=report.file_name[:255],
        sha256=report.sha256,
        started_by=user if getattr(user, "pk", None) else None,
        status=ImportRun.Status.FAILED,
        rows=report.rows,
        error_count=len(report.errors),
        warning_count=len(report.warnings),
        finished_at=timezone.now(),
        report=report.as_dict(),
    )
    report.run_id = run.pk
    log_action("registry.import.failed", user=user, target=run, data={"errors": len(report.errors)})
