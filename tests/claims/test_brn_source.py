"""The claim's number check compares with a number members cannot have typed: the
organisation's number from an official list, or as centre staff or an import set it
(`registry.selectors.brn_provenance`). The review page says where it came from and
warns of numbers members changed.

Bug (tester): an editor changed the organisation's 사업자등록번호 on the edit page,
then claimed it with that number, and the check said "match"."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from hanjari.claims.models import Claim
from hanjari.core.audit import set_history_user
from hanjari.registry.models import ImportRun, Organization, SourceDataset, SourceRecord
from hanjari.registry.selectors import brn_provenance
from tests.claims.support import BRN_A, BRN_B, make_claim
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory
from tests.registry.profile_support import edit_data

OFFICIAL = "1248100998"  # BRN_A
TYPED = "2208101126"  # BRN_B


@pytest.fixture
def org(db):
    return OrganizationFactory(name="전주한옥마을협동조합", brn=OFFICIAL)


@pytest.fixture
def editor(org):
    return MembershipFactory(user=UserFactory(username="editor"), organization=org).user


def _listed(org: Organization, brn: str) -> SourceRecord:
    dataset = SourceDataset.objects.create(
        dataset_id="15080745", layout="village", title="행정안전부 마을기업 현황"
    )
    run = ImportRun.objects.create(file_name="마을기업.csv", sha256="0" * 64)
    return SourceRecord.objects.create(
        dataset=dataset,
        import_run=run,
        reference_date=dt.date(2024, 3, 31),
        file_name="마을기업.csv",
        sha256="0" * 64,
        row_number=1,
        values={"name": org.name, "brn": brn},
        organization=org,
    )


def _member_typed(org: Organization, user, brn: str) -> None:
    """What members could do before the fix: type a number on the profile."""
    org.brn = brn
    set_history_user(org, user)
    org.save()


def _detail(client, staff, claim: Claim) -> str:
    client.force_login(staff)
    response = client.get(reverse("claims:staff-detail", args=[claim.pk]))
    assert response.status_code == 200
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_bug_an_editor_cannot_make_the_check_match(client, org, editor, staff):
    client.force_login(editor)
    response = client.post(
        reverse("registry:organization-edit", args=[org.pk]), edit_data(org, brn=BRN_B)
    )
    assert response.status_code == 400
    org.refresh_from_db()
    assert org.brn == OFFICIAL
    claim = make_claim(user=editor, organization=org, brn=BRN_B)
    assert claim.brn_check == Claim.BrnCheck.MISMATCH
    html = _detail(client, staff, claim)
    assert "220-81-01126 — <strong>기록의 번호와 다름</strong> (기록: 124-81-00998)" in html
    assert "가져오기 등 시스템 작업으로 적힌 번호입니다" in html


def test_a_number_a_member_typed_earlier_is_not_compared_and_is_flagged(client, org, editor, staff):
    _listed(org, OFFICIAL)
    _member_typed(org, editor, TYPED)
    claim = make_claim(user=editor, organization=org, brn=BRN_B)
    assert claim.brn_check == Claim.BrnCheck.MISMATCH
    html = _detail(client, staff, claim)
    assert "(기록: 124-81-00998)" in html
    listed = "124-81-00998 — 공식 목록 「행정안전부 마을기업 현황」(2024-03-31 기준)에 있는 번호"
    assert listed in html
    assert "이 신청인이 조직 정보에서 사업자등록번호를 바꾼 적이 있습니다" in html
    assert "editor · 220-81-01126" in html


def test_a_number_only_a_member_typed_is_no_number(client, editor, staff):
    org = OrganizationFactory(name="새싹협동조합", brn="")
    MembershipFactory(user=editor, organization=org)
    _member_typed(org, editor, TYPED)
    other = UserFactory(username="other")
    claim = make_claim(user=other, organization=org, brn=BRN_B)
    assert claim.brn_check == Claim.BrnCheck.NO_NUMBER
    html = _detail(client, staff, claim)
    assert "공식 목록이나 센터 관리자가 적은 번호가 없어 대조하지 못했습니다" in html
    assert "센터 관리자가 아닌 사람이 조직 정보에서 사업자등록번호를 바꾼 적이 있습니다" in html
    assert "이 신청인이" not in html


def test_a_number_staff_set_is_compared_and_named(client, org, staff):
    org.brn = TYPED
    set_history_user(org, staff)
    org.save()
    claimant = UserFactory(username="claimant")
    claim = make_claim(user=claimant, organization=org, brn=BRN_B)
    assert claim.brn_check == Claim.BrnCheck.MATCH
    html = _detail(client, staff, claim)
    assert f"220-81-01126 — 센터 관리자 {staff} 님이" in html
    assert "회원이 바꾼 사업자등록번호" not in html
    # A number a member typed after the claim does not change what the page says.
    _member_typed(org, claimant, OFFICIAL)
    assert "회원이 바꾼 사업자등록번호" not in _detail(client, staff, claim)


def test_provenance_prefers_the_official_row_to_a_member_number(org, editor):
    _listed(org, OFFICIAL)
    assert brn_provenance(org).origin == "list"
    _member_typed(org, editor, TYPED)
    source = brn_provenance(org)
    assert (source.number, source.origin, source.dataset) == (
        OFFICIAL,
        "list",
        "행정안전부 마을기업 현황",
    )
    assert [(c.brn, c.by) for c in source.member_changes] == [(TYPED, editor)]


def test_a_claim_with_the_official_number_still_matches(org):
    claim = make_claim(user=UserFactory(username="claimant"), organization=org, brn=BRN_A)
    assert claim.brn_check == Claim.BrnCheck.MATCH
