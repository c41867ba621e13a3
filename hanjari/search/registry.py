"""What can be searched: each kind of document registers here (검색 대상 등록).

An app's kind is registered once, from `SearchConfig.ready()` (search imports the
domain apps, never the other way round)::

    register(
        "organization",
        Organization,
        build_organization,            # obj -> Document | None (None: not searchable)
        label=_("조직"),
        queryset=lambda: Organization.objects.prefetch_related("designations"),
        related=[(Designation, lambda d: [d.organization_id])],
        fuzzy=True,                    # its titles feed "did you mean"
    )

`register` connects `post_save` / `post_delete` of the model, of each `related` model
(which maps a changed object to the ids of the documents it appears in) and
`m2m_changed` of each `m2m` through model. A change only marks the document dirty;
the dirty set is indexed once, when the transaction commits
(`transaction.on_commit`), or earlier when a search runs in the same transaction
(:func:`flush`), so a page always finds what its own request saved.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connections, transaction
from django.db.models import Model, QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save

from hanjari.core import pagecache

logger = logging.getLogger(__name__)

__all__ = ["Document", "DocumentType", "flush", "get", "kinds", "mark_dirty", "register"]


@dataclass
class Document:
    """The searchable form of one object, as a kind's `build_document` returns it.

    Weighted text: `title` and `names` (A: name, headline, other names),
    `description` (B: description, subtitle, kinds, tags), `other` (C: everything
    else — region, body text). `body` is the plain text snippets are cut from; `meta`
    holds what the result line shows besides (JSON). `sido` is the canonical 시도 for
    the region filter; `date` orders ties (newer first); `visible_from` hides the
    document until then. `url` defaults to the kind's `url(obj)`.
    """

    title: str
    names: Sequence[str] = ()
    description: Sequence[str] = ()
    other: Sequence[str] = ()
    body: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    sido: str = ""
    date: dt.datetime | None = None
    visible_from: dt.datetime | None = None
    url: str = ""


@dataclass(frozen=True)
class DocumentType:
    """A registered kind (see :func:`register`)."""

    kind: str
    model: type[Model]
    build_document: Callable[[Any], Document | None]
    url: Callable[[Any], str]
    title: Callable[[Any], str]
    label: Any
    queryset: Callable[[], QuerySet[Any]]
    fuzzy: bool
    order: int


_TYPES: dict[str, DocumentType] = {}


def register(
    kind: str,
    model: type[Model],
    build_document: Callable[[Any], Document | None],
    *,
    label: Any,
    url: Callable[[Any], str] | None = None,
    title: Callable[[Any], str] | None = None,
    queryset: Callable[[], QuerySet[Any]] | None = None,
    related: Iterable[tuple[type[Model], Callable[[Any], Iterable[int]]]] = (),
    m2m: Iterable[type[Model]] = (),
    fuzzy: bool = False,
    order: int = 100,
) -> DocumentType:
    """Register a kind of searchable document and keep its index in step.

    `kind` is a short lower-case key (``organization``; letters only); `label` its
    (lazy) translated name shown in results; `url(obj)` / `title(obj)` default to
    ``get_absolute_url()`` / ``str(obj)``; `queryset()` gives the objects to
    (re)index with what `build_document` needs prefetched; `related` lists
    ``(model, ids_of)`` pairs whose changes re-index the documents ``ids_of(instance)``
    names; `m2m` lists many-to-many through models of `model`; `fuzzy` feeds the
    kind's titles to "did you mean"; `order` orders kinds on the results page.
    Registering a kind again replaces it. Raises ValueError for a bad `kind`.
    """
    if not kind.isascii() or not kind.isalpha() or not kind.islower() or len(kind) > 30:
        raise ValueError(f"search kind must be lower-case ASCII letters: {kind!r}")
    doc_type = DocumentType(
        kind=kind,
        model=model,
        build_document=build_document,
        url=url or (lambda obj: obj.get_absolute_url()),
        title=title or str,
        label=label,
        queryset=queryset or (lambda: model._default_manager.all()),
        fuzzy=fuzzy,
        order=order,
    )
    _TYPES[kind] = doc_type

    def on_change(sender: Any, instance: Any, using: str = "default", **_kw: Any) -> None:
        if instance.pk is not None:
            mark_dirty(kind, [instance.pk], using=using)

    post_save.connect(on_change, sender=model, weak=False, dispatch_uid=f"search:{kind}:save")
    post_delete.connect(on_change, sender=model, weak=False, dispatch_uid=f"search:{kind}:del")
    for index, (rel_model, ids_of) in enumerate(related):

        def on_related(
            sender: Any,
            instance: Any,
            using: str = "default",
            _ids_of: Callable[[Any], Iterable[int]] = ids_of,
            **_kw: Any,
        ) -> None:
            mark_dirty(kind, [pk for pk in _ids_of(instance) if pk is not None], using=using)

        uid = f"search:{kind}:related{index}"
        post_save.connect(on_related, sender=rel_model, weak=False, dispatch_uid=uid + ":save")
        post_delete.connect(on_related, sender=rel_model, weak=False, dispatch_uid=uid + ":del")
    for index, through in enumerate(m2m):

        def on_m2m(
            sender: Any,
            instance: Any,
            action: str,
            reverse: bool,
            pk_set: set[int] | None,
            using: str = "default",
            **_kw: Any,
        ) -> None:
            if not action.startswith("post_"):
                return
            if isinstance(instance, model):
                mark_dirty(kind, [instance.pk], using=using)
            elif pk_set:
                mark_dirty(kind, sorted(pk_set), using=using)

        m2m_changed.connect(
            on_m2m, sender=through, weak=False, dispatch_uid=f"search:{kind}:m2m{index}"
        )
    return doc_type


def get(kind: str) -> DocumentType:
    """The registered kind `kind`. Raises KeyError."""
    return _TYPES[kind]


def kinds() -> list[DocumentType]:
    """All registered kinds in display order."""
    return sorted(_TYPES.values(), key=lambda t: (t.order, t.kind))


# --- keeping the index in step -----------------------------------------------------------

_PENDING_ATTR = "_hanjari_search_pending"


def _pending(using: str) -> set[tuple[str, int]]:
    conn = connections[using]
    pending: set[tuple[str, int]] | None = getattr(conn, _PENDING_ATTR, None)
    if pending is None:
        pending = set()
        setattr(conn, _PENDING_ATTR, pending)
    return pending


def mark_dirty(kind: str, ids: Iterable[int], *, using: str = "default") -> None:
    """Mark documents for re-indexing when the current transaction commits (at once
    outside a transaction). Safe to call many times: each document is indexed once."""
    ids = list(ids)
    if not ids:
        return
    _pending(using).update((kind, int(pk)) for pk in ids)
    transaction.on_commit(
        functools.partial(flush, using=using, committed=True), using=using, robust=True
    )


def flush(using: str = "default", *, committed: bool = False) -> int:
    """Index the documents marked dirty on this connection now; returns how many keys
    were processed. Called on commit, and by searches (so a search sees the writes of
    its own transaction; `committed`: the call comes after the commit, see below). A key
    whose object is gone or not searchable removes its document. Re-indexing is
    idempotent, so a key left over from a rolled-back transaction only rebuilds a
    document from the current data."""
    pending = _pending(using)
    if not pending:
        return 0
    keys = sorted(pending)
    pending.clear()
    from .services import index_keys

    try:
        index_keys(keys, using=using)
    except Exception:
        logger.exception("search: indexing %d documents failed", len(keys))
        if connections[using].in_atomic_block:
            raise
    if committed:
        # After the commit the page cache's generation was replaced before this index
        # update ran; a search answered in between read the old index and may have been
        # stored. Replace the generation again now that the index is current.
        pagecache.bump()
    return len(keys)
