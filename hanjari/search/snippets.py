"""Highlighted titles and snippets (검색어 강조), built in Python with HTML escaping.

Every piece of text is escaped; only our own ``<mark>`` tags are left as markup, so a
title or query holding ``<script>`` shows as text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

MAX_TERMS = 40


def _pattern(terms: Sequence[str]) -> re.Pattern[str] | None:
    usable = [t for t in terms if t and (len(t) >= 2 or not t.isascii())][:MAX_TERMS]
    if not usable:
        return None
    ordered = sorted(dict.fromkeys(usable), key=len, reverse=True)
    return re.compile("|".join(re.escape(t) for t in ordered), re.IGNORECASE)


def _marked(text: str, pattern: re.Pattern[str] | None) -> SafeString:
    if pattern is None:
        return SafeString(escape(text))
    out: list[str] = []
    last = 0
    for match in pattern.finditer(text):
        out.append(escape(text[last : match.start()]))
        out.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 - every piece above is escaped


def highlight(text: str, terms: Sequence[str]) -> SafeString:
    """`text` escaped, with the occurrences of `terms` (any case) in ``<mark>``."""
    return _marked(text or "", _pattern(terms))


def snippet(text: str, terms: Sequence[str], *, width: int = 160) -> SafeString:
    """About `width` characters of `text` around the densest cluster of `terms`,
    escaped and highlighted, with "…" where text was cut. The start of the text when
    no term occurs in it."""
    text = " ".join((text or "").split())
    pattern = _pattern(terms)
    if len(text) <= width:
        return _marked(text, pattern)
    starts = [m.start() for m in pattern.finditer(text)] if pattern else []
    best, best_count = 0, 0
    for pos in starts:
        begin = max(0, pos - width // 4)
        count = sum(1 for p in starts if begin <= p < begin + width)
        if count > best_count:
            best, best_count = begin, count
    if best > 0:
        space = text.find(" ", best, best + 20)
        best = space + 1 if space != -1 else best
    end = min(len(text), best + width)
    if end < len(text):
        space = text.rfind(" ", best + width // 2, end)
        end = space if space != -1 else end
    piece = _marked(text[best:end], pattern)
    prefix = "… " if best > 0 else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(prefix + piece + suffix)  # noqa: S308 - piece is escaped above
