"""Search quality over the real shipped data (tests/search/cases.json): recall@10.

The data: data/official (1,727 village and 977 self-sufficiency organisations) and the
reference news article in data/news imported with ``news_import --publish``. Each case
names the results a person expects in the top 10 (`expect`: each one; `expect_set`:
the top 10 should come from the set, counting min(10, size) results). Runs on the
current backend (CI runs SQLite and PostgreSQL) and prints recall@10.
"""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from hanjari.search import selectors
from tests.conftest import SELF_SUFFICIENCY_CSV, VILLAGE_XLSX

CASES = Path(__file__).with_name("cases.json")
ARTICLE = Path(__file__).resolve().parents[2] / "data" / "news" / "jeonju_workshop_2023-12-11.txt"
MIN_RECALL = 0.95


def load_cases() -> list[dict]:
    return json.loads(CASES.read_text(encoding="utf-8"))["cases"]


def score(case: dict, got: list[str]) -> tuple[int, int]:
    """(found, expected) of one case in the top-10 `got` (``kind:title``)."""
    expected = found = 0
    for item in case.get("expect", []):
        expected += 1
        found += item in got
    if "expect_set" in case:
        wanted = set(case["expect_set"])
        k = min(10, len(wanted))
        expected += k
        found += min(k, len(wanted & set(got)))
    return found, expected


def test_cases_file_is_well_formed():
    cases = load_cases()
    assert len(cases) >= 40
    categories = {c["category"] for c in cases}
    assert {"particles", "spacing", "compound", "legal_form", "region_kind", "english"} <= (
        categories
    )
    assert "typo" in categories
    for case in cases:
        assert case["query"] and (case.get("expect") or case.get("expect_set")), case
        for item in case.get("expect", []) + case.get("expect_set", []):
            kind, _sep, title = item.partition(":")
            assert kind in ("organization", "article") and title, item


@pytest.mark.django_db
def test_recall_at_10_on_the_shipped_data(capsys):
    out = StringIO()
    call_command("registry_import", str(VILLAGE_XLSX), str(SELF_SUFFICIENCY_CSV), stdout=out)
    call_command("news_import", "--publish", str(ARTICLE), stdout=out, stderr=StringIO())
    total_found = total_expected = 0
    missed: list[str] = []
    for case in load_cases():
        _page, results = selectors.ranked(case["query"], limit=10)
        got = [f"{r.kind}:{r.title}" for r in results]
        found, expected = score(case, got)
        total_found += found
        total_expected += expected
        if found < expected:
            missed.append(f"{case['query']!r}: {found}/{expected}")
    recall = total_found / total_expected
    with capsys.disabled():
        print(
            f"\nsearch recall@10 ({selectors.get_backend().vendor}): "
            f"{total_found}/{total_expected} = {recall:.3f}; below 1: {missed}"
        )
    assert recall >= MIN_RECALL, missed
