"""Members and councils in a real browser (Playwright, the system Chromium).

An owner invites an editor by e-mail on the members page; the editor opens the link
from the e-mail (read from the outbox), signs in through the real login page, comes
back to the invitation, accepts, and finds the organisation under "내 조직" with what
waits there. A council's administrator approves a join request on the council page,
which then lists the new member and counts it by kind. axe-core finds no violations
on any of these pages and no page logs an error. Set HANJARI_E2E_SCREENSHOTS=/some/dir
to keep the screenshots.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from hanjari.accounts.models import Membership
from hanjari.membership import services
from hanjari.registry.models import CouncilMembership, DesignationKind
from tests.e2e.conftest import console_errors, format_violations
from tests.factories import CouncilFactory, CouncilRoleFactory, DesignationFactory
from tests.membership.support import link_token, owned_org, person

# The live server needs committed data (transaction=True); serialized_rollback puts back
# what migrations created for the tests that run after this one.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def login(page: Any, live_server: Any, user: Any) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


def assert_accessible(page: Any, axe_violations: Any, what: str) -> None:
    # Check the page as it rests (no hovered or focused button colours).
    page.mouse.move(0, 0)
    violations = axe_violations(page)
    assert violations == [], f"{what}:\n{format_violations(violations)}"


def test_owner_invites_an_editor_who_accepts_and_sees_the_dashboard(
    page, live_server, axe_violations, screenshot_dir
):
    owner = person("owner", "owner@example.kr")
    org = owned_org(owner, name="가나다협동조합")
    DesignationFactory(organization=org, kind=DesignationKind.COOPERATIVE)
    editor = person("newcomer", "newcomer@example.kr")

    # --- the owner invites --------------------------------------------------------------
    login(page, live_server, owner)
    page.goto(f"/organizations/{org.pk}/members/")
    assert page.locator("h1").inner_text() == "가나다협동조합 회원 관리"
    assert_accessible(page, axe_violations, "members page (owner)")
    page.fill("#id_email", "not an address")
    page.get_by_role("button", name="초대 보내기").click()
    page.wait_for_selector(".hj-error-summary")
    assert "초대할 사람의 이메일" in page.locator(".hj-error-summary").inner_text()
    assert_accessible(page, axe_violations, "members page with an error")

    page.fill("#id_email", "Newcomer@Example.kr")
    page.select_option("#id_role", "editor")
    page.get_by_role("button", name="초대 보내기").click()
    page.wait_for_selector(".hj-message-success")
    assert page.locator(".hj-message-success").inner_text() == (
        "newcomer@example.kr 주소로 초대를 보냈습니다."
    )
    resend = re.compile(r"^다시 보내기\s+\(newcomer@example\.kr\)$")
    assert page.get_by_role("button", name=resend).is_visible()
    assert_accessible(page, axe_violations, "members page with a pending invitation")
    page.screenshot(path=str(screenshot_dir / "members-owner.png"), full_page=True)

    (message,) = mail.outbox
    assert message.to == ["newcomer@example.kr"]
    token = link_token(message.body)

    # --- the invited person opens the link, signs in, accepts --------------------------
    page.context.clear_cookies()
    page.goto(f"/invite/{token}/")
    assert page.locator("h1").inner_text() == "가나다협동조합 회원 초대"
    assert "n***@example.kr" in page.locator("main").inner_text()
    assert_accessible(page, axe_violations, "invitation page (signed out)")
    page.screenshot(path=str(screenshot_dir / "invitation-anonymous.png"), full_page=True)
    page.get_by_role("link", name="로그인하고 수락하기").click()
    page.wait_for_url(re.compile(r"/accounts/login/\?next=/invite/"))
    page.fill("#id_login", "newcomer")
    page.fill("#id_password", "pw-Hanjari-123")
    page.get_by_role("button", name="로그인").last.click()
    page.wait_for_url(f"**/invite/{token}/")
    assert_accessible(page, axe_violations, "invitation page (signed in)")
    page.get_by_role("button", name="초대 수락").click()
    page.wait_for_url(f"**/organizations/{org.pk}/members/")
    assert page.locator(".hj-message-success").inner_text() == (
        "가나다협동조합의 편집자(으)로 함께하게 되었습니다."
    )
    assert Membership.objects.get(user=editor, organization=org).role == "editor"
    assert_accessible(page, axe_violations, "members page (editor)")

    # The link is used up.
    page.goto(f"/invite/{token}/")
    assert "초대 링크는 한 번만 쓸 수 있습니다." in page.locator("main").inner_text()
    assert_accessible(page, axe_violations, "used invitation page")

    # --- "내 조직" ---------------------------------------------------------------------------
    services.join_request_create(
        organization=org, council=CouncilFactory(name="전주시 협동조합협의회"), by=owner
    )
    page.goto("/")
    page.get_by_role("link", name="내 조직").click()
    page.wait_for_url("**/me/organizations/")
    card = page.locator(".hj-my-org")
    assert card.locator("h3").inner_text() == "가나다협동조합"
    assert "내 역할: 편집자" in card.inner_text()
    assert card.locator(".hj-waiting li").all_inner_texts() == [
        "전주시 협동조합협의회 가입 신청: 협의회의 결정을 기다리는 중"
    ]
    assert_accessible(page, axe_violations, "my organisations")
    page.screenshot(path=str(screenshot_dir / "my-organizations.png"), full_page=True)
    # The browser logs the two error answers the test asked for (the refused address,
    # the used link); nothing else.
    expected = [
        f"status of 400 (Bad Request) @ {live_server.url}/organizations/{org.pk}/members/invite/",
        f"status of 410 (Gone) @ {live_server.url}/invite/{token}/",
    ]
    errors = console_errors(page)
    assert [e for e in errors if not any(e.endswith(x) for x in expected)] == [], errors
    assert len(errors) == 2, errors


def test_council_admin_approves_a_join_request(page, live_server, axe_violations, screenshot_dir):
    council = CouncilFactory(name="전주시 사회적경제협의회")
    admin = CouncilRoleFactory(council=council, user=person("cadmin", "cadmin@example.kr")).user
    owner = person("owner", "owner@example.kr")
    org = owned_org(owner, name="함께일터")
    DesignationFactory(organization=org, kind=DesignationKind.SOCIAL_ENTERPRISE)

    # The owner asks on the council page.
    login(page, live_server, owner)
    page.goto(f"/councils/{council.pk}/")
    assert_accessible(page, axe_violations, "council page (owner)")
    page.fill("#id_message", "함께하고 싶습니다.")
    page.get_by_role("button", name="가입 신청하기").click()
    page.wait_for_url(f"**/organizations/{org.pk}/members/")
    assert "전주시 사회적경제협의회에 함께일터의 가입을 신청했습니다." in (
        page.locator(".hj-message-success").inner_text()
    )

    # The council's admin approves.
    page.context.clear_cookies()
    login(page, live_server, admin)
    page.goto(f"/councils/{council.pk}/")
    assert "함께하고 싶습니다." in page.locator("#requests-title + ul").inner_text()
    assert_accessible(page, axe_violations, "council page with a pending request")
    page.screenshot(path=str(screenshot_dir / "council-pending.png"), full_page=True)
    page.get_by_role("button", name="함께일터 가입 승인").click()
    page.wait_for_selector(".hj-message-success")
    assert page.locator(".hj-message-success").inner_text() == "함께일터의 가입을 승인했습니다."
    assert CouncilMembership.objects.filter(council=council, organization=org).exists()
    counts = page.locator(".hj-council-counts")
    assert counts.locator("caption").inner_text() == "회원 조직 1곳의 유형별 수"
    assert counts.locator("tbody tr").all_inner_texts() == ["사회적기업\t1", "인증 사회적기업\t1"]
    assert_accessible(page, axe_violations, "council page after approval")
    page.screenshot(path=str(screenshot_dir / "council-approved.png"), full_page=True)
    assert len(mail.outbox) == 2  # the admin heard of the request, the owner of the answer
    assert mail.outbox[1].to == ["owner@example.kr"]
    assert not console_errors(page), console_errors(page)
