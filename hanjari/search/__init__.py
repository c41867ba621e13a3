"""Search (검색): one Korean-aware search over everything Hanjari holds.

`analysis` (Kiwi morphemes), `query` (the analysed query), `backends` (SQLite FTS5,
PostgreSQL), `registry` (what is searchable, kept in step on commit), `documents`
(organisations and articles), `services` (index writes), `selectors` (the search
interface for pages, commands and other apps).
"""
