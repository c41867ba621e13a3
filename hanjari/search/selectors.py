"""The search interface (검색): what pages, commands and other apps call.

- :func:`search` — one results page: counts per kind, results grouped by kind (or one
  kind, paginated), the "did you mean" suggestion and the fallbacks.
- :func:`ranked` — one flat ranked list across kinds (command line, quality cases).
- :func:`suggest` — typeahead titles for the text typed so far.
- :func:`object_ids_sql` / :func:`ranked_object_ids` — for another app's list (the
  registry directory) to filter and order by the same search.
- :func:`typeahead_object_ids` — for a picker (the organisation picker): names matching
  what has been typed, typos forgiven.

How a query is answered: the text is analysed (`query.parse`) and every word must
match. When nothing matches, the text with its typos corrected word by word
(`corrected_text`: words the index never held, replaced by the closest indexed word by
jamo edit distance, `vocabulary`) or else a title close to the text (rapidfuzz over the
names of kinds registered with `fuzzy=True`) is searched instead ("did you mean");
when there is none, documents matching any of the words are shown, and for a single
compound whose morphemes are each found but not together (두부요리), documents
matching any morpheme. When the query matches only loosely or a few documents, the
correction is offered as a suggestion with its best results.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max
from django.utils import timezone
from django.utils.safestring import SafeString
from rapidfuzz import fuzz, process

from hanjari.core.names import normalize_name

from . import analysis, ranking, registry, snippets, vocabulary
from .backends import Hit, get_backend
from .models import SearchDocument
from .query import MAX_WORDS, Expr, Or, Query, parse, prune

GROUP_SIZE = 5
PER_PAGE = 20
MAX_PAGE = 500
# Below this many matches, a close title is looked for ("did you mean").
SUGGEST_BELOW = 5
SUGGEST_SCORE = 75.0
SUGGEST_MIN_CHARS = 3
# Close vocabulary words tried (each one counted) when correcting a word's typo.
CORRECTION_TRIES = 6
# A word held by this share of the documents (and at least COMMON_MIN) is "common".
COMMON_SHARE = 0.01
COMMON_MIN = 300
# What a result line needs of a document (not its index terms).
SHOWN_FIELDS = ("id", "kind", "object_id", "title", "url", "body", "meta", "date")


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


def _hydrate(hits: Sequence[Hit], query: Query) -> list[Result]:
    docs = SearchDocument.objects.only(*SHOWN_FIELDS).in_bulk([h.doc_id for h in hits])
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
_names: dict[str, Any] = {"loaded": None, "stamp": None, "by_key": {}, "keys": [], "titles": []}
# A full reload of the names forgets deleted documents; changes are read in between.
NAMES_RELOAD = 3600.0


def _fuzzy_names() -> tuple[list[str], list[str]]:
    """(normalised names, titles) of the kinds registered with `fuzzy=True`, kept per
    process: documents changed since the last look are read at each call (one indexed
    query when nothing changed), everything again every `NAMES_RELOAD` seconds."""
    kinds = [t.kind for t in registry.kinds() if t.fuzzy]
    qs = SearchDocument.objects.filter(kind__in=kinds)
    stamp = SearchDocument.objects.aggregate(last=Max("updated_at"))["last"]
    now = time.monotonic()
    with _names_lock:
        if _names["loaded"] is None or now - _names["loaded"] > NAMES_RELOAD:
            rows = qs.values_list("kind", "object_id", "title_key", "title")
            _names.update(loaded=now, by_key={(k, o): (key, t) for k, o, key, t in rows})
            _names["stamp"] = None
        elif _names["stamp"] != stamp and _names["stamp"] is not None:
            changed = qs.filter(updated_at__gt=_names["stamp"])
            for k, o, key, t in changed.values_list("kind", "object_id", "title_key", "title"):
                _names["by_key"][(k, o)] = (key, t)
        if _names["stamp"] != stamp:
            pairs = [v for v in _names["by_key"].values() if v[0]]
            _names.update(stamp=stamp, keys=[p[0] for p in pairs], titles=[p[1] for p in pairs])
        return _names["keys"], _names["titles"]


def did_you_mean(text: str) -> str:
    """The registered name closest to `text` (rapidfuzz ratio ≥ 75 between names
    normalised by `hanjari.core.names.normalize_name`; ties go to the shorter name),
    or "" when none is close or the text is too short (fewer than 3 letters). A name
    equal to the text is not a suggestion."""
    key = normalize_name(text)
    if len(key) < SUGGEST_MIN_CHARS:
        return ""
    keys, titles = _fuzzy_names()
    if not keys:
        return ""
    found = process.extract(key, keys, scorer=fuzz.ratio, score_cutoff=SUGGEST_SCORE, limit=10)
    if not found or any(m[0] == key for m in found):
        return ""
    best = max(found, key=lambda m: (round(m[1], 3), -len(m[0])))
    return str(titles[best[2]])


# --- searching ----------------------------------------------------------------------------


def reveal_due() -> None:
    """Re-index hidden documents whose `visible_from` has come (a scheduled article at
    its publication time), so that they appear from now on. One indexed query."""
    due = SearchDocument.objects.filter(hidden=True, visible_from__lte=timezone.now())
    keys = list(due.values_list("kind", "object_id")[:500])
    for kind, object_id in keys:
        registry.mark_dirty(kind, [object_id])
    registry.flush()


def _prepare() -> None:
    registry.flush()
    reveal_due()


def _kinds() -> list[registry.DocumentType]:
    return registry.kinds()


def _counts(expr: Expr, *, sido: str, titles_only: bool = False) -> dict[str, int]:
    backend = get_backend()
    counts = {}
    for doc_type in _kinds():
        n = backend.count(expr, kind=doc_type.kind, sido=sido, titles_only=titles_only)
        if n:
            counts[doc_type.kind] = n
    return counts


def _pruned(query: Query) -> Query:
    """`query` without the fallbacks of its common words (`query.prune`): a word
    held by at least `COMMON_SHARE` of the documents (and `COMMON_MIN`) is matched as
    itself only, which keeps queries of common words cheap on a national index. An
    empty query is returned as it is, without asking the index anything."""
    if query.expr is None:
        return query
    backend = get_backend()
    common = max(COMMON_MIN, int(ranking.document_count(backend) * COMMON_SHARE))

    def df(token: str) -> int:
        return ranking.cached_df(backend, token)

    expr = prune(query.expr, df, common=common)
    any_expr = prune(query.any_expr, df, common=common)
    parts_expr = prune(query.parts_expr, df, common=common)
    return Query(query.text, expr, any_expr, query.highlight, parts_expr)


Answer = tuple[Query, Expr, dict[str, int], str, str]


def _total(text: str, *, sido: str) -> tuple[Query, dict[str, int]]:
    """`text` parsed and pruned, with its counts per kind ({} when nothing to search)."""
    parsed = _pruned(parse(text))
    return parsed, (_counts(parsed.expr, sido=sido) if parsed.expr is not None else {})


def _best_word(word: str, *, sido: str) -> str:
    """The vocabulary word closest to `word` (`vocabulary.close`) that finds documents
    — among the closest ones, the one that finds the most — or "" when none does. At
    most `CORRECTION_TRIES` words are tried."""
    best, best_hits, best_distance = "", 0, None
    for candidate, distance in vocabulary.close(word, limit=CORRECTION_TRIES):
        if best_distance is not None and distance > best_distance:
            break
        hits = sum(_total(candidate, sido=sido)[1].values())
        if hits > best_hits:
            best, best_hits, best_distance = candidate, hits, distance
    return best


def _corrected_word(word: str, *, sido: str) -> str:
    """`word` with its typo corrected: the whole word when the index has never held it
    and a close word finds documents (마을기엽 → 마을기업), else each unknown noun in
    it (곡천향토채험마을 → 곡천향토체험마을, particles kept). `word` itself when
    nothing is corrected."""
    norm = analysis.normalize(word).strip()
    key = analysis.clean_form(norm)
    if len(key) < 2 or vocabulary.is_known(key):
        return word
    tokens = analysis.analyse(norm, split=False, normalized=True)
    unknown = [t for t in tokens if len(t.form) >= 2 and not vocabulary.is_known(t.form)]
    if not unknown and sum(len(t.form) for t in tokens) == len(key):
        return word  # known words written together (두부요리): not a typo
    whole = _best_word(key, sido=sido)
    if whole:
        return whole
    pieces: list[str] = []
    position = 0
    for token in unknown:
        if token.stem:
            continue
        fixed = _best_word(token.form, sido=sido)
        if fixed:
            pieces += [norm[position : token.start], fixed]
            position = token.end
    if not pieces:
        return word
    return "".join([*pieces, norm[position:]])


def corrected_text(text: str, *, sido: str = "") -> str:
    """`text` with the typos of its words corrected from the vocabulary of indexed
    words ("did you mean" on words: 마을기엽 → 마을기업, 협동조함 → 협동조합), or ""
    when no word needed or found a correction. A word is corrected only when the index
    has never held it, to the closest word by jamo edit distance that finds documents
    (`vocabulary.close`)."""
    words = text.split()[:MAX_WORDS]
    fixed = [_corrected_word(w, sido=sido) for w in words]
    return " ".join(fixed) if fixed != words else ""


def _answer(query: Query, *, sido: str) -> Answer | None:
    """The expression that answers `query`, with its fallbacks (see the module
    docstring). Returns (query answered, expression, counts per kind, mode,
    suggestion), or None when the query has nothing to search for.

    The suggestion is the query with its words' typos corrected (`corrected_text`)
    when that finds at least as much as the query, else — when the query finds fewer than
    `SUGGEST_BELOW` — a close organisation name (`did_you_mean`)."""
    query = _pruned(query)
    if query.expr is None:
        return None
    counts = _counts(query.expr, sido=sido)
    total = sum(counts.values())
    suggestion = ""
    fixed_text = corrected_text(query.text, sido=sido)
    if fixed_text:
        corrected, fixed = _total(fixed_text, sido=sido)
        if corrected.expr is not None and fixed and sum(fixed.values()) >= total:
            if total == 0:
                return corrected, corrected.expr, fixed, "corrected", fixed_text
            suggestion = fixed_text
    if not suggestion and total < SUGGEST_BELOW:
        suggestion = did_you_mean(query.text)
    if total == 0:
        if suggestion:
            corrected, fixed = _total(suggestion, sido=sido)
            if corrected.expr is not None and fixed:
                return corrected, corrected.expr, fixed, "corrected", suggestion
        if query.any_expr is not None and query.any_expr != query.expr:
            found = _counts(query.any_expr, sido=sido)
            if found:
                return query, query.any_expr, found, "any", suggestion
        parts = query.parts_expr
        if isinstance(parts, Or) and all(_counts(p, sido=sido) for p in parts.items):
            # Every morpheme is found, only not together (두부요리: 두부, 요리).
            return query, parts, _counts(parts, sido=sido), "any", suggestion
    return query, query.expr, counts, "all", suggestion


def _exact_first(results: list[Result], text: str) -> list[Result]:
    """`results` with those whose title is the query itself (legal-form markers,
    spacing and case aside) moved to the front: a name typed in full finds its
    organisation first, before articles that repeat the name."""
    key = normalize_name(text)
    if not key:
        return results
    return sorted(results, key=lambda r: normalize_name(r.title) != key)


def search(
    text: str | None,
    *,
    kind: str = "",
    sido: str = "",
    page: int = 1,
    per_page: int = PER_PAGE,
    group_size: int = GROUP_SIZE,
) -> SearchPage:
    """One page of results for `text` (see the module docstring).

    Without `kind`: every kind with matches as a group of its best `group_size`
    results and its count. With `kind` (a registered kind): that kind's results,
    `per_page` per page (`page` from 1; past the last page gives nothing). `sido` (a
    canonical 시도 name) keeps documents of that region only. Counts stop at
    `backends.COUNT_CAP`. Never raises on odd text; an unknown kind gives nothing.
    """
    _prepare()
    query = parse(text)
    result = SearchPage(text=query.text, kind=kind, sido=sido)
    answer = _answer(query, sido=sido)
    if answer is None:
        return result
    answered, expr, counts, mode, suggestion = answer
    result.counts, result.mode, result.suggestion = counts, mode, suggestion
    backend = get_backend()
    if kind:
        count = counts.get(kind, 0)
        result.num_pages = max(1, -(-count // per_page))
        result.page = min(max(1, int(page)), MAX_PAGE)
        offset = (result.page - 1) * per_page
        hits = backend.top(expr, kind=kind, total=count, sido=sido, limit=per_page, offset=offset)
        results = _hydrate(hits, answered)
        result.results = _exact_first(results, answered.text) if offset == 0 else results
    else:
        for doc_type in _kinds():
            count = counts.get(doc_type.kind, 0)
            if count:
                hits = backend.top(
                    expr, kind=doc_type.kind, total=count, sido=sido, limit=group_size
                )
                group = _exact_first(_hydrate(hits, answered), answered.text)
                result.groups.append(Group(doc_type.kind, doc_type.label, count, group))
    if suggestion and mode == "all" and result.total:
        result.extra = _suggested(suggestion, result, sido=sido)
    return result


def _suggested(suggestion: str, page: SearchPage, *, sido: str) -> list[Result]:
    """The best few results for the "did you mean" title that the page does not show."""
    corrected = _pruned(parse(suggestion))
    if corrected.expr is None:
        return []
    shown = {(r.kind, r.object_id) for r in page.results}
    shown |= {(r.kind, r.object_id) for g in page.groups for r in g.results}
    found = _top_across(
        corrected.expr, kinds=[page.kind] if page.kind else None, sido=sido, limit=3
    )
    return [r for r in _hydrate(found, corrected) if (r.kind, r.object_id) not in shown]


def _top_across(
    expr: Expr,
    *,
    kinds: list[str] | None,
    sido: str,
    limit: int,
    counts: dict[str, int] | None = None,
    titles_only: bool = False,
) -> list[Hit]:
    """The best `limit` hits across kinds, by score (scores of one query compare)."""
    backend = get_backend()
    if counts is None:
        counts = _counts(expr, sido=sido, titles_only=titles_only)
    hits: list[Hit] = []
    for kind, count in counts.items():
        if kinds is None or kind in kinds:
            hits += backend.top(
                expr, kind=kind, total=count, sido=sido, limit=limit, titles_only=titles_only
            )
    return sorted(hits, key=lambda h: -h.score)[:limit]


def ranked(
    text: str | None, *, kind: str = "", sido: str = "", limit: int = 10
) -> tuple[SearchPage, list[Result]]:
    """The best `limit` results across kinds (or of one `kind`) as one ranked list,
    with the same fallbacks as :func:`search`; when the query found only a few, the
    suggestion's results follow them. Returns (the page's summary, results)."""
    _prepare()
    query = parse(text)
    page = SearchPage(text=query.text, kind=kind, sido=sido)
    answer = _answer(query, sido=sido)
    if answer is None:
        return page, []
    answered, expr, counts, mode, suggestion = answer
    if kind:
        counts = {k: n for k, n in counts.items() if k == kind}
    page.counts, page.mode, page.suggestion = counts, mode, suggestion
    hits = _top_across(expr, kinds=None, sido=sido, limit=limit, counts=counts)
    page.results = _exact_first(_hydrate(hits, answered), answered.text)
    results = list(page.results)
    if suggestion and mode == "all" and len(results) < limit:
        results += _suggested(suggestion, page, sido=sido)
    return page, results[:limit]


@dataclass
class Suggestion:
    kind: str
    kind_label: Any
    title: str
    url: str
    title_html: SafeString


def suggest(text: str | None, *, limit: int = 8) -> list[Suggestion]:
    """Typeahead: titles matching what has been typed (the last word as a prefix),
    best first; ``[]`` for empty text."""
    _prepare()
    query = _pruned(parse(text, prefix_last=True))
    if query.expr is None:
        return []
    hits = _top_across(query.expr, kinds=None, sido="", limit=limit, titles_only=True)
    return [
        Suggestion(r.kind, r.kind_label, r.title, r.url, r.title_html)
        for r in _hydrate(hits, query)
    ]


def typeahead_object_ids(text: str | None, *, kind: str, limit: int = 10) -> list[int]:
    """Ids of the `limit` objects of `kind` whose title or other names match `text` as
    typed so far (every word must match, the last one as a prefix), best first — for a
    picker that chooses one (the organisation picker). When none match, the text with
    its typos corrected (`corrected_text`: 한옥마을협동조함 → 한옥마을협동조합) or else the
    closest title (`did_you_mean`) is searched instead. ``[]`` for empty text; never
    raises on odd text."""
    _prepare()
    query = _pruned(parse(text, prefix_last=True))
    if query.expr is None:
        return []
    backend = get_backend()
    expr = query.expr
    total = backend.count(expr, kind=kind, titles_only=True)
    if not total:
        fixed = corrected_text(query.text) or did_you_mean(query.text)
        corrected = _pruned(parse(fixed)) if fixed else None
        if corrected is None or corrected.expr is None:
            return []
        expr = corrected.expr
        total = backend.count(expr, kind=kind, titles_only=True)
        if not total:
            return []
    hits = backend.top(expr, kind=kind, total=total, limit=limit, titles_only=True)
    return [h.object_id for h in hits]


def object_ids_sql(text: str | None, *, kind: str) -> tuple[str, list[Any]] | None:
    """SQL (and params) selecting the ids of the objects of `kind` whose documents
    match every word of `text` — for ``filter(pk__in=RawSQL(sql, params))`` — or None
    when the text has nothing to search for (callers decide what that means; the
    directory then shows no rows)."""
    _prepare()
    expr = _pruned(parse(text)).expr
    if expr is None:
        return None
    return get_backend().ids_sql(expr, kind=kind)


def ranked_object_ids(text: str | None, *, kind: str, limit: int = 1000) -> list[int]:
    """The ids of the best `limit` objects of `kind` for `text` (every word must
    match), best first; ``[]`` for empty text."""
    _prepare()
    expr = _pruned(parse(text)).expr
    if expr is None:
        return []
    backend = get_backend()
    total = backend.count(expr, kind=kind)
    hits = backend.top(expr, kind=kind, total=total, limit=limit)
    return [h.object_id for h in hits]
