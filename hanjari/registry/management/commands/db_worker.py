"""`manage.py db_worker`: django-tasks-db's worker, which first ends the registry
imports a stopped worker left half-written (`services.import_runs_recover`).

This app comes before ``django_tasks_db`` in ``INSTALLED_APPS``, so Django runs this
command for ``db_worker``; options and behaviour are otherwise the library's.
"""

from __future__ import annotations

from typing import Any

from django_tasks_db.management.commands.db_worker import Command as WorkerCommand

from hanjari.registry.services import import_runs_recover_quietly


class Command(WorkerCommand):
    help = (
        "Run a database background worker, after undoing the registry imports whose "
        "process stopped (see registry_recover_imports)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        import_runs_recover_quietly()
        super().handle(*args, **options)
