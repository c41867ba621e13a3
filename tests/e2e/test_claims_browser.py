"""Claiming and proposing organisations in a real browser (Playwright, the system
Chromium).

A person claims 전주한옥마을협동조합 from its profile with a PDF as evidence; the demo
staff member reviews the claim (the number check, the file) and approves it; the person
sees that they are the owner and can edit the profile. Another person proposes a social
enterprise that is on no list; it appears in the directory, with "센터 확인" as its
source, only after staff approve it. Every page on the way is checked with axe-core and
for console errors. Set HANJARI_E2E_SCREENSHOTS=/some/dir to keep the screenshots.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client

from hanjari.accounts.models import Membership
from hanjari.claims.models import Claim
from hanjari.registry.models import Organization
from tests.claims.support import pdf_bytes
from tests.e2e.conftest import console_errors, format_violations
from tests.factories import OrganizationFactory, UserFactory

# The live server needs committed data (transaction=True); serialized_rollback puts back
# what migrations created for the tests that run after this one.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def login(page: Any, live_server: Any, user: Any) -> None:
    """Sign `user` in for the page's browser context (a session made by Django's test
    client), replacing whoever was signed in."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


def assert_accessible(page: Any, axe_violations: Any, what: str) -> None:
    page.mouse.move(0, 0)
    violations = axe_violations(page)
    assert violations == [], f"axe on {what}:\n{format_violations(violations)}"


def evidence(name: str) -> dict[str, Any]:
    return {"name": name, "mimeType": "application/pdf", "buffer": pdf_bytes()}


def test_claim_with_evidence_then_staff_approval(
    page, live_server, axe_violations, screenshot_dir, staff
):
    staff.display_name = "센터 관리자"
    staff.save()
    hanok = OrganizationFactory(
        name="전주한옥마을협동조합",
        brn="1248100998",
        address="전북특별자치도 전주시 완산구 기린대로 99",
    )
    person = UserFactory(username="hanok", display_name="김한옥", email="hanok@example.com")

    # --- the person claims the organisation from its profile ------------------------------
    login(page, live_server, person)
    page.goto(hanok.get_absolute_url())
    page.get_by_role("link", name="우리 조직입니다").click()
    page.wait_for_url(f"**/organizations/{hanok.pk}/claim/")
    assert page.locator("h1").inner_text() == "우리 조직입니다: 전주한옥마을협동조합"
    assert_accessible(page, axe_violations, "the claim form")
    page.fill("#id_brn", "124-81-00998")
    page.select_option("#id_role", "representative")
    page.set_input_files("#id_evidence", evidence("설립신고필증.pdf"))
    page.fill("#id_message", "조합의 대표입니다.")
    page.screenshot(path=str(screenshot_dir / "claim-form.png"), full_page=True)
    page.get_by_role("button", name="신청하기").click()
    page.wait_for_url("**/claims/*/")
    claim = Claim.objects.get()
    assert page.locator(".hj-message-success").inner_text().startswith("신청을 받았습니다.")
    assert "센터가 신청을 확인하고 있습니다." in page.locator("main").inner_text()
    assert_accessible(page, axe_violations, "the claimant's claim page")
    page.goto(hanok.get_absolute_url())
    assert page.get_by_role("link", name="대표 관리자 신청 검토 중").is_visible()

    # --- staff review it and approve ------------------------------------------------------
    login(page, live_server, staff)
    page.goto("/")
    page.get_by_role("link", name="신청 검토").click()
    page.wait_for_url("**/staff/claims/")
    assert_accessible(page, axe_violations, "the staff queue")
    page.get_by_role("link", name="전주한옥마을협동조합").click()
    page.wait_for_url(f"**/staff/claims/{claim.pk}/")
    main = page.locator("main").inner_text()
    assert "124-81-00998 — 기록의 번호와 같음" in main
    assert "설립신고필증.pdf" in main
    with page.expect_download() as download:
        page.get_by_role("link", name="설립신고필증.pdf").click()
    assert download.value.suggested_filename == f"evidence-{claim.evidence.get().pk}.pdf"
    assert_accessible(page, axe_violations, "the staff review page")
    page.screenshot(path=str(screenshot_dir / "claim-review.png"), full_page=True)
    page.fill("#id_message", "설립신고필증을 확인했습니다.")
    page.get_by_role("button", name="승인", exact=True).click()
    page.wait_for_url("**/staff/claims/")
    assert "승인했습니다." in page.locator(".hj-message-success").inner_text()
    assert Membership.objects.get(user=person, organization=hanok).role == "owner"
    assert mail.outbox[-1].to == ["hanok@example.com"]
    assert "신청이 승인되었습니다" in mail.outbox[-1].subject

    # --- the person is the owner now ---------------------------------------------------------
    login(page, live_server, person)
    page.goto("/claims/")
    assert_accessible(page, axe_violations, "내 신청")
    page.get_by_role("link", name="전주한옥마을협동조합").click()
    assert "승인되었습니다. 이제 이 조직의 대표 관리자입니다." in page.locator("main").inner_text()
    page.get_by_role("link", name="조직 정보 보기").click()
    page.wait_for_url(f"**{hanok.get_absolute_url()}")
    assert page.get_by_role("link", name="정보 고치기").is_visible()
    assert page.get_by_role("link", name="우리 조직입니다").count() == 0
    assert not console_errors(page), console_errors(page)


