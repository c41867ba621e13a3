"""Matching rows to organisations: the address and core-name signals, the 사업자등록번호
a member typed, the capped review queue, and the import writing in short transactions
that are undone together when one fails."""

from __future__ import annotations

import pytest
from django.db import connection

from hanjari.registry.importers import matching, pipeline, writer
from hanjari.registry.models import Designation, ImportRun, MergeCandidate, Organization
from hanjari.registry.services import organization_update, registry_import
from tests.factories import UserFactory

from .importdata import (
    BRN_A,
    SELF_SUFFICIENCY_NAME,
    VILLAGE_NAME,
    registry_counts,
    self_sufficiency,
    self_sufficiency_csv,
    village,
    village_xlsx,
)

pytestmark = pytest.mark.django_db

GU = ("강남구", "강동구", "강북구", "강서구")


def ok(data: bytes, file_name: str, **kwargs):
    report = registry_import(data=data, file_name=file_name, **kwargs)
    assert report.ok, report.errors
    return report


def test_same_address_and_core_name_in_two_lists_is_linked():
    """The issue's case: 전라북도 / 전북, the legal-form word on one side only."""
    ok(
        village_xlsx(
            [
                village(
                    "온두레밥상협동조합",
                    sido="전라북도",
                    sigungu="완주군",
                    address="전라북도 완주군 고산면 대아로 12",
                )
            ]
        ),
        VILLAGE_NAME,
    )
    report = ok(
        self_sufficiency_csv(
            [
                self_sufficiency(
                    "(주)온두레밥상",
                    sido="전북",
                    sigungu="완주군",
                    address="전북 완주군 고산면 대아로 12, 2층",
                )
            ]
        ),
        SELF_SUFFICIENCY_NAME,
    )
    assert (report.linked, report.organizations_created, report.queued) == (1, 0, 0)
    org = Organization.objects.get()
    assert org.name == "온두레밥상협동조합"
    assert org.aliases == ["(주)온두레밥상"]
    assert org.designations.count() == 2


def test_core_name_in_the_same_city_at_another_address_is_proposed():
    ok(
        village_xlsx(
            [
                village(
                    "온두레밥상협동조합",
                    sido="전북",
                    sigungu="완주군",
                    address="전북 완주군 고산면 대아로 12",
                )
            ]
        ),
        VILLAGE_NAME,
    )
    report = ok(
        self_sufficiency_csv(
            [
                self_sufficiency(
                    "(주)온두레밥상",
                    sido="전북",
                    sigungu="완주군",
                    address="전북 완주군 봉동읍 완주산단5로 8",
                )
            ]
        ),
        SELF_SUFFICIENCY_NAME,
    )
    assert (report.linked, report.organizations_created, report.queued) == (0, 1, 1)
    candidate = MergeCandidate.objects.get()
    assert (candidate.left_name, candidate.right_name) == ("온두레밥상협동조합", "(주)온두레밥상")
    assert candidate.score == 100
    assert candidate.reason == "같은 시군구에 법인 형태만 다르고 이름이 같은 조직이 있습니다."


def test_two_cooperative_forms_at_one_address_are_proposed_not_linked():
    """협동조합 and 사회적협동조합 are two legal entities even at one address."""
    address = "전북 완주군 고산면 대아로 12"
    ok(
        village_xlsx([village("온두레협동조합", sido="전북", sigungu="완주군", address=address)]),
        VILLAGE_NAME,
    )
    report = ok(
        self_sufficiency_csv(
            [
                self_sufficiency(
                    "온두레사회적협동조합", sido="전북", sigungu="완주군", address=address
                )
            ]
        ),
        SELF_SUFFICIENCY_NAME,
    )
    assert (report.linked, report.organizations_created, report.queued) == (0, 1, 1)
    assert MergeCandidate.objects.get().score == 100


