"""Full-text index backends behind one interface: SQLite FTS5 and PostgreSQL.

Both take an analysed query (`query.Expr`: tokens of letters and digits only) and
place each token quoted into the engine's own syntax, passed as a bound parameter:
the user's text never reaches FTS5 or tsquery syntax raw.

- SQLite: an external-content FTS5 table `search_fts(terms_a, terms_b, terms_c,
  grams, facets)` over `search_searchdocument`, kept in step by triggers (migration
  0002); ranked by ``bm25()`` with column weights A 10, B 4, C 1, name bigrams 5. The
  `facets` column holds filter tokens (``k<kind>``, ``s<시도>``, ``hidden``) so that
  counting and filtering never leave the full-text index.
- PostgreSQL: the generated column ``search_vector`` — ``setweight(to_tsvector(
  'simple', terms_a), 'A') || … B … C || setweight(… grams, 'D')`` — with a GIN
  index; ranked by ``ts_rank_cd`` with weights A 1.0, B 0.4, C 0.1, D (bigrams) 0.5;
  filters on the `kind`, `sido` and `hidden` columns.

Work is bounded, so a query holding a common word stays fast: counts stop at
`COUNT_CAP`, and when the engine's ranking would be costly (bm25 reads the document
list of every word of the query; ts_rank_cd weighs every match) the `RANK_WINDOW` most
recently indexed matches are ranked by `ranking` (same weights, in Python) and the
others follow, newest first. Ties are broken by recency (`date`, newer first), then by
id. Scores are "higher is better" on both (bm25 is negated).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connections

from .analysis import clean_form
from .query import And, Expr, Grams, Tok

TABLE = "search_searchdocument"
FTS_TABLE = "search_fts"
TEXT_COLUMNS = ("terms_a", "terms_b", "terms_c")
# Counts stop here (the page then says "1,000+").
COUNT_CAP = 1_000
# When the engine cannot rank cheaply, this many of the most recent matches are ranked.
RANK_WINDOW = 200


@dataclass(frozen=True, slots=True)
class Hit:
    """One matching document: its row id, kind, object id and score (higher first)."""

    doc_id: int
    kind: str
    object_id: int
    score: float


def facet_tokens(*, kind: str, sido: str, hidden: bool) -> str:
    """The SQLite filter tokens of a document (``k<kind> s<시도> [hidden]``)."""
    tokens = [f"k{kind}"]
    if sido and clean_form(sido):
        tokens.append(f"s{clean_form(sido)}")
    if hidden:
        tokens.append("hidden")
    return " ".join(tokens)


class Backend:
    """The interface both engines implement (see the module docstring)."""

    vendor = ""

    def __init__(self, using: str = "default") -> None:
        self.using = using

    @property
    def connection(self) -> Any:
        return connections[self.using]

    def render(self, expr: Expr, *, titles_only: bool = False) -> str:
        raise NotImplementedError

    def _where(
        self, expr: Expr, kind: str, sido: str, titles_only: bool
    ) -> tuple[str, str, list[Any]]:
        """(FROM clause, WHERE condition, params) for the visible matches of one kind,
        the document table as `d`."""
        raise NotImplementedError

    def _score(self) -> str:
        raise NotImplementedError

    def _date_desc(self) -> str:
        return "d.date DESC"

    def _fetch(self, sql: str, params: list[Any]) -> list[Any]:
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            return list(cursor.fetchall())

    def count(
        self,
        expr: Expr,
        *,
        kind: str,
        sido: str = "",
        cap: int = COUNT_CAP,
        titles_only: bool = False,
    ) -> int:
        """Number of visible matches of `kind` (at most `cap`)."""
        source, cond, params = self._where(expr, kind, sido, titles_only)
        inner = f"SELECT d.id FROM {source} WHERE {cond} LIMIT %s"
        return int(self._fetch(f"SELECT COUNT(*) FROM ({inner}) c", [*params, int(cap)])[0][0])

    def top(
        self,
        expr: Expr,
        *,
        kind: str,
        total: int,
        sido: str = "",
        limit: int = 10,
        offset: int = 0,
        titles_only: bool = False,
    ) -> list[Hit]:
        """Matches of `kind` number `offset + 1` to `offset + limit` in rank order;
        `total` is their `count`.

        The engine ranks (bm25 / ts_rank_cd) when that is cheap for this query
        (`engine_can_rank`). Otherwise the `RANK_WINDOW` most recently indexed matches
        are ranked by `ranking.score` (the same column weights, in Python, over their
        name and description terms) and the matches after them follow, newest first.
        """
        if limit <= 0 or total <= 0:
            return []
        if self.engine_can_rank(expr, total=total, titles_only=titles_only):
            return self._engine_rank(expr, kind, sido, limit, offset, titles_only)
        from . import ranking

        hits: list[Hit] = []
        if offset < RANK_WINDOW:
            window = self.recent(expr, kind, sido, titles_only, limit=RANK_WINDOW, offset=0)
            hits = ranking.score(self, window, expr)[offset : offset + limit]
        rest = limit - len(hits)
        if rest > 0 and total > RANK_WINDOW:
            skip = RANK_WINDOW + max(0, offset - RANK_WINDOW)
            ids = self.recent(expr, kind, sido, titles_only, limit=rest, offset=skip)
            hits += [Hit(doc_id, kind, object_id, 0.0) for doc_id, object_id in self._objects(ids)]
        return hits

    def _objects(self, ids: list[int]) -> list[tuple[int, int]]:
        """(id, object_id) of the documents `ids`, in the order given."""
        if not ids:
            return []
        marks = ", ".join(["%s"] * len(ids))
        rows = dict(self._fetch(f"SELECT id, object_id FROM {TABLE} WHERE id IN ({marks})", ids))
        return [(i, int(rows[i])) for i in ids if i in rows]

    def engine_can_rank(self, expr: Expr, *, total: int, titles_only: bool = False) -> bool:
        """Whether the engine's own ranking is cheap enough for this query: for
        ts_rank_cd, a bounded number of matches to weigh."""
        return total <= 2_000

    def _engine_rank(
        self, expr: Expr, kind: str, sido: str, limit: int, offset: int, titles_only: bool
    ) -> list[Hit]:
        source, cond, params = self._rank_where(expr, kind, sido, titles_only)
        columns = f"d.id, d.kind, d.object_id, {self._score()} AS score"
        order = f"score DESC, {self._date_desc()}, d.id DESC"
        sql = f"SELECT {columns} FROM {source} WHERE {cond} ORDER BY {order} LIMIT %s OFFSET %s"
        rows = self._fetch(sql, [*params, int(limit), int(offset)])
        return [Hit(r[0], r[1], r[2], float(r[3] or 0.0)) for r in rows]

    def _rank_where(
        self, expr: Expr, kind: str, sido: str, titles_only: bool
    ) -> tuple[str, str, list[Any]]:
        return self._where(expr, kind, sido, titles_only)

    def recent(
        self, expr: Expr, kind: str, sido: str, titles_only: bool, *, limit: int, offset: int
    ) -> list[int]:
        """Ids of matches of `kind`, most recently indexed first."""
        source, cond, params = self._where(expr, kind, sido, titles_only)
        sql = f"SELECT d.id FROM {source} WHERE {cond} ORDER BY d.id DESC LIMIT %s OFFSET %s"
        return [int(r[0]) for r in self._fetch(sql, [*params, int(limit), int(offset)])]

    def doc_freq(self, token: str, *, grams: bool = False) -> int:
        """Number of documents holding `token` in the text columns (or, with `grams`,
        among the name bigrams); for idf in `ranking`."""
        raise NotImplementedError

    def ids_sql(self, expr: Expr, *, kind: str) -> tuple[str, list[Any]]:
        """SQL selecting the `object_id`s of the visible matches of `kind`, with its
        params — for filtering another query (``pk__in=RawSQL(sql, params)``)."""
        source, cond, params = self._where(expr, kind, "", False)
        return f"SELECT d.object_id FROM {source} WHERE {cond}", params


class SQLiteBackend(Backend):
    """SQLite FTS5 (see the module docstring)."""

    vendor = "sqlite"
    WEIGHTS = (10.0, 4.0, 1.0, 5.0, 0.0)  # terms_a, terms_b, terms_c, grams, facets

    def render(self, expr: Expr, *, titles_only: bool = False) -> str:
        """The FTS5 MATCH expression: every token double-quoted (tokens hold letters
        and digits only), ``*`` only after a prefix token, column filters for the text
        columns and for the name bigrams."""
        columns = "{terms_a}" if titles_only else "{" + " ".join(TEXT_COLUMNS) + "}"
        if isinstance(expr, Tok):
            return f'{columns} : "{expr.form}"' + ("*" if expr.prefix else "")
        if isinstance(expr, Grams):
            return "{grams} : (" + " AND ".join(f'"{g}"' for g in expr.grams) + ")"
        joiner = " AND " if isinstance(expr, And) else " OR "
        return "(" + joiner.join(self.render(i, titles_only=titles_only) for i in expr.items) + ")"

    def match(self, expr: Expr, *, kind: str, sido: str = "", titles_only: bool = False) -> str:
        """The whole MATCH text: the query, the kind and region facets, not hidden."""
        text = f'{self.render(expr, titles_only=titles_only)} AND {{facets}} : "k{kind}"'
        if sido and clean_form(sido):
            text += f' AND {{facets}} : "s{clean_form(sido)}"'
        return f'({text}) NOT {{facets}} : "hidden"'

    def _where(
        self, expr: Expr, kind: str, sido: str, titles_only: bool
    ) -> tuple[str, str, list[Any]]:
        source = f"{FTS_TABLE} JOIN {TABLE} d ON d.id = {FTS_TABLE}.rowid"
        text = self.match(expr, kind=kind, sido=sido, titles_only=titles_only)
        return source, f"{FTS_TABLE} MATCH %s", [text]

    def count(
        self,
        expr: Expr,
        *,
        kind: str,
        sido: str = "",
        cap: int = COUNT_CAP,
        titles_only: bool = False,
    ) -> int:
        """Counted in the full-text index alone (the facets), without the documents."""
        text = self.match(expr, kind=kind, sido=sido, titles_only=titles_only)
        inner = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s LIMIT %s"
        return int(self._fetch(f"SELECT COUNT(*) FROM ({inner}) c", [text, int(cap)])[0][0])

    # bm25 reads the whole document list of every word of the query to weigh it:
    # above this many entries (summed over the words) `ranking` ranks instead.
    ENGINE_BUDGET = 3_000

    def engine_can_rank(self, expr: Expr, *, total: int, titles_only: bool = False) -> bool:
        from . import ranking

        return ranking.postings(self, expr) <= self.ENGINE_BUDGET

    def _rank_where(
        self, expr: Expr, kind: str, sido: str, titles_only: bool
    ) -> tuple[str, str, list[Any]]:
        """The query's words alone in MATCH (bm25 would weigh the filter tokens too);
        kind, region and visibility from the document row."""
        source = f"{FTS_TABLE} JOIN {TABLE} d ON d.id = {FTS_TABLE}.rowid"
        cond = f"{FTS_TABLE} MATCH %s AND d.kind = %s AND NOT d.hidden"
        params: list[Any] = [self.render(expr, titles_only=titles_only), kind]
        if sido:
            cond += " AND d.sido = %s"
            params.append(sido)
        return source, cond, params

    def recent(
        self, expr: Expr, kind: str, sido: str, titles_only: bool, *, limit: int, offset: int
    ) -> list[int]:
        """In the full-text index alone: FTS5 walks its matches in rowid order."""
        text = self.match(expr, kind=kind, sido=sido, titles_only=titles_only)
        sql = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"
        sql += " ORDER BY rowid DESC LIMIT %s OFFSET %s"
        return [int(r[0]) for r in self._fetch(sql, [text, int(limit), int(offset)])]

    def doc_freq(self, token: str, *, grams: bool = False) -> int:
        column = "{grams}" if grams else "{" + " ".join(TEXT_COLUMNS) + "}"
        sql = f"SELECT COUNT(*) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"
        return int(self._fetch(sql, [f'{column} : "{token}"'])[0][0])

    def _score(self) -> str:
        weights = ", ".join(str(w) for w in self.WEIGHTS)
        return f"-bm25({FTS_TABLE}, {weights})"


class PostgresBackend(Backend):
    """PostgreSQL full text (see the module docstring)."""

    vendor = "postgresql"
    # ts_rank_cd weights in the order D, C, B, A.
    WEIGHTS = "{0.5, 0.1, 0.4, 1.0}"

    def render(self, expr: Expr, *, titles_only: bool = False) -> str:
        """The tsquery text: every token single-quoted (letters and digits only),
        restricted to the text weights (``:ABC``, ``:A`` for titles) or, for name
        bigrams, to weight D; ``:*`` only after a prefix token."""
        weights = "A" if titles_only else "ABC"
        if isinstance(expr, Tok):
            return f"'{expr.form}':" + ("*" if expr.prefix else "") + weights
        if isinstance(expr, Grams):
            return "(" + " & ".join(f"'{g}':D" for g in expr.grams) + ")"
        joiner = " & " if isinstance(expr, And) else " | "
        return "(" + joiner.join(self.render(i, titles_only=titles_only) for i in expr.items) + ")"

    def _where(
        self, expr: Expr, kind: str, sido: str, titles_only: bool
    ) -> tuple[str, str, list[Any]]:
        source = f"{TABLE} d, to_tsquery('simple', %s) q"
        cond = "d.search_vector @@ q AND d.kind = %s AND NOT d.hidden"
        params: list[Any] = [self.render(expr, titles_only=titles_only), kind]
        if sido:
            cond += " AND d.sido = %s"
            params.append(sido)
        return source, cond, params

    def _score(self) -> str:
        return f"ts_rank_cd('{self.WEIGHTS}', d.search_vector, q)"

    def doc_freq(self, token: str, *, grams: bool = False) -> int:
        query = f"'{token}':D" if grams else f"'{token}':ABC"
        sql = f"SELECT COUNT(*) FROM {TABLE} d WHERE d.search_vector @@ to_tsquery('simple', %s)"
        return int(self._fetch(sql, [query])[0][0])

    def _date_desc(self) -> str:
        return "d.date DESC NULLS LAST"


def get_backend(using: str = "default") -> Backend:
    """The backend for the database `using` (PostgreSQL, else SQLite FTS5)."""
    if connections[using].vendor == "postgresql":
        return PostgresBackend(using)
    return SQLiteBackend(using)


__all__ = [
    "COUNT_CAP",
    "RANK_WINDOW",
    "Backend",
    "Hit",
    "PostgresBackend",
    "SQLiteBackend",
    "facet_tokens",
    "get_backend",
]
