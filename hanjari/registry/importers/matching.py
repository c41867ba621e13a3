"""Finding the organisation a row of an official list belongs to (같은 조직 찾기).

An in-memory index of every organisation, built once per file before anything is
written, answers for one row in bounded time:

- the organisation holding the same *official* 사업자등록번호 (one that came from a
  list row, kept on a `SourceRecord`). A number typed by a member on the profile page
  is not an official source and never links a row on its own (docs/data.md);
- the organisations with the same normalised name (`normalize_name`) in the same 시도
  and 시군구, or in the same 시도 when one side has no 시군구;
- the organisations with the same *core name* (the normalised name without the
  cooperative words 협동조합/사회적협동조합/…, which `normalize_name` keeps) in the same
  시군구: "온두레밥상협동조합" and "(주)온두레밥상" share the core 온두레밥상;
- the organisations at the same normalised address (`address_key`: 시도, 시군구 and the
  road or lot address without spaces, punctuation or the detail after "," or "(", so
  "전라북도 완주군 고산면 대아로 12, 2층" and "전북 완주군 고산면 대아로 12" agree);
- the organisations whose name shares a *blocking key* (the first or the last two
  characters of the core name) in the same 시군구, scored with rapidfuzz. Each block is
  compared through its last `COMPARE_LIMIT` entries only, so a row costs at most
  2 × `COMPARE_LIMIT` comparisons however many look-alike names a 시군구 holds (before,
  every row was compared with every organisation of its 시군구: quadratic).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from hanjari.core import regions

# Name similarity (rapidfuzz ratio of normalised names, 0–100) from which two
# organisations in the same 시군구 are queued for review rather than kept apart.
REVIEW_SIMILARITY = 90.0
# Core-name similarity from which two organisations at the same address are queued.
ADDRESS_SIMILARITY = 70.0
# How many organisations of one blocking key a row is compared with (the newest).
COMPARE_LIMIT = 200

# Cooperative words that `normalize_name` keeps (협동조합 기본법 §2: 협동조합,
# 사회적협동조합 and their federations); removed for the core name only.
_COOP_WORDS = re.compile(
    "사회적협동조합연합회|이종협동조합연합회|협동조합연합회|사회적협동조합|협동조합|비영리민간단체|개인사업자"
)


def core_name(normalized: str) -> str:
    """The normalised name without cooperative words ("온두레밥상협동조합" → "온두레밥상");
    the normalised name itself when nothing else would be left."""
    core = _COOP_WORDS.sub("", normalized)
    return core or normalized


_DETAIL = re.compile(r"[,(]")
# The end of the place itself: a road name and building number ("중앙로1길 5-1",
# 도로명주소법 §2) or a 동/리/가 and lot number ("신기동 472-1", "산 12"). What follows
# is a floor, a room or a building name that lists write differently.
_PLACE = re.compile(r"^.*?(?:로|길|동|리|가)\s+(?:산\s*)?\d+(?:-\d+)?")


def address_key(sido: str, sigungu: str, address: str) -> str:
    """A comparison key for an address: its 시도 and 시군구 (as the address writes them,
    resolved to the current names — 전라북도 and 전북 are both 전북특별자치도 — else
    `sido` / `sigungu`, the row's own), then the rest up to the building or lot number
    (else up to a "," or "("), NFKC, without spaces or punctuation: "전라북도 익산시
    중앙로1길 5-1 실오라기" and "전북 익산시 중앙로1길 5-1" agree. "" when the address,
    the 시도 or the 시군구 is missing, or fewer than three characters are left (a 시군구
    alone says nothing about the place)."""
    if not address:
        return ""
    addr_sido, addr_sigungu, rest = regions.split_address(address)
    sido = addr_sido.name if addr_sido else sido
    sigungu = addr_sigungu or sigungu
    if not (sido and sigungu):
        return ""
    rest = _DETAIL.split(unicodedata.normalize("NFKC", rest), maxsplit=1)[0]
    place = _PLACE.match(rest)
    if place:
        rest = place.group(0)
    rest = "".join(ch for ch in rest.lower() if unicodedata.category(ch)[0] in "LN")
    if len(rest) < 3:
        return ""
    return f"{sido}|{sigungu}|{rest}"


@dataclass
class Entry:
    """What the index knows of one organisation (key: its pk, or a negative number for
    one this file will create)."""

    norm: str
    core: str
    sido: str
    sigungu: str
    address: str


class OrganizationIndex:
    """The index described in the module docstring. Keys are organisation pks; an
    organisation planned but not yet written has a negative key."""

    def __init__(self) -> None:
        self.entries: dict[int, Entry] = {}
        self.by_brn: dict[str, int] = {}
        self.brn_of: dict[int, str] = {}
        self.member_brn: dict[str, list[int]] = defaultdict(list)
        self.by_name: dict[tuple[str, str, str], list[int]] = defaultdict(list)
        self.by_core: dict[tuple[str, str, str], list[int]] = defaultdict(list)
        self.by_sido_name: dict[tuple[str, str], list[int]] = defaultdict(list)
        self.by_address: dict[str, list[int]] = defaultdict(list)
        self.blocks: dict[tuple[str, str, str], list[int]] = defaultdict(list)

    @classmethod
    def load(cls) -> OrganizationIndex:
        """The index of every organisation in the database (reads only)."""
        from ..models import Organization, SourceRecord

        index = cls()
        official: set[tuple[int, str]] = set()
        for org_id, values in SourceRecord.objects.exclude(organization=None).values_list(
            "organization_id", "values"
        ):
            brn = values.get("brn", "") if isinstance(values, dict) else ""
            if brn:
                official.add((org_id, brn))
        for pk, norm, sido, sigungu, address, brn, brn_ok in Organization.objects.values_list(
            "pk", "name_normalized", "sido", "sigungu", "address", "brn", "brn_verified"
        ).iterator(chunk_size=2000):
            index.add(pk, norm, sido, sigungu, address)
            if brn_ok:
                if (pk, brn) in official:
                    index.set_brn(pk, brn)
                else:
                    index.member_brn[brn].append(pk)
        return index

    def add(self, key: int, norm: str, sido: str, sigungu: str, address: str) -> None:
        core = core_name(norm)
        entry = Entry(norm, core, sido, sigungu, address_key(sido, sigungu, address))
        self.entries[key] = entry
        self.by_sido_name[(sido, norm)].append(key)
        if entry.address:
            self.by_address[entry.address].append(key)
        if not (sido and sigungu):
            return
        self.by_name[(sido, sigungu, norm)].append(key)
        self.by_core[(sido, sigungu, core)].append(key)
        for block in self._block_keys(sido, sigungu, core):
            self.blocks[block].append(key)

    def set_brn(self, key: int, brn: str) -> None:
        """Record `key`'s official, verified 사업자등록번호 (pass "" when it has none)."""
        if brn:
            self.by_brn.setdefault(brn, key)
            self.brn_of[key] = brn

    @staticmethod
    def _block_keys(sido: str, sigungu: str, core: str) -> set[tuple[str, str, str]]:
        return {(sido, sigungu, "<" + core[:2]), (sido, sigungu, ">" + core[-2:])}

    def similar(self, norm: str, sido: str, sigungu: str) -> tuple[list[tuple[int, float]], int]:
        """Organisations in `sido`/`sigungu` whose name scores `REVIEW_SIMILARITY` or more
        against `norm` (best first), and how many look-alikes were left uncompared
        because their block was longer than `COMPARE_LIMIT`."""
        core = core_name(norm)
        keys: list[int] = []
        skipped = 0
        for block in sorted(self._block_keys(sido, sigungu, core)):
            members = self.blocks.get(block, [])
            skipped += max(0, len(members) - COMPARE_LIMIT)
            keys.extend(members[-COMPARE_LIMIT:])
        keys = list(dict.fromkeys(keys))
        choices = [self.entries[k].norm for k in keys]
        found = process.extract(
            norm, choices, scorer=fuzz.ratio, score_cutoff=REVIEW_SIMILARITY, limit=None
        )
        return [(keys[i], float(score)) for _choice, score, i in found], skipped

    def at_address(self, key: str) -> tuple[list[int], int]:
        """The organisations at the address `key` (the newest `COMPARE_LIMIT`), and how
        many older ones were left out."""
        members = self.by_address.get(key, []) if key else []
        return members[-COMPARE_LIMIT:], max(0, len(members) - COMPARE_LIMIT)
