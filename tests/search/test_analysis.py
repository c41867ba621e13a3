"""The analyser (Kiwi morphemes, compound parts, legal forms) and the query it builds."""

from __future__ import annotations

import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hanjari.search import analysis, query
from hanjari.search.query import Grams, Tok


def forms(text: str) -> list[str]:
    return [t.form for t in analysis.analyse(text)]


def terms(text: str) -> set[str]:
    return set(analysis.index_terms(analysis.analyse(text)))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("㈜코이로", "주식회사 코이로"),
        ("(주)코이로", "주식회사 코이로"),
        ("( 주 )코이로", "주식회사 코이로"),
        ("주) 케이앤에스건설", "주식회사 케이앤에스건설"),
        ("(사협)두레", "사회적협동조합 두레"),
        ("(유)희망하우징", "유한회사 희망하우징"),
        ("㈔순흥초군", "사단법인 순흥초군"),
        ("배송ㆍ운전", "배송 운전"),
        ("a\x00b\tc", "a b c"),
        ("ＧＳ２５", "GS25"),  # NFKC: full-width letters and digits
    ],
)
def test_normalize_spells_out_legal_forms_and_cleans(text, expected):
    assert analysis.normalize(text).split() == expected.split()


def test_particles_and_endings_are_dropped():
    assert forms("협동조합의") == ["협동조합"]
    assert forms("협동조합에서") == ["협동조합"]
    assert forms("두부를 만든다") == ["두부", "만들"]
    assert [t.stem for t in analysis.analyse("두부를 만든다")] == [False, True]


def test_spacing_gives_the_same_forms():
    assert forms("사회적 협동조합") == forms("사회적협동조합") == ["사회", "협동조합"]


def test_compound_names_are_split_into_parts():
    parts = set(analysis.compound_parts("더불어락두부마을협동조합"))
    assert {"두부", "마을", "협동조합"} <= parts
    assert {"두부", "마을", "협동조합", "더불어락두부마을협동조합"} <= terms(
        "더불어락두부마을협동조합"
    )
    assert set(analysis.compound_parts("마을기업")) >= {"마을", "기업"}
    assert analysis.compound_parts("두부") == ()  # too short to split


def test_adjacent_morphemes_are_also_joined():
    assert "gs25" in terms("GS25 편의점")
    assert {"꽃차", "생강나무꽃차"} <= terms("생강나무꽃차")


def test_foreign_words_numbers_and_hanja_are_kept_lower_case():
    assert forms("GS25 Clean Fit 2023년") == ["gs", "25", "clean", "fit", "2023"]


def test_bigrams():
    assert analysis.bigrams("두부마을") == ["두부", "부마", "마을"]
    assert analysis.bigrams("GS25 두부") == ["두부"]
    assert analysis.bigrams("콩") == []


def test_kiwi_is_loaded_once_across_threads():
    seen: list[object] = []
    threads = [threading.Thread(target=lambda: seen.append(analysis.get_kiwi())) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(k) for k in seen}) == 1


def test_many_texts_at_once_match_one_by_one():
    texts = ["협동조합에서 두부를", "", "GS25 전주중앙점", "!!!"]
    assert [[t.form for t in ts] for ts in analysis.analyse_many(texts)] == [
        [t.form for t in analysis.analyse(x)] for x in texts
    ]


# --- queries ------------------------------------------------------------------------------


def test_query_words_match_through_morphemes_parts_or_bigrams():
    q = query.parse("두부마을")
    assert q.expr is not None
    assert {"두부마을", "두부", "마을"} <= query.forms(q.expr)
    assert "두부마을" in q.highlight


def test_query_spacing_and_particles_do_not_matter():
    spaced, glued = query.parse("사회적 협동조합"), query.parse("사회적협동조합")
    assert (
        query.forms(spaced.expr) == query.forms(glued.expr) == {"사회", "협동조합", "협동", "조합"}
    )
    with_particle = query.forms(query.parse("협동조합에서").expr)
    assert with_particle == query.forms(query.parse("협동조합").expr)
    assert "협동조합" in with_particle
    assert not any("에서" in f for f in with_particle)


def test_company_markers_are_optional_in_queries():
    for text in ("(주)코이로", "㈜코이로", "주식회사 코이로", "코이로 주식회사"):
        found = query.forms(query.parse(text).expr)
        assert "코이로" in found and "주식회사" not in found, text
    # …unless nothing else is left
    assert "주식회사" in query.forms(query.parse("주식회사").expr)


def test_verb_stems_are_left_out_when_there_are_nouns():
    assert query.forms(query.parse("맛있는 두부").expr) == {"두부"}
    assert query.forms(query.parse("두부를 만든다").expr) == {"두부"}
    assert query.forms(query.parse("맛있다").expr) == {"맛있"}


def test_prefix_only_for_the_last_word_of_typeahead():
    q = query.parse("전주 두부", prefix_last=True)
    toks = _toks(q.expr)
    assert any(t.prefix and t.form == "두부" for t in toks)
    assert not any(t.prefix and t.form == "전주" for t in toks)
    assert not any(t.prefix for t in _toks(query.parse("전주 두부").expr))


def _toks(expr):
    if isinstance(expr, Tok):
        return [expr]
    if isinstance(expr, Grams) or expr is None:
        return []
    return [t for item in expr.items for t in _toks(item)]


ABSURD = [
    "",
    "   ",
    '"',
    "*",
    "NEAR(",
    'NEAR("a" "b", 3)',
    "OR AND NOT -",
    "a OR b",
    "-두부",
    "두부*",
    "'; DROP TABLE search_searchdocument; --",
    "\x00",
    "두\x00부",
    "!@#$%^&*()_+{}|:<>?",
    "가" * 10_000,
    "ㄱㄴㄷ",
    "{terms_a} : 두부",
    "'a':* & !b | c",
    "\u202e\u200b\ufeff",
    "🙂🙂",
]


@pytest.mark.parametrize("text", ABSURD)
def test_absurd_queries_give_only_letters_and_digits(text):
    q = query.parse(text)
    assert len(q.text) <= analysis.MAX_QUERY_CHARS
    for tok in _toks(q.expr) + _toks(q.any_expr):
        assert tok.form and all(ch.isalnum() for ch in tok.form), tok


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=60))
def test_any_text_parses_to_safe_tokens(text):
    q = query.parse(text)
    for tok in _toks(q.expr):
        assert tok.form.isalnum()
