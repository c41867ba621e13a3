"""Search queries: the user's text analysed into a small tree of terms.

The user's text never reaches a full-text engine as syntax: it is analysed like a
document (`analysis`), and only the resulting tokens — letters and digits — are placed,
quoted, into the engine's query by each backend. Quotes, `*`, `NEAR(`, `OR`, `-`, NUL
or 10,000 characters are just text: symbols are dropped, words become tokens, and the
text is cut at `MAX_QUERY_CHARS`.

How a query matches (`Query.expr`): every word of the query must match (AND). A word
matches through any of:

- its morphemes (particles and endings dropped: 협동조합에서 → 협동조합), each one as
  itself or as all of its compound parts (두부마을 → 두부 AND 마을);
- its adjacent morphemes joined (gs + 25 → gs25; 사회 + 적 + 협동조합 is 사회, 협동조합
  whether written with a space or not);
- the Hangul bigrams of the word among the bigrams of names and headlines (`Grams`), so
  "두부" finds 햇살두부촌 and "더불어락" finds 더불어락두부마을협동조합 even where
  the analyser does not split the name.

Verb and adjective stems are left out when the query has other words, and company-type
markers (주식회사, 영농조합법인, … — `strip=True` forms of `hanjari.core.names`) are
left out when something else remains, so "(주)코이로" also finds "코이로".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from hanjari.core.names import LEGAL_FORMS
from hanjari.core.text import replace_controls

from . import analysis

MAX_WORDS = 10
MAX_RUNS_PER_WORD = 8


@dataclass(frozen=True, slots=True)
class Tok:
    """One index token (letters and digits only); `prefix` matches longer tokens too."""

    form: str
    prefix: bool = False


@dataclass(frozen=True, slots=True)
class Grams:
    """Hangul bigrams that must all occur among a document's name/headline bigrams."""

    grams: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class And:
    items: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class Or:
    items: tuple[Expr, ...]


Expr = Tok | Grams | And | Or


@dataclass(frozen=True, slots=True)
class Query:
    """An analysed query. `text` is the cleaned text as the user typed it (cut to
    `analysis.MAX_QUERY_CHARS`); `expr` requires every word, `any_expr` any one (the
    fallback when nothing matches every word); both are None when the text has nothing
    searchable. `highlight` lists the forms to mark in results. `parts_expr` requires
    any one morpheme (the last fallback: 두부요리 → 두부 or 요리), None when the text has
    fewer than two."""

    text: str
    expr: Expr | None
    any_expr: Expr | None
    highlight: tuple[str, ...]
    parts_expr: Expr | None = None

    @property
    def is_empty(self) -> bool:
        return self.expr is None


_SOFT_FORMS = sorted((f.name for f in LEGAL_FORMS if f.strip), key=len, reverse=True)
_SOFT = re.compile("|".join(re.escape(name) for name in _SOFT_FORMS))


