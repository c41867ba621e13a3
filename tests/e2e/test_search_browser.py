"""Search in a real browser: the header box with its typeahead on the home page, the
results page (htmx filters, keyboard), axe-core on both, desktop and phone widths."""

from __future__ import annotations

import pytest

from hanjari.registry.models import DesignationKind
from tests.e2e.conftest import console_errors, format_violations
from tests.search.conftest import make_article, make_org

# The live server needs committed data (transaction=True); serialized_rollback puts back
# the migration data after the flush.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def search_data():
    make_org(
        "더불어락두부마을협동조합",
        sido="광주광역시",
        sigungu="광산구",
        industry="제조업",
        products="두부, 콩물",
    )
    make_org(
        "햇살두부촌",
        DesignationKind.SELF_SUFFICIENCY_LOCAL,
        sido="서울특별시",
        sigungu="중랑구",
        industry="제조업",
    )
    make_org("전주한옥마을협동조합", industry="서비스업", products="체험식당")
    for n in range(6):
        make_org(f"두부공방{n}", industry="제조업", products="손두부")
    make_article(
        "두부 마을기업, 한자리에 모였다",
        "전주시 사회적경제 한마음 워크숍에서 두부를 만드는 마을기업들이 성과를 나눴다.",
    )


def test_header_box_typeahead_and_results_page(search_data, page, axe_violations, screenshot_dir):
    page.goto("/")
    box = page.get_by_role("search", name="사이트 검색").get_by_label("검색어")
    box.fill("전주한옥")
    suggestion = page.locator("#hj-header-suggest a", has_text="전주한옥마을협동조합")
    suggestion.wait_for()
    # The form's live region tells a screen reader that suggestions came.
    items = page.locator("#hj-header-suggest li:not(.hj-suggest-all)").count()
    status = page.locator("form.hj-header-search [role=status]")
    assert status.inner_text() == f"추천 {items}건. 아래 화살표 키로 고를 수 있습니다."
    page.screenshot(path=str(screenshot_dir / "search-header-desktop.png"))
    assert not axe_violations(page), format_violations(axe_violations(page))
    # Keyboard: down into the list, Escape back to the box with the list closed.
    box.press("ArrowDown")
    assert page.evaluate("document.activeElement.closest('#hj-header-suggest') !== null")
    page.keyboard.press("Escape")
    assert page.evaluate("document.activeElement.id") == "hj-header-q"
    assert page.locator("#hj-header-suggest a").count() == 0
    assert status.inner_text() == ""

    box.fill("두부")
    box.press("Enter")
    page.wait_for_url("**/search/?q=*")
    assert page.title() == "‘두부’ 검색 결과 | 한자리"
    assert page.locator(".hj-count").inner_text() == "‘두부’ 검색 결과 9건"
    assert page.locator("#search-group-organization").inner_text() == "조직 8건"
    assert page.locator(".hj-search-group").first.locator(".hj-search-item").count() == 5
    assert page.locator(".hj-search-title mark").first.inner_text() == "두부"
    page.screenshot(path=str(screenshot_dir / "search-page-desktop.png"), full_page=True)
    violations = axe_violations(page)
    assert not violations, format_violations(violations)

    # The kind filter updates the results in place (htmx) and the address bar.
    page.evaluate("window.__sameDocument = true")
    with page.expect_response(lambda r: "/search/?" in r.url and r.status == 200):
        page.select_option("#id_search_kind", "organization")
    page.wait_for_function("() => !document.querySelector('#search-form.htmx-request')")
    assert page.evaluate("window.__sameDocument") is True
    assert "kind=organization" in page.url
    assert page.locator(".hj-search-item").count() == 8
    assert page.locator("#search-status").inner_text() == "‘두부’ 검색 결과 8건"
    assert not console_errors(page), console_errors(page)


def test_phone_layout(search_data, page, axe_violations, screenshot_dir):
    page.set_viewport_size(PHONE)
    page.goto("/news/")
    box = page.locator("#hj-header-q")
    assert box.is_visible()
    box_rect = box.bounding_box()
    assert box_rect and box_rect["x"] >= 0 and box_rect["x"] + box_rect["width"] <= PHONE["width"]
    box.fill("두부")
    page.locator("#hj-header-suggest a").first.wait_for()
    page.screenshot(path=str(screenshot_dir / "search-header-phone.png"))
    page.goto("/search/?q=두부마을")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(screenshot_dir / "search-page-phone.png"), full_page=True)
    violations = axe_violations(page)
    assert not violations, format_violations(violations)
    assert not console_errors(page), console_errors(page)


def test_typeahead_keeps_older_requests_without_aborting(search_data, page):
    """A word typed while the previous suggestion request is still out: the older
    request is neither aborted (htmx logs an abort as a console error) nor shown last.
    The first request is held in the browser until the second word has been typed."""
    held: list = []
    hold = {"on": True}

    def route(r):
        if hold["on"]:
            held.append(r)
        else:
            r.continue_()

    page.route("**/search/suggest/**", route)
    page.goto("/")
    box = page.locator("#hj-header-q")
    box.fill("전주")
    for _ in range(50):
        if held:
            break
        page.wait_for_timeout(100)
    assert len(held) == 1 and "q=%EC%A0%84%EC%A3%BC" in held[0].request.url
    box.fill("두부")
    page.wait_for_timeout(600)  # past the 250 ms typing delay: the second word is due
    # With hx-sync "replace" the second request went out here and the first was aborted.
    assert len(held) == 1, [r.request.url for r in held]
    hold["on"] = False
    held[0].continue_()
    page.locator("#hj-header-suggest a", has_text="두부공방").first.wait_for()
    page.wait_for_function(
        "() => !document.querySelector('#hj-header-q.htmx-request')"
        " && !document.querySelector('#hj-header-suggest a[href*=\"전주한옥\"]')"
    )
    assert not console_errors(page), console_errors(page)


def test_enter_closes_the_typeahead_for_good(search_data, page):
    """Enter in the results page's box shows results; no suggestion list opens over
    them afterwards (neither from the search event nor from the pending typing delay)."""
    page.goto("/search/?q=전주")
    box = page.locator("#id_search_q")
    box.fill("두부")
    box.press("Enter")
    page.wait_for_function(
        "() => document.querySelector('#search-status')?.innerText === '‘두부’ 검색 결과 9건'"
    )
    page.wait_for_timeout(600)  # past the typing delay
    assert page.locator("#hj-page-suggest a").count() == 0
    # The suggestion requests do not inherit the form's hx-push-url.
    assert "/search/?q=%EB%91%90%EB%B6%80" in page.url, page.url
    box.fill("전주한옥")
    page.locator("#hj-page-suggest a", has_text="전주한옥마을협동조합").wait_for()
    assert "/search/?q=%EB%91%90%EB%B6%80" in page.url, page.url
    assert not console_errors(page), console_errors(page)


def test_a_filter_change_closes_the_typeahead(search_data, page):
    """A list left open on the results page goes when a filter updates the results."""
    page.goto("/search/?q=두부")
    page.locator("#id_search_q").fill("전주한옥")
    page.locator("#hj-page-suggest a", has_text="전주한옥마을협동조합").wait_for()
    with page.expect_response(lambda r: "/search/?" in r.url and "kind=organization" in r.url):
        page.select_option("#id_search_kind", "organization")
    page.wait_for_function("() => !document.querySelector('#search-form.htmx-request')")
    assert page.locator("#hj-page-suggest a").count() == 0
    assert not console_errors(page), console_errors(page)
