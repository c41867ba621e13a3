"""The full-text index over `search_searchdocument`, per database engine.

SQLite: an external-content FTS5 table `search_fts` (columns terms_a, terms_b,
terms_c, grams, facets; tokenizer unicode61 — the text is analysed before it is stored) and
three triggers that keep it in step with the document table.

PostgreSQL: a generated, weighted `tsvector` column `search_vector` ('simple'
configuration over the analysed text: terms_a A, terms_b B, terms_c C, grams D) with
a GIN index. The only PostgreSQL-specific column of Hanjari; it lives here, inside
the search backend.
"""

from django.db import migrations

SQLITE_FORWARD = [
    """
    CREATE VIRTUAL TABLE search_fts USING fts5(
        terms_a, terms_b, terms_c, grams, facets,
        content='search_searchdocument', content_rowid='id',
        tokenize='unicode61 remove_diacritics 0'
    )
    """,
    """
    CREATE TRIGGER search_fts_ai AFTER INSERT ON search_searchdocument BEGIN
        INSERT INTO search_fts(rowid, terms_a, terms_b, terms_c, grams, facets)
        VALUES (new.id, new.terms_a, new.terms_b, new.terms_c, new.grams, new.facets);
    END
    """,
    """
    CREATE TRIGGER search_fts_ad AFTER DELETE ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, terms_a, terms_b, terms_c, grams, facets)
        VALUES ('delete', old.id, old.terms_a, old.terms_b, old.terms_c, old.grams, old.facets);
    END
    """,
    """
    CREATE TRIGGER search_fts_au AFTER UPDATE ON search_searchdocument BEGIN
        INSERT INTO search_fts(search_fts, rowid, terms_a, terms_b, terms_c, grams, facets)
        VALUES ('delete', old.id, old.terms_a, old.terms_b, old.terms_c, old.grams, old.facets);
        INSERT INTO search_fts(rowid, terms_a, terms_b, terms_c, grams, facets)
        VALUES (new.id, new.terms_a, new.terms_b, new.terms_c, new.grams, new.facets);
    END
    """,
    "INSERT INTO search_fts(search_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_fts_au",
    "DROP TRIGGER IF EXISTS search_fts_ad",
    "DROP TRIGGER IF EXISTS search_fts_ai",
    "DROP TABLE IF EXISTS search_fts",
]
POSTGRES_FORWARD = [
    """
    ALTER TABLE search_searchdocument ADD COLUMN search_vector tsvector
    GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, coalesce(terms_a, '')), 'A')
        || setweight(to_tsvector('simple'::regconfig, coalesce(terms_b, '')), 'B')
        || setweight(to_tsvector('simple'::regconfig, coalesce(terms_c, '')), 'C')
        || setweight(to_tsvector('simple'::regconfig, coalesce(grams, '')), 'D')
    ) STORED
    """,
    "CREATE INDEX search_vector_gin ON search_searchdocument USING GIN (search_vector)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_vector_gin",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS search_vector",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
