"""Search index writes: build documents from objects, (re)index them, in batches."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from hanjari.core.names import normalize_name

from . import analysis, registry, vocabulary
from .backends import facet_tokens
from .models import SearchDocument

DEFAULT_BATCH = 500
_MAX_BODY = 3000


def _text(values: Iterable[str]) -> str:
    return "\n".join(str(v) for v in values if v)


def build_documents(
    doc_type: registry.DocumentType, objects: Sequence[Any]
) -> list[SearchDocument | None]:
    """Unsaved `SearchDocument`s for `objects` of one kind (None where the kind's
    `build_document` says the object is not searchable), analysed in one batch. A
    document whose `visible_from` is still ahead is `hidden`."""
    built = [doc_type.build_document(obj) for obj in objects]
    texts: list[str] = []
    for doc in built:
        if doc is not None:
            texts += [
                _text([doc.title, *doc.names]),
                _text(doc.description),
                _text(doc.other),
            ]
    analysed = iter(analysis.analyse_many(texts))
    now = timezone.now()
    result: list[SearchDocument | None] = []
    for obj, doc in zip(objects, built, strict=True):
        if doc is None:
            result.append(None)
            continue
        a, b, c = next(analysed), next(analysed), next(analysed)
        title = (doc.title or doc_type.title(obj))[:300]
        names_text = analysis.normalize(_text([doc.title, *doc.names]))
        hidden = doc.visible_from is not None and doc.visible_from > now
        result.append(
            SearchDocument(
                kind=doc_type.kind,
                object_id=obj.pk,
                title=title,
                title_key=normalize_name(title)[:300],
                url=(doc.url or doc_type.url(obj))[:500],
                body=doc.body[:_MAX_BODY],
                meta=doc.meta,
                sido=doc.sido[:20],
                date=doc.date,
                visible_from=doc.visible_from,
                terms_a=" ".join(analysis.index_terms(a)),
                terms_b=" ".join(analysis.index_terms(b)),
                terms_c=" ".join(analysis.index_terms(c)),
                grams=" ".join(dict.fromkeys(analysis.bigrams(names_text))),
                facets=facet_tokens(kind=doc_type.kind, sido=doc.sido, hidden=hidden),
                hidden=hidden,
            )
        )
    return result


def _write(kind: str, ids: Sequence[int], docs: Sequence[SearchDocument], using: str) -> None:
    """Replace the documents of `kind` for the objects `ids` by `docs` and add their
    words to the vocabulary (`vocabulary.remember`), in one transaction."""
    words: set[str] = set()
    for doc in docs:
        terms = f"{doc.terms_a} {doc.terms_b} {doc.terms_c}".split()
        words |= vocabulary.document_words(title=doc.title, terms=terms)
    with transaction.atomic(using=using):
        SearchDocument.objects.using(using).filter(kind=kind, object_id__in=ids).delete()
        SearchDocument.objects.using(using).bulk_create(docs, batch_size=DEFAULT_BATCH)
        vocabulary.remember(words, using=using)


def index_keys(keys: Iterable[tuple[str, int]], *, using: str = "default") -> int:
    """Re-index the documents `(kind, object_id)` from the current data: build and
    replace each one, or delete it when the object is gone or not searchable. Keys of
    kinds no longer registered are ignored. Returns the number of documents written."""
    by_kind: dict[str, set[int]] = defaultdict(set)
    for kind, pk in keys:
        by_kind[kind].add(int(pk))
    written = 0
    for kind, id_set in by_kind.items():
        try:
            doc_type = registry.get(kind)
        except KeyError:
            continue
        ids = sorted(id_set)
        for start in range(0, len(ids), DEFAULT_BATCH):
            chunk = ids[start : start + DEFAULT_BATCH]
            objects = list(doc_type.queryset().using(using).filter(pk__in=chunk).order_by("pk"))
            docs = [d for d in build_documents(doc_type, objects) if d is not None]
            _write(kind, chunk, docs, using)
            written += len(docs)
    return written


def reindex(
    kind: str | None = None,
    *,
    batch_size: int = DEFAULT_BATCH,
    progress: Callable[[str, int, int], None] | None = None,
    using: str = "default",
) -> dict[str, int]:
    """Rebuild the index of one kind (or all kinds) from scratch, in batches of
    `batch_size` objects (one transaction each). `progress(kind, done, total)` is
    called after each batch. Returns documents written per kind. Raises KeyError for
    an unknown kind."""
    types = [registry.get(kind)] if kind else registry.kinds()
    counts: dict[str, int] = {}
    for doc_type in types:
        qs = doc_type.queryset().using(using)
        ids = list(qs.order_by("pk").values_list("pk", flat=True))
        total = len(ids)
        SearchDocument.objects.using(using).filter(kind=doc_type.kind).exclude(
            object_id__in=qs.values("pk")
        ).delete()
        written = 0
        if progress:
            progress(doc_type.kind, 0, total)
        for start in range(0, total, batch_size):
            chunk = ids[start : start + batch_size]
            objects = list(qs.filter(pk__in=chunk).order_by("pk"))
            docs = [d for d in build_documents(doc_type, objects) if d is not None]
            _write(doc_type.kind, chunk, docs, using)
            written += len(docs)
            if progress:
                progress(doc_type.kind, min(start + batch_size, total), total)
        counts[doc_type.kind] = written
    return counts
