"""Korean text analysis for search (형태소 분석): Kiwi morphemes plus compound parts.

Korean is agglutinative: "협동조합의", "협동조합에서" are 협동조합 plus a particle, and
names glue nouns together ("더불어락두부마을협동조합"). Documents and queries go through
the same steps:

1. :func:`normalize`: Unicode NFKC, control characters and name separators (ㆍ, ·) to
   spaces, legal-form markers spelled out (㈜ = (주) = 주식회사, (사협) =
   사회적협동조합; the spellings of `hanjari.core.names.LEGAL_FORMS`).
2. Kiwi (`kiwipiepy`, model from the `kiwipiepy_model` package: nothing is downloaded
   at run time) splits the text into morphemes. Kept: general and proper nouns
   (NNG, NNP), roots (XR), foreign words (SL), numbers (SN), hanja (SH) and verb or
   adjective stems (VV, VA; marked `stem`). Dropped: particles (J*), endings (E*),
   affixes, symbols, bound nouns (NNB: 것, 등, 수).
3. Compound nouns are also split into parts (:func:`compound_parts`): Kiwi keeps an
   unknown compound such as 더불어락두부마을협동조합 whole, so its other likely
   analyses are read and their noun parts of two or more syllables kept (두부, 마을,
   협동조합). Adjacent kept morphemes of one word also give their joined form
   (두부 + 마을 → 두부마을, gs + 25 → gs25).
4. Forms are lower-cased and keep only letters and digits, so a token can never carry
   full-text query syntax (quotes, `*`, parentheses, operators).

The Kiwi instance is created once per process, lazily and under a lock
(:func:`get_kiwi`); loading takes one to three seconds and about 350 MB.
"""

from __future__ import annotations

import functools
import itertools
import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from hanjari.core.names import LEGAL_FORMS
from hanjari.core.text import replace_controls

__all__ = [
    "MAX_QUERY_CHARS",
    "Token",
    "analyse",
    "analyse_many",
    "bigrams",
    "clean_form",
    "compound_parts",
    "get_kiwi",
    "index_terms",
    "normalize",
]

# Longest query text analysed (characters); the rest is ignored.
MAX_QUERY_CHARS = 200
# Longest piece of a document given to Kiwi at once (its cost grows faster than
# linearly with sentence length); longer lines are cut at sentence ends or spaces.
_MAX_PIECE = 400
# Longest document text analysed per field (characters).
MAX_FIELD_CHARS = 20_000

NOUN_TAGS = frozenset({"NNG", "NNP"})
STEM_TAGS = frozenset({"VV", "VA"})
KEEP_TAGS = NOUN_TAGS | STEM_TAGS | {"XR", "SL", "SN", "SH"}
# Joinable into a compound with a neighbour of the same word.
_JOIN_TAGS = NOUN_TAGS | {"XR", "SL", "SN", "SH"}
_MAX_FORM = 40

_kiwi: Any = None
_kiwi_lock = threading.Lock()
_kiwi_workers = 1


def configure(*, workers: int) -> None:
    """Set the number of Kiwi worker threads before the instance is first made (batch
    re-indexing uses all cores; the web uses one). Ignored once Kiwi is loaded."""
    global _kiwi_workers
    _kiwi_workers = max(1, int(workers))


def get_kiwi() -> Any:
    """The process's Kiwi instance, made on first use (thread-safe) and warmed up.

    Loads the model shipped by the `kiwipiepy_model` package; never downloads. The
    typo and multi-word dictionaries are not loaded (they are for chat text and cost
    memory). Raises ImportError when kiwipiepy is not installed.
    """
    global _kiwi
    if _kiwi is None:
        with _kiwi_lock:
            if _kiwi is None:
                from kiwipiepy import Kiwi

                kiwi = Kiwi(
                    num_workers=_kiwi_workers,
                    load_typo_dict=False,
                    load_multi_dict=False,
                )
                kiwi.tokenize("")  # finishes Kiwi's own lazy initialisation
                _kiwi = kiwi
    return _kiwi


# --- normalisation ------------------------------------------------------------------------

_SEPARATORS = re.compile(r"[ㆍᆞ·・‧•]")
_SPACES = re.compile(r"[ \t\u00a0\u3000]+")


