"""Staff registry pages in a real browser: a background import's page follows the job
by itself (htmx) until the report shows; a merge goes through its confirmation page and
is undone from the history; a pair is proposed from a profile by searching. Each page
is checked with axe-core and for console errors."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from hanjari.registry import services
from hanjari.registry.models import (
    DesignationKind,
    ImportJob,
    MergeCandidate,
    Organization,
    OrganizationMerge,
)
from tests.conftest import SELF_SUFFICIENCY_CSV
from tests.e2e.conftest import console_errors, format_violations
from tests.factories import DesignationFactory, OrganizationFactory

# The live server needs committed data (transaction=True); serialized_rollback puts back
# the migration data after the flush.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def login(page: Any, live_server: Any, user: Any) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


def assert_accessible(page: Any, axe_violations: Any, what: str) -> None:
    violations = axe_violations(page)
    assert not violations, f"axe on {what}:\n" + format_violations(violations)


def test_the_job_page_follows_a_background_import(
    page, live_server, staff, settings, axe_violations
):
    # The dummy backend keeps the task without running it: the test plays the worker.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    upload = SimpleUploadedFile(SELF_SUFFICIENCY_CSV.name, SELF_SUFFICIENCY_CSV.read_bytes())
    job = services.import_job_create(upload=upload, by=staff)
    login(page, live_server, staff)
    page.goto(job.get_absolute_url())
    assert page.locator("#job-status-title").inner_text() == "기다리는 중"
    assert_accessible(page, axe_violations, "a queued job")

    services.import_job_run(job_id=job.pk)

    # The page asks again every 2 seconds and shows the report without a reload.
    page.wait_for_selector("#import-job-status .hj-summary", timeout=15_000)
    assert page.locator("#job-status-title").inner_text() == "완료"
    assert "가져오기를 마쳤습니다." in page.locator("#import-job-status").inner_text()
    assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.SUCCEEDED
    assert_accessible(page, axe_violations, "a finished job")
    assert not console_errors(page), console_errors(page)


def test_merge_with_confirmation_then_undo(page, live_server, staff, axe_violations):
    left = OrganizationFactory(name="한마음마을협동조합", address="전주시 완산구 1")
    right = OrganizationFactory(name="한마음 마을협동조합", address="전주시 덕진구 2")
    DesignationFactory(organization=left)
    DesignationFactory(organization=right, kind=DesignationKind.SELF_SUFFICIENCY_LOCAL)
    MergeCandidate.objects.create(
        left=left,
        right=right,
        left_name=left.name,
        right_name=right.name,
        score=96,
        reason="같은 시군구에 이름이 매우 비슷한 조직이 있습니다.",
    )
    login(page, live_server, staff)
    page.goto("/staff/merge/")
    page.get_by_role("link", name="왼쪽으로 합치기…").click()
    page.wait_for_url("**/staff/merge/*/?decision=keep_left")
    assert page.locator("h1").inner_text() == "병합 확인"
    assert page.locator(".hj-merge-side").count() == 2
    assert page.locator("#keep-left").is_checked()
    assert_accessible(page, axe_violations, "the merge confirmation")
    page.get_by_role("button", name="합치기").click()
    page.wait_for_url("**/staff/merge/")
    assert not Organization.objects.filter(pk=right.pk).exists()

    page.goto(left.get_absolute_url())
    assert "전주시 덕진구 2" in page.locator("#other-addresses-title + ul").inner_text()
    page.goto(f"/organizations/{left.pk}/history/")
    assert_accessible(page, axe_violations, "the history with a merge")
    page.get_by_role("button", name="한마음 마을협동조합 병합 되돌리기").click()
    page.wait_for_url(f"**/organizations/{right.pk}/history/")
    assert "병합을 되돌렸습니다" in page.locator("main").inner_text()
    assert Organization.objects.get(pk=right.pk).designations.count() == 1
    assert OrganizationMerge.objects.get().status == OrganizationMerge.Status.UNDONE
    assert not console_errors(page), console_errors(page)


def test_propose_a_pair_from_a_profile(page, live_server, staff, axe_violations):
    org = OrganizationFactory(name="나래자활")
    other = OrganizationFactory(name="나래 자활 사업단")
    login(page, live_server, staff)
    page.goto(org.get_absolute_url())
    page.evaluate("window.__sameDocument = true")
    page.fill("#merge-propose-q", "나래")
    with page.expect_response(lambda r: "/staff/merge/propose/" in r.url and r.status == 200):
        page.get_by_role("button", name="찾기").click()
    results = page.locator("#merge-propose-results")
    results.get_by_role("link", name="나래 자활 사업단").wait_for()
    assert page.evaluate("window.__sameDocument") is True  # htmx, no page load
    # The pressed "찾기" button's hover colours are the site's KRDS buttons' own (their
    # contrast is another matter): check the page as it rests.
    page.mouse.move(0, 0)
    page.evaluate("document.activeElement.blur()")
    assert_accessible(page, axe_violations, "the profile with proposal results")
    results.get_by_role("button", name="나래 자활 사업단과(와) 병합 후보로 올리기").click()
    page.wait_for_url("**/staff/merge/")
    candidate = MergeCandidate.objects.get()
    assert (candidate.left, candidate.right) == (org, other)
    assert "병합 검토 대기열에 올렸습니다" in page.locator("main").inner_text()
    assert not console_errors(page), console_errors(page)
