"""The organisation's own page in a real browser: the owner logs in on the login page,
edits the profile (contact details, opening hours, employees), sees that a new phone
number is not public until the switch is on, turns it on and finds it on the profile;
a mistyped number is a form error; a photo is uploaded with its text alternative. Each
page is checked with axe-core and for console errors, and screenshots are kept."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import reverse

from hanjari.accounts.models import Membership
from hanjari.registry.models import DesignationKind, Organization
from tests.core.picture_files import picture_bytes
from tests.e2e.conftest import console_errors, format_violations
from tests.factories import DesignationFactory, MembershipFactory, OrganizationFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "pw-Hanjari-123"  # tests.factories.UserFactory's


def assert_accessible(page: Any, axe_violations: Any, what: str) -> None:
    violations = axe_violations(page)
    assert not violations, f"axe on {what}:\n" + format_violations(violations)


def log_in(page: Any, username: str, next_url: str) -> None:
    """Sign in on the site's login page, as a person does."""
    page.goto(f"{reverse('accounts:login')}?next={next_url}")
    form = page.locator("main form")
    form.locator("input[type=text], input[type=email]").first.fill(username)
    form.locator("input[type=password]").fill(PASSWORD)
    form.get_by_role("button", name="로그인").click()
    page.wait_for_url(f"**{next_url}")


def profile_jsonld(page: Any) -> dict[str, Any]:
    return json.loads(page.locator('script[type="application/ld+json"]').text_content())


@pytest.fixture
def owned():
    org = OrganizationFactory(name="전주두부마을협동조합", industry="식료품 제조")
    DesignationFactory(organization=org, kind=DesignationKind.VILLAGE_ENTERPRISE)
    owner = UserFactory(username="dubu_owner")
    MembershipFactory(user=owner, organization=org, role=Membership.Role.OWNER)
    return org


def test_owner_edits_the_profile_and_publishes_the_phone(
    page, owned, axe_violations, screenshot_dir
):
    org = owned
    profile = org.get_absolute_url()
    log_in(page, "dubu_owner", profile)
    assert page.locator("#contact-title").count() == 0  # no contact details yet

    page.get_by_role("link", name="정보 고치기").click()
    page.wait_for_url(f"**{reverse('registry:organization-edit', args=[org.pk])}")
    assert page.locator("legend", has_text="연락처").is_visible()
    assert "개인정보 보호법 제15조" in page.locator("#contact-help").inner_text()
    assert_accessible(page, axe_violations, "the profile edit form")

    # A mistyped number: the error summary names it and links to the field.
    page.get_by_label("대표 전화", exact=True).fill("063-12")
    page.get_by_role("button", name="저장").click()
    summary = page.locator(".hj-error-summary")
    summary.wait_for()
    assert "대표 전화: 전화번호 형식이 아닙니다" in summary.inner_text()
    assert page.evaluate("document.activeElement.classList.contains('hj-error-summary')")
    assert_accessible(page, axe_violations, "the profile edit form with an error")
    # The browser reports the form's 400 answer as a console error: expected here.
    assert [e.split(" @ ")[0] for e in console_errors(page)] == [
        "Failed to load resource: the server responded with a status of 400 (Bad Request)"
    ]
    page.hj_errors.clear()

    page.get_by_label("대표 전화", exact=True).fill("063 123 4567")
    page.get_by_label("대표 전자우편", exact=True).fill("info@dubu.kr")
    page.get_by_label("인스타그램", exact=True).fill("instagram.com/dubu")
    page.get_by_label("인스타그램 공개").check()
    for day in ("mon", "tue", "wed", "thu", "fri"):
        page.fill(f"#id_hours_{day}_opens", "09:00")
        page.fill(f"#id_hours_{day}_closes", "18:00")
    page.get_by_label("여는 시간 덧붙임").fill("점심시간 12:00~13:00")
    page.get_by_label("직원 수").select_option("5-9")
    page.get_by_label("소개").fill("국산 콩으로 두부를 만듭니다.\n\n마을 어르신들과 함께 일합니다.")
    page.screenshot(path=str(screenshot_dir / "profile-edit-form.png"), full_page=True)
    page.get_by_role("button", name="저장").click()
    page.wait_for_url(f"**{profile}")

    # Saved, but the new phone and e-mail are not public: only the switched-on link.
    org.refresh_from_db()
    assert (org.phone, org.phone_public, org.email_public) == ("063-123-4567", False, False)
    contacts = page.locator("#contact-title + .krds-table-wrap")
    assert "063-123-4567" not in page.content() and "info@dubu.kr" not in page.content()
    assert "https://instagram.com/dubu" in contacts.inner_text()
    assert "월~금 09:00~18:00" in contacts.inner_text()
    assert "telephone" not in profile_jsonld(page)

    # The owner turns the phone public.
    page.get_by_role("link", name="정보 고치기").click()
    switch = page.get_by_label("대표 전화 공개")
    assert not switch.is_checked()
    switch.check()
    page.get_by_role("button", name="저장").click()
    page.wait_for_url(f"**{profile}")
    phone = contacts.get_by_role("link", name="063-123-4567")
    assert phone.get_attribute("href") == "tel:0631234567"
    assert "info@dubu.kr" not in page.content()
    assert profile_jsonld(page)["telephone"] == "063-123-4567"
    assert "조직 정보를 저장했습니다" in page.locator("main").inner_text()
    page.screenshot(path=str(screenshot_dir / "profile-with-public-phone.png"), full_page=True)
    assert_accessible(page, axe_violations, "the profile with contact details")

    # A visitor sees it too (a new browser context: no session).
    visitor = page.context.browser.new_context(base_url=page.url.split(profile)[0], locale="ko-KR")
    try:
        anonymous = visitor.new_page()
        anonymous.goto(profile)
        assert "063-123-4567" in anonymous.locator("#contact-title + .krds-table-wrap").inner_text()
    finally:
        visitor.close()
    assert Organization.objects.get(pk=org.pk).phone_public is True
    assert not console_errors(page), console_errors(page)