def _marker_regex() -> tuple[re.Pattern[str], dict[str, str]]:
    """One pattern for the legal-form markers that are not plain words: parenthesised
    abbreviations and symbols (`(주)`, `㈜` after NFKC, `( 주 )`, `(사협)`, `㈔`), with
    optional spaces inside the parentheses. Unbalanced ones (`주)` … / … `(주`) only at
    the start / end of the text, as in `hanjari.core.names`."""
    replacements: dict[str, str] = {}
    parts: list[tuple[int, str]] = []
    for form in LEGAL_FORMS:
        for marker in form.markers:
            compact = re.sub(r"\s+", "", unicodedata.normalize("NFKC", marker))
            if compact.isalpha() and "(" not in compact:
                continue  # a plain word (주식회사): Kiwi reads it as a noun already
            replacements.setdefault(compact, form.name)
            body = r"\s*".join(re.escape(ch) for ch in compact)
            if compact.count(")") > compact.count("("):
                body = r"^\s*" + body
            elif compact.count("(") > compact.count(")"):
                body = body + r"\s*$"
            parts.append((len(compact), body))
    parts.sort(key=lambda item: -item[0])
    return re.compile("|".join(f"(?:{body})" for _n, body in parts)), replacements


_MARKERS, _MARKER_NAMES = _marker_regex()


def _spell_out(match: re.Match[str]) -> str:
    key = re.sub(r"\s+", "", match.group(0))
    return f" {_MARKER_NAMES.get(key, '')} "


