"""`manage.py news_import`: dry-run JSON, press drafts, --publish with the original time,
--skip-existing."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from hanjari.core.models import AuditEntry
from hanjari.news.models import Article
from tests.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

KST = ZoneInfo("Asia/Seoul")
NEWS = Path(__file__).resolve().parents[2] / "data" / "news"
REFERENCE = NEWS / "jeonju_workshop_2023-12-11.txt"
EXPECTED = json.loads((NEWS / "expected.json").read_text(encoding="utf-8"))
PAGES = [NEWS / row["file"] for row in EXPECTED]


def run(*args: str) -> str:
    out = StringIO()
    call_command("news_import", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_dry_run_json_has_exactly_the_expected_keys_and_writes_nothing():
    assert len(PAGES) >= 6 and all(p.is_file() for p in PAGES)
    order = list(reversed(PAGES))  # input order, not alphabetical
    rows = json.loads(run("--dry-run", "--format", "json", *map(str, order)))
    assert [row["file"] for row in rows] == [p.name for p in order]
    for row in rows:
        expected = next(e for e in EXPECTED if e["file"] == row["file"])
        assert list(row) == list(expected), row["file"]
    assert not Article.objects.exists()
    assert not AuditEntry.objects.exists()


def test_dry_run_reference_values():
    (row,) = json.loads(run("--dry-run", "--format", "json", str(REFERENCE)))
    expected = next(e for e in EXPECTED if e["file"] == REFERENCE.name)
    for key in ("headline", "reporter", "published_at", "site_name", "copyright_line"):
        assert row[key] == expected[key], key


def test_dry_run_text_format():
    out = run("--dry-run", str(REFERENCE))
    assert f"== {REFERENCE.name}" in out and "reporter: 최선경" in out
    assert not Article.objects.exists()


def test_import_saves_a_press_draft(press_section):
    centre = OrganizationFactory(name="전주시사회적경제지원센터")
    out = run(str(REFERENCE))
    article = Article.objects.get()
    assert f"#{article.pk}" in out
    assert article.status == Article.Status.DRAFT
    assert article.section == press_section
    assert (article.byline_name, article.outlet) == ("최선경", "뉴스스텝")
    assert article.original_published_at == dt.datetime(2023, 12, 11, 17, 40, 25, tzinfo=KST)
    assert article.created_by is None
    assert list(article.organizations.all()) == [centre]
    assert article.photos.count() == 1
    assert AuditEntry.objects.filter(action="news.article.imported", user=None).exists()


def test_publish_uses_the_original_time_as_approval_time(client, press_section):
    run("--publish", str(REFERENCE))
    article = Article.objects.get()
    original = dt.datetime(2023, 12, 11, 17, 40, 25, tzinfo=KST)
    assert article.status == Article.Status.PUBLISHED
    assert article.approved_at == original and article.published_at == original
    assert Article.objects.published().filter(pk=article.pk).exists()
    actions = list(
        AuditEntry.objects.filter(target_id=str(article.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "news.article.imported",
        "news.article.submitted",
        "news.article.approved",
        "news.article.published",
    ]
    page = client.get(reverse("news:article", args=[article.pk])).content.decode()
    assert "최선경 기자 / 기사승인 : " in page
    assert "2023-12-11 17:40:25" in page


def test_skip_existing_is_idempotent(press_section):
    run("--publish", "--skip-existing", str(REFERENCE))
    first = Article.objects.get()
    out = run("--publish", "--skip-existing", str(REFERENCE))
    assert "skipped" in out
    assert Article.objects.get() == first
    assert AuditEntry.objects.filter(action="news.article.imported").count() == 1


def test_rerun_without_skip_existing_creates_no_duplicate(press_section, tmp_path):
    run(str(REFERENCE))
    with pytest.raises(CommandError, match="already imported"):
        run(str(REFERENCE))
    # the same article saved with other whitespace is found by headline + outlet
    copy = tmp_path / "copy.txt"
    copy.write_text(REFERENCE.read_text(encoding="utf-8") + "\n\n\n", encoding="utf-8")
    out = run("--skip-existing", str(copy))
    assert "skipped" in out
    assert Article.objects.count() == 1


def test_import_all_pages_then_again(press_section):
    run("--skip-existing", *map(str, PAGES))
    count = Article.objects.count()
    assert count == len(PAGES)
    run("--skip-existing", *map(str, PAGES))
    assert Article.objects.count() == count


def test_user_must_be_an_editor(press_section, editor, plain_user):
    with pytest.raises(CommandError, match="not an editor"):
        run("--user", plain_user.username, str(REFERENCE))
    run("--user", editor.username, "--publish", str(REFERENCE))
    article = Article.objects.get()
    assert article.created_by == editor and article.approved_by == editor


def test_errors_are_command_errors(tmp_path, press_section):
    with pytest.raises(CommandError, match="no such file"):
        run(str(tmp_path / "missing.txt"))
    binary = tmp_path / "x.txt"
    binary.write_bytes(b"\x00\x01")
    with pytest.raises(CommandError):
        run(str(binary))
    with pytest.raises(CommandError, match="no section"):
        run("--section", "nope", str(REFERENCE))
    assert not Article.objects.exists()


def test_cp949_file(tmp_path, press_section):
    page = REFERENCE.read_text(encoding="utf-8").replace("•", "·").replace("․", "·")
    path = tmp_path / "page.txt"
    path.write_bytes(page.encode("cp949"))
    run(str(path))
    assert Article.objects.get().byline_name == "최선경"
