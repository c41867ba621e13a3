"""Typos: the vocabulary of indexed words, jamo edit distance, "did you mean" on words
(hanjari.search.vocabulary, selectors.corrected_text) — on small corpora and on the
real shipped data (data/official)."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from hanjari.registry.models import DesignationKind, Organization
from hanjari.search import analysis, selectors, vocabulary
from hanjari.search.models import SearchTerm
from tests.conftest import SELF_SUFFICIENCY_CSV, VILLAGE_XLSX
from tests.search.conftest import make_org


def test_jamo_decomposes_syllables():
    assert vocabulary.jamo("기업") == "\u1100\u1175\u110b\u1165\u11b8"
    assert vocabulary.jamo("가a1") == "\u1100\u1161a1"
    # One wrong vowel or final consonant is one edit, not a whole syllable.
    from rapidfuzz.distance import Levenshtein

    assert Levenshtein.distance(vocabulary.jamo("마을기엽"), vocabulary.jamo("마을기업")) == 1
    assert Levenshtein.distance(vocabulary.jamo("협동조함"), vocabulary.jamo("협동조합")) == 1


def test_max_distance_grows_with_the_word():
    assert vocabulary.max_distance("가") == 0
    assert vocabulary.max_distance("두부") == 1
    assert vocabulary.max_distance("gs25") == 1
    assert vocabulary.max_distance("협동조합") == 2


def test_indexing_adds_terms_and_title_words_to_the_vocabulary(db):
    make_org("나무시어터 사회적협동조합", DesignationKind.SOCIAL_COOPERATIVE)
    selectors.search("아무거나")  # flushes the pending index work
    terms = set(SearchTerm.objects.values_list("term", flat=True))
    assert {"나무시어터", "사회적협동조합"} <= terms
    assert vocabulary.is_known("나무시어터")
    assert not vocabulary.is_known("나무시아터")
    assert ("나무시어터", 1) in vocabulary.close("나무시아터")


def test_close_words_include_one_wrong_syllable(db):
    make_org("푸른들판협동조합")
    selectors.search("아무거나")
    words = dict(vocabulary.close("푸른들판협동조기"))
    assert "푸른들판협동조합" in words  # 기 for 합: three jamo, one syllable


def test_a_typo_of_an_indexed_word_is_corrected(corpus):
    page, results = selectors.ranked("마을기엽")
    assert page.mode == "corrected"
    assert page.suggestion == "마을기업"
    assert {r.title for r in results} >= {"전주한옥마을협동조합, 마을기업 우수사례로 뽑혀"}


def test_a_word_the_index_knows_is_never_corrected(corpus):
    assert selectors.corrected_text("두부 마을기업") == ""


def test_known_words_written_together_find_either_part(corpus):
    page, results = selectors.ranked("두부청소")
    assert page.mode == "any"
    assert page.suggestion == ""
    titles = {r.title for r in results}
    assert titles == {"새벽빵공방", "더불어락두부마을협동조합", "㈜코이로"}


def test_a_word_nothing_holds_finds_nothing(corpus):
    _page, results = selectors.ranked("하늘빛협동조합")
    assert results == []


def test_the_search_page_shows_did_you_mean(client, corpus):
    html = client.get("/search/", {"q": "마을기엽"}).content.decode()
    link = '<a href="?q=%EB%A7%88%EC%9D%84%EA%B8%B0%EC%97%85">‘마을기업’(으)로 검색</a>'
    assert f"‘마을기엽’에 맞는 결과가 없어 ‘마을기업’의 검색 결과를 보여 드립니다. {link}" in html
    # One notice, not a second "did you mean" line saying the same.
    assert html.count("hj-search-suggestion") == 1
    assert "이것을 찾으셨나요" not in html
    assert "{#" not in html and "#}" not in html  # a two-line {# #} comment was printed


TOFU = next(
    c["expect_set"]
    for c in json.loads(Path(__file__).with_name("cases.json").read_text("utf-8"))["cases"]
    if c["query"] == "두부"
)


@pytest.mark.django_db
def test_typos_on_the_shipped_data(client):
    call_command("registry_import", str(VILLAGE_XLSX), str(SELF_SUFFICIENCY_CSV), stdout=StringIO())
    village = set(
        Organization.objects.filter(
            designations__kind=DesignationKind.VILLAGE_ENTERPRISE
        ).values_list("name", flat=True)
    )

    page, results = selectors.ranked("마을기엽", limit=20)
    assert (page.mode, page.suggestion) == ("corrected", "마을기업")
    assert len(results) == 20 and all(r.title in village for r in results)
    html = client.get("/search/", {"q": "마을기엽"}).content.decode()
    assert "‘마을기업’의 검색 결과를 보여 드립니다." in html and "’(으)로 검색</a>" in html

    page, results = selectors.ranked("협동조함")
    assert (page.mode, page.suggestion) == ("corrected", "협동조합")
    assert len(results) == 10 and all("협동조합" in r.title for r in results)

    page, results = selectors.ranked("영농조합범인")
    assert (page.mode, page.suggestion) == ("corrected", "영농조합법인")
    assert all("영농조합법인" in r.title for r in results)

    # The word with the typo still matches loosely (사회 and 협동): results stay, and
    # the correction is offered.
    page, results = selectors.ranked("사회적협동조헙")
    assert (page.mode, page.suggestion) == ("all", "사회적협동조합")
    html = client.get("/search/", {"q": "사회적협동조헙"}).content.decode()
    assert ">사회적협동조합</a>" in html and "이것을 찾으셨나요:" in html

    page, results = selectors.ranked("사회적협동조압")
    assert (page.mode, page.suggestion) == ("corrected", "사회적협동조합")
    # (사협) is the abbreviation of 사회적협동조합 (hanjari.core.names.LEGAL_FORMS).
    assert [r.title for r in results if "사회적협동조합" not in analysis.normalize(r.title)] == []

    # 두부 and 요리 are both indexed, never together: tofu makers, no false correction.
    page, results = selectors.ranked("두부요리")
    assert page.mode == "any" and page.suggestion == ""
    assert len(results) == 10 and all(f"organization:{r.title}" in TOFU for r in results)
