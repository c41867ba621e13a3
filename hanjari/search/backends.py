"""Full-text index backends behind one interface: SQLite FTS5 and PostgreSQL.

Both take an analysed query (`query.Expr`: tokens of letters and digits only) and
place each token quoted into the engine's own syntax, passed as a bound parameter:
the user's text never reaches FTS5 or tsquery syntax raw.

- SQLite: an external-content FTS5 table `search_fts(terms_a, terms_b, terms_c,
  grams)` over `search_searchdocument`, kept in step by triggers (migration 0002);
  ranked by ``bm25()`` with column weights A 10, B 4, C 1, name bigrams 5.
- PostgreSQL: the generated column ``search_vector`` — ``setweight(to_tsvector(
  'simple', terms_a), 'A') || … B … C || setweight(… grams, 'D')`` — with a GIN
  index; ranked by ``ts_rank_cd`` with weights A 1.0, B 0.4, C 0.1, D (bigrams) 0.5.

Ties are broken by recency (`date`, newer first), then by id. Scores are "higher is
better" on both (bm25 is negated).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections

from .query import And, Expr, Grams, Or, Tok

TABLE = "search_searchdocument"
FTS_TABLE = "search_fts"
TEXT_COLUMNS = ("terms_a", "terms_b", "terms_c")


@dataclass(frozen=True, slots=True)
class Hit:
    """One matching document: its row id, kind, object id and score (higher first)."""

    doc_id: int
    kind: str
    object_id: int
    score: float


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

    def _match(self, expr: Expr, titles_only: bool) -> tuple[str, str, list[Any]]:
        """(FROM clause, WHERE condition, params) selecting matching documents as `d`."""
        raise NotImplementedError

    def _score(self) -> str:
        raise NotImplementedError

    def _filters(
        self, kinds: Sequence[str] | None, sido: str, now: dt.datetime
    ) -> tuple[str, list[Any]]:
        sql = " AND (d.visible_from IS NULL OR d.visible_from <= %s)"
        params: list[Any] = [self.connection.ops.adapt_datetimefield_value(now)]
        if kinds:
            sql += " AND d.kind IN (" + ", ".join(["%s"] * len(kinds)) + ")"
            params += list(kinds)
        if sido:
            sql += " AND d.sido = %s"
            params.append(sido)
        return sql, params

    def search(
        self,
        expr: Expr,
        *,
        now: dt.datetime,
        kinds: Sequence[str] | None = None,
        sido: str = "",
        limit: int = 20,
        offset: int = 0,
        titles_only: bool = False,
    ) -> list[Hit]:
        """The best matches, best first: score, then newer `date`, then higher id."""
        source, cond, params = self._match(expr, titles_only)
        extra, extra_params = self._filters(kinds, sido, now)
        # Only our own SQL fragments are formatted in; every value is a bound parameter.
        order = f"score DESC, {self._date_desc()}, d.id DESC"
        columns = f"d.id, d.kind, d.object_id, {self._score()} AS score"
        sql = f"SELECT {columns} FROM {source} WHERE {cond}{extra}"  # noqa: S608
        sql += f" ORDER BY {order} LIMIT %s OFFSET %s"
        with self.connection.cursor() as cursor:
            cursor.execute(sql, [*params, *extra_params, int(limit), int(offset)])
            return [Hit(r[0], r[1], r[2], float(r[3] or 0.0)) for r in cursor.fetchall()]

    def count_by_kind(
        self, expr: Expr, *, now: dt.datetime, kinds: Sequence[str] | None = None, sido: str = ""
    ) -> dict[str, int]:
        """Number of matching documents per kind."""
        source, cond, params = self._match(expr, False)
        extra, extra_params = self._filters(kinds, sido, now)
        sql = f"SELECT d.kind, COUNT(*) FROM {source} WHERE {cond}{extra} GROUP BY d.kind"  # noqa: S608
        with self.connection.cursor() as cursor:
            cursor.execute(sql, [*params, *extra_params])
            return {kind: int(n) for kind, n in cursor.fetchall()}

    def ids_sql(self, expr: Expr, *, kind: str, now: dt.datetime) -> tuple[str, list[Any]]:
        """SQL selecting the `object_id`s of matching documents of `kind`, with its
        params — for filtering another query (``pk__in=RawSQL(sql, params)``)."""
        source, cond, params = self._match(expr, False)
        extra, extra_params = self._filters([kind], "", now)
        sql = f"SELECT d.object_id FROM {source} WHERE {cond}{extra}"  # noqa: S608
        return sql, [*params, *extra_params]

    def _date_desc(self) -> str:
        return "d.date DESC"


class SQLiteBackend(Backend):
    """SQLite FTS5 (see the module docstring)."""

    vendor = "sqlite"
    WEIGHTS = (10.0, 4.0, 1.0, 5.0)  # terms_a, terms_b, terms_c, grams

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

    def _match(self, expr: Expr, titles_only: bool) -> tuple[str, str, list[Any]]:
        source = f"{FTS_TABLE} JOIN {TABLE} d ON d.id = {FTS_TABLE}.rowid"
        return source, f"{FTS_TABLE} MATCH %s", [self.render(expr, titles_only=titles_only)]

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

    def _match(self, expr: Expr, titles_only: bool) -> tuple[str, str, list[Any]]:
        source = f"{TABLE} d, to_tsquery('simple', %s) q"
        return source, "d.search_vector @@ q", [self.render(expr, titles_only=titles_only)]

    def _score(self) -> str:
        return f"ts_rank_cd('{self.WEIGHTS}', d.search_vector, q)"

    def _date_desc(self) -> str:
        return "d.date DESC NULLS LAST"


def get_backend(using: str = "default") -> Backend:
    """The backend for the database `using` (PostgreSQL, else SQLite FTS5)."""
    if connections[using].vendor == "postgresql":
        return PostgresBackend(using)
    return SQLiteBackend(using)


__all__ = ["And", "Backend", "Hit", "Or", "PostgresBackend", "SQLiteBackend", "get_backend"]
