"""Claim pages (hanjari/claims/views.py and the profile's button): the flows through
the forms, refusals as 4xx with a message, the rate limit in the shared cache, and the
staff queue."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hanjari.accounts.models import Membership
from hanjari.claims import services
from hanjari.claims.models import Claim
from hanjari.registry.models import Organization
from tests.claims.support import BRN_A, BRN_C, make_claim, make_proposal, pdf_bytes, pdf_upload
from tests.factories import (
    CouncilMembershipFactory,
    CouncilRoleFactory,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def main(response) -> str:
    html = response.content.decode()
    return html[html.index('<main id="main-content"') : html.index("</main>")]


@pytest.fixture
def hanok(db):
    return OrganizationFactory(name="전주한옥마을협동조합", brn="1248100998")


@pytest.fixture
def person(db):
    return UserFactory(username="hanok", display_name="김한옥", email="hanok@example.com")


def claim_post(**fields):
    data = {"brn": BRN_A, "role": "representative", "evidence": pdf_upload()}
    data.update(fields)
    return data


# --- the profile's button ------------------------------------------------------------------


def test_the_profile_offers_the_claim_to_everyone_but_owners(client, hanok, person):
    button = f'href="{reverse("claims:claim-new", args=[hanok.pk])}">우리 조직입니다</a>'
    assert button in client.get(hanok.get_absolute_url()).content.decode()
    client.force_login(person)
    assert button in client.get(hanok.get_absolute_url()).content.decode()
    claim = make_claim(user=person, organization=hanok)
    html = client.get(hanok.get_absolute_url()).content.decode()
    assert button not in html
    assert f'href="/claims/{claim.pk}/">대표 관리자 신청 검토 중</a>' in html
    owner = MembershipFactory(organization=hanok, role=Membership.Role.OWNER).user
    client.force_login(owner)
    html = client.get(hanok.get_absolute_url()).content.decode()
    assert "우리 조직입니다" not in html and "대표 관리자 신청 검토 중" not in html


def test_anonymous_claim_goes_to_the_login_page(client, hanok):
    url = reverse("claims:claim-new", args=[hanok.pk])
    response = client.get(url)
    assert response["Location"] == f"{reverse('accounts:login')}?next={url}"


# --- claiming through the form ---------------------------------------------------------------


def test_claim_then_staff_approval_through_the_pages(
    client, hanok, person, staff, django_capture_on_commit_callbacks
):
    client.force_login(person)
    url = reverse("claims:claim-new", args=[hanok.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "우리 조직입니다: 전주한옥마을협동조합" in page.content.decode()
    response = client.post(url, claim_post(brn="124-81-00998", message="대표입니다."))
    claim = Claim.objects.get()
    assert response.status_code == 303
    assert response["Location"] == f"/claims/{claim.pk}/"
    html = main(client.get(response["Location"]))
    assert "센터가 신청을 확인하고 있습니다." in html
    assert "124-81-00998" in html
    assert "기록의 번호와 같음" not in html  # the check is for the reviewer
    assert "설립신고필증.pdf" in html

    client.force_login(staff)
    queue = main(client.get(reverse("claims:staff-queue")))
    assert f'href="/staff/claims/{claim.pk}/">전주한옥마을협동조합</a>' in queue
    detail = main(client.get(reverse("claims:staff-detail", args=[claim.pk])))
    assert "124-81-00998 — <strong>기록의 번호와 같음</strong>" in detail
    assert f'href="/claims/evidence/{claim.evidence.get().pk}/"' in detail
    assert "지금의 대표 관리자" in detail
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("claims:staff-decide", args=[claim.pk]), {"action": "approve", "message": ""}
        )
    assert response.status_code == 303
    assert response["Location"] == reverse("claims:staff-queue")
    assert Membership.objects.get(user=person, organization=hanok).role == "owner"
    assert mail.outbox[-1].subject == "[한자리] 조직 신청이 승인되었습니다: 전주한옥마을협동조합"
    # Decided: no more "approving adds another owner" about the claimant themself.
    detail = main(client.get(reverse("claims:staff-detail", args=[claim.pk])))
    assert "승인하면 대표 관리자가 한 명 더 생깁니다" not in detail

    client.force_login(person)
    html = main(client.get(claim.get_absolute_url()))
    assert "승인되었습니다. 이제 이 조직의 대표 관리자입니다." in html
    profile = client.get(hanok.get_absolute_url()).content.decode()
    assert "정보 고치기" in profile and "우리 조직입니다" not in profile


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"evidence": SimpleUploadedFile("증명서.pdf", b"MZ\x90\x00 not a pdf")},
            "PDF 파일이 아니거나 손상된 파일입니다. 스캔한 PDF나 사진(PNG, JPG)을 올려 주세요.",
        ),
        (
            {"evidence": SimpleUploadedFile("증명서.exe", b"MZ\x90\x00")},
            "증빙 서류는 PDF, PNG, JPG 파일만 올릴 수 있습니다.",
        ),
        ({"evidence": ""}, "필수 항목입니다."),
        (
            {"brn": "124-81-00999"},
            "올바른 사업자등록번호가 아닙니다. 10자리 번호와 끝자리 검증번호를 확인해 주세요.",
        ),
        ({"brn": "\x00\x00"}, "null 문자는 사용할 수 없습니다."),
        ({"role": "other", "role_other": ""}, "기타를 고른 경우 역할을 적어 주세요."),
        ({"role": "boss"}, "올바르게 선택해 주세요. boss 이/가 선택가능항목에 없습니다."),
        ({"council": "9" * 30}, "올바르게 선택해 주세요. 선택하신 것이 선택가능항목에 없습니다."),
    ],
    ids=["fake-pdf", "exe", "no-file", "bad-number", "nul", "other-role", "bad-role", "huge-id"],
)
def test_bad_claims_are_400_with_a_message(client, hanok, person, fields, message):
    client.force_login(person)
    response = client.post(reverse("claims:claim-new", args=[hanok.pk]), claim_post(**fields))
    assert response.status_code == 400
    html = response.content.decode().replace("&quot;", '"').replace("&#x27;", "'")
    assert message in html, re.findall(r'class="form-hint-invalid[^>]*>(.*?)</div>', html)
    assert not Claim.objects.exists()


def test_a_huge_file_is_a_400(client, hanok, person, settings):
    settings.HANJARI_EVIDENCE_MAX_BYTES = 2**20
    client.force_login(person)
    huge = SimpleUploadedFile("큰파일.pdf", b"%PDF-1.4\n" + b"0" * (2**20 + 1) + b"%%EOF")
    response = client.post(reverse("claims:claim-new", args=[hanok.pk]), claim_post(evidence=huge))
    assert response.status_code == 400
    assert "파일이 너무 큽니다 (최대 1 MB)." in response.content.decode()


def test_a_second_claim_is_a_409_and_the_form_is_gone(client, hanok, person):
    client.force_login(person)
    make_claim(user=person, organization=hanok)
    url = reverse("claims:claim-new", args=[hanok.pk])
    page = main(client.get(url))
    assert "이 조직에 대한 신청을 이미 검토하고 있습니다." in page
    assert "<form" not in page
    assert client.post(url, claim_post()).status_code == 409
    assert Claim.objects.count() == 1


def test_claims_are_rate_limited_in_the_shared_cache(client, person, settings):
    settings.HANJARI_CLAIM_RATE_LIMIT = 2
    client.force_login(person)
    orgs = [OrganizationFactory() for _ in range(3)]
    for org in orgs[:2]:
        response = client.post(reverse("claims:claim-new", args=[org.pk]), claim_post())
        assert response.status_code == 303
    response = client.post(reverse("claims:claim-new", args=[orgs[2].pk]), claim_post())
    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    assert "신청이 너무 잦습니다. 한 시간 뒤에 다시 해 주세요." in response.content.decode()
    assert Claim.objects.count() == 2
    # The count lives in the default cache (shared by every server process).
    assert cache.get(f"hanjari:rate:claims:submit:user:{person.pk}") == 3
    # Proposals and replies count against the same limit.
    response = client.post(reverse("claims:propose"), {})
    assert response.status_code == 429


def test_another_person_from_the_same_address_has_their_own_count(client, settings):
    settings.HANJARI_CLAIM_RATE_LIMIT = 1
    for _ in range(2):
        client.force_login(UserFactory())
        response = client.post(
            reverse("claims:claim-new", args=[OrganizationFactory().pk]), claim_post()
        )
        assert response.status_code == 303
    # The address itself allows three times the personal limit.
    client.force_login(UserFactory())
    assert (
        client.post(
            reverse("claims:claim-new", args=[OrganizationFactory().pk]), claim_post()
        ).status_code
        == 303
    )
    client.force_login(UserFactory())
    assert (
        client.post(
            reverse("claims:claim-new", args=[OrganizationFactory().pk]), claim_post()
        ).status_code
        == 429
    )


# --- the claimant's page ---------------------------------------------------------------------


def test_reply_to_a_request_for_more(client, hanok, person, staff):
    claim = make_claim(user=person, organization=hanok)
    services.claim_request_info(claim=claim, by=staff, message="지정서 뒷면도 올려 주세요.")
    client.force_login(person)
    html = main(client.get(claim.get_absolute_url()))
    assert "센터가 보완을 요청했습니다" in html
    assert "지정서 뒷면도 올려 주세요." in html
    url = reverse("claims:reply", args=[claim.pk])
    assert client.post(url, {"message": ""}).status_code == 400
    response = client.post(url, {"message": "올렸습니다", "evidence": pdf_upload("뒷면.pdf")})
    assert response.status_code == 303
    claim.refresh_from_db()
    assert claim.status == "resubmitted"
    assert sorted(claim.evidence.values_list("file_name", flat=True)) == [
        "뒷면.pdf",
        "설립신고필증.pdf",
    ]
    mine = main(client.get(reverse("claims:mine")))
    assert f'<a href="/claims/{claim.pk}/">전주한옥마을협동조합</a>' in mine
    assert "보완 제출" in mine


def test_withdraw(client, hanok, person):
    claim = make_claim(user=person, organization=hanok)
    client.force_login(person)
    response = client.post(reverse("claims:withdraw", args=[claim.pk]))
    assert response.status_code == 303
    claim.refresh_from_db()
    assert claim.status == "withdrawn"
    assert client.post(reverse("claims:withdraw", args=[claim.pk])).status_code == 409


# --- proposals -----------------------------------------------------------------------------


def proposal_post(**fields):
    data = {
        "name": "햇살나눔사회적협동조합",
        "legal_form": "",
        "sido": "전북특별자치도",
        "sigungu": "전주시 완산구",
        "address": "전북특별자치도 전주시 완산구 햇살로 7",
        "brn": BRN_C,
        "role": "representative",
        "evidence": pdf_upload(),
        "designations-TOTAL_FORMS": "3",
        "designations-INITIAL_FORMS": "0",
        "designations-MIN_NUM_FORMS": "0",
        "designations-MAX_NUM_FORMS": "3",
        "designations-0-kind": "social_cooperative",
        "designations-0-number": "제2021-12호",
        "designations-0-start_date": "2021-03-02",
    }
    data.update(fields)
    return data


def test_proposal_through_the_form(client, person):
    client.force_login(person)
    assert client.get(reverse("claims:propose")).status_code == 200
    response = client.post(reverse("claims:propose"), proposal_post())
    assert response.status_code == 303
    claim = Claim.objects.get()
    assert (claim.kind, claim.sigungu) == ("proposal", "전주시")
    designation = claim.proposed_designations.get()
    assert (designation.kind, designation.number, str(designation.start_date)) == (
        "social_cooperative",
        "제2021-12호",
        "2021-03-02",
    )
    assert not Organization.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {
                "designations-0-kind": "",
                "designations-0-number": "",
                "designations-0-start_date": "",
            },
            "인증·지정을 하나 이상 적어 주세요.",
        ),
        ({"designations-0-kind": ""}, "인증·지정 종류를 고르세요."),
        ({"designations-TOTAL_FORMS": "100000"}, "한 번에 3줄까지 저장할 수 있습니다."),
        (
            {"designations-0-start_date": "0001-01-01"},
            "1900년부터 2100년 사이의 날짜를 적어 주세요.",
        ),
        ({"sigungu": "아무데나시"}, "전북특별자치도에 있는 시군구 이름을 적어 주세요."),
        ({"sigungu": ""}, "시군구를 적어 주세요."),
        ({"name": "햇살\n나눔"}, "줄바꿈이나 제어 문자는 넣을 수 없습니다."),
    ],
    ids=[
        "no-designation",
        "no-kind",
        "too-many-rows",
        "year-1",
        "sigungu",
        "no-sigungu",
        "line-break",
    ],
)
def test_bad_proposals_are_400_with_a_message(client, person, fields, message):
    client.force_login(person)
    response = client.post(reverse("claims:propose"), proposal_post(**fields))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Claim.objects.exists()


def test_sejong_has_no_sigungu(client, person):
    client.force_login(person)
    data = proposal_post(
        sido="세종특별자치시", sigungu="조치원읍", address="세종특별자치시 조치원읍 1"
    )
    assert client.post(reverse("claims:propose"), data).status_code == 303
    assert Claim.objects.get().sigungu == ""


def test_a_proposal_of_a_registered_organisation_points_to_it(client, person):
    existing = OrganizationFactory(
        name="햇살나눔사회적협동조합", sido="전북특별자치도", sigungu="전주시"
    )
    client.force_login(person)
    response = client.post(reverse("claims:propose"), proposal_post())
    assert response.status_code == 409
    html = response.content.decode()
    assert "‘우리 조직입니다’로 신청해 주세요." in html
    assert f'href="{existing.get_absolute_url()}"' in html


def test_approved_proposal_appears_with_centre_source(client, person, staff):
    claim = make_proposal(user=person)
    client.force_login(staff)
    detail = main(client.get(reverse("claims:staff-detail", args=[claim.pk])))
    assert "승인 (조직 등록)" in detail
    assert "같은 시도에 같은 이름" in detail
    client.post(reverse("claims:staff-decide", args=[claim.pk]), {"action": "approve"})
    org = Organization.objects.get(name="햇살나눔사회적협동조합")
    client.logout()
    html = main(client.get(reverse("registry:directory")))
    assert f'href="{org.get_absolute_url()}"' in html
    assert "사회적협동조합 · 센터 확인" in html


# --- staff decisions -----------------------------------------------------------------------


def test_reject_and_ask_need_a_message(client, hanok, person, staff):
    claim = make_claim(user=person, organization=hanok)
    client.force_login(staff)
    url = reverse("claims:staff-decide", args=[claim.pk])
    response = client.post(url, {"action": "reject", "message": ""})
    assert response.status_code == 400
    assert "반려 사유를 적어 주세요." in response.content.decode()
    response = client.post(url, {"action": "request_info", "message": " "})
    assert response.status_code == 400
    assert "무엇을 보완해야 하는지 적어 주세요." in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == "submitted"
    client.post(url, {"action": "reject", "message": "증빙 서류가 다른 조직의 것입니다."})
    claim.refresh_from_db()
    assert (claim.status, claim.staff_message) == ("rejected", "증빙 서류가 다른 조직의 것입니다.")
    assert client.post(url, {"action": "approve"}).status_code == 409


def test_staff_cannot_decide_their_own_claim_on_the_page(client, hanok, staff):
    claim = make_claim(user=staff, organization=hanok)
    client.force_login(staff)
    detail = main(client.get(reverse("claims:staff-detail", args=[claim.pk])))
    assert "자기 신청은 다른 센터 관리자가 검토해야 합니다." in detail
    assert 'value="approve"' not in detail
    response = client.post(reverse("claims:staff-decide", args=[claim.pk]), {"action": "approve"})
    assert response.status_code == 403
    assert not Membership.objects.exists()


def test_the_queue_filters(client, hanok, person, staff):
    waiting = make_claim(user=person, organization=hanok)
    asked = make_claim(user=person, organization=OrganizationFactory(name="물어본조합"))
    services.claim_request_info(claim=asked, by=staff, message="더")
    done = make_proposal(user=person, name="끝난협동조합")
    services.claim_reject(claim=done, by=staff, reason="중복")
    client.force_login(staff)

    def names(**query):
        html = main(client.get(reverse("claims:staff-queue"), query))
        return re.findall(r'href="/staff/claims/\d+/">([^<]+)</a>', html)

    assert names() == [waiting.organization_name]
    assert names(show="more_info") == ["물어본조합"]
    assert names(show="decided") == ["끝난협동조합"]
    assert names(show="decided", kind="claim") == []
    assert names(show="nonsense") == [waiting.organization_name]


# --- council endorsement -------------------------------------------------------------------


def test_the_council_admin_endorses_from_the_list(client, hanok, person, staff):
    council = CouncilMembershipFactory(
        organization=hanok, council__name="전주시마을기업협회"
    ).council
    admin = CouncilRoleFactory(council=council).user
    claim = make_claim(user=person, organization=hanok, council=council)
    client.force_login(admin)
    html = main(client.get(reverse("claims:endorsements")))
    assert "전주한옥마을협동조합" in html and "김한옥" in html
    assert "설립신고필증.pdf" not in html  # no files for the council
    response = client.post(reverse("claims:endorse", args=[claim.pk]), {"decision": "endorse"})
    assert response.status_code == 303
    claim.refresh_from_db()
    assert claim.endorsement == "endorsed"
    assert "확인을 기다리는 요청이 없습니다." in main(client.get(reverse("claims:endorsements")))
    client.force_login(staff)
    detail = main(client.get(reverse("claims:staff-detail", args=[claim.pk])))
    assert "전주시마을기업협회 — 협의회가 확인함" in detail
    # The claimant's page shows that the council answered, not who.
    client.force_login(person)
    assert "협의회가 확인함" in main(client.get(claim.get_absolute_url()))


def test_the_claimant_sees_no_other_claim(client, hanok, person):
    other = make_claim(user=UserFactory(), organization=hanok)
    client.force_login(person)
    assert client.get(other.get_absolute_url()).status_code == 404
    assert (
        client.post(reverse("claims:reply", args=[other.pk]), {"message": "x"}).status_code == 404
    )
    assert other.organization_name not in main(client.get(reverse("claims:mine")))


def test_evidence_downloads_match_the_upload(client, hanok, person):
    claim = make_claim(user=person, organization=hanok)
    client.force_login(person)
    response = client.get(reverse("claims:evidence", args=[claim.evidence.get().pk]))
    assert b"".join(response.streaming_content) == pdf_bytes()
