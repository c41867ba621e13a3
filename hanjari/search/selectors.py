"""The search interface (검색): what pages, commands and other apps call.

- :func:`search` — one results page: counts per kind, results grouped by kind (or one
  kind, paginated), the "did you mean" suggestion and the fallbacks.
- :func:`ranked` — one flat ranked list across kinds (command line, quality cases).
- :func:`suggest` — typeahead titles for the text typed so far.
- :func:`object_ids_sql` / :func:`ranked_object_ids` — for another app's list (the
  registry directory) to filter and order by the same search.

How a query is answered: the text is analysed (`query.parse`) and every word must
match. When nothing matches, a title close to the text ("did you mean", rapidfuzz
over the names of kinds registered with `fuzzy=True`) is searched instead; when there
is none, documents matching any of the words are shown. When only a few documents
match, the close title is offered as a suggestion with its best results.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Max
from django.utils import timezone
from django.utils.safestring import SafeString
from rapidfuzz import fuzz, process

from hanjari.core.names import normalize_name

from . import registry, snippets
from .backends import Hit, get_backend
from .models import SearchDocument
from .query import Expr, Query, parse

GROUP_SIZE = 5
PER_PAGE = 20
MAX_PAGE = 500
# Below this many matches, a close title is looked for ("did you mean").
SUGGEST_BELOW = 5
SUGGEST_SCORE = 80.0
SUGGEST_MIN_CHARS = 3


@dataclass
class Result:
    """One result line: what it is, where it goes, and how it is shown (escaped,
    with the query's words in ``<mark>``)."""

    kind: str
    kind_label: Any
    object_id: int
    title: str
    url: str
    score: float
    title_html: SafeString
    snippet_html: SafeString
    meta: dict[str, Any]
    date: dt.datetime | None


@dataclass
class Group:
    kind: str
    label: Any
    count: int
    results: list[Result]


@dataclass
class SearchPage:
    """A results page. `mode` says what the results answer: ``all`` (every word),
    ``corrected`` (nothing matched; these are the results for `suggestion`), ``any``
    (nothing matched every word; documents with some of them). `suggestion` is a
    close title ("did you mean"), `extra` its best results when the query itself
    found only a few."""

    text: str
    kind: str
    sido: str
    mode: str = "all"
    counts: dict[str, int] = field(default_factory=dict)
    groups: list[Group] = field(default_factory=list)
    results: list[Result] = field(default_factory=list)
    page: int = 1
    num_pages: int = 0
    suggestion: str = ""
    extra: list[Result] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def count(self) -> int:
        """Matches in the chosen kind (all kinds when none is chosen)."""
        return self.counts.get(self.kind, 0) if self.kind else self.total


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or timezone.now()


def _hydrate(hits: Sequence[Hit], query: Query) -> list[Result]:
    docs = SearchDocument.objects.in_bulk([h.doc_id for h in hits])
    results: list[Result] = []
    for hit in hits:
        doc = docs.get(hit.doc_id)
        if doc is None:
            continue
        try:
            label = registry.get(doc.kind).label
        except KeyError:
            label = doc.kind
        results.append(
            Result(
                kind=doc.kind,
                kind_label=label,
                object_id=doc.object_id,
                title=doc.title,
                url=doc.url,
                score=hit.score,
                title_html=snippets.highlight(doc.title, query.highlight),
                snippet_html=snippets.snippet(doc.body, query.highlight),
                meta=doc.meta or {},
                date=doc.date,
            )
        )
    return results


# --- did you mean -------------------------------------------------------------------------

_names_lock = threading.Lock()
_names: dict[str, Any] = {"stamp": None, "keys": [], "titles": []}


def _fuzzy_names() -> tuple[list[str], list[str]]:
    """(normalised names, titles) of the kinds registered with `fuzzy=True`, cached
    per process until the index of those kinds changes."""
    kinds = [t.kind for t in registry.kinds() if t.fuzzy]
    qs = SearchDocument.objects.filter(kind__in=kinds)
    agg = qs.aggregate(n=Count("id"), last=Max("updated_at"))
    stamp = (tuple(kinds), agg["n"], agg["last"])
    with _names_lock:
        if _names["stamp"] != stamp:
            titles = sorted(set(qs.values_list("title", flat=True)))
            keyed = [(normalize_name(t), t) for t in titles]
            keyed = [(k, t) for k, t in keyed if k]
            _names.update(stamp=stamp, keys=[k for k, _t in keyed], titles=[t for _k, t in keyed])
        return _names["keys"], _names["titles"]


def did_you_mean(text: str) -> str:
    """The registered name closest to `text` (rapidfuzz WRatio ≥ 80 over names
    normalised by `hanjari.core.names.normalize_name`, ties by plain ratio), or ""
    when none is close or the text is too short (fewer than 3 letters). A name equal
    to the text is not a suggestion."""
    key = normalize_name(text)
    if len(key) < SUGGEST_MIN_CHARS:
        return ""
    keys, titles = _fuzzy_names()
    if not keys:
        return ""
    found = process.extract(key, keys, scorer=fuzz.WRatio, score_cutoff=SUGGEST_SCORE, limit=10)
    if not found:
        return ""
    best = max(found, key=lambda m: (round(m[1]), fuzz.ratio(key, m[0]), -len(m[0])))
    if best[0] == key:
        return ""
    return str(titles[best[2]])


# --- searching ----------------------------------------------------------------------------


def _resolve(
    query: Query, *, sido: str, now: dt.datetime
) -> tuple[Query, Expr | None, dict[str, int], str, str]:
    """(query answered, expression, counts per kind, mode, suggestion)."""
    backend = get_backend()
    if query.expr is None:
        return query, None, {}, "all", ""
    counts = backend.count_by_kind(query.expr, now=now, sido=sido)
    total = sum(counts.values())
    suggestion = did_you_mean(query.text) if total < SUGGEST_BELOW else ""
    if total == 0:
        if suggestion:
            corrected = parse(suggestion)
            if corrected.expr is not None:
                fixed = backend.count_by_kind(corrected.expr, now=now, sido=sido)
                if sum(fixed.values()):
                    return corrected, corrected.expr, fixed, "corrected", suggestion
        if query.any_expr is not None and query.any_expr != query.expr:
            anyc = backend.count_by_kind(query.any_expr, now=now, sido=sido)
            if sum(anyc.values()):
                return query, query.any_expr, anyc, "any", suggestion
    return query, query.expr, counts, "all", suggestion


def _kinds() -> list[registry.DocumentType]:
    return registry.kinds()


def search(
    text: str | None,
    *,
    kind: str = "",
    sido: str = "",
    page: int = 1,
    per_page: int = PER_PAGE,
    group_size: int = GROUP_SIZE,
    now: dt.datetime | None = None,
) -> SearchPage:
    """One page of results for `text` (see the module docstring).

    Without `kind`: every kind with matches as a group of its best `group_size`
    results and its count. With `kind` (a registered kind): that kind's results,
    `per_page` per page (`page` from 1; past the last page gives the last). `sido` (a
    canonical 시도 name) keeps documents of that region only. Never raises on odd
    text; an unknown kind gives no results.
    """
    registry.flush()
    now = _now(now)
    query = parse(text)
    result = SearchPage(text=query.text, kind=kind, sido=sido)
    if query.is_empty:
        return result
    answered, expr, counts, mode, suggestion = _resolve(query, sido=sido, now=now)
    order = {t.kind: i for i, t in enumerate(_kinds())}
    result.counts = {k: counts[k] for k in sorted(counts, key=lambda k: order.get(k, 99))}
    result.mode, result.suggestion = mode, suggestion
    backend = get_backend()
    if expr is not None and kind:
        count = result.counts.get(kind, 0)
        result.num_pages = max(1, -(-count // per_page))
        result.page = min(max(1, int(page)), result.num_pages, MAX_PAGE)
        hits = backend.search(
            expr,
            now=now,
            kinds=[kind],
            sido=sido,
            limit=per_page,
            offset=(result.page - 1) * per_page,
        )
        result.results = _hydrate(hits, answered)
    elif expr is not None:
        for doc_type in _kinds():
            count = result.counts.get(doc_type.kind, 0)
            if not count:
                continue
            hits = backend.search(expr, now=now, kinds=[doc_type.kind], sido=sido, limit=group_size)
            result.groups.append(
                Group(doc_type.kind, doc_type.label, count, _hydrate(hits, answered))
            )
    if suggestion and mode == "all" and result.total:
        result.extra = _suggested(suggestion, result, now=now, sido=sido)
    return result


def _suggested(suggestion: str, page: SearchPage, *, now: dt.datetime, sido: str) -> list[Result]:
    corrected = parse(suggestion)
    if corrected.expr is None:
        return []
    shown = {(r.kind, r.object_id) for r in page.results}
    shown |= {(r.kind, r.object_id) for g in page.groups for r in g.results}
    kinds = [page.kind] if page.kind else None
    hits = get_backend().search(corrected.expr, now=now, kinds=kinds, sido=sido, limit=3)
    return [r for r in _hydrate(hits, corrected) if (r.kind, r.object_id) not in shown]


def ranked(
    text: str | None,
    *,
    kind: str = "",
    sido: str = "",
    limit: int = 10,
    now: dt.datetime | None = None,
) -> tuple[SearchPage, list[Result]]:
    """The best `limit` results across kinds (or of one `kind`) as one ranked list,
    with the same fallbacks as :func:`search`; when the query found only a few, the
    suggestion's results follow them. Returns (the page's summary, results)."""
    registry.flush()
    now = _now(now)
    query = parse(text)
    page = SearchPage(text=query.text, kind=kind, sido=sido)
    if query.is_empty:
        return page, []
    answered, expr, counts, mode, suggestion = _resolve(query, sido=sido, now=now)
    page.counts, page.mode, page.suggestion = counts, mode, suggestion
    if expr is None:
        return page, []
    kinds = [kind] if kind else None
    hits = get_backend().search(expr, now=now, kinds=kinds, sido=sido, limit=limit)
    page.results = _hydrate(hits, answered)
    results = list(page.results)
    if suggestion and mode == "all" and len(results) < limit:
        results += _suggested(suggestion, page, now=now, sido=sido)
    return page, results[:limit]


@dataclass
class Suggestion:
    kind: str
    kind_label: Any
    title: str
    url: str
    title_html: SafeString


def suggest(
    text: str | None, *, limit: int = 8, now: dt.datetime | None = None
) -> list[Suggestion]:
    """Typeahead: titles matching what has been typed (the last word as a prefix),
    best first; ``[]`` for empty text."""
    registry.flush()
    query = parse(text, prefix_last=True)
    if query.expr is None:
        return []
    hits = get_backend().search(query.expr, now=_now(now), limit=limit, titles_only=True)
    return [
        Suggestion(r.kind, r.kind_label, r.title, r.url, r.title_html)
        for r in _hydrate(hits, query)
    ]


def object_ids_sql(
    text: str | None, *, kind: str, now: dt.datetime | None = None
) -> tuple[str, list[Any]] | None:
    """SQL (and params) selecting the ids of the objects of `kind` whose documents
    match every word of `text` — for ``filter(pk__in=RawSQL(sql, params))`` — or None
    when the text has nothing to search for (then nothing should be filtered out:
    callers decide; the directory shows no rows)."""
    registry.flush()
    query = parse(text)
    if query.expr is None:
        return None
    return get_backend().ids_sql(query.expr, kind=kind, now=_now(now))


def ranked_object_ids(
    text: str | None, *, kind: str, limit: int = 1000, now: dt.datetime | None = None
) -> list[int]:
    """The ids of the best `limit` objects of `kind` for `text` (every word must
    match), best first; ``[]`` for empty text."""
    registry.flush()
    query = parse(text)
    if query.expr is None:
        return []
    hits = get_backend().search(query.expr, now=_now(now), kinds=[kind], limit=limit)
    return [h.object_id for h in hits]
