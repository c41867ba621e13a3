"""The vocabulary of indexed words (`SearchTerm`), filled from the documents already
indexed: their index terms and the words of their titles (the same words that
`hanjari.search.vocabulary.document_words` takes from a document indexed later)."""

import unicodedata

from django.db import migrations, models


def _clean(word):
    kept = "".join(ch for ch in word.lower() if unicodedata.category(ch)[0] in "LN")
    return kept[:40]


def fill(apps, schema_editor):
    Document = apps.get_model("search", "SearchDocument")
    Term = apps.get_model("search", "SearchTerm")
    db = schema_editor.connection.alias
    words = set()
    rows = Document.objects.using(db).values_list("title", "terms_a", "terms_b", "terms_c")
    for title, a, b, c in rows.iterator(chunk_size=500):
        words.update(f"{a} {b} {c}".split())
        words.update(_clean(w) for w in unicodedata.normalize("NFKC", title).split())
    words = sorted(w for w in words if len(w) >= 2)
    Term.objects.using(db).bulk_create(
        [Term(term=w) for w in words], batch_size=1000, ignore_conflicts=True
    )


class Migration(migrations.Migration):

    dependencies = [
        ('search', '0002_fulltext'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchTerm',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('term', models.CharField(max_length=40, unique=True, verbose_name='낱말')),
            ],
            options={
                'verbose_name': '검색어 사전 낱말',
                'verbose_name_plural': '검색어 사전 낱말',
            },
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