def normalize(text: str) -> str:
    """`text` NFKC-normalised with control characters and name separators as spaces
    and legal-form markers spelled out: ``"㈜코이로"`` → ``" 주식회사 코이로"``,
    ``"(사협)두레"`` → ``" 사회적협동조합 두레"``. Never raises."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", str(text))
    text = replace_controls(text, " ")
    text = _SEPARATORS.sub(" ", text)
    text = _MARKERS.sub(_spell_out, text)
    return _SPACES.sub(" ", text)


def clean_form(form: str) -> str:
    """A morpheme as an index token: lower-case letters and digits only, at most 40
    characters ("" when nothing is left)."""
    kept = "".join(ch for ch in form.lower() if unicodedata.category(ch)[0] in "LN")
    return kept[:_MAX_FORM]


def _is_hangul(text: str) -> bool:
    return bool(text) and all("가" <= ch <= "힣" for ch in text)


def bigrams(text: str) -> list[str]:
    """Hangul syllable bigrams of `text` (other characters split runs):
    ``"두부마을"`` → ``["두부", "부마", "마을"]``. A run of one syllable gives nothing."""
    grams: list[str] = []
    for run in re.findall(r"[가-힣]+", text):
        grams.extend(run[i : i + 2] for i in range(len(run) - 1))
    return grams


# --- tokens -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Token:
    """One kept morpheme: `form` (clean), its `start`/`end` in the normalised text,
    `tag` (Kiwi's part of speech without the -R/-I suffix), `stem` for verb and
    adjective stems, `parts` its compound parts (empty when it has none)."""

    form: str
    start: int
    end: int
    tag: str
    stem: bool = False
    parts: tuple[str, ...] = field(default=())


@functools.lru_cache(maxsize=200_000)
def compound_parts(form: str) -> tuple[str, ...]:
    """Parts of a compound noun: noun, root and foreign-word parts of two or more
    characters found in Kiwi's five best analyses of `form` alone, within a score
    margin of the best one; ``()`` for short words and words without parts.

    ``"더불어락두부마을협동조합"`` → ``("두부", "마을", "협동조합", …)``;
    ``"마을기업"`` → ``("마을", "기업")``. Cached (names repeat their words).
    """
    if len(form) < 3 or not _is_hangul(form):
        return ()
    kiwi = get_kiwi()
    with _kiwi_lock:
        analyses = kiwi.analyze(form, top_n=6)
    if not analyses:
        return ()
    best = analyses[0][1]
    parts: dict[str, None] = {}
    for tokens, score in analyses:
        if best - score > 12.0 or len(tokens) < 2:
            continue
        for t in tokens:
            tag = t.tag.split("-")[0]
            piece = clean_form(t.form)
            if tag in _JOIN_TAGS and len(piece) >= 2 and piece != form:
                parts[piece] = None
    return tuple(parts)


def _pieces(text: str) -> Iterator[tuple[int, str]]:
    """(offset, piece) of `text` cut into lines, and long lines into pieces of at most
    `_MAX_PIECE` characters at sentence ends or spaces."""
    offset = 0
    for line in text.splitlines(keepends=True):
        start = offset
        offset += len(line)
        while len(line) > _MAX_PIECE:
            cut = max(line.rfind(". ", 0, _MAX_PIECE), line.rfind(" ", 0, _MAX_PIECE))
            cut = cut + 1 if cut > 0 else _MAX_PIECE
            yield start, line[:cut]
            start, line = start + cut, line[cut:]
        if line.strip():
            yield start, line


def _kept(raw: Iterable[Any], base: int, *, split: bool) -> list[Token]:
    tokens: list[Token] = []
    for t in raw:
        tag = t.tag.split("-")[0]
        if tag not in KEEP_TAGS:
            continue
        form = clean_form(t.form)
        if not form:
            continue
        parts = compound_parts(form) if split and tag in NOUN_TAGS else ()
        tokens.append(
            Token(
                form=form,
                start=base + t.start,
                end=base + t.start + t.len,
                tag=tag,
                stem=tag in STEM_TAGS,
                parts=parts,
            )
        )
    return tokens


def analyse(text: str, *, split: bool = True, normalized: bool = False) -> list[Token]:
    """The kept morphemes of `text` in order (see the module docstring).

    Offsets refer to ``normalize(text)`` (or to `text` itself when `normalized`).
    `split` also looks up compound parts. Never raises on odd input: empty, control
    characters, symbols only all give ``[]``.
    """
    text = text if normalized else normalize(text)
    if not text.strip():
        return []
    kiwi = get_kiwi()
    tokens: list[Token] = []
    for base, piece in _pieces(text):
        with _kiwi_lock:
            raw = kiwi.tokenize(piece)
        tokens.extend(_kept(raw, base, split=split))
    return tokens


def analyse_many(texts: Sequence[str], *, split: bool = True) -> list[list[Token]]:
    """:func:`analyse` for many texts at once (Kiwi's worker threads analyse pieces in
    parallel when `configure(workers=…)` gave more than one)."""
    normalized = [normalize(t)[:MAX_FIELD_CHARS] for t in texts]
    jobs: list[tuple[int, int, str]] = []
    for index, text in enumerate(normalized):
        for base, piece in _pieces(text):
            jobs.append((index, base, piece))
    results: list[list[Token]] = [[] for _ in texts]
    if not jobs:
        return results
    kiwi = get_kiwi()
    with _kiwi_lock:
        if _kiwi_workers > 1:
            analysed = list(kiwi.tokenize([piece for _i, _b, piece in jobs]))
        else:
            analysed = [kiwi.tokenize(piece) for _i, _b, piece in jobs]
    for (index, base, _piece), raw in zip(jobs, analysed, strict=True):
        results[index].extend(_kept(raw, base, split=split))
    return results


def runs(tokens: Sequence[Token]) -> list[list[Token]]:
    """`tokens` grouped into runs of adjacent morphemes (no space or symbol between
    them), e.g. 전주한옥마을 + 협동조합; stems and particles break a run."""
    groups: list[list[Token]] = []
    for t in tokens:
        if (
            groups
            and t.tag in _JOIN_TAGS
            and groups[-1][-1].tag in _JOIN_TAGS
            and groups[-1][-1].end == t.start
        ):
            groups[-1].append(t)
        else:
            groups.append([t])
    return groups


def index_terms(tokens: Sequence[Token]) -> list[str]:
    """The index terms of analysed text: every form, every compound part, the joined
    form of each run of adjacent morphemes (at most four joined) and of each pair of
    neighbours in a longer run."""
    terms: list[str] = []
    for run in runs(tokens):
        for t in run:
            terms.append(t.form)
            terms.extend(t.parts)
        if 1 < len(run) <= 4:
            terms.append(clean_form("".join(t.form for t in run)))
        if len(run) > 2:
            # Neighbouring pairs too: 생강나무 + 꽃 + 차 also gives 꽃차.
            terms.extend(clean_form(a.form + b.form) for a, b in itertools.pairwise(run))
    return [t for t in terms if t]
