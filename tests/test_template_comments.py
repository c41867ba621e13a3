"""Django's ``{# … #}`` comments end at the line's end: one spread over two lines is
printed to the page (a search page showed its own comment). Templates use
``{% comment %}`` for longer ones."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "hanjari"
UNCLOSED = re.compile(r"\{#(?:(?!#\}).)*$", re.MULTILINE)


def test_no_template_comment_spans_lines():
    found = [
        f"{path.relative_to(ROOT)}:{text[: m.start()].count(chr(10)) + 1}"
        for path in sorted(ROOT.rglob("*.html"))
        for text in [path.read_text(encoding="utf-8")]
        for m in UNCLOSED.finditer(text)
    ]
    assert not found, f"{{# … #}} comments over more than one line: {found}"
