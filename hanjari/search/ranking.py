"""Bounded ranking for queries the engine cannot rank cheaply (검색 순위).

SQLite's bm25() weighs each word of a query by reading the word's whole document
list, so a query holding a common word (협동조합, 마을: tens of thousands of documents)
costs hundreds of milliseconds however few documents match. For such queries the
backend takes a bounded window of matches (`backends.RANK_WINDOW`, most recently
indexed first) and this module ranks them with the same idea and the same column
weights — a BM25 sum over the query's words in the name (10) and description (4)
columns plus the name bigrams (5) — from the documents' stored terms. Document
frequencies come from the index and are cached per process for `DF_TTL` seconds.
Matches through the other text (C) only score 0 and follow, newest first.
"""

from __future__ import annotations

import math
import threading
import time
from collections import Counter
from typing import TYPE_CHECKING, Any

from .query import Expr, Grams, Tok

if TYPE_CHECKING:
    from .backends import Backend, Hit

DF_TTL = 600.0
_DF_MAX = 100_000
K1, B = 1.2, 0.75
WEIGHTS = {"terms_a": 10.0, "terms_b": 4.0, "grams": 5.0}
AVERAGE_LENGTH = {"terms_a": 8.0, "terms_b": 20.0, "grams": 12.0}

_lock = threading.Lock()
_df: dict[tuple[str, str, bool], tuple[int, float]] = {}
_docs: dict[str, tuple[int, float]] = {}


def phrases(expr: Expr | None) -> tuple[set[tuple[str, bool]], set[str]]:
    """(tokens with their prefix flag, bigrams) of an expression."""
    if expr is None:
        return set(), set()
    if isinstance(expr, Tok):
        return {(expr.form, expr.prefix)}, set()
    if isinstance(expr, Grams):
        return set(), set(expr.grams)
    toks: set[tuple[str, bool]] = set()
    grams: set[str] = set()
    for item in expr.items:
        t, g = phrases(item)
        toks |= t
        grams |= g
    return toks, grams


def forget() -> None:
    """Empty the per-process caches of document frequencies and counts (after the
    index changed wholesale: a test's rolled-back data, a restored database)."""
    with _lock:
        _df.clear()
        _docs.clear()


def cached_df(backend: Backend, token: str, *, grams: bool = False) -> int:
    """Documents holding `token` (cached per process for `DF_TTL` seconds)."""
    key = (backend.vendor, token, grams)
    now = time.monotonic()
    with _lock:
        found = _df.get(key)
        if found and found[1] > now:
            return found[0]
    value = backend.doc_freq(token, grams=grams)
    with _lock:
        if len(_df) > _DF_MAX:
            _df.clear()
        _df[key] = (value, now + DF_TTL)
    return value


def document_count(backend: Backend) -> int:
    """Documents in the index (cached like document frequencies)."""
    now = time.monotonic()
    with _lock:
        found = _docs.get(backend.vendor)
        if found and found[1] > now:
            return found[0]
    from .models import SearchDocument

    value = SearchDocument.objects.using(backend.using).count()
    with _lock:
        _docs[backend.vendor] = (value, now + DF_TTL)
    return value


def postings(backend: Backend, expr: Expr) -> int:
    """The document-list entries bm25 would read for `expr` (summed over its words)."""
    toks, grams = phrases(expr)
    total = sum(cached_df(backend, form) for form, _prefix in toks)
    return total + sum(cached_df(backend, g, grams=True) for g in grams)


def _idf(n: int, total: int) -> float:
    return math.log(1.0 + (total - n + 0.5) / (n + 0.5))


def _saturate(tf: int, length: int, average: float) -> float:
    return tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / average))


def score(backend: Backend, ids: list[int], expr: Expr) -> list[Hit]:
    """The documents `ids` ranked for `expr`: best first, ties newer first (`date`),
    then by higher id. Scores are comparable within one query only."""
    from .backends import Hit
    from .models import SearchDocument

    if not ids:
        return []
    toks, grams = phrases(expr)
    total = max(1, document_count(backend))
    idf_tok = {form: _idf(cached_df(backend, form), total) for form, _prefix in toks}
    idf_gram = {g: _idf(cached_df(backend, g, grams=True), total) for g in grams}
    prefixes = tuple(form for form, prefix in toks if prefix)
    rows = (
        SearchDocument.objects.using(backend.using)
        .filter(pk__in=ids)
        .values_list("id", "kind", "object_id", "date", "terms_a", "terms_b", "grams")
    )
    scored: list[tuple[float, Any, int, Hit]] = []
    for doc_id, kind, object_id, date, terms_a, terms_b, doc_grams in rows:
        value = 0.0
        for column, text in (("terms_a", terms_a), ("terms_b", terms_b)):
            words = text.split()
            counts: Counter[str] = Counter()
            for word in words:
                if word in idf_tok:
                    counts[word] += 1
                elif prefixes and word.startswith(prefixes):
                    for form in prefixes:
                        if word.startswith(form):
                            counts[form] += 1
            for form, tf in counts.items():
                fit = _saturate(tf, len(words), AVERAGE_LENGTH[column])
                value += WEIGHTS[column] * idf_tok[form] * fit
        if idf_gram and doc_grams:
            held = set(doc_grams.split())
            fit = _saturate(1, len(held), AVERAGE_LENGTH["grams"])
            value += sum(WEIGHTS["grams"] * idf * fit for g, idf in idf_gram.items() if g in held)
        scored.append((value, date, doc_id, Hit(doc_id, kind, object_id, value)))
    # Stable sorts, last key first: id, then date (newer first, none last), then score.
    scored.sort(key=lambda s: s[2], reverse=True)
    scored.sort(key=lambda s: (s[1] is not None, s[1] or ""), reverse=True)
    scored.sort(key=lambda s: s[0], reverse=True)
    return [s[3] for s in scored]
