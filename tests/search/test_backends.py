"""The search interface on the current backend (SQLite FTS5 by default, PostgreSQL when
DATABASE_URL says so; CI runs both): matching, ranking, visibility, and absurd
queries that must get a normal answer."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from hanjari.news.models import Article
from hanjari.search import ranking, selectors
from hanjari.search.backends import PostgresBackend, SQLiteBackend, get_backend
from hanjari.search.query import And, Grams, Or, Tok, parse
from tests.search.conftest import make_article, make_org
from tests.search.test_analysis import ABSURD


def titles(text: str, **kw) -> list[str]:
    _page, results = selectors.ranked(text, **kw)
    return [r.title for r in results]


def test_backend_follows_the_database():
    expected = PostgresBackend if connection.vendor == "postgresql" else SQLiteBackend
    assert isinstance(get_backend(), expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # particles and endings
        (
            "협동조합의",
            {"더불어락두부마을협동조합", "전주한옥마을협동조합", "행복나눔사회적협동조합"},
        ),
        ("전주한옥마을협동조합에서", {"전주한옥마을협동조합"}),
        # parts of compound names, and the same word in a description
        ("두부", {"더불어락두부마을협동조합", "새벽빵공방"}),
        # spacing
        ("사회적 협동조합", {"행복나눔사회적협동조합"}),
        ("사회적협동조합", {"행복나눔사회적협동조합"}),
        # legal-form markers
        ("(주)코이로", {"㈜코이로"}),
        ("주식회사 코이로", {"㈜코이로"}),
        ("코이로", {"㈜코이로"}),
        # region aliases + kind, English
        ("광주 마을기업", {"더불어락두부마을협동조합"}),
        ("서울 자활기업", {"㈜코이로"}),
        ("gs25", {"GS25 전주중앙점"}),
        ("village enterprise Gwangju", {"더불어락두부마을협동조합"}),
    ],
)
def test_matches(corpus, text, expected):
    found = set(titles(text, kind="organization"))
    assert found == expected, (text, found)


def test_compound_inside_a_name_comes_first(corpus):
    # 새벽빵공방 matches too (두부 in its description, 마을 in its kind 마을기업), lower.
    assert titles("두부마을", kind="organization")[0] == "더불어락두부마을협동조합"


def test_same_sets_whatever_the_spacing(corpus):
    assert set(titles("사회적 협동조합")) == set(titles("사회적협동조합"))
    assert set(titles("전주 한옥마을")) == set(titles("전주한옥마을"))


def test_name_ranks_above_description_and_ties_go_to_the_newer(corpus):
    assert titles("두부", kind="organization") == ["더불어락두부마을협동조합", "새벽빵공방"]
    old = make_org("두레방앗간")
    new = make_org("두레방앗간")
    # Same text, same score: the newer document first.
    from hanjari.search.models import SearchDocument

    selectors.ranked("두레방앗간")  # indexes pending changes
    SearchDocument.objects.filter(kind="organization", object_id=old.pk).update(
        date=timezone.now() - dt.timedelta(days=30)
    )
    _page, results = selectors.ranked("두레방앗간")
    assert [r.object_id for r in results] == [new.pk, old.pk]


def test_headline_ranks_above_body(db):
    make_article("마을 소식", "이번 행사에서 두레박 공연이 열렸다.")
    make_article("두레박 공연 성황", "마을 행사 소식.")
    assert titles("두레박") == ["두레박 공연 성황", "마을 소식"]


def test_results_across_kinds_with_counts(corpus):
    page = selectors.search("전주한옥마을협동조합")
    assert page.counts == {"organization": 1, "article": 1}
    assert [g.kind for g in page.groups] == ["organization", "article"]
    page = selectors.search("마을기업", kind="article")
    assert [r.title for r in page.results] == ["전주한옥마을협동조합, 마을기업 우수사례로 뽑혀"]


def test_region_filter(corpus):
    page = selectors.search("협동조합", sido="광주광역시")
    assert page.counts == {"organization": 1}


def test_pagination_per_kind(db):
    for n in range(25):
        make_org(f"페이지마을{n:02d}")
    first = selectors.search("페이지마을", kind="organization", per_page=10)
    third = selectors.search("페이지마을", kind="organization", page=3, per_page=10)
    beyond = selectors.search("페이지마을", kind="organization", page=9, per_page=10)
    assert (first.count, first.num_pages, len(first.results)) == (25, 3, 10)
    assert len(third.results) == 5
    assert beyond.results == []
    seen = {
        r.object_id
        for p in (1, 2, 3)
        for r in selectors.search("페이지마을", kind="organization", page=p, per_page=10).results
    }
    assert len(seen) == 25


def test_only_published_articles_and_scheduled_ones_when_their_time_comes(db):
    make_article("임시저장 두레박", status=Article.Status.DRAFT)
    later = timezone.now() + dt.timedelta(days=1)
    make_article("예약된 두레박 기사", published_at=later)
    make_article("실린 두레박 기사")
    assert titles("두레박") == ["실린 두레박 기사"]
    # The first search after the publication time shows it (no save needed).
    with time_machine.travel(later + dt.timedelta(minutes=1)):
        assert set(titles("두레박")) == {"실린 두레박 기사", "예약된 두레박 기사"}


def test_did_you_mean_corrects_a_typo(corpus):
    page, results = selectors.ranked("더불어락두부마을협동조함")
    assert page.mode == "corrected"
    assert page.suggestion == "더불어락두부마을협동조합"
    assert results[0].title == "더불어락두부마을협동조합"


def test_any_word_fallback(corpus):
    page, results = selectors.ranked("청소 우주선")
    assert page.mode == "any"
    assert [r.title for r in results] == ["㈜코이로"]


def test_highlight_is_escaped(db):
    make_org("<b>두레</b>마을", description='두레 <script>alert("x")</script>')
    page = selectors.search("두레")
    result = page.groups[0].results[0]
    assert "<script>" not in result.snippet_html and "&lt;script&gt;" in result.snippet_html
    assert "<mark>두레</mark>" in result.title_html and "&lt;b&gt;" in result.title_html


def test_suggest_uses_titles_and_the_last_word_as_a_prefix(corpus):
    assert {s.title for s in selectors.suggest("전주한옥")} == {
        "전주한옥마을협동조합",
        "전주한옥마을협동조합, 마을기업 우수사례로 뽑혀",
    }
    assert [s.title for s in selectors.suggest("gs2")] == ["GS25 전주중앙점"]
    assert selectors.suggest("") == []


def test_rendered_queries_quote_every_token():
    expr = And((Or((Tok("두부"), Tok("gs25", prefix=True))), Grams(("두부", "부마"))))
    assert SQLiteBackend().render(expr) == (
        '(({terms_a terms_b terms_c} : "두부" OR {terms_a terms_b terms_c} : "gs25"*)'
        ' AND {grams} : ("두부" AND "부마"))'
    )
    assert PostgresBackend().render(expr) == "(('두부':ABC | 'gs25':*ABC) & ('두부':D & '부마':D))"


@pytest.mark.parametrize("text", ABSURD)
def test_absurd_queries_get_a_normal_answer(corpus, text):
    page = selectors.search(text)
    assert page.total >= 0
    selectors.search(text, kind="organization", page=2)
    selectors.ranked(text, limit=5)
    selectors.suggest(text)
    found = selectors.object_ids_sql(text, kind="organization")
    if found is not None:
        with connection.cursor() as cursor:
            cursor.execute(*found)
            cursor.fetchall()


def test_parsed_absurd_queries_run_on_the_engine(corpus):
    backend = get_backend()
    for text in ABSURD:
        q = parse(text, prefix_last=True)
        for expr in (q.expr, q.any_expr):
            if expr is None:
                continue
            for kind in ("organization", "article"):
                total = backend.count(expr, kind=kind, sido="서울특별시")
                backend.top(expr, kind=kind, total=total, limit=5)
                backend.recent(expr, kind, "", True, limit=5, offset=0)
                ranking.score(backend, [1, 2, 3], expr)


def test_common_words_rank_within_a_bounded_window(corpus, monkeypatch):
    """Queries the engine cannot rank cheaply are ranked by `ranking` over the most
    recent matches, with the same column weights (name before description)."""
    from hanjari.search import backends

    monkeypatch.setattr(backends, "RANK_WINDOW", 2)
    monkeypatch.setattr(backends.Backend, "engine_can_rank", lambda *a, **k: False)
    monkeypatch.setattr(backends.SQLiteBackend, "engine_can_rank", lambda *a, **k: False)
    make_org("두부공방")
    make_org("두부마당")
    found = titles("두부", kind="organization")
    # The two newest matches are ranked (both hold 두부 in their name) …
    assert set(found[:2]) == {"두부공방", "두부마당"}
    # … and the older ones follow, newest first.
    assert found[2:] == ["새벽빵공방", "더불어락두부마을협동조합"]
    page = selectors.search("두부", kind="organization", page=2, per_page=2)
    assert [r.title for r in page.results] == ["새벽빵공방", "더불어락두부마을협동조합"]
