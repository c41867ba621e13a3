"""A separate process for the recovery tests (tests/registry/test_import_recovery.py):
an import that is killed for real, and a look at the database from outside.

    python -m tests.registry.recovery_child snapshot
    python -m tests.registry.recovery_child import FILE between|inside|none

The database is the one ``DATABASE_URL`` names (the test's own database, or a copy of
it for SQLite in memory). ``import`` writes in small chunks and, with ``between``,
prints ``committed`` once the first chunk is committed and then waits outside any
transaction; with ``inside``, it prints ``inside`` from within the second chunk's
transaction, after some of its writes, and waits there. The test kills it then.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

WAIT_SECONDS = 120


def snapshot() -> dict[str, Any]:
    """What the registry holds (rows that an import writes or changes), as JSON, with
    the import runs and the organisations in the search index."""
    from hanjari.registry.models import (
        Designation,
        ImportRun,
        ImportUndo,
        MergeCandidate,
        Organization,
        SourceRecord,
    )
    from hanjari.search.models import SearchDocument

    def rows(model: Any, *exclude: str) -> list[dict[str, Any]]:
        fields = [f.attname for f in model._meta.concrete_fields if f.name not in exclude]
        return [
            {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()}
            for row in model.objects.order_by("pk").values(*fields)
        ]

    return {
        "organizations": rows(Organization, "updated_at"),
        "designations": rows(Designation, "updated_at"),
        "records": rows(SourceRecord),
        "candidates": rows(MergeCandidate, "updated_at"),
        "search": sorted(
            SearchDocument.objects.filter(kind="organization").values_list("object_id", flat=True)
        ),
        "runs": [
            {
                "status": run.status,
                "finished": run.finished_at is not None,
                "errors": [e["reason"] for e in run.report.get("errors", [])],
                "undo_log": ImportUndo.objects.filter(run=run).count(),
            }
            for run in ImportRun.objects.order_by("pk")
        ],
    }


def run_import(path: str, stop: str) -> None:
    from hanjari.registry.importers import undo, writer
    from hanjari.registry.services import registry_import

    writer.CHUNK_CREATES = 3
    writer.CHUNK_WRITES = 3
    writer.PAUSE_SECONDS = 0
    writer.INDEX_SECONDS = 0
    if stop == "between":

        def progress(done: int, total: int) -> None:
            print("committed", flush=True)
            time.sleep(WAIT_SECONDS)

    else:
        progress = None  # type: ignore[assignment]
    if stop == "inside":
        real_record = undo.record
        calls = []

        def record(run_id: int, chunk: int, actions: list[Any]) -> None:
            calls.append(chunk)
            if len(calls) == 2:  # the second chunk wrote its rows, not yet committed
                print("inside", flush=True)
                time.sleep(WAIT_SECONDS)
            real_record(run_id, chunk, actions)

        undo.record = record  # type: ignore[assignment]
    data = Path(path).read_bytes()
    report = registry_import(data=data, file_name=Path(path).name, progress=progress)
    print(json.dumps({"ok": report.ok, "created": report.created}), flush=True)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    command = sys.argv[1]
    if command == "snapshot":
        print(json.dumps(snapshot(), ensure_ascii=False))
    elif command == "import":
        run_import(sys.argv[2], sys.argv[3])
    else:
        raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    main()
