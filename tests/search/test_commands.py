"""`manage.py search "QUERY" --format json` prints ranked results for scripts."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command


def run(*args: str) -> str:
    out = StringIO()
    call_command("search", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_json_output(corpus):
    data = json.loads(run("전주한옥마을협동조합", "--format", "json"))
    assert data["query"] == "전주한옥마을협동조합"
    assert data["mode"] == "all"
    assert data["counts"] == {"organization": 1, "article": 1}
    first = data["results"][0]
    assert set(first) == {"kind", "id", "title", "url", "score"}
    assert first["kind"] == "organization"
    assert first["id"] == corpus["hanok"].pk
    assert first["url"] == f"/organizations/{corpus['hanok'].pk}/"
    assert isinstance(first["score"], float)
    assert [r["kind"] for r in data["results"]] == ["organization", "article"]


def test_kind_limit_and_region(corpus):
    data = json.loads(run("협동조합", "--kind", "organization", "--limit", "2", "--format", "json"))
    assert len(data["results"]) == 2
    assert {r["kind"] for r in data["results"]} == {"organization"}
    data = json.loads(run("협동조합", "--sido", "광주", "--format", "json"))
    assert [r["title"] for r in data["results"]] == ["더불어락두부마을협동조합"]


def test_text_output_and_typo(corpus):
    text = run("더불어락두부마을협동조함")
    assert "did you mean: 더불어락두부마을협동조합 (corrected)" in text
    assert "1. [organization" in text
    assert "no results" in run('"NEAR( * OR')


@pytest.mark.parametrize(
    "args",
    [("x", "--kind", "nope"), ("x", "--limit", "0"), ("x", "--sido", "아틀란티스")],
)
def test_bad_arguments(db, args):
    with pytest.raises(CommandError):
        run(*args)
