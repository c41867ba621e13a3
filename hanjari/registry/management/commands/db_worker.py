"""`manage.py db_worker`: django-tasks-db's worker, which first ends the registry
imports a stopped worker left half-written (`services.import_runs_recover`), and runs
at a lower CPU priority (``--nice``, default 10) than the web server: its work (imports,
search indexing) is background work, and a login waiting for the CPU is felt.

This app comes before ``django_tasks_db`` in ``INSTALLED_APPS``, so Django runs this
command for ``db_worker``; options and behaviour are otherwise the library's.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django_tasks_db.management.commands.db_worker import Command as WorkerCommand

from hanjari.core import processes
from hanjari.core.processes import background_nice
from hanjari.registry.services import import_runs_recover_quietly


class Command(WorkerCommand):
    help = (
        "Run a database background worker, after undoing the registry imports whose "
        "process stopped (see registry_recover_imports)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--nice",
            type=int,
            default=None,
            help="run at least this nice (lower CPU priority, 0-19; default: "
            "HANJARI_BACKGROUND_NICE, 10)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        processes.lower_priority(background_nice(options.pop("nice", None)))
        import_runs_recover_quietly()
        super().handle(*args, **options)
