"""Claim services (hanjari/claims/services.py): submitting, the staff decisions with
their e-mails, ownership, the council's endorsement, proposals that become public only
once approved, and the files kept only while their claim is."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from hanjari.accounts.models import Membership
from hanjari.claims import services
from hanjari.claims.models import Claim, ClaimEntry, Evidence
from hanjari.claims.personal_data import claims_personal_data
from hanjari.core.models import AuditEntry
from hanjari.registry.models import Designation, DesignationKind, Organization
from tests.claims.support import (
    BRN_A,
    BRN_B,
    make_claim,
    make_proposal,
    pdf_upload,
    png_upload,
)
from tests.factories import (
    CouncilMembershipFactory,
    CouncilRoleFactory,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
SITE = "http://hanjari.test"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.HANJARI_SITE_URL = SITE
    settings.HANJARI_SITE_NAME = "한자리"


@pytest.fixture
def claimant(db):
    return UserFactory(username="hanok", display_name="김한옥", email="hanok@example.com")


@pytest.fixture
def hanok(db):
    return OrganizationFactory(name="전주한옥마을협동조합", brn="1248100998")


def private_files(settings) -> list[Path]:
    root = Path(settings.HANJARI_PRIVATE_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


# --- submitting ---------------------------------------------------------------------------


def test_a_claim_records_the_number_check_and_keeps_the_file_private(claimant, hanok, settings):
    claim = make_claim(user=claimant, organization=hanok, brn="124-81-00998", role="executive")
    assert (claim.status, claim.kind, claim.brn) == ("submitted", "claim", "1248100998")
    assert claim.brn_check == Claim.BrnCheck.MATCH
    assert claim.organization_name == "전주한옥마을협동조합"
    evidence = claim.evidence.get()
    assert (evidence.file_name, evidence.content_type) == ("설립신고필증.pdf", "application/pdf")
    stored = Path(evidence.file.path)
    assert stored.is_relative_to(Path(settings.HANJARI_PRIVATE_ROOT))
    assert not stored.is_relative_to(Path(settings.MEDIA_ROOT))
    assert stored.name != "설립신고필증.pdf" and stored.suffix == ".pdf"
    assert stored.stat().st_mode & 0o777 == 0o600
    assert [e.action for e in claim.entries.all()] == ["submitted"]
    assert AuditEntry.objects.filter(action="claims.claim.submitted").count() == 1
    # A match is information, never a decision.
    assert Membership.objects.filter(user=claimant).count() == 0


@pytest.mark.parametrize(
    ("record", "typed", "check"),
    [
        ("1248100998", BRN_A, "match"),
        ("1248100998", BRN_B, "mismatch"),
        ("", BRN_A, "no_number"),
    ],
)
def test_number_check(claimant, record, typed, check):
    org = OrganizationFactory(brn=record)
    assert make_claim(user=claimant, organization=org, brn=typed).brn_check == check


def test_an_invalid_number_is_refused(claimant, hanok, settings):
    with pytest.raises(services.ClaimError) as caught:
        make_claim(user=claimant, organization=hanok, brn="124-81-00999")
    assert caught.value.code == "brn"
    assert not Claim.objects.exists()
    assert private_files(settings) == []


def test_a_fake_pdf_stores_nothing(claimant, hanok, settings):
    fake = pdf_upload("증명서.pdf", b"<html>not a pdf</html>")
    with pytest.raises(ValidationError) as caught:
        make_claim(user=claimant, organization=hanok, evidence=fake)
    assert caught.value.messages == [
        "PDF 파일이 아니거나 손상된 파일입니다. 스캔한 PDF나 사진(PNG, JPG)을 올려 주세요."
    ]
    assert not Claim.objects.exists()
    assert private_files(settings) == []


def test_a_second_open_claim_is_refused(claimant, hanok):
    make_claim(user=claimant, organization=hanok)
    with pytest.raises(services.ClaimError) as caught:
        make_claim(user=claimant, organization=hanok)
    assert caught.value.code == "open"
    assert Claim.objects.count() == 1


def test_the_council_must_be_one_the_organisation_belongs_to(claimant, hanok):
    elsewhere = CouncilMembershipFactory().council
    with pytest.raises(services.ClaimError) as caught:
        make_claim(user=claimant, organization=hanok, council=elsewhere)
    assert (caught.value.code, caught.value.message) == (
        "council",
        "이 조직이 가입한 협의회가 아닙니다.",
    )


def test_owners_are_told_when_someone_claims_their_organisation(
    claimant, hanok, django_capture_on_commit_callbacks
):
    owner = MembershipFactory(
        organization=hanok,
        role=Membership.Role.OWNER,
        user=UserFactory(display_name="이대표", email="owner@example.com"),
    ).user
    MembershipFactory(organization=hanok, user=UserFactory(email="editor@example.com"))
    with django_capture_on_commit_callbacks(execute=True):
        claim = make_claim(user=claimant, organization=hanok)
    assert claim.owners_at_submission == 1
    assert [m.to for m in mail.outbox] == [["owner@example.com"]]
    message = mail.outbox[0]
    assert (
        message.subject == "[한자리] 관리하는 조직에 새 신청이 들어왔습니다: 전주한옥마을협동조합"
    )
    assert message.body.startswith(
        "이대표님, 대표 관리자로 있는 ‘전주한옥마을협동조합’에 다른 사람이 대표 관리자 "
        "신청(‘우리 조직입니다’)을 했습니다."
    )
    assert "신청한 사람: 김한옥 (대표)" in message.body
    assert f"{SITE}/organizations/{hanok.pk}/" in message.body
    # The owner is told, not shown the claim: no link to it, no file.
    assert "/claims/" not in message.body
    assert owner.pk != claimant.pk


def test_the_council_admins_are_asked_by_mail(claimant, hanok, django_capture_on_commit_callbacks):
    council = CouncilMembershipFactory(
        organization=hanok, council__name="전주시마을기업협회"
    ).council
    CouncilRoleFactory(
        council=council, user=UserFactory(display_name="박협회", email="c@example.com")
    )
    with django_capture_on_commit_callbacks(execute=True):
        claim = make_claim(user=claimant, organization=hanok, council=council)
    assert claim.endorsement == Claim.Endorsement.REQUESTED
    (message,) = mail.outbox
    assert message.to == ["c@example.com"]
    assert message.subject == "[한자리] 협의회 확인 요청: 전주한옥마을협동조합"
    assert "박협회님, 전주시마을기업협회 관리자로서 확인해 주실 요청이 있습니다." in message.body
    assert f"{SITE}{reverse('claims:endorsements')}" in message.body


# --- decisions ----------------------------------------------------------------------------


def test_approval_makes_the_claimant_an_owner_and_tells_them(
    claimant, hanok, staff, django_capture_on_commit_callbacks
):
    claim = make_claim(user=claimant, organization=hanok)
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_approve(claim=claim, by=staff, message="지정서를 확인했습니다.")
    claim.refresh_from_db()
    assert (claim.status, claim.decided_by, claim.staff_message) == (
        "approved",
        staff,
        "지정서를 확인했습니다.",
    )
    membership = Membership.objects.get(user=claimant, organization=hanok)
    assert membership.role == Membership.Role.OWNER
    (message,) = mail.outbox
    assert message.to == ["hanok@example.com"]
    assert message.subject == "[한자리] 조직 신청이 승인되었습니다: 전주한옥마을협동조합"
    assert message.body.startswith("김한옥님, ‘전주한옥마을협동조합’ 신청이 승인되었습니다.")
    assert "이제 이 조직의 대표 관리자입니다." in message.body
    assert "센터에서 남긴 말:\n지정서를 확인했습니다." in message.body
    assert f"{SITE}/organizations/{hanok.pk}/" in message.body
    assert f"{SITE}/claims/{claim.pk}/" in message.body
    granted = AuditEntry.objects.get(action="claims.owner.granted")
    assert granted.data == {"user": claimant.pk, "before": None}
    assert [e.action for e in claim.entries.all()] == ["submitted", "approved"]


def test_approval_raises_an_editor_to_owner_and_keeps_other_owners(claimant, hanok, staff):
    first_owner = MembershipFactory(organization=hanok, role=Membership.Role.OWNER).user
    MembershipFactory(organization=hanok, user=claimant, role=Membership.Role.EDITOR)
    claim = make_claim(user=claimant, organization=hanok)
    services.claim_approve(claim=claim, by=staff)
    roles = dict(
        Membership.objects.filter(organization=hanok).values_list("user__username", "role")
    )
    assert roles == {first_owner.username: "owner", "hanok": "owner"}
    assert AuditEntry.objects.get(action="claims.owner.granted").data["before"] == "editor"


def test_rejection_needs_a_reason_and_sends_it(
    claimant, hanok, staff, django_capture_on_commit_callbacks
):
    claim = make_claim(user=claimant, organization=hanok)
    with pytest.raises(services.ClaimError) as caught:
        services.claim_reject(claim=claim, by=staff, reason="  ")
    assert caught.value.code == "reason"
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_reject(claim=claim, by=staff, reason="증빙 서류의 조직 이름이 다릅니다.")
    claim.refresh_from_db()
    assert claim.status == "rejected"
    assert not Membership.objects.filter(user=claimant).exists()
    (message,) = mail.outbox
    assert message.subject == "[한자리] 조직 신청 결과: 전주한옥마을협동조합"
    assert "반려 사유:\n증빙 서류의 조직 이름이 다릅니다." in message.body
    assert f"{SITE}/claims/{claim.pk}/" in message.body


def test_asking_for_more_then_the_reply_resubmits(
    claimant, hanok, staff, django_capture_on_commit_callbacks
):
    claim = make_claim(user=claimant, organization=hanok)
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_request_info(
            claim=claim, by=staff, message="사업자등록증 사본을 올려 주세요."
        )
    claim.refresh_from_db()
    assert claim.status == "more_info_requested"
    (message,) = mail.outbox
    assert message.subject == "[한자리] 조직 신청에 보완이 필요합니다: 전주한옥마을협동조합"
    assert "센터의 요청:\n사업자등록증 사본을 올려 주세요." in message.body
    assert f"{SITE}/claims/{claim.pk}/" in message.body

    # Staff cannot ask twice before the claimant answers.
    with pytest.raises(services.ClaimError) as caught:
        services.claim_request_info(claim=claim, by=staff, message="또")
    assert caught.value.code == "state"

    services.claim_reply(claim=claim, by=claimant, message="올렸습니다.", evidence=png_upload())
    claim.refresh_from_db()
    assert claim.status == "resubmitted"
    assert claim.evidence.count() == 2
    assert [(e.action, e.message) for e in claim.entries.all()] == [
        ("submitted", ""),
        ("info_requested", "사업자등록증 사본을 올려 주세요."),
        ("replied", "올렸습니다."),
    ]


def test_a_file_added_while_waiting_keeps_the_state(claimant, hanok):
    claim = make_claim(user=claimant, organization=hanok)
    services.claim_reply(claim=claim, by=claimant, evidence=png_upload())
    claim.refresh_from_db()
    assert claim.status == "submitted"
    assert claim.entries.last().action == ClaimEntry.Action.FILE_ADDED


def test_only_the_claimant_replies_and_only_while_open(claimant, hanok, staff):
    claim = make_claim(user=claimant, organization=hanok)
    with pytest.raises(services.ClaimError) as caught:
        services.claim_reply(claim=claim, by=UserFactory(), message="저도요")
    assert caught.value.code == "permission"
    with pytest.raises(services.ClaimError) as caught:
        services.claim_reply(claim=claim, by=claimant)
    assert caught.value.code == "empty"
    services.claim_withdraw(claim=claim, by=claimant)
    with pytest.raises(services.ClaimError) as caught:
        services.claim_reply(claim=claim, by=claimant, message="다시")
    assert caught.value.code == "state"


def test_staff_cannot_decide_their_own_claim(hanok, staff):
    claim = make_claim(user=staff, organization=hanok)
    with pytest.raises(services.ClaimError) as caught:
        services.claim_approve(claim=claim, by=staff)
    assert caught.value.code == "permission"
    assert not Membership.objects.exists()


def test_a_decided_claim_cannot_be_decided_again(claimant, hanok, staff):
    claim = make_claim(user=claimant, organization=hanok)
    services.claim_reject(claim=claim, by=staff, reason="아닙니다")
    with pytest.raises(services.ClaimError) as caught:
        services.claim_approve(claim=claim, by=staff)
    assert caught.value.code == "state"
    assert not Membership.objects.exists()


def test_a_claim_of_a_deleted_organisation_cannot_be_approved(claimant, staff):
    org = OrganizationFactory(name="사라진협동조합")
    claim = make_claim(user=claimant, organization=org)
    org.delete()
    claim.refresh_from_db()
    assert (claim.organization, claim.organization_name) == (None, "사라진협동조합")
    with pytest.raises(services.ClaimError) as caught:
        services.claim_approve(claim=claim, by=staff)
    assert caught.value.code == "gone"
    services.claim_reject(claim=claim, by=staff, reason="조직이 없어졌습니다.")
    assert Claim.objects.get().status == "rejected"


def test_non_staff_cannot_approve(claimant, hanok):
    claim = make_claim(user=claimant, organization=hanok)
    with pytest.raises(services.ClaimError) as caught:
        services.claim_approve(claim=claim, by=UserFactory())
    assert caught.value.code == "permission"
    with pytest.raises(PermissionDenied):
        services.owner_grant(user=claimant, organization=hanok, by=UserFactory())


def test_the_council_endorses(claimant, hanok):
    council = CouncilMembershipFactory(organization=hanok).council
    admin = CouncilRoleFactory(council=council).user
    claim = make_claim(user=claimant, organization=hanok, council=council)
    services.claim_endorse(claim=claim, by=admin, endorse=True)
    claim.refresh_from_db()
    assert (claim.endorsement, claim.endorsed_by) == ("endorsed", admin)
    assert claim.status == "submitted"  # it decides nothing by itself
    with pytest.raises(services.ClaimError) as caught:
        services.claim_endorse(claim=claim, by=admin, endorse=False)
    assert caught.value.code == "state"


# --- proposals ----------------------------------------------------------------------------


def test_a_proposal_creates_nothing_public_until_approved(
    client, claimant, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        claim = make_proposal(user=claimant, name="햇살나눔사회적협동조합")
    assert claim.organization is None
    assert not Organization.objects.filter(name="햇살나눔사회적협동조합").exists()
    directory = client.get(reverse("registry:directory")).content.decode()
    assert "햇살나눔사회적협동조합" not in directory
    search = client.get(reverse("search:search"), {"q": "햇살나눔"}).content.decode()
    assert "햇살나눔사회적협동조합" not in search
    assert "햇살나눔사회적협동조합" not in client.get(reverse("home")).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        services.claim_approve(claim=claim, by=staff)
    claim.refresh_from_db()
    org = claim.organization
    assert (org.name, org.sido, org.sigungu, org.brn, org.legal_form) == (
        "햇살나눔사회적협동조합",
        "전북특별자치도",
        "전주시",
        BRN_B.replace("-", ""),
        "social_cooperative",  # marked in the name
    )
    designation = org.designations.get()
    assert (designation.kind, designation.number, designation.issuer, designation.dataset) == (
        DesignationKind.SOCIAL_COOPERATIVE,
        "제2021-12호",
        "기획재정부",
        None,
    )
    assert Membership.objects.get(user=claimant, organization=org).role == "owner"
    directory = client.get(reverse("registry:directory")).content.decode()
    assert "햇살나눔사회적협동조합" in directory
    assert "사회적협동조합 · 센터 확인</span>" in directory
    profile = client.get(org.get_absolute_url()).content.decode()
    assert "<dt>출처</dt>\n        <dd>센터 확인" in profile
    search = client.get(reverse("search:search"), {"q": "햇살나눔"}).content.decode()
    assert f'href="{org.get_absolute_url()}"' in search
    assert (
        "조직이 한자리 명부에 등록되었고, 출처는 ‘센터 확인’으로 표시됩니다."
        in mail.outbox[-1].body
    )


def test_a_proposal_of_a_registered_name_is_refused(claimant):
    OrganizationFactory(name="(주)햇살나눔", sido="전북특별자치도", sigungu="전주시")
    with pytest.raises(services.ClaimError) as caught:
        make_proposal(user=claimant, name="햇살나눔 주식회사")
    assert caught.value.code == "duplicate"
    assert "같은 지역에 같은 이름의 조직((주)햇살나눔)이 이미 있습니다." in caught.value.message
    # In another city it is another organisation.
    assert make_proposal(user=claimant, name="햇살나눔", sigungu="익산시").kind == "proposal"


def test_approving_a_proposal_registered_meanwhile_is_refused(claimant, staff):
    claim = make_proposal(user=claimant, name="햇살나눔사회적협동조합")
    OrganizationFactory(name="햇살나눔사회적협동조합", sido="전북특별자치도", sigungu="전주시")
    with pytest.raises(services.ClaimError) as caught:
        services.claim_approve(claim=claim, by=staff)
    assert caught.value.code == "duplicate"
    claim.refresh_from_db()
    assert claim.status == "submitted"
    assert Organization.objects.count() == 1
    assert not Designation.objects.exists()


def test_a_proposal_needs_a_designation(claimant):
    with pytest.raises(services.ClaimError) as caught:
        make_proposal(user=claimant, designations=[])
    assert caught.value.code == "designations"


# --- personal data ------------------------------------------------------------------------


def test_personal_data_lists_claims_without_file_contents(claimant, hanok, staff):
    claim = make_claim(user=claimant, organization=hanok, message="대표입니다")
    services.claim_request_info(claim=claim, by=staff, message="더 주세요")
    data = claims_personal_data(claimant)
    (item,) = data["claims"]
    assert item["organization_name"] == "전주한옥마을협동조합"
    assert item["brn"] == "1248100998"
    assert item["message"] == "대표입니다"
    assert item["status"] == "more_info_requested"
    assert item["evidence"][0]["file_name"] == "설립신고필증.pdf"
    assert "file" not in item["evidence"][0]
    assert [(h["action"], h["by_you"]) for h in item["history"]] == [
        ("submitted", True),
        ("info_requested", False),
    ]
    assert claims_personal_data(staff) == {"claims": []}


def test_erasing_removes_claims_and_files(
    claimant, hanok, staff, settings, django_capture_on_commit_callbacks
):
    claim = make_claim(user=claimant, organization=hanok)
    services.claim_reply(claim=claim, by=claimant, evidence=png_upload())
    assert len(private_files(settings)) == 2
    with pytest.raises(PermissionDenied):
        services.claims_erase_personal_data(user=claimant, by=UserFactory())
    with django_capture_on_commit_callbacks(execute=True):
        assert services.claims_erase_personal_data(user=claimant, by=claimant) == 1
    assert not Claim.objects.exists()
    assert not Evidence.objects.exists()
    assert private_files(settings) == []