def test_owner_uploads_a_photo(page, owned, axe_violations, screenshot_dir):
    org = owned
    photos = reverse("registry:organization-photos", args=[org.pk])
    log_in(page, "dubu_owner", photos)
    assert_accessible(page, axe_violations, "the empty photo page")
    page.locator("#id_image").set_input_files(
        {"name": "dubu.png", "mimeType": "image/png", "buffer": picture_bytes("PNG", (640, 480))}
    )
    page.get_by_role("button", name="사진 올리기").click()
    # No text alternative: refused with a message next to the field.
    page.locator(".hj-error-summary").wait_for()
    assert "대체 텍스트: 필수 항목입니다." in page.locator(".hj-error-summary").inner_text()
    page.hj_errors.clear()  # the form's 400 answer, reported by the browser
    page.locator("#id_image").set_input_files(
        {"name": "dubu.png", "mimeType": "image/png", "buffer": picture_bytes("PNG", (640, 480))}
    )
    page.get_by_label("대체 텍스트").fill("두부를 만드는 조합원들")
    page.get_by_label("사진 설명").fill("2025년 김장 두부")
    page.get_by_role("button", name="사진 올리기").click()
    page.wait_for_url(f"**{photos}")
    assert page.locator(".hj-photo-admin-item").count() == 1
    assert "사진을 올렸습니다." in page.locator("main").inner_text()
    page.screenshot(path=str(screenshot_dir / "profile-photos.png"), full_page=True)
    assert_accessible(page, axe_violations, "the photo page with a photo")

    page.goto(org.get_absolute_url())
    image = page.get_by_role("img", name="두부를 만드는 조합원들")
    assert image.is_visible()
    assert page.evaluate("(img) => img.naturalWidth", image.element_handle()) == 640
    page.screenshot(path=str(screenshot_dir / "profile-with-photo.png"), full_page=True)
    assert_accessible(page, axe_violations, "the profile with a photo")
    assert not console_errors(page), console_errors(page)
