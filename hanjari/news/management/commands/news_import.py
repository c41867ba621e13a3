"""`manage.py news_import FILE...`: import press articles (언론 보도) from page files.

Each file (.txt page text or .html page, UTF-8 or CP949) is read by the extractor
(`hanjari.news.extract`) and saved as a press draft through
`services.article_import`, one transaction per file. With ``--publish`` it is also
approved and published with the outlet's original time as its 기사승인 time.

``--dry-run --format json`` prints, for each file in input order, the extracted
fields under exactly the keys of ``data/news/expected.json`` (a JSON list) and writes
nothing — for checking the extractor and for pipelines.

A file imported before (same source hash, or same headline and outlet) is never
imported twice: with ``--skip-existing`` it is skipped quietly, otherwise it is
reported and the command exits non-zero.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from hanjari.news import permissions, press, services
from hanjari.news.models import Section


class Command(BaseCommand):
    help = (
        "Import press articles from page text (.txt) or HTML (.html) files as drafts "
        "(or, with --publish, published with their original time). --dry-run --format "
        "json prints the extracted fields with the keys of data/news/expected.json."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="extract only, write nothing")
        parser.add_argument("--format", choices=["text", "json"], default="text")
        parser.add_argument(
            "--publish",
            action="store_true",
            help="approve and publish, with the original time as the approval time",
        )
        parser.add_argument(
            "--section", default="press", help="section slug (default: press, 언론 보도)"
        )
        parser.add_argument(
            "--skip-existing",
            action="store_true",
            help="skip a file already imported (same text, or same headline and outlet)",
        )
        parser.add_argument("--url", default="", help="original URL (only with one file)")
        parser.add_argument("--user", default=None, help="editor to record as the importer")

    def handle(self, *args: Any, **opts: Any) -> None:
        files: list[Path] = opts["files"]
        if opts["url"] and len(files) > 1:
            raise CommandError("--url needs exactly one file")
        pages = []
        for path in files:
            if not path.is_file():
                raise CommandError(f"{path}: no such file")
            try:
                page = press.read_page_file(path)
            except ValidationError as exc:
                raise CommandError(f"{path}: {' '.join(exc.messages)}") from exc
            try:
                found = press.extract_page(page, file_name=path.name, url=opts["url"])
            except Exception as exc:  # report the file, not a traceback
                raise CommandError(f"{path}: extraction failed: {exc}") from exc
            pages.append((path, page, found))

        if opts["dry_run"]:
            self._print(pages, opts["format"])
            return

        section = None
        if opts["section"]:
            section = Section.objects.filter(slug=opts["section"]).first()
            if section is None:
                raise CommandError(f"no section with slug {opts['section']!r}")
        user = self._user(opts["user"])
        duplicates = 0
        for path, page, found in pages:
            fields = press.press_fields(found, url=opts["url"])
            suggested = press.suggest_organizations(
                fields.data["headline"], fields.data["subtitle"], " ".join(found.body_paragraphs)
            )
            try:
                article = services.article_import(
                    by=user,
                    data=services.article_data({**fields.data, "section": section}),
                    photo_captions=fields.photo_captions,
                    source_hash=services.source_hash(page),
                    organizations=suggested,
                    publish=opts["publish"],
                )
            except services.DuplicateImport as exc:
                if opts["skip_existing"]:
                    self.stdout.write(
                        f"{path.name}: already imported (#{exc.article.pk}), skipped."
                    )
                else:
                    duplicates += 1
                    self.stderr.write(
                        f"{path.name}: already imported as #{exc.article.pk}; "
                        "use --skip-existing to skip it quietly."
                    )
                continue
            except (ValidationError, PermissionDenied) as exc:
                messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
                raise CommandError(f"{path}: {' '.join(messages)}") from exc
            self.stdout.write(
                f"{path.name}: #{article.pk} {article.get_status_display()} — {article.headline}"
            )
        if duplicates:
            raise CommandError(f"{duplicates} file(s) already imported; nothing done for them")

    def _user(self, username: str | None) -> Any:
        if not username:
            return None
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}")
        if not permissions.is_editor(user):
            raise CommandError(f"{username!r} is not an editor (편집자 group or centre staff)")
        return user

    def _print(self, pages: list[tuple[Path, str, Any]], fmt: str) -> None:
        rows = [found.as_expected_dict(path.name) for path, _page, found in pages]
        if fmt == "json":
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=1))
            return
        for row in rows:
            self.stdout.write(f"== {row['file']}")
            for key, value in row.items():
                if key != "file":
                    shown = value if value is not None else "-"
                    self.stdout.write(f"  {key}: {shown}")