def clean_text(text: str | None) -> str:
    """The query text as shown back: NFKC, control characters removed, spaces
    collapsed, cut to `analysis.MAX_QUERY_CHARS` characters."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", str(text))
    text = replace_controls(text, " ")
    return " ".join(text.split())[: analysis.MAX_QUERY_CHARS].strip()


def _either(items: list[Expr]) -> Expr:
    unique = list(dict.fromkeys(items))
    return unique[0] if len(unique) == 1 else Or(tuple(unique))


def _all(items: list[Expr]) -> Expr:
    unique = list(dict.fromkeys(items))
    return unique[0] if len(unique) == 1 else And(tuple(unique))


def _grams_of(form: str) -> Grams | None:
    if len(form) == 2 and analysis._is_hangul(form):
        return Grams((form,))
    grams = analysis.bigrams(form)
    if len(grams) >= 1 and analysis._is_hangul(form):
        return Grams(tuple(dict.fromkeys(grams)))
    return None


def _piece(t: analysis.Token, prefix: bool) -> Expr:
    alts: list[Expr] = [Tok(t.form, prefix)]
    if t.parts:
        alts.append(_all([Tok(p) for p in t.parts]))
    if t.tag in analysis.NOUN_TAGS or t.tag == "XR":
        grams = _grams_of(t.form)
        if grams is not None:
            alts.append(grams)
    return _either(alts)


def _run(run: list[analysis.Token], prefix: bool) -> Expr:
    if len(run) == 1:
        return _piece(run[0], prefix)
    pieces = [_piece(t, prefix and i == len(run) - 1) for i, t in enumerate(run)]
    joined = analysis.clean_form("".join(t.form for t in run))
    alts: list[Expr] = [Tok(joined, prefix), _all(pieces)]
    grams = _grams_of(joined)
    if grams is not None:
        alts.append(grams)
    return _either(alts)


def parse(text: str | None, *, prefix_last: bool = False) -> Query:
    """Analyse a user's query (see the module docstring). `prefix_last` lets the last
    word match as a prefix (typeahead while typing). Never raises."""
    shown = clean_text(text)
    norm = analysis.normalize(shown)
    soft_removed = _SOFT.sub(" ", norm)
    if analysis.clean_form(soft_removed):
        norm = soft_removed
    words = [(m.start(), m.end(), m.group(0)) for m in re.finditer(r"\S+", norm)][:MAX_WORDS]
    if not words:
        return Query(shown, None, None, ())
    tokens = analysis.analyse(norm, normalized=True)
    groups = analysis.runs(tokens)
    has_content = any(not t.stem for t in tokens)
    highlight: dict[str, None] = {}
    word_exprs: list[Expr] = []
    any_items: list[Expr] = []
    part_items: list[Expr] = []
    for index, (start, end, word) in enumerate(words):
        last_word = index == len(words) - 1
        word_runs = [
            r for r in groups if start <= r[0].start < end and not (has_content and r[0].stem)
        ][:MAX_RUNS_PER_WORD]
        run_exprs = [
            _run(r, prefix_last and last_word and i == len(word_runs) - 1)
            for i, r in enumerate(word_runs)
        ]
        for r in word_runs:
            part_items.extend(_piece(t, False) for t in r)
            for t in r:
                highlight[t.form] = None
                highlight.update(dict.fromkeys(t.parts))
        cleaned = analysis.clean_form(word)
        alts: list[Expr] = []
        if run_exprs:
            alts.append(_all(run_exprs))
        grams = _grams_of(cleaned) if len(cleaned) >= 2 else None
        if grams is not None and (not run_exprs or len(cleaned) > 2):
            alts.append(grams)
        if not alts:
            continue
        if len(cleaned) >= 2:
            highlight[cleaned] = None
        word_expr = _either(alts)
        word_exprs.append(word_expr)
        any_items.extend(run_exprs or [word_expr])
    if not word_exprs:
        return Query(shown, None, None, ())
    ordered = sorted(highlight, key=len, reverse=True)
    parts = list(dict.fromkeys(part_items))
    parts_expr = _either(parts) if len(parts) > 1 else None
    return Query(shown, _all(word_exprs), _either(any_items), tuple(ordered), parts_expr)


def forms(expr: Expr | None) -> set[str]:
    """Every token form in `expr` (for tests and highlighting)."""
    if expr is None:
        return set()
    if isinstance(expr, Tok):
        return {expr.form}
    if isinstance(expr, Grams):
        return set()
    result: set[str] = set()
    for item in expr.items:
        result |= forms(item)
    return result


def prune(expr: Expr | None, df: Callable[[str], int], *, common: int) -> Expr | None:
    """`expr` without the fallbacks of common words: an alternative whose first item is
    a token held by at least `common` documents keeps that token alone (a common word
    is indexed as itself; its parts and bigrams would only add cost), and a word's
    bigram alternative goes when every token of the word is common. Rare words (and
    words typed in part, for typeahead) keep every alternative."""
    if expr is None or isinstance(expr, Tok | Grams):
        return expr
    if isinstance(expr, Or):
        first = expr.items[0]
        if isinstance(first, Tok) and df(first.form) >= common:
            return Tok(first.form)  # a common word typed in full: no prefix either
        items = [prune(i, df, common=common) for i in expr.items]
        rest = [i for i in items if i is not None]
        if len(rest) > 1 and isinstance(rest[-1], Grams) and not isinstance(rest[0], Grams):
            toks = forms(rest[0])
            if toks and all(df(t) >= common for t in toks):
                rest = rest[:-1]
        return _either(rest)
    return _all([i for i in (prune(i, df, common=common) for i in expr.items) if i is not None])
