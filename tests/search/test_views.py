"""The search page, its htmx partial, the typeahead, and the header box."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.search.conftest import make_org

URL = "/search/"


def main(html: str) -> str:
    return html[html.index('<main id="main-content"') : html.index("</main>")]


def test_search_page_groups_results_by_kind_with_counts(client, corpus):
    response = client.get(URL, {"q": "전주한옥마을협동조합"})
    assert response.status_code == 200
    html = main(response.content.decode())
    assert "‘전주한옥마을협동조합’ 검색 결과 2건" in html
    assert re.search(r'<h2 id="search-group-organization"[^>]*>조직 <span[^>]*>1건</span>', html)
    assert re.search(r'<h2 id="search-group-article"[^>]*>소식 <span[^>]*>1건</span>', html)
    assert f'href="/organizations/{corpus["hanok"].pk}/"><mark>전주한옥마을협동조합</mark>' in html
    assert 'aria-current="page">전체 <span class="hj-search-tab-count">2</span>' in html
    assert '<span class="krds-badge hj-badge sector-village">마을기업</span>' in html
    assert response["Vary"].count("HX-Request") == 1
    assert '<meta name="robots" content="noindex">' in response.content.decode()


def test_kind_filter_pagination_and_region(client, db):
    for n in range(23):
        make_org(f"쪽수마을{n:02d}", sido="전북특별자치도", sigungu="전주시")
    make_org("쪽수마을서울", sido="서울특별시", sigungu="강남구")
    html = main(client.get(URL, {"q": "쪽수마을", "kind": "organization"}).content.decode())
    assert html.count('class="hj-search-item"') == 20
    assert "‘쪽수마을’ 검색 결과 24건" in html
    q = "%EC%AA%BD%EC%88%98%EB%A7%88%EC%9D%84"
    assert f'class="page-navi next" href="?q={q}&amp;kind=organization&amp;page=2"' in html
    page2 = main(
        client.get(URL, {"q": "쪽수마을", "kind": "organization", "page": "2"}).content.decode()
    )
    assert page2.count('class="hj-search-item"') == 4
    seoul = main(client.get(URL, {"q": "쪽수마을", "sido": "서울"}).content.decode())
    assert "검색 결과 1건" in seoul and "쪽수마을</mark>서울" in seoul
    assert '<option value="서울특별시" selected>' in seoul


def test_htmx_gets_only_the_results(client, corpus):
    response = client.get(URL, {"q": "두부"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="search-results"')
    assert "<html" not in html and "<header" not in html
    assert '<span hx-swap-oob="innerHTML:#search-status">‘두부’ 검색 결과' in html


def test_typo_shows_the_corrected_results(client, corpus):
    html = main(client.get(URL, {"q": "더불어락두부마을협동조함"}).content.decode())
    assert (
        "‘더불어락두부마을협동조함’에 맞는 결과가 없어 ‘더불어락두부마을협동조합’의 검색 결과를"
        in html
    )
    assert "더불어락두부마을협동조합</mark>" in html


def test_empty_and_unknown_queries(client, corpus):
    html = main(client.get(URL).content.decode())
    assert "찾을 낱말을 넣어 주세요" in html
    html = main(client.get(URL, {"q": "없는낱말입니다"}).content.decode())
    assert "‘없는낱말입니다’에 맞는 결과가 없습니다" in html
    # An organisation nobody has listed yet can be proposed from here.
    assert '<a href="/claims/propose/">새 조직 등록을 신청하세요</a>' in html


def test_user_text_is_escaped(client, corpus):
    html = client.get(URL, {"q": '<script>alert("x")</script>'}).content.decode()
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;" in html


LONG = "가" * 10_000


@pytest.mark.parametrize(
    "query",
    [
        {"q": LONG},
        {"q": "\x00"},
        {"q": 'NEAR("a" "b") OR * -'},
        {"q": "두부", "page": "abc"},
        {"q": "두부", "page": "-1"},
        {"q": "두부", "page": "99999999999999999999"},
        {"q": "두부", "kind": "bogus"},
        {"q": "두부", "kind": "organization", "page": "999"},
        {"q": "두부", "sido": "\x00"},
        {"q": "두부", "sido": "아틀란티스"},
        {"q": ["두부", "콩"]},
    ],
)
def test_bad_input_never_500(client, corpus, query):
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        response = client.get(URL, query, **headers)
        assert response.status_code == 200
    assert "가" * 201 not in response.content.decode()


def test_suggest_partial(client, corpus):
    response = client.get(reverse("search:suggest"), {"q": "전주한옥"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert f'<a href="/organizations/{corpus["hanok"].pk}/">' in html
    assert "<mark>전주한옥</mark>" in html
    assert "‘전주한옥’ 모두 찾기" in html
    empty = client.get(reverse("search:suggest"), {"q": ""})
    assert empty.status_code == 200 and empty.content.decode().strip() == ""
    for q in ("\x00", LONG, '"*'):
        assert client.get(reverse("search:suggest"), {"q": q}).status_code == 200


def test_header_box_on_every_page_but_the_search_page(client, corpus):
    html = client.get(reverse("home")).content.decode()
    header = html[html.index("<header") : html.index("</header>")]
    assert 'role="search"' in header and 'aria-label="사이트 검색"' in header
    assert '<label for="hj-header-q" class="sr-only">검색어</label>' in header
    assert f'action="{reverse("search:search")}"' in header
    assert f'hx-get="{reverse("search:suggest")}"' in header
    page = client.get(URL, {"q": "두부"}).content.decode()
    assert 'id="hj-header-q"' not in page
    assert page.count('role="search"') == 1


def test_directory_text_box_uses_the_same_search(client, corpus):
    html = client.get("/organizations/", {"q": "협동조합에서"}).content.decode()
    names = re.findall(r'<th scope="row"><a href="/organizations/\d+/">([^<]*)</a>', html)
    assert set(names) == {
        "더불어락두부마을협동조합",
        "전주한옥마을협동조합",
        "행복나눔사회적협동조합",
    }
    html = client.get("/organizations/", {"q": "두부", "sort": "relevance"}).content.decode()
    names = re.findall(r'<th scope="row"><a href="/organizations/\d+/">([^<]*)</a>', html)
    assert names == ["더불어락두부마을협동조합", "새벽빵공방"]


def test_english_page_names_regions_in_english_and_counts_in_plural(client, db):
    make_org("영어지역마을", sido="전북특별자치도", sigungu="전주시")
    make_org("산골작업장", sido="전북특별자치도", sigungu="완주군")
    html = main(client.get(URL, {"q": "전북"}, HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert '<option value="전북특별자치도">Jeonbuk State</option>' in html
    assert "<span>Jeonju-si, Jeonbuk State</span>" in html
    assert "<span>Wanju-gun, Jeonbuk State</span>" in html
    assert re.search(r'<span class="hj-search-tab-count">2 items</span></h2>', html)
    one = main(client.get(URL, {"q": "영어지역마을"}, HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert re.search(r'<span class="hj-search-tab-count">1 item</span></h2>', one)
    korean = main(client.get(URL, {"q": "전북"}).content.decode())
    assert "<span>전북특별자치도 전주시</span>" in korean
    assert re.search(r'<span class="hj-search-tab-count">2건</span></h2>', korean)
    # English region names are searchable too.
    found = main(client.get(URL, {"q": "Wanju"}).content.decode())
    assert "‘Wanju’ 검색 결과 1건" in found and "산골작업장" in found
