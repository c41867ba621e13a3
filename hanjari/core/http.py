"""Request helpers shared by every app's views: htmx detection, the client's address and
rate limits kept in the cache that all server processes share."""

from __future__ import annotations

import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def is_htmx(request: HttpRequest) -> bool:
    """True when `request` is an htmx request that wants a fragment: ``HX-Request`` set
    and not a boosted navigation (a boosted request wants the whole page)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not getattr(htmx, "boosted", False)


def client_ip(request: HttpRequest) -> str:
    """The client's address: ``REMOTE_ADDR``, or — behind the proxy that
    `SECURE_PROXY_SSL_HEADER` says we are behind — the last ``X-Forwarded-For`` hop (the
    one our proxy added; earlier hops are the client's word). "" when unknown."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded and getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        return str(forwarded.split(",")[-1].strip())
    return str(request.META.get("REMOTE_ADDR", ""))


def rate_allows(key: str, *, limit: int, window: int) -> bool:
    """Count one more action under `key` and say whether it is within `limit` actions
    per `window` seconds (a fixed window that starts with the first action).

    Uses Django's ``default`` cache, which settings make shared by all server processes
    (database cache by default, Redis when configured), so two workers do not double a
    limit. Inputs: a key naming the action and who does it (e.g.
    ``"events:guest:<ip>"``), `limit` ≥ 1, `window` in seconds. Never raises on a cache
    entry that expired between the two calls (it starts a new window).

    The window's end is kept beside the count and put back on the count after each
    increment: the database cache increments by reading and writing the entry again
    with the default timeout (300 s), which made a day's window last five minutes after
    the last action."""
    full = f"hanjari:rate:{key}"
    end_key = f"{full}:end"
    now = time.time()
    if cache.add(full, 1, timeout=window):
        cache.set(end_key, now + window, timeout=window)
        return limit >= 1
    try:
        count = int(cache.incr(full))
    except ValueError:
        cache.set(full, 1, timeout=window)
        cache.set(end_key, now + window, timeout=window)
        return limit >= 1
    end = cache.get(end_key)
    remaining = end - now if isinstance(end, int | float) else window
    cache.touch(full, max(1, math.ceil(remaining)))
    return count <= limit
