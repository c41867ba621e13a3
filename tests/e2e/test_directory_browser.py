"""The directory in a real browser: the two shipped official files imported, filtered
to 전북특별자치도 전주시 with the form (htmx updates in place), a profile opened, and
both pages checked with axe-core and for console errors."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from playwright.sync_api import expect

from hanjari.registry.models import Designation, Organization
from hanjari.registry.services import registry_import
from tests.conftest import SELF_SUFFICIENCY_CSV, VILLAGE_XLSX
from tests.e2e.conftest import console_errors, format_violations

# The live server needs committed data (transaction=True); serialized_rollback puts back
# what migrations created (news sections, groups) for the tests that run after this one.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# In the 2025-12-31 lists: 7 village enterprises and 16 self-sufficiency enterprises in
# 전주시 (data/official/README.md); none holds both.
JEONJU_VILLAGE = 7
JEONJU_SELF_SUFFICIENCY = 16


@pytest.fixture
def official_data():
    for path in (VILLAGE_XLSX, SELF_SUFFICIENCY_CSV):
        report = registry_import(data=path.read_bytes(), file_name=path.name)
        assert report.ok, report.errors[:5]
    jeonju = Organization.objects.filter(sido="전북특별자치도", sigungu="전주시")
    assert jeonju.count() == JEONJU_VILLAGE + JEONJU_SELF_SUFFICIENCY
    return jeonju


def _choose(page, selector: str, value: str) -> None:
    """Pick an option like a user and wait until htmx has swapped the results."""
    with page.expect_response(lambda r: "/organizations/?" in r.url and r.status == 200):
        page.select_option(selector, value)
    page.wait_for_function(
        "() => !document.querySelector('#directory-filters.htmx-request')"
        " && !document.querySelector('#directory-results.htmx-swapping')"
    )


def test_directory_filter_profile_and_accessibility(
    official_data, page, axe_violations, screenshot_dir
):
    page.goto("/organizations/")
    assert page.title() == "조직 찾기 | 한자리"
    total = page.locator(".hj-count").inner_text()
    assert re.fullmatch(r"[\d,]+개 조직", total), total
    page.evaluate("window.__sameDocument = true")

    _choose(page, "#id_sido", "전북특별자치도")
    page.wait_for_selector('#id_sigungu option[value="전주시"]', state="attached")
    # The new 시군구 options start at "전체" (regression: the last option was selected).
    assert page.locator("#id_sigungu").input_value() == ""
    assert page.locator(".hj-count").inner_text() != total
    _choose(page, "#id_sigungu", "전주시")

    expected = JEONJU_VILLAGE + JEONJU_SELF_SUFFICIENCY
    assert page.locator(".hj-count").inner_text() == f"{expected}개 조직"
    # Screen readers hear the new count from a live region that outlives the swap.
    assert page.locator("#directory-status").inner_text() == f"검색 결과: {expected}개 조직"
    rows = page.locator("#directory-results tbody tr")
    assert rows.count() == expected
    assert rows.filter(has=page.locator(".sector-village")).count() == JEONJU_VILLAGE
    assert (
        rows.filter(has=page.locator(".sector-self_sufficiency")).count() == JEONJU_SELF_SUFFICIENCY
    )
    assert set(rows.locator("td:nth-child(3)").all_inner_texts()) == {"전북특별자치도 전주시"}
    # Updated in place (no page load), and the address bar holds the filters.
    assert page.evaluate("window.__sameDocument") is True
    query = parse_qs(urlsplit(unquote(page.url)).query)
    assert query["sido"] == ["전북특별자치도"]
    assert query["sigungu"] == ["전주시"]
    assert page.locator("#id_sido").input_value() == "전북특별자치도"
    assert page.locator("#id_sigungu").input_value() == "전주시"
    # The CSV link follows the filters.
    export = page.locator("#directory-results a[download]").get_attribute("href")
    assert "sigungu=%EC%A0%84%EC%A3%BC%EC%8B%9C" in export

    # The industry box updates the results while typing, like the name box (newcomer:
    # it waited for Tab or Enter).
    page.locator("#id_industry").press_sequentially("없는업종")
    expect(page.locator(".hj-count")).to_have_text("0개 조직")
    page.locator("#id_industry").fill("")
    expect(page.locator(".hj-count")).to_have_text(f"{expected}개 조직")

    page.screenshot(path=screenshot_dir / "directory.png", full_page=True)
    violations = axe_violations(page)
    assert not violations, "axe on the directory:\n" + format_violations(violations)

    # A bookmark of the pushed URL shows the same result.
    page.reload()
    assert page.locator("#directory-results tbody tr").count() == expected

    link = page.locator("#directory-results tbody tr th a").first
    name = link.inner_text()
    link.click()
    page.wait_for_url(re.compile(r"/organizations/\d+/$"))
    assert page.locator("h1").inner_text() == name
    org = Organization.objects.get(name=name, sigungu="전주시")
    designation = Designation.objects.filter(organization=org).select_related("dataset").first()
    assert designation is not None
    profile_text = page.locator("main").inner_text()
    assert designation.dataset.dataset_id in profile_text
    assert designation.dataset.publisher in profile_text
    assert "2025-12-31" in profile_text
    if org.representative:
        assert org.representative not in profile_text
    page.screenshot(path=screenshot_dir / "profile.png", full_page=True)
    violations = axe_violations(page)
    assert not violations, "axe on the profile:\n" + format_violations(violations)
    # axe really checks this page under our CSP: a picture without alt text is caught.
    page.evaluate(
        "document.querySelector('main').append(Object.assign(document.createElement('img'),"
        " {src: 'data:image/gif;base64,R0lGODlhAQABAIAAAP///wAAACwAAAAAAQABAAACAkQBADs='}))"
    )
    assert "image-alt" in {v["id"] for v in axe_violations(page)}

    assert not console_errors(page), console_errors(page)
