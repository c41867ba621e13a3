"""An organisation the centre confirmed (an approved proposal) and the official lists:
a later official file that holds it links by the import's matching rules
(docs/data.md, "Matching"), and the 사업자등록번호 a member typed never links a row on
its own — the importer proposes the pair to staff instead."""

from __future__ import annotations

import pytest
from django.urls import reverse

from hanjari.claims import services
from hanjari.registry.models import DesignationKind, MergeCandidate, Organization
from hanjari.registry.services import registry_import
from tests.claims.support import BRN_B, make_proposal
from tests.factories import UserFactory
from tests.registry.importdata import VILLAGE_NAME, village, village_xlsx

pytestmark = pytest.mark.django_db


def ok(data: bytes, file_name: str = VILLAGE_NAME):
    report = registry_import(data=data, file_name=file_name)
    assert report.ok, report.errors
    return report


@pytest.fixture
def confirmed(staff):
    """햇살나눔마을 as the centre confirmed it: 전주시, the number its proposer typed."""
    claim = make_proposal(
        user=UserFactory(),
        name="햇살나눔마을",
        designations=[services.ProposedDesignationInput(kind=DesignationKind.VILLAGE_ENTERPRISE)],
        address="전북특별자치도 전주시 완산구 햇살로 7",
        brn=BRN_B,
    )
    services.claim_approve(claim=claim, by=staff)
    org = Organization.objects.get(name="햇살나눔마을")
    assert org.brn_verified and org.designations.get().dataset is None
    return org


def test_a_typed_number_alone_does_not_link_an_official_row(confirmed):
    """The official row has the member-typed number, but another name and address:
    a new organisation and a merge candidate for staff, not a link."""
    report = ok(
        village_xlsx(
            [
                village(
                    "전혀다른마을기업",
                    sido="전북특별자치도",
                    sigungu="익산시",
                    address="전북특별자치도 익산시 중앙로 1",
                    brn=BRN_B,
                )
            ]
        )
    )
    assert (report.linked, report.organizations_created, report.queued) == (0, 1, 1)
    candidate = MergeCandidate.objects.get()
    assert candidate.left == confirmed
    assert candidate.right.name == "전혀다른마을기업"
    assert candidate.reason == "회원이 입력한 사업자등록번호가 같습니다."
    assert confirmed.designations.count() == 1


def test_the_official_list_links_by_name_and_region(client, confirmed):
    """The same name in the same 시군구: linked by the existing rules. The centre's
    designation stays beside the official one, each with its source."""
    report = ok(
        village_xlsx(
            [
                village(
                    "햇살나눔마을",
                    sido="전북특별자치도",
                    sigungu="전주시",
                    address="전북특별자치도 전주시 완산구 햇살로 7",
                    brn=BRN_B,
                )
            ]
        )
    )
    assert (report.linked, report.organizations_created, report.queued) == (1, 0, 0)
    sources = sorted(
        (d.kind, d.dataset.dataset_id if d.dataset else "센터 확인")
        for d in confirmed.designations.select_related("dataset")
    )
    assert sources == [("village_enterprise", "15080745"), ("village_enterprise", "센터 확인")]
    html = client.get(reverse("registry:organization", args=[confirmed.pk])).content.decode()
    assert "센터 확인" in html and "15080745" in html
