"""Background tasks of the search index (django-tasks; the database backend of
django-tasks-db in production, run by `manage.py db_worker`)."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from hanjari.core import pagecache


@task()
def index_documents(kind: str, ids: list[int]) -> int:
    """Re-index the documents of `kind` for the objects `ids` from the current data
    (`services.index_keys`: built, replaced, or removed when the object is gone).
    Idempotent. Returns the number of documents written."""
    from .services import index_keys

    written = index_keys([(kind, pk) for pk in ids])
    pagecache.bump()  # search answers cached before this ran are out of date
    return written


def index_written_organizations(sender: Any, ids: list[int], **_kwargs: Any) -> None:
    """Receiver of `hanjari.registry.signals.organizations_written` (organisations
    written in bulk, with no ``post_save``): index them in the background, so that a
    large import does not wait for the morphological analysis (Kiwi) of every row.
    Enqueued in the writing transaction: the task exists exactly when the rows do."""
    index_documents.enqueue("organization", list(ids))
