"""Search quality and speed for bench/run: Hanjari's search against two baselines.

Imported by `bench/run _inspect` inside Django (the benchmark's database). For every
case of tests/search/cases.json (``query``; ``expect``: results that must be in the top
10; ``expect_set``: the top 10 should come from it, counting min(10, size)), each engine
returns its ranked (kind, id, title) list:

- **hanjari**: `manage.py search QUERY --limit 10 --format json`, called in-process;
- **like**: ``LIKE '%q%'`` (Django's ``icontains``) over organisation names and
  descriptions, then article headlines and subtitles; no ranking, so by name;
- **fts5**: an SQLite FTS5 table with its default tokenizer (unicode61) over the same
  text Hanjari indexes (names, other names, industry, products, description, region;
  headline, subtitle, body), in memory, ranked by bm25, every query word quoted.

recall@10 = expected results found in the top 10 / expected results (micro average).
The cases were written over the shipped data; on a national-scale database, synthetic
organisations that match just as well (a synthetic "…두부…" for 두부) take top places,
so recall is also given *among shipped records*: each ranked list (up to 1,000) kept
to the shipped organisations and articles, then cut at 10 — the same for all engines.
Latency: each case's top-10 query, timed `REPEATS` times in-process (no HTTP).
"""

from __future__ import annotations

import io
import json
import re
import sqlite3
import statistics
import time
from collections.abc import Callable
from html import unescape
from pathlib import Path
from typing import Any

REPEATS = 3
DEEP = 1000  # ranked results read for the "among shipped records" figure
_TAGS = re.compile(r"<[^>]+>")

Hit = tuple[str, int, str]  # kind, id, title


def _hanjari(query: str, limit: int) -> list[Hit]:
    from django.core.management import call_command

    out = io.StringIO()
    call_command("search", query, "--limit", str(limit), "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    return [(r["kind"], int(r["id"]), r["title"]) for r in data["results"]]


def _like(query: str, limit: int) -> list[Hit]:
    from django.db.models import Q

    from hanjari.news.models import Article
    from hanjari.registry.models import Organization

    q = query.strip()
    if not q:
        return []
    orgs = (
        Organization.objects.filter(Q(name__icontains=q) | Q(description__icontains=q))
        .order_by("name", "id")
        .values_list("id", "name")[:limit]
    )
    hits: list[Hit] = [("organization", pk, name) for pk, name in orgs]
    if len(hits) < limit:
        arts = (
            Article.objects.published()
            .filter(Q(headline__icontains=q) | Q(subtitle__icontains=q))
            .order_by("headline", "id")
            .values_list("id", "headline")[: limit - len(hits)]
        )
        hits += [("article", pk, title) for pk, title in arts]
    return hits


class Fts5:
    """An in-memory FTS5 table (default tokenizer) over the benchmark's documents."""

    def __init__(self) -> None:
        from hanjari.news.models import Article
        from hanjari.registry.models import Designation, Organization

        self.db = sqlite3.connect(":memory:")
        self.db.execute(
            "CREATE VIRTUAL TABLE docs USING fts5(kind UNINDEXED, oid UNINDEXED, title, body)"
        )
        kinds: dict[int, list[str]] = {}
        for org_id, kind in Designation.objects.values_list("organization_id", "kind"):
            kinds.setdefault(org_id, []).append(kind)
        rows = []
        for o in Organization.objects.values_list(
            "id", "name", "aliases", "industry", "products", "description", "sido", "sigungu"
        ).iterator(chunk_size=5000):
            pk, name, aliases, *rest = o
            other = " ".join(a for a in (aliases or []) if isinstance(a, str))
            rows.append(("organization", pk, name, " ".join([other, *rest, *kinds.get(pk, [])])))
        for pk, headline, subtitle, body in (
            Article.objects.published()
            .values_list("id", "headline", "subtitle", "body_html")
            .iterator(chunk_size=5000)
        ):
            rows.append(("article", pk, headline, f"{subtitle} {unescape(_TAGS.sub(' ', body))}"))
        self.db.executemany("INSERT INTO docs VALUES (?, ?, ?, ?)", rows)
        self.db.commit()
        self.size = len(rows)

    def __call__(self, query: str, limit: int) -> list[Hit]:
        words = [w.replace('"', '""') for w in query.split()]
        if not words:
            return []
        match = " ".join(f'"{w}"' for w in words)
        sql = (
            "SELECT kind, oid, title FROM docs WHERE docs MATCH ? "
            "ORDER BY bm25(docs, 0, 0, 10.0, 1.0) LIMIT ?"
        )
        try:
            return [(k, int(i), t) for k, i, t in self.db.execute(sql, (match, limit))]
        except sqlite3.OperationalError:
            return []


def _shipped() -> set[tuple[str, int]]:
    """(kind, id) of the records from the shipped data: organisations read from the
    official files, articles imported from data/news (they keep a source hash)."""
    from hanjari.news.models import Article
    from hanjari.registry.models import SourceRecord

    orgs = SourceRecord.objects.exclude(organization=None).values_list("organization_id", flat=True)
    arts = Article.objects.exclude(source_hash="").values_list("id", flat=True)
    return {("organization", pk) for pk in orgs} | {("article", pk) for pk in arts}


def _score(case: dict[str, Any], hits: list[Hit]) -> tuple[int, int]:
    """(found, needed) for one case's top 10."""
    titles = {f"{kind}:{title}" for kind, _pk, title in hits[:10]}
    expect = case.get("expect") or []
    expect_set = case.get("expect_set") or []
    need_set = min(10, len(expect_set))
    found = sum(1 for e in expect if e in titles)
    found += min(need_set, len(titles & set(expect_set)))
    return found, len(expect) + need_set


def compare(cases_path: Path) -> dict[str, Any]:
    """Recall@10 (all records, and among shipped records) and latency of each engine."""
    cases = json.loads(cases_path.read_text())["cases"]
    shipped = _shipped()
    t = time.perf_counter()
    fts = Fts5()
    build_s = time.perf_counter() - t
    engines: dict[str, Callable[[str, int], list[Hit]]] = {
        "hanjari": _hanjari,
        "like": _like,
        "fts5": fts,
    }
    report: dict[str, Any] = {
        "cases": len(cases),
        "repeats": REPEATS,
        "fts5_rows": fts.size,
        "fts5_build_s": round(build_s, 1),
        "engines": {},
    }
    for name, engine in engines.items():
        engine("warm-up", 10)
        times: list[float] = []
        found = needed = full = 0
        found_s = needed_s = full_s = 0
        missed: list[str] = []
        for case in cases:
            for _ in range(REPEATS):
                t = time.perf_counter()
                hits = engine(case["query"], 10)
                times.append(time.perf_counter() - t)
            f, n = _score(case, hits)
            found, needed, full = found + f, needed + n, full + (f == n)
            deep = [h for h in engine(case["query"], DEEP) if (h[0], h[1]) in shipped]
            fs, ns = _score(case, deep)
            found_s, needed_s, full_s = found_s + fs, needed_s + ns, full_s + (fs == ns)
            if fs < ns:
                missed.append(f"{case['query']} ({fs}/{ns})")
        times.sort()
        report["engines"][name] = {
            "recall": found / needed if needed else 0.0,
            "full": full,
            "recall_shipped": found_s / needed_s if needed_s else 0.0,
            "full_shipped": full_s,
            "p50_ms": statistics.median(times) * 1000,
            "p95_ms": times[min(len(times) - 1, int(len(times) * 0.95))] * 1000,
            "missed": missed,
        }
    return report
