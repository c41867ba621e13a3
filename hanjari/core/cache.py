"""Short-lived caching of aggregate figures that every visitor sees the same way.

Pages like the home page (counts by sector), the directory (the number of matching
organisations, the 시군구 and sub-type choices) and the news side column (most viewed,
photo news) compute the same aggregates for every visitor; at national scale (40,000
organisations, 1,000,000 view records) each costs tens to hundreds of milliseconds.
`cached` keeps such a value for `HANJARI_CACHE_SECONDS` (default 60; 0 turns caching
off, as the test settings do) in Django's ``pages`` cache. Only plain data (numbers,
strings, ids) is cached, never model instances or anything user-specific; callers load
the objects behind cached ids fresh, so a withdrawn article or a deleted organisation
never reappears from the cache. See docs/benchmarks.md for what each use bought.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import caches

from .pagecache import PAGES

T = TypeVar("T")

PREFIX = "hanjari:agg:"


def cache_seconds() -> int:
    """How long aggregates may be served from the cache (0: not cached)."""
    return int(getattr(settings, "HANJARI_CACHE_SECONDS", 0))


def cached(key: str, compute: Callable[[], T], *, timeout: int | None = None) -> T:
    """`compute()`, or its value stored under `key` within the last `timeout` seconds
    (default `HANJARI_CACHE_SECONDS`). `key` may be any text (it is hashed)."""
    seconds = cache_seconds() if timeout is None else timeout
    if seconds <= 0:
        return compute()
    full = PREFIX + hashlib.sha256(key.encode()).hexdigest()
    # The cache of recomputable values, with the stored pages: one key per filter set,
    # so anyone can add entries and they may be culled at any time; the default cache
    # keeps what must not be crowded out (rate limits, the page generation).
    store = caches[PAGES]
    value = store.get(full)
    if value is None:
        value = compute()
        store.set(full, value, timeout=seconds)
    return value
