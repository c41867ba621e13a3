"""The event pages in a real browser (the system Chromium): the 2023 Jeonju workshop as
`load_workshop_2023` makes it, its page, the past events list and the 2023 recognition
page, at desktop and phone width — axe-core clean (zero violations), no console
errors, nothing wider than the screen.

Set HANJARI_E2E_SCREENSHOTS=/some/dir to keep the screenshots.
"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import console_errors, format_violations
from tests.events.pages_support import load_workshop

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def workshop():
    return load_workshop()


def _check(page, axe_violations, screenshot_dir, name: str) -> None:
    page.screenshot(path=screenshot_dir / f"{name}.png", full_page=True)
    violations = axe_violations(page)
    assert not violations, f"axe on {name}:\n" + format_violations(violations)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name} is {overflow}px wider than the screen"


def test_workshop_event_page(workshop, page, axe_violations, screenshot_dir):
    page.goto(workshop.get_absolute_url())
    assert page.title() == "전주시 사회적경제기업 한마음 워크숍 | 한자리"
    main = page.locator("main").inner_text()
    assert "2023년 12월 11일 (월) · 시간 미정" in main
    assert "이름 비공개 8명" in main
    assert main.count("금액 알 수 없음") >= 4
    assert page.locator(".hj-programme-item").count() == 9
    assert page.locator("a", has_text="‘강한 경제 전주’의 한 축").count() == 1
    _check(page, axe_violations, screenshot_dir, "event-desktop")
    page.set_viewport_size(PHONE)
    page.reload()
    # On a phone the ledger rows read as label: value.
    cell = page.locator(".hj-ledger tbody td[data-label]").first.element_handle()
    assert page.evaluate("el => getComputedStyle(el, '::before').content", cell) == '"전달일"'
    _check(page, axe_violations, screenshot_dir, "event-phone")
    assert not console_errors(page), console_errors(page)


def test_recognition_page(workshop, page, axe_violations, screenshot_dir):
    page.goto("/recognition/")
    page.wait_for_url("**/recognition/2023/")
    main = page.locator("main").inner_text()
    assert "이름 비공개 8명" in main
    assert "금액 알 수 없음" in main
    for name in ("우범기", "송영진", "김동헌", "박용근"):
        assert name in main
    _check(page, axe_violations, screenshot_dir, "recognition-desktop")
    page.set_viewport_size(PHONE)
    page.reload()
    _check(page, axe_violations, screenshot_dir, "recognition-phone")
    assert not console_errors(page), console_errors(page)


def test_event_list(workshop, page, axe_violations, screenshot_dir):
    page.goto("/events/")
    assert "다가오는 행사가 없습니다." in page.locator("main").inner_text()
    _check(page, axe_violations, screenshot_dir, "events-upcoming")
    page.get_by_role("link", name="지난 행사", exact=True).first.click()
    page.wait_for_url("**/events/?when=past")
    assert page.locator(".hj-event-item").count() == 1
    _check(page, axe_violations, screenshot_dir, "events-past-desktop")
    page.set_viewport_size(PHONE)
    page.reload()
    _check(page, axe_violations, screenshot_dir, "events-past-phone")
    assert not console_errors(page), console_errors(page)
