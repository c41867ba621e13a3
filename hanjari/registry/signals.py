"""Signals the registry sends for apps above it (which it may not import).

`organizations_written` is sent, inside the writing transaction, after organisations
or their designations were written in bulk (`QuerySet.bulk_create`, which sends no
``post_save``): the registry import (`importers.writer`). Arguments: ``ids`` (the
organisations' primary keys, sorted) and ``using`` (the database alias). The search
app connects to it to index those organisations in the background
(`hanjari.search.tasks`).
"""

from __future__ import annotations

from django.dispatch import Signal

organizations_written = Signal()
