"""Signals the registry sends for apps above it (which it may not import).

`organizations_written` is sent, inside the writing transaction, after organisations
or their designations were written in bulk (`QuerySet.bulk_create`, which sends no
``post_save``): the registry import (`importers.writer`); and after an import's writes
were undone (`importers.undo`), with the organisations it deleted or set back, so that
a document built meanwhile from a deleted row does not stay. Arguments: ``ids`` (the
organisations' primary keys, sorted) and ``using`` (the database alias). The search
app connects to it to (re)index those organisations in the background, which removes
the documents of organisations that no longer exist (`hanjari.search.tasks`).
"""

from __future__ import annotations

from django.dispatch import Signal

organizations_written = Signal()