def test_province_level_row_at_the_same_address_is_proposed():
    """A 광역 자활기업 has no 시군구: the shared address proposes the pair."""
    ok(
        village_xlsx(
            [
                village(
                    "가온누리",
                    sido="전북",
                    sigungu="전주시",
                    address="전주시 완산구 천잠로 555",
                )
            ]
        ),
        VILLAGE_NAME,
    )
    report = ok(
        self_sufficiency_csv(
            [
                self_sufficiency(
                    "가온누리협동조합",
                    sido="전북특별자치도",
                    sigungu="전북",
                    tier="광역",
                    address="전라북도 전주시 완산구 천잠로 555",
                )
            ]
        ),
        SELF_SUFFICIENCY_NAME,
    )
    assert (report.linked, report.queued) == (0, 1)
    candidate = MergeCandidate.objects.get()
    assert candidate.reason == "같은 주소에 이름이 비슷한 조직이 있습니다."
    assert candidate.score == 100


def test_business_number_typed_by_a_member_does_not_link_an_official_row():
    ok(
        village_xlsx(
            [village("바른먹거리학교", sigungu="강동구", address="서울 강동구 천호대로 1")]
        ),
        VILLAGE_NAME,
    )
    org = Organization.objects.get()
    organization_update(organization=org, data={"brn": BRN_A.replace("-", "")}, by=None)
    assert Organization.objects.get().brn_verified
    report = ok(
        village_xlsx([village("전혀다른이름", brn=BRN_A)]),
        "village_enterprises_15080745_2026-01-31.xlsx",
    )
    assert (report.linked, report.organizations_created, report.queued) == (0, 1, 1)
    candidate = MergeCandidate.objects.get()
    assert candidate.left == org
    assert candidate.reason == "회원이 입력한 사업자등록번호가 같습니다."
    assert Organization.objects.count() == 2


def test_official_business_number_still_links():
    ok(village_xlsx([village("바른먹거리학교", brn=BRN_A)]), VILLAGE_NAME)
    report = ok(
        village_xlsx(
            [
                village("바른먹거리학교", brn=BRN_A),
                village("전혀다른이름", brn=BRN_A, sigungu="강동구"),
            ]
        ),
        "village_enterprises_15080745_2026-01-31.xlsx",
    )
    assert report.linked == 1
    assert Organization.objects.count() == 1


def test_review_candidates_per_row_are_capped_and_the_rest_summarised():
    # Every two names differ in their last letter only (similarity 90.9).
    names = [f"한자리나눔행복마을{c}" for c in "가나다라마바사아자차카타"]
    report = ok(village_xlsx([village(name) for name in names]), VILLAGE_NAME)
    assert report.organizations_created == 12
    # Row k (k = 0…11) sees k look-alikes before it; at most QUEUE_LIMIT are queued.
    expected = sum(min(k, pipeline.QUEUE_LIMIT) for k in range(12))
    assert report.queued == expected == MergeCandidate.objects.count()
    assert report.not_queued == sum(max(0, k - pipeline.QUEUE_LIMIT) for k in range(12))
    summary = [w for w in report.warnings if w.row == 0]
    assert len(summary) == 1
    assert summary[0].reason == (
        "6개 행은 비슷한 조직이 많아 행마다 가장 비슷한 5곳만 병합 후보로 올렸습니다. "
        "올리지 않은 후보는 21건입니다."
    )
    assert summary[0].value == "12, 13, 14, 15, 16, 17"  # data starts on file row 6
    per_org = MergeCandidate.objects.filter(right__name=names[-1])
    assert per_org.count() == pipeline.QUEUE_LIMIT


def test_rows_compare_with_a_bounded_block(monkeypatch):
    monkeypatch.setattr(matching, "COMPARE_LIMIT", 3)
    rows = [
        village(f"한자리나눔행복마을{c}", address=f"서울시 강남구 일원로 {n}")
        for n, c in enumerate("가나다라마바", start=1)
    ]
    report = ok(village_xlsx(rows), VILLAGE_NAME)
    # Rows 5 and 6 had 4 and 5 look-alikes in their block: 1 + 2 not compared.
    assert report.not_compared == 1 + 2
    assert report.queued == sum(min(k, 3) for k in range(6))


