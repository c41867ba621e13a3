"""`manage.py registry_import FILE ...`: import official lists of organisations."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import IO, Any, cast

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from hanjari.core import processes
from hanjari.core.processes import background_nice
from hanjari.registry.importers import reading
from hanjari.registry.importers.layouts import LAYOUTS
from hanjari.registry.models import ImportRun
from hanjari.registry.services import (
    import_runs_recover,
    registry_import,
    registry_import_refuse_size,
)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"--reference-date must be YYYY-MM-DD, got {text!r}") from exc


class Command(BaseCommand):
    help = (
        "Import official lists (XLSX/CSV) of village enterprises, self-sufficiency "
        "enterprises, social enterprises or cooperatives. All or nothing per file; a "
        "file with errors imports nothing and the command exits non-zero. Imports left "
        "half-written by a stopped process are undone first (registry_recover_imports)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument(
            "--dataset",
            default="auto",
            choices=["auto", *LAYOUTS.keys()],
            help="layout of the file (default: recognise from the headers)",
        )
        parser.add_argument("--reference-date", type=_date, default=None, help="YYYY-MM-DD")
        parser.add_argument("--dry-run", action="store_true", help="report only, write nothing")
        parser.add_argument("--user", default=None, help="username to record as the importer")
        parser.add_argument(
            "--skip-imported",
            action="store_true",
            help="skip a file whose exact content was already imported successfully",
        )
        parser.add_argument(
            "--nice",
            type=int,
            default=None,
            help="run at least this nice (lower CPU priority, 0-19), so that the site's "
            "requests get the CPU first (default: HANJARI_BACKGROUND_NICE, 10)",
        )
        parser.add_argument(
            "--report-csv",
            type=Path,
            default=None,
            help="write the row-by-row report of the (last) file here",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        processes.lower_priority(background_nice(opts["nice"]))
        console = Console(file=cast(IO[str], self.stdout))
        progress_console = Console(file=cast(IO[str], self.stderr))
        user = None
        if opts["user"]:
            user = get_user_model().objects.filter(username=opts["user"]).first()
            if user is None:
                raise CommandError(f"no user {opts['user']!r}")
        if not opts["dry_run"]:
            recovered = import_runs_recover()
            for found in recovered["runs"]:
                self.stderr.write(
                    f"Import run {found.run_id} ({found.file_name}) had stopped while "
                    "writing: undone and marked interrupted; import that file again."
                )
            for job in recovered["jobs"]:
                self.stderr.write(f"Import job {job['job_id']} ({job['file_name']}): failed.")
        failed = 0
        for path in opts["files"]:
            if not path.is_file():
                raise CommandError(f"{path}: no such file")
            size = path.stat().st_size
            if size > reading.MAX_FILE_BYTES:
                # Refused on its size: a file of hundreds of megabytes is never read.
                report = registry_import_refuse_size(file_name=path.name, size=size, user=user)
                failed += 1
                self.stderr.write(f"{path.name}: {report.errors[0].reason}")
                continue
            data = path.read_bytes()
            if (
                opts["skip_imported"]
                and ImportRun.objects.filter(
                    sha256=hashlib.sha256(data).hexdigest(), status=ImportRun.Status.SUCCEEDED
                ).exists()
            ):
                self.stdout.write(f"{path.name}: already imported, skipped.")
                continue
            with Progress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=progress_console,
                transient=True,
                disable=not progress_console.is_terminal,
            ) as progress:
                task = progress.add_task(path.name, total=None)

                def tick(done: int, total: int, task: Any = task, progress: Any = progress) -> None:
                    progress.update(task, completed=done, total=total)

                report = registry_import(
                    data=data,
                    file_name=path.name,
                    dataset=opts["dataset"],
                    reference_date=opts["reference_date"],
                    dry_run=opts["dry_run"],
                    user=user,
                    progress=tick,
                )
            if opts["report_csv"]:
                opts["report_csv"].write_text(report.issues_csv(), encoding="utf-8")
            prefix = "[dry run] " if report.dry_run else ""
            if report.ok:
                self.stdout.write(
                    f"{prefix}{path.name}: {report.dataset} ({report.dataset_id}), "
                    f"reference date {report.reference_date}, {report.rows} rows: "
                    f"{report.created} created, {report.changed} changed, "
                    f"{report.unchanged} unchanged, {report.missing} not in this list; "
                    f"{report.organizations_created} new organisations, {report.linked} linked "
                    f"to existing ones, {report.queued} queued for review; "
                    f"{len(report.warnings)} warnings; written in {report.transactions} "
                    "transactions."
                )
            else:
                failed += 1
                self.stderr.write(
                    f"{path.name}: {len(report.errors)} errors — nothing was imported."
                )
            issues = [("error", i) for i in report.errors] + [
                ("warning", i) for i in report.warnings
            ]
            if issues:
                table = Table("level", "row", "column", "value", "reason", show_lines=False)
                for level, issue in issues[:200]:
                    table.add_row(
                        level, str(issue.row or "-"), issue.column, issue.value[:60], issue.reason
                    )
                console.print(table)
                if len(issues) > 200:
                    console.print(f"… {len(issues) - 200} more (use --report-csv)")
        if failed:
            raise CommandError(f"{failed} file(s) had errors and were not imported.")
