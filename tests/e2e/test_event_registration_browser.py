"""Registration and check-in in a real browser (Playwright, the system Chromium).

A member registers for an open event and sees the QR code on the confirmation page;
then staff, on a phone-sized screen (390 × 844), open the check-in page, check the
member in by the token (typed), and see the counts change — at once (the answer
updates them) and by the page's own polling when someone else is checked in. A second
check-in of the same token is refused with the first time. axe-core finds no
violations on the register, confirmation and check-in pages, and no page logs an
error. The staff pages (list, badges, search) are checked at desktop, tablet and
phone sizes, badges printed to a PDF (ten to an A4 page), and camera scanning runs
with stand-ins for the camera and BarcodeDetector. Set HANJARI_E2E_SCREENSHOTS=/some/dir
to keep the screenshots.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from hanjari.events.models import Registration
from hanjari.events.services import registrations as services
from tests.e2e.conftest import CHROMIUM_ARGS, console_errors, format_violations
from tests.events.registration_support import open_event, register
from tests.factories import UserFactory

# The live server needs committed data (transaction=True); serialized_rollback puts back
# what migrations created for the tests that run after this one.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}


def login(context: Any, live_server: Any, user: Any) -> None:
    """Sign `user` in for the browser `context` (a session made by Django's test client)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


def assert_accessible(page: Any, axe_violations: Any, what: str) -> None:
    violations = axe_violations(page)
    assert violations == [], f"{what}:\n{format_violations(violations)}"


def count(page: Any, name: str) -> str:
    return page.locator(f'[data-hj-count="{name}"]').inner_text()


def test_register_see_qr_and_check_in_on_a_phone(
    page, live_server, axe_violations, screenshot_dir, member_a, org_a, staff
):
    event = open_event(title="2025 한마음 워크숍 (브라우저)", capacity=20)
    # Someone else is already confirmed: the counts start at 3 people, 0 arrived.
    other = register(event, by=UserFactory(username="other"), person_name="김먼저", attendees=3)

    # --- the member registers (desktop) -------------------------------------------------
    login(page.context, live_server, member_a)
    page.goto(f"/events/{event.pk}/register/")
    assert page.title().startswith(f"{event.title} 참가 신청")
    assert page.locator("#id_organization").input_value() == str(org_a.pk)
    assert_accessible(page, axe_violations, "register page")
    page.screenshot(path=str(screenshot_dir / "register-desktop.png"), full_page=True)

    page.fill("#id_person_name", "이도착")
    page.fill("#id_attendees", "2")
    page.fill("#id_contact_phone", "010-2345-6789")
    page.fill("#id_accessibility_needs", "휠체어를 씁니다.")
    page.check("#id_consent")
    page.get_by_role("button", name="신청하기").click()
    page.wait_for_url("**/events/registrations/*/")

    reg = Registration.objects.get(event=event, user=member_a)
    assert reg.status == Registration.Status.CONFIRMED
    assert (reg.organization, reg.attendees) == (org_a, 2)
    assert page.locator(".hj-message-success").inner_text().startswith("참가가 확정되었습니다")
    qr = page.get_by_role("img", name="도착 확인용 QR 코드")
    qr.wait_for()
    assert page.evaluate(
        "() => { const i = document.querySelector('.hj-reg-qr-img');"
        " return i.complete && i.naturalWidth > 0; }"
    )
    assert f"/events/registrations/{reg.token}/qr.svg" in (qr.get_attribute("src") or "")
    assert_accessible(page, axe_violations, "confirmation page")
    page.screenshot(path=str(screenshot_dir / "registration-desktop.png"), full_page=True)
    assert console_errors(page) == []

    # --- staff check the member in on a phone -----------------------------------------------
    browser = page.context.browser
    phone = browser.new_context(
        base_url=live_server.url,
        locale="ko-KR",
        reduced_motion="reduce",
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )
    phone.set_default_timeout(15_000)
    try:
        login(phone, live_server, staff)
        staff_page = phone.new_page()
        errors: list[dict[str, str]] = []
        staff_page.on(
            "console",
            lambda m: (
                errors.append({"text": m.text, "url": m.location.get("url", "")})
                if m.type == "error"
                else None
            ),
        )
        staff_page.on("pageerror", lambda exc: errors.append({"text": str(exc), "url": "?"}))
        staff_page.hj_errors = errors  # the shape console_errors() reads
        staff_page.goto(f"/events/{event.pk}/checkin/")
        assert staff_page.get_by_role("heading", name="도착 확인", level=1).is_visible()
        assert (count(staff_page, "confirmed"), count(staff_page, "arrived")) == ("5", "0")
        assert count(staff_page, "waiting") == "5"
        # Nothing overflows the phone's width.
        assert staff_page.evaluate(
            "() => document.documentElement.scrollWidth <= window.innerWidth"
        )
        assert_accessible(staff_page, axe_violations, "check-in page")
        staff_page.screenshot(path=str(screenshot_dir / "checkin-phone.png"), full_page=True)

        staff_page.fill("#hj-checkin-token", reg.checkin_code)
        staff_page.get_by_role("button", name="도착 확인", exact=True).click()
        message = staff_page.locator("#hj-checkin-result .hj-message-success")
        message.wait_for()
        assert message.inner_text() == f"도착 확인: 이도착 ({org_a.name}), 2명"
        assert (count(staff_page, "arrived"), count(staff_page, "waiting")) == ("2", "3")
        # The field is emptied, ready for the next person.
        assert staff_page.input_value("#hj-checkin-token") == ""
        staff_page.screenshot(path=str(screenshot_dir / "checkin-phone-done.png"), full_page=True)

        # The same code again: refused, with the first time.
        staff_page.fill("#hj-checkin-token", reg.checkin_code)
        staff_page.get_by_role("button", name="도착 확인", exact=True).click()
        refusal = staff_page.locator("#hj-checkin-result .hj-message-error")
        refusal.wait_for()
        assert refusal.inner_text().startswith("이미 도착 확인됨: ")
        assert (count(staff_page, "arrived"), count(staff_page, "waiting")) == ("2", "3")

        # Someone checked in at the other door: the polled counts follow within seconds.
        services.registration_check_in(event=event, token=other.checkin_code, by=staff)
        staff_page.wait_for_function(
            "() => document.querySelector('[data-hj-count=\"arrived\"]').textContent === '5'",
            timeout=12_000,
        )
        assert count(staff_page, "waiting") == "0"
        assert_accessible(staff_page, axe_violations, "check-in page after check-ins")
        # The refused second check-in is an answer (409), which the browser logs too.
        unexpected = [e for e in console_errors(staff_page) if "status of 409" not in e]
        assert unexpected == [], errors
    finally:
        phone.close()

    reg.refresh_from_db()
    assert reg.checked_in_at is not None and reg.checked_in_by == staff


def test_staff_pages_render_on_desktop_and_phone(
    page, live_server, axe_violations, screenshot_dir, staff
):
    """The staff list, badges and check-in search at both sizes (for the screenshots,
    and nothing wider than a phone)."""
    event = open_event(title="명찰 인쇄 확인 워크숍", capacity=3, requires_approval=True)
    for i, (name, org) in enumerate(
        [("박승인", "전주마을협동조합"), ("최대기", "완산사회적협동조합"), ("정동행", "덕진자활")]
    ):
        register(
            event,
            by=UserFactory(username=f"p{i}"),
            person_name=name,
            organization_name=org,
            attendees=1 + i % 2,
        )
    first = Registration.objects.filter(event=event, status="pending").first()
    assert first is not None
    services.registration_approve(registration=first, by=staff)
    login(page.context, live_server, staff)
    sizes = (
        ("desktop", {"width": 1280, "height": 900}),
        ("tablet", {"width": 820, "height": 1180}),
        ("phone", PHONE),
    )
    for size_name, size in sizes:
        page.set_viewport_size(size)
        for slug, path in (
            ("register", f"/events/{event.pk}/register/"),
            ("registration", f"/events/registrations/{first.token}/"),
            ("manage", f"/events/{event.pk}/manage/"),
            ("badges", f"/events/{event.pk}/manage/badges/"),
            ("checkin-search", f"/events/{event.pk}/checkin/?q=%EB%B0%95"),
        ):
            page.goto(path)
            page.screenshot(path=str(screenshot_dir / f"{slug}-{size_name}.png"), full_page=True)
            # Nothing wider than the screen (wide tables scroll inside their own box).
            assert page.evaluate(
                "() => document.documentElement.scrollWidth <= window.innerWidth"
            ), (slug, size_name)
            assert_accessible(page, axe_violations, f"{slug} ({size_name})")
    page.set_viewport_size(PHONE)
    page.goto(f"/events/{event.pk}/manage/badges/")
    page.emulate_media(media="print")
    page.screenshot(path=str(screenshot_dir / "badges-print.png"), full_page=True)
    # Badges on paper: ten to an A4 page (21 badges → 3 pages).
    crowd = open_event(title="명찰 스물한 장 워크숍", capacity=None)
    for i in range(20):
        register(
            crowd,
            by=UserFactory(username=f"crowd{i}"),
            person_name=f"참가자{i:02d}",
            organization_name="한마음사회적협동조합",
            attendees=2 if i == 0 else 1,
        )
    pdf_context = page.context.browser.new_context(base_url=live_server.url, locale="ko-KR")
    try:
        login(pdf_context, live_server, staff)
        pdf_page = pdf_context.new_page()
        pdf_page.goto(f"/events/{crowd.pk}/manage/badges/")
        assert pdf_page.locator(".hj-badge-card").count() == 21
        pdf = pdf_page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
        assert pdf[:4] == b"%PDF"
        assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 3
        (screenshot_dir / "badges.pdf").write_bytes(pdf)
        pdf_page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
        pdf_page.emulate_media(media="print")
        pdf_page.screenshot(path=str(screenshot_dir / "badges-print-a4.png"), full_page=True)
    finally:
        pdf_context.close()
    assert console_errors(page) == []
    assert CHROMIUM_ARGS  # the same Chromium as the other browser tests


# Chromium on Linux has no BarcodeDetector and the test machine no camera: stand-ins
# for both (a canvas stream as the camera, a detector that "reads" the code it is
# given), so the page's own scanning code runs as it would on a phone.
FAKE_CAMERA = """
(() => {
  const canvas = document.createElement('canvas');
  canvas.width = 320; canvas.height = 240;
  const ctx = canvas.getContext('2d');
  setInterval(() => { ctx.fillStyle = '#' + Math.floor(Math.random() * 0xffffff)
    .toString(16).padStart(6, '0'); ctx.fillRect(0, 0, 320, 240); }, 50);
  navigator.mediaDevices.getUserMedia = async () => canvas.captureStream(20);
  window.__hjScans = [];
  window.BarcodeDetector = class {
    static async getSupportedFormats() { return ['qr_code', 'ean_13']; }
    constructor(options) { this.options = options; }
    async detect() { return window.__hjScans.splice(0, 1).map(v => ({rawValue: v})); }
  };
})();
"""


def test_camera_scanning_checks_in(page, live_server, axe_violations, staff):
    event = open_event(title="카메라 확인 워크숍")
    reg = register(event, by=UserFactory(username="scanned"), person_name="정스캔")
    page.add_init_script(FAKE_CAMERA)
    page.set_viewport_size(PHONE)
    login(page.context, live_server, staff)
    page.goto(f"/events/{event.pk}/checkin/")
    start = page.get_by_role("button", name="카메라로 QR 읽기")
    start.wait_for()
    assert page.locator("[data-hj-scan-fallback]").is_hidden()
    start.click()
    page.locator("[data-hj-scan-video]").wait_for()
    assert page.locator("[data-hj-scan-status]").inner_text() == "QR 코드를 카메라에 비춰 주세요."
    # The phone reads the code: the absolute check-in address with the check-in code.
    code = f"{live_server.url}/events/{event.pk}/checkin/?code={reg.checkin_code}"
    page.evaluate("code => window.__hjScans.push(code)", code)
    message = page.locator("#hj-checkin-result .hj-message-success")
    message.wait_for()
    assert message.inner_text() == "도착 확인: 정스캔 (한마음협동조합), 1명"
    assert count(page, "arrived") == "1"
    reg.refresh_from_db()
    assert reg.checked_in_at is not None
    # The same code again a moment later is ignored (the person is still in front of
    # the camera); the camera stays on for the next person until switched off.
    page.evaluate("code => window.__hjScans.push(code)", code)
    page.wait_for_timeout(1500)
    assert page.locator("#hj-checkin-result .hj-message-error").count() == 0
    assert_accessible(page, axe_violations, "check-in page with the camera on")
    page.get_by_role("button", name="카메라 끄기").click()
    assert page.locator("[data-hj-scan-video]").is_hidden()
    assert start.is_visible()
    assert console_errors(page) == []


def test_invalid_registration_focuses_the_error_summary(
    page, live_server, axe_violations, screenshot_dir, plain_user
):
    """A refused form comes back with the error summary focused (a screen reader reads
    it at once); its link takes focus to the field. axe finds nothing, no console error."""
    event = open_event(title="2025 한마음 워크숍 (오류 요약)")
    login(page.context, live_server, plain_user)
    page.goto(f"/events/{event.pk}/register/")
    assert page.locator("[data-hj-error-summary]").count() == 0

    page.fill("#id_person_name", "이오류")
    page.fill("#id_organization_name", "오류협동조합")
    page.fill("#id_contact_email", "not-an-email")
    page.check("#id_consent")
    page.get_by_role("button", name="신청하기").click()
    page.wait_for_selector("[data-hj-error-summary]")

    assert page.title().startswith("오류: ")
    assert page.evaluate("document.activeElement.hasAttribute('data-hj-error-summary')")
    summary = page.locator("[data-hj-error-summary]")
    assert summary.get_by_role("heading").inner_text() == "입력한 내용을 확인해 주세요"
    link = summary.locator('a[href="#id_contact_email"]')
    assert link.inner_text().startswith("이메일: ")
    assert_accessible(page, axe_violations, "register page with errors")
    page.screenshot(path=str(screenshot_dir / "register-error-summary.png"))

    link.click()
    assert page.evaluate("document.activeElement.id") == "id_contact_email"
    # The refused form answers 400, which Chromium logs; nothing else may.
    assert [e for e in console_errors(page) if "status of 400" not in e] == []


def test_opened_by_the_phone_camera_the_button_gives_way_to_the_arrival(
    page, live_server, axe_violations, staff
):
    """The phone's camera app opens the check-in page with the code (GET ?code=…);
    pressing the big button checks the person in, and the button is replaced by the
    arrival (it used to stay, inviting a second press). Then the number from the staff
    list, typed as ``#N``, checks in another person."""
    event = open_event(title="카메라 앱 워크숍")
    reg = register(event, by=UserFactory(username="camapp"), person_name="한카메라")
    second = register(event, by=UserFactory(username="typed"), person_name="두번째")
    page.set_viewport_size(PHONE)
    login(page.context, live_server, staff)
    page.goto(f"/events/{event.pk}/checkin/?code={reg.checkin_code}")
    button = page.get_by_role("button", name="한카메라 님 도착 확인")
    button.click()
    arrived = page.locator("#hj-checkin-preview .hj-checkin-arrived")
    arrived.wait_for()
    assert arrived.inner_text().startswith("도착 확인됨: ")
    assert button.count() == 0
    assert count(page, "arrived") == "1"
    assert_accessible(page, axe_violations, "check-in page after arrival")

    page.fill("#hj-checkin-token", f" #{second.pk} ")
    page.get_by_role("button", name="도착 확인", exact=True).click()
    message = page.locator("#hj-checkin-result .hj-message-success", has_text="두번째")
    message.wait_for()
    assert message.inner_text().startswith("도착 확인: 두번째")
    assert count(page, "arrived") == "2"
    assert Registration.objects.filter(event=event, checked_in_at__isnull=False).count() == 2
    assert console_errors(page) == []
