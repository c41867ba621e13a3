"""``manage.py search_reindex [--kind K] [--batch-size N] [--if-empty]``: rebuild the
search index from the current data, with a progress bar (on a terminal)."""

from __future__ import annotations

import os
import time
from typing import IO, Any, cast

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from hanjari.search import analysis, registry, services
from hanjari.search.models import SearchDocument


class Command(BaseCommand):
    help = "Rebuild the search index (all kinds, or one with --kind)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--kind", default="", help="only this kind (e.g. organization)")
        parser.add_argument(
            "--batch-size", type=int, default=services.DEFAULT_BATCH, help="objects per batch"
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="only kinds that have no documents yet (for set-up scripts)",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        known = [t.kind for t in registry.kinds()]
        if opts["kind"] and opts["kind"] not in known:
            raise CommandError(f"unknown kind {opts['kind']!r}; known: {', '.join(known)}")
        if opts["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")
        kinds = [opts["kind"]] if opts["kind"] else known
        if opts["if_empty"]:
            kinds = [k for k in kinds if not SearchDocument.objects.filter(kind=k).exists()]
        # Batch analysis uses every core (Kiwi's worker threads).
        analysis.configure(workers=os.cpu_count() or 1)
        console = Console(file=cast(IO[str], self.stderr))
        started = time.monotonic()
        with Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
            disable=not console.is_terminal,
        ) as progress:
            tasks: dict[str, Any] = {}

            def tick(kind: str, done: int, total: int) -> None:
                if kind not in tasks:
                    tasks[kind] = progress.add_task(kind, total=total)
                progress.update(tasks[kind], completed=done, total=total)

            counts: dict[str, int] = {}
            for kind in kinds:
                counts.update(services.reindex(kind, batch_size=opts["batch_size"], progress=tick))
        took = time.monotonic() - started
        # Kinds with nothing to index (no events yet) are not listed.
        summary = ", ".join(f"{kind} {n:,}" for kind, n in counts.items() if n)
        if summary:
            self.stdout.write(f"search index: {summary} documents ({took:.1f} s)")
        else:
            self.stdout.write("search index: up to date, nothing to index")
