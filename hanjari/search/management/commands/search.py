"""``manage.py search "QUERY" [--kind K] [--sido S] [--limit N] [--format json|text]``:
print the ranked results (kind, id, title, URL, score) so search can be checked from
scripts."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from hanjari.core import regions
from hanjari.search import registry, selectors


class Command(BaseCommand):
    help = "Search like the search page and print the ranked results."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("query", help="the text to search for")
        parser.add_argument("--kind", default="", help="only this kind (e.g. organization)")
        parser.add_argument("--sido", default="", help="only this 시도 (any spelling)")
        parser.add_argument("--limit", type=int, default=10, help="results (default 10)")
        parser.add_argument("--format", choices=("json", "text"), default="text")

    def handle(self, *args: Any, **opts: Any) -> None:
        known = [t.kind for t in registry.kinds()]
        if opts["kind"] and opts["kind"] not in known:
            raise CommandError(f"unknown kind {opts['kind']!r}; known: {', '.join(known)}")
        if not 1 <= opts["limit"] <= 1000:
            raise CommandError("--limit must be between 1 and 1000")
        sido = ""
        if opts["sido"]:
            found = regions.resolve_sido(opts["sido"])
            if found is None:
                raise CommandError(f"unknown 시도 {opts['sido']!r}")
            sido = found.name
        page, results = selectors.ranked(
            opts["query"], kind=opts["kind"], sido=sido, limit=opts["limit"]
        )
        rows = [
            {
                "kind": r.kind,
                "id": r.object_id,
                "title": r.title,
                "url": r.url,
                "score": round(r.score, 6),
            }
            for r in results
        ]
        if opts["format"] == "json":
            data = {
                "query": page.text,
                "mode": page.mode,
                "suggestion": page.suggestion,
                "counts": page.counts,
                "results": rows,
            }
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        if page.suggestion:
            self.stdout.write(f"did you mean: {page.suggestion} ({page.mode})")
        for rank, row in enumerate(rows, 1):
            self.stdout.write(
                f"{rank:>3}. [{row['kind']} {row['id']}] {row['title']}  {row['url']}"
                f"  ({row['score']:.3f})"
            )
        if not rows:
            self.stdout.write("no results")
