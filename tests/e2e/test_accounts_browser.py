"""Accounts in a real browser: a person signs up (each consent ticked on its own),
verifies the address with the mailed link, signs in with the address, and sees and
changes the consents; a staff member is sent from a staff page to turn on the
authenticator app, does so, and gets the recovery codes. Every page is checked with
axe-core and for console errors."""

from __future__ import annotations

import re

import pytest
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.core import mail
from playwright.sync_api import expect

from hanjari.accounts.models import Consent, User
from tests.e2e.conftest import console_errors, format_violations
from tests.factories import UserFactory

# The live server needs committed data (transaction=True); serialized_rollback puts back
# what migrations created (news sections, groups) for the tests that run after this one.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "Hanjari-browser-5"


def _clean(page, axe_violations, where: str) -> None:
    violations = axe_violations(page)
    assert not violations, f"{where}:\n{format_violations(violations)}"


def test_sign_up_verify_sign_in_and_consents(
    page, live_server, settings, axe_violations, screenshot_dir
):
    settings.HANJARI_SITE_URL = live_server.url
    # On a phone too, the header offers 회원가입 (KRDS would move it into a script menu).
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto("/")
    expect(page.get_by_role("link", name="회원가입")).to_be_visible()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name="회원가입").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("회원가입")
    assert page.title() == "회원가입 | 한자리"
    _clean(page, axe_violations, "sign-up")

    # Without the required consent the form comes back with the error summary.
    page.fill("#id_email", "park@example.org")
    page.fill("#id_username", "park")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.fill("#id_display_name", "박한자")
    page.check("#id_age_14")
    page.get_by_role("button", name="가입하기").click()
    expect(page.locator("[data-hj-error-summary]")).to_contain_text("필수 동의 항목입니다.")
    assert page.title().startswith("오류: ")
    _clean(page, axe_violations, "sign-up with errors")
    assert not User.objects.filter(username="park").exists()

    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.get_by_label("위 내용에 동의합니다. (필수)").check()
    page.get_by_role("button", name="가입하기").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("이메일 주소를 확인해 주세요")
    _clean(page, axe_violations, "verification sent")
    page.screenshot(path=str(screenshot_dir / "accounts_verification_sent.png"), full_page=True)

    # The link from the mail (printed by the server in development).
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["park@example.org"]
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    assert link.startswith(f"{live_server.url}/accounts/confirm-email/")
    page.goto(link)
    _clean(page, axe_violations, "confirm e-mail")
    page.get_by_role("button", name="확인").click()

    # Signing in with the address.
    page.goto("/accounts/login/")
    page.get_by_label("아이디 또는 이메일").fill("park@example.org")
    page.get_by_label("비밀번호").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="로그인").click()
    expect(page.get_by_role("link", name="내 계정")).to_be_visible()
    expect(page.locator(".hj-user")).to_contain_text("박한자")
    page.set_viewport_size({"width": 390, "height": 800})
    expect(page.get_by_role("link", name="내 계정")).to_be_visible()
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("link", name="내 계정").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("내 계정")
    _clean(page, axe_violations, "my account")
    page.get_by_role("link", name="개인정보 수집·이용 동의 내역").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("개인정보 수집·이용 동의 내역")
    _clean(page, axe_violations, "consents")
    expect(page.locator("main")).to_contain_text("동의하지 않음")

    # Agree to the optional purpose, then withdraw it.
    page.get_by_role("button", name=re.compile("^동의하기")).click()
    expect(page.locator(".hj-message")).to_contain_text("동의했습니다.")
    page.get_by_role("button", name=re.compile("^동의 철회")).click()
    expect(page.locator(".hj-message")).to_contain_text("동의를 철회했습니다.")
    _clean(page, axe_violations, "consents after withdrawal")
    page.screenshot(path=str(screenshot_dir / "accounts_consents.png"), full_page=True)
    user = User.objects.get(username="park")
    rows = list(
        Consent.objects.filter(user=user).order_by("id").values_list("purpose", "withdrawn_at")
    )
    assert [p for p, _ in rows] == ["account", "newsletter"]
    assert rows[0][1] is None and rows[1][1] is not None
    assert not console_errors(page)


def test_staff_turn_on_the_authenticator_app_before_the_staff_pages(
    page, live_server, settings, axe_violations, screenshot_dir
):
    settings.HANJARI_STAFF_MFA_REQUIRED = True
    UserFactory(username="centre", is_staff=True, password=PASSWORD)
    page.goto("/accounts/login/")
    page.get_by_label("아이디 또는 이메일").fill("centre")
    page.get_by_label("비밀번호").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="로그인").click()
    expect(page.locator(".hj-user")).to_be_visible()

    # A staff page sends them to turn on two-factor sign-in (after the password again).
    page.goto("/staff/imports/")
    expect(page.locator(".hj-messages")).to_contain_text("관리자 화면을 쓰려면 먼저 2단계 인증")
    _clean(page, axe_violations, "reauthenticate")
    page.get_by_label("비밀번호").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("인증 앱 켜기")
    _clean(page, axe_violations, "activate TOTP")
    page.screenshot(path=str(screenshot_dir / "accounts_totp.png"), full_page=True)
    secret = page.locator("#authenticator_secret").input_value()
    code = format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))
    page.get_by_label("인증 코드").fill(code)
    page.get_by_role("button", name="켜기").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("복구 코드")
    codes = page.locator("#recovery_codes").input_value().split()
    assert len(codes) == 10
    _clean(page, axe_violations, "recovery codes")

    page.goto("/staff/imports/")
    expect(page.get_by_role("heading", level=1)).not_to_have_text("인증 앱 켜기")
    assert page.url.endswith("/staff/imports/")
    assert not console_errors(page)
