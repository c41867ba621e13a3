"""The vocabulary of indexed words (검색어 사전) and the words close to a typo.

"Did you mean" on words: a query word that the index has never held (마을기엽,
협동조함) is compared with the words it has held (`SearchTerm`: every index term and
every word of a title, added whenever documents are indexed) by edit distance over
jamo (자모): Hangul syllables are decomposed into their initial, medial and final
letters (`jamo`), so one wrong vowel or final consonant (기엽 → 기업, 조함 → 조합) is
one edit, not a whole syllable. Which close word is offered, and whether it is offered
at all, is decided by `selectors` (it must find documents).

Hangul syllable decomposition: Unicode 15 §3.12 "Conjoining Jamo Behavior" (a
syllable U+AC00 + (L × 21 + V) × 28 + T). Edit distance: rapidfuzz's Levenshtein.

The words are kept per process and read again only when the table changed (two
indexed queries per look-up; new words are read alone).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Max
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from . import analysis
from .models import SearchTerm

__all__ = ["close", "document_words", "is_known", "jamo", "max_distance", "remember"]

_S_BASE = 0xAC00
_S_COUNT = 11172
_N_COUNT = 588  # 21 medials × 28 finals
_T_COUNT = 28
MIN_CHARS = 2


def jamo(text: str) -> str:
    """`text` with each Hangul syllable decomposed into its conjoining jamo
    (초성, 중성, 종성): ``"기업"`` → ``"ᄀ ᅵ ᄋ ᅥ ᆸ"`` (without the spaces). Other
    characters are kept."""
    out: list[str] = []
    for ch in text:
        index = ord(ch) - _S_BASE
        if 0 <= index < _S_COUNT:
            out.append(chr(0x1100 + index // _N_COUNT))
            out.append(chr(0x1161 + (index % _N_COUNT) // _T_COUNT))
            if index % _T_COUNT:
                out.append(chr(0x11A7 + index % _T_COUNT))
        else:
            out.append(ch)
    return "".join(out)


def max_distance(word: str) -> int:
    """Jamo edits allowed between `word` and a correction: 0 below 4 letters (one
    syllable: too many neighbours), 1 up to 8 letters (two syllables, short Latin
    words), 2 from 9 letters on."""
    n = len(jamo(word))
    if n < 4:
        return 0
    return 1 if n <= 8 else 2


def document_words(*, title: str, terms: Iterable[str]) -> set[str]:
    """The words a document adds to the vocabulary: its index `terms` (the
    space-separated forms of its terms columns) and the words of its `title` as
    written (cleaned like index forms), each of at least two characters."""
    words = {t for t in terms if len(t) >= MIN_CHARS}
    for word in analysis.normalize(title).split():
        cleaned = analysis.clean_form(word)
        if len(cleaned) >= MIN_CHARS:
            words.add(cleaned)
    return words


def remember(words: Iterable[str], *, using: str = "default") -> None:
    """Add `words` to the vocabulary (words it holds already are skipped)."""
    unique = sorted({w[:40] for w in words if len(w) >= MIN_CHARS})
    SearchTerm.objects.using(using).bulk_create(
        [SearchTerm(term=w) for w in unique], batch_size=1000, ignore_conflicts=True
    )


def is_known(word: str, *, using: str = "default") -> bool:
    """Whether the index has ever held `word` (one indexed query)."""
    return SearchTerm.objects.using(using).filter(term=word[:40]).exists()


# --- the per-process copy -----------------------------------------------------------------

_lock = threading.Lock()
_state: dict[str, Any] = {"last_id": 0, "last_term": "", "count": 0, "terms": [], "jamo": []}


def _words(using: str) -> tuple[list[str], list[str]]:
    """(words, their jamo), read again when the table changed: new rows alone when the
    rows read before are all still there, the whole table otherwise (rows removed, or
    ids reused after a rolled-back transaction)."""
    table = SearchTerm.objects.using(using)
    stats = table.aggregate(n=Count("id"), last=Max("id"))
    count, last = int(stats["n"] or 0), int(stats["last"] or 0)
    with _lock:
        state = _state
        if (count, last) == (state["count"], state["last_id"]) and (
            not last or table.filter(id=last, term=state["last_term"]).exists()
        ):
            return state["terms"], state["jamo"]
        kept = (
            state["last_id"] and table.filter(id=state["last_id"], term=state["last_term"]).exists()
        )
        rows: list[tuple[int, str]] = []
        if kept:
            rows = list(table.filter(id__gt=state["last_id"]).values_list("id", "term"))
            if state["count"] + len(rows) != count:
                kept = False
        if not kept:
            rows = list(table.order_by("id").values_list("id", "term"))
            state.update(terms=[], jamo=[])
        terms: list[str] = state["terms"] + [t for _i, t in rows]
        letters: list[str] = state["jamo"] + [jamo(t) for _i, t in rows]
        if rows:
            state.update(last_id=rows[-1][0], last_term=rows[-1][1])
        state.update(count=len(terms), terms=terms, jamo=letters)
        return terms, letters


def close(word: str, *, limit: int = 8, using: str = "default") -> list[tuple[str, int]]:
    """Vocabulary words close to `word` (a cleaned form) with their jamo distance,
    closest first (then by the word): within `max_distance(word)` jamo edits, or one
    whole syllable changed, added or dropped in a word of four or more syllables
    ("one wrong syllable"). `word` itself is not included; ``[]`` for words shorter
    than two letters."""
    if len(word) < MIN_CHARS:
        return []
    terms, letters = _words(using)
    if not terms:
        return []
    target = jamo(word)
    found: dict[str, int] = {}
    limit_d = max_distance(word)
    if limit_d:
        for _choice, distance, index in process.extract(
            target, letters, scorer=Levenshtein.distance, score_cutoff=limit_d, limit=limit * 4
        ):
            found[terms[index]] = int(distance)
    if len(word) >= 4 and all("가" <= ch <= "힣" for ch in word):
        for choice, _distance, _index in process.extract(
            word, terms, scorer=Levenshtein.distance, score_cutoff=1, limit=limit * 4
        ):
            found.setdefault(choice, Levenshtein.distance(target, jamo(choice)))
    found.pop(word, None)
    ranked = sorted(found.items(), key=lambda item: (item[1], item[0]))
    return ranked[:limit]