def test_a_proposed_organisation_appears_after_approval(
    page, live_server, axe_violations, screenshot_dir, staff
):
    person = UserFactory(username="haessal", display_name="박햇살", email="h@example.com")
    login(page, live_server, person)
    page.goto("/claims/")
    page.get_by_role("link", name="명부에 없는 조직 등록 신청").click()
    page.wait_for_url("**/claims/propose/")
    assert_accessible(page, axe_violations, "the proposal form")
    page.fill("#id_name", "햇살나눔사회적협동조합")
    page.select_option("#id_sido", "전북특별자치도")
    page.fill("#id_sigungu", "전주시")
    page.fill("#id_address", "전북특별자치도 전주시 완산구 햇살로 7")
    page.fill("#id_brn", "220-81-01126")
    page.select_option("#id_role", "representative")
    page.set_input_files("#id_evidence", evidence("인가증.pdf"))
    page.select_option("#id_designations-0-kind", "social_cooperative")
    page.fill("#id_designations-0-number", "제2021-12호")
    page.fill("#id_designations-0-start_date", "2021-03-02")
    page.screenshot(path=str(screenshot_dir / "proposal-form.png"), full_page=True)
    page.get_by_role("button", name="신청하기").click()
    page.wait_for_url("**/claims/*/")
    assert not Organization.objects.filter(name="햇살나눔사회적협동조합").exists()

    # Before approval: not in the directory.
    page.goto("/organizations/?q=햇살나눔")
    assert "햇살나눔사회적협동조합" not in page.locator("main").inner_text()

    login(page, live_server, staff)
    page.goto("/staff/claims/?kind=proposal")
    page.get_by_role("link", name="햇살나눔사회적협동조합").click()
    assert_accessible(page, axe_violations, "the proposal review page")
    page.get_by_role("button", name="승인 (조직 등록)").click()
    page.wait_for_url("**/staff/claims/")

    page.context.clear_cookies()
    page.goto("/organizations/?sido=전북특별자치도&sigungu=전주시")
    row = page.locator("#directory-results").get_by_role("link", name="햇살나눔사회적협동조합")
    assert row.is_visible()
    assert "사회적협동조합 · 센터 확인" in page.locator("#directory-results").inner_text()
    assert_accessible(page, axe_violations, "the directory with a centre-confirmed organisation")
    row.click()
    assert "센터 확인" in page.locator("#designation-title + .hj-designation").inner_text()
    assert_accessible(page, axe_violations, "the profile of a centre-confirmed organisation")
    page.screenshot(path=str(screenshot_dir / "proposal-profile.png"), full_page=True)
    assert not console_errors(page), console_errors(page)
