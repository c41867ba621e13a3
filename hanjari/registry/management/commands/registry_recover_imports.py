"""`manage.py registry_recover_imports`: undo the imports whose process stopped."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from hanjari.registry.importers import recovery
from hanjari.registry.models import ImportRun
from hanjari.registry.services import import_runs_recover


class Command(BaseCommand):
    help = (
        "Undo every registry import left 'running' by a process that stopped (killed "
        "worker or registry_import) from its undo log, mark it interrupted, and mark "
        "stopped import jobs failed. Imports whose process still runs are left alone. "
        "Workers and registry_import do the same when they start."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--list",
            action="store_true",
            help="only list the running imports and whether their process still runs",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        running = recovery.running_runs()
        for run, state in running:
            self.stdout.write(
                f"run {run.pk} {run.file_name}: {state} "
                f"(owner {run.owner or '-'}, last write {run.heartbeat_at or '-'}, "
                f"{run.undo_log.count()} chunks to undo)"
            )
        if opts["list"]:
            if not running:
                self.stdout.write("No import is running.")
            return

        verbosity = int(opts.get("verbosity", 1))

        def progress(run: ImportRun, undone: int) -> None:
            if verbosity > 1:
                self.stdout.write(f"run {run.pk}: {undone} undo actions applied")

        done = import_runs_recover(progress=progress)
        for found in done["runs"]:
            self.stdout.write(
                f"run {found.run_id} {found.file_name}: undone ({found.undone} undo actions, "
                f"was {found.state}, owner {found.owner or '-'}); marked interrupted — "
                "import the file again."
            )
        for job in done["jobs"]:
            self.stdout.write(f"job {job['job_id']} {job['file_name']}: failed — {job['message']}")
        if not done["runs"] and not done["jobs"]:
            self.stdout.write("Nothing to recover.")