def test_index_keys():
    assert matching.core_name("온두레밥상협동조합") == "온두레밥상"
    assert matching.core_name("협동조합") == "협동조합"
    detailed = "전북 완주군 고산면 대아로 12(삼기리), 2층"
    assert matching.address_key("", "", "전라북도 완주군 고산면 대아로 12") == (
        matching.address_key("전북특별자치도", "완주군", detailed)
    )
    assert matching.address_key("서울특별시", "강남구", "서울 강남구") == ""
    assert matching.address_key("서울특별시", "", "역삼로 1") == ""


# --- writing in short transactions ---------------------------------------------------


def test_a_failing_write_undoes_the_whole_file(monkeypatch):
    ok(village_xlsx([village("가마을", industry="제조업")]), VILLAGE_NAME)
    before = registry_counts()
    org_before = Organization.objects.values().get()
    monkeypatch.setattr(writer, "CHUNK_WRITES", 2)
    monkeypatch.setattr(writer, "CHUNK_CREATES", 2)
    calls = {"n": 0}

    def failing(*args, **kwargs):
        calls["n"] += 1
        raise RuntimeError("디스크가 가득 찼습니다")

    # Merge candidates are inserted in bulk with the chunk's other new rows.
    monkeypatch.setattr(MergeCandidate.objects, "bulk_create", failing)
    user = UserFactory()
    report = registry_import(
        data=village_xlsx(
            [
                village("가마을", industry="서비스업"),
                village("다마을"),
                village("라마을"),
                village("라마을"),  # the same name twice: a merge candidate, which fails
            ]
        ),
        file_name="village_enterprises_15080745_2026-01-31.xlsx",
        user=user,
    )
    assert calls["n"] == 1
    assert not report.ok
    assert [e.reason for e in report.errors] == [
        "쓰는 중 오류가 나서 가져온 내용을 모두 되돌렸습니다: 디스크가 가득 찼습니다"
    ]
    counts = registry_counts()
    # History keeps the undone rows' creation and deletion; everything else is as before.
    assert {k: v for k, v in counts.items() if "history" not in k} == {
        k: v for k, v in before.items() if "history" not in k
    }
    org_after = Organization.objects.values().get()
    assert {**org_after, "updated_at": None} == {**org_before, "updated_at": None}
    run = ImportRun.objects.get(pk=report.run_id)
    assert run.status == ImportRun.Status.FAILED
    assert run.finished_at is not None
    assert (run.created, run.error_count) == (0, 1)
    assert run.records.count() == 0
    assert Designation.objects.get().last_seen_on.isoformat() == "2025-12-31"


@pytest.mark.django_db(transaction=True)
def test_rows_are_written_in_several_committed_transactions(monkeypatch):
    monkeypatch.setattr(writer, "CHUNK_WRITES", 3)
    monkeypatch.setattr(writer, "PAUSE_SECONDS", 0)
    seen = []

    def planned_outside_a_transaction(*args, **kwargs):
        seen.append(("plan", connection.in_atomic_block))
        return real_load(*args, **kwargs)

    real_load = matching.OrganizationIndex.load
    monkeypatch.setattr(
        pipeline.OrganizationIndex, "load", staticmethod(planned_outside_a_transaction)
    )
    report = ok(
        village_xlsx([village("가마을", sigungu=GU[0]), village("나마을", sigungu=GU[1])]),
        VILLAGE_NAME,
        progress=lambda done, total: seen.append((done, connection.in_atomic_block)),
    )
    assert report.created == 2
    # Planned outside any transaction; progress reported between committed chunks.
    assert seen == [("plan", False), (1, False), (2, False)]
    assert Organization.objects.count() == 2
