"""Recognition staff pages in a real browser: staff enter a commendation, choosing the
organisation with the search picker by keyboard only (type, ArrowDown, Enter — an ARIA
combobox), correct it with a reason, see the correction in its history, and the public
recognition page shows it. An event's organiser is chosen with the same picker by
mouse. Each page is checked with axe-core (the picker's list open too) and for console
errors. Set HANJARI_E2E_SCREENSHOTS=/some/dir to keep the screenshots."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from hanjari.events.models import Event
from hanjari.recognition.models import Commendation
from hanjari.registry.models import DesignationKind
from tests.e2e.conftest import console_errors, format_violations
from tests.events.pages_support import make_event
from tests.factories import DesignationFactory, OrganizationFactory

# No serialized_rollback, as in test_staff_registry_browser.py: this module runs right
# after the search module, which flushes without one, and restoring the serialized
# content types after that collides with the new ones. The tests make all they need.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def login(page: Any, live_server: Any, user: Any) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


def check(page: Any, axe_violations: Any, screenshot_dir: Any, name: str) -> None:
    page.screenshot(path=screenshot_dir / f"{name}.png", full_page=True)
    violations = axe_violations(page)
    assert not violations, f"axe on {name}:\n" + format_violations(violations)


@pytest.fixture
def hanok(db):
    org = OrganizationFactory(name="전주한옥마을협동조합")
    DesignationFactory(organization=org, kind=DesignationKind.VILLAGE_ENTERPRISE)
    OrganizationFactory(name="한옥체험사회적협동조합", sigungu="완주군")
    return org


def test_enter_a_commendation_with_the_picker_by_keyboard_then_correct_it(
    page, live_server, staff, hanok, axe_violations, screenshot_dir
):
    login(page, live_server, staff)
    page.goto("/staff/recognition/commendation/new/")
    assert page.locator("h1").inner_text() == "표창 적기"
    check(page, axe_violations, screenshot_dir, "recognition-new")

    page.fill("#id_title", "사회적경제 유공자 표창")
    page.fill("#id_date", "2023-12-11")
    page.fill("#id_conferred_by", "전주시장")

    box = page.locator("#id_recipient_organization")
    assert box.get_attribute("role") == "combobox"
    assert box.get_attribute("aria-expanded") == "false"
    assert box.get_attribute("aria-controls") == "id_recipient_organization_listbox"
    box.focus()
    with page.expect_response(lambda r: "/organizations/picker/?q=" in r.url and r.ok):
        page.keyboard.type("한옥", delay=50)
    listbox = page.locator("#id_recipient_organization_listbox")
    listbox.locator("[role=option]").first.wait_for()
    assert box.get_attribute("aria-expanded") == "true"
    options = listbox.locator("[role=option]")
    texts = options.all_inner_texts()
    assert len(texts) == 2
    (wanted,) = [i for i, text in enumerate(texts) if "전주한옥마을협동조합" in text]
    assert "전북특별자치도 전주시 · 마을기업" in texts[wanted]

    page.keyboard.press("ArrowDown")
    first_id = options.first.get_attribute("id")
    assert box.get_attribute("aria-activedescendant") == first_id
    assert options.first.get_attribute("aria-selected") == "true"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowUp")
    assert box.get_attribute("aria-activedescendant") == first_id
    for _step in range(wanted):
        page.keyboard.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == options.nth(wanted).get_attribute("id")
    assert page.evaluate("document.activeElement.id") == "id_recipient_organization"
    check(page, axe_violations, screenshot_dir, "recognition-picker-open")

    page.keyboard.press("Enter")  # chooses; does not submit the form
    chosen = page.locator(f"#id_recipient_organization_chosen_{hanok.pk}")
    assert chosen.is_checked()
    assert box.input_value() == ""
    assert box.get_attribute("aria-expanded") == "false"
    assert box.get_attribute("aria-activedescendant") is None
    status = page.locator(".hj-picker [data-hj-picker-status]").first
    page.wait_for_function(
        "el => el.textContent.includes('골랐습니다')", arg=status.element_handle()
    )
    assert "전주한옥마을협동조합" in status.inner_text()
    assert page.url.endswith("/staff/recognition/commendation/new/")

    # Escape closes an open list without choosing.
    with page.expect_response(lambda r: "/organizations/picker/?q=" in r.url and r.ok):
        page.keyboard.type("체험", delay=50)
    listbox.locator("[role=option]").first.wait_for()
    page.keyboard.press("Escape")
    assert box.get_attribute("aria-expanded") == "false"
    page.keyboard.press("Escape")  # closed: empties the box
    assert box.input_value() == ""
    check(page, axe_violations, screenshot_dir, "recognition-picker-chosen")

    page.get_by_role("button", name="저장").click()
    page.wait_for_url("**/staff/recognition/commendation/*/")
    commendation = Commendation.objects.get()
    assert commendation.recipient_organization == hanok
    title = "사회적경제 유공자 표창 · 전주한옥마을협동조합 (2023-12-11)"
    assert page.locator("h1").inner_text() == title
    check(page, axe_violations, screenshot_dir, "recognition-edit")

    # Correct it: without a reason the page says what is missing.
    page.fill("#id_conferred_by", "전라북도지사")
    page.get_by_role("button", name="고친 내용 저장").click()
    page.wait_for_selector(".hj-error-summary")
    assert "고친 까닭: 필수 항목입니다." in page.locator(".hj-error-summary").inner_text()
    check(page, axe_violations, screenshot_dir, "recognition-edit-error")
    page.fill("#id_change_reason", "수여 기관을 바로잡습니다.")
    page.get_by_role("button", name="고친 내용 저장").click()
    page.wait_for_selector(".hj-message-success")
    history = page.locator(".hj-history").inner_text()
    assert "까닭: 수여 기관을 바로잡습니다." in history
    assert "수여 기관: 전주시장 → 전라북도지사" in history
    assert Commendation.objects.get().conferred_by == "전라북도지사"
    check(page, axe_violations, screenshot_dir, "recognition-corrected")

    page.get_by_role("link", name="공개 페이지에서 보기").click()
    page.wait_for_url("**/recognition/2023/")
    commendations = page.locator("#commendations-title + ul").inner_text()
    assert "전주한옥마을협동조합" in commendations and "전라북도지사" in commendations
    check(page, axe_violations, screenshot_dir, "recognition-public")

    page.get_by_role("link", name="포상·기부 관리").click()
    page.wait_for_url("**/staff/recognition/?year=2023")
    assert "전주한옥마을협동조합" in page.locator("#records-title ~ .krds-table-wrap").inner_text()
    check(page, axe_violations, screenshot_dir, "recognition-staff-list")
    page.goto(f"/staff/recognition/commendation/{commendation.pk}/delete/")
    check(page, axe_violations, screenshot_dir, "recognition-delete")
    # The correction without a reason was answered 400 on purpose (Chromium logs it).
    edit_url = f"/staff/recognition/commendation/{commendation.pk}/"
    errors = [
        e for e in console_errors(page) if not ("status of 400" in e and e.endswith(edit_url))
    ]
    assert not errors, errors


def test_choose_an_event_organiser_with_the_picker(
    page, live_server, staff, hanok, axe_violations, screenshot_dir
):
    event = make_event(title="2023 한마음 워크숍")
    login(page, live_server, staff)
    page.goto(f"/events/{event.pk}/edit/")
    # A name that is no organisation's, saved without choosing: the form comes back
    # (400) with the closest organisations to tick.
    page.fill("#id_organiser_organizations", "한옥마을")
    page.get_by_role("button", name="저장", exact=True).click()
    page.wait_for_selector(".hj-picker-candidates")
    assert "한옥마을: 이 이름의 조직이 없습니다." in page.locator(".hj-error-summary").inner_text()
    check(page, axe_violations, screenshot_dir, "event-organiser-candidates")
    page.locator(f"#id_organiser_organizations_candidate_{hanok.pk}").check()
    page.get_by_role("button", name="저장", exact=True).click()
    page.wait_for_url(f"**/events/{event.pk}/")
    assert list(Event.objects.get(pk=event.pk).organiser_organizations.all()) == [hanok]
    Event.objects.get(pk=event.pk).organiser_organizations.clear()

    page.goto(f"/events/{event.pk}/edit/")
    box = page.locator("#id_organiser_organizations")
    box.click()
    with page.expect_response(lambda r: "/organizations/picker/?q=" in r.url and r.ok):
        box.press_sequentially("전주한옥", delay=50)
    option = page.locator("#id_organiser_organizations_listbox [role=option]").first
    option.wait_for()
    check(page, axe_violations, screenshot_dir, "event-organiser-picker")
    option.click()
    assert page.locator(f"#id_organiser_organizations_chosen_{hanok.pk}").is_checked()
    page.get_by_role("button", name="저장", exact=True).click()
    page.wait_for_url(f"**/events/{event.pk}/")
    assert list(Event.objects.get(pk=event.pk).organiser_organizations.all()) == [hanok]
    # The save without a choice was answered 400 on purpose (Chromium logs it).
    errors = [e for e in console_errors(page) if "status of 400" not in e]
    assert not errors, errors
