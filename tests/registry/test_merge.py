"""Merging two records of one organisation (services.organization_merge) and staff
decisions on merge candidates (services.merge_candidate_decide)."""

from __future__ import annotations

import pytest

from hanjari.accounts.models import Membership
from hanjari.core.models import AuditEntry
from hanjari.registry.models import (
    CouncilMembership,
    Designation,
    DesignationKind,
    MergeCandidate,
    Organization,
    OrganizationMerge,
    SourceRecord,
)
from hanjari.registry.services import (
    MergeError,
    merge_candidate_decide,
    merge_undo_refusal,
    organization_merge,
    organization_merge_undo,
    organization_update,
    registry_import,
)
from tests.factories import (
    CouncilFactory,
    CouncilMembershipFactory,
    DesignationFactory,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
)

from .importdata import (
    BRN_A,
    BRN_B,
    BRN_BAD,
    SELF_SUFFICIENCY_NAME,
    VILLAGE_NAME,
    VILLAGE_NAME_2026,
    registry_counts,
    self_sufficiency,
    self_sufficiency_csv,
    village,
    village_xlsx,
)

pytestmark = pytest.mark.django_db

VILLAGE = village_xlsx([village("한솔두부마을", industry="", products="두부")])
SELF_SUFFICIENCY = self_sufficiency_csv(
    [
        self_sufficiency(
            "한솔두부마을점", industry="청소(학교)", address="서울특별시 강남구 테헤란로 9"
        )
    ]
)


def ok(data, file_name, **kwargs):
    report = registry_import(data=data, file_name=file_name, **kwargs)
    assert report.ok, report.errors
    return report


@pytest.fixture
def staff():
    return UserFactory(username="staff", is_staff=True)


@pytest.fixture
def candidate(staff):
    """Two imported organisations with a pending merge candidate between them: the
    village enterprise 한솔두부마을 (left) and the self-sufficiency enterprise
    한솔두부마을점 (right), both in 서울 강남구. The right one has a council membership,
    a user membership and a staff edit in its history."""
    ok(VILLAGE, VILLAGE_NAME)
    ok(SELF_SUFFICIENCY, SELF_SUFFICIENCY_NAME)
    c = MergeCandidate.objects.get()
    right = c.right
    CouncilMembershipFactory(organization=right)
    MembershipFactory(user=UserFactory(username="member"), organization=right)
    organization_update(organization=right, data={"phone": "02-555-0101"}, by=staff)
    return c


def test_merge_keeps_everything(candidate, staff):
    keep, drop = candidate.left, candidate.right
    drop_pk = drop.pk
    drop_designation = drop.designations.get()
    drop_record = SourceRecord.objects.get(organization=drop)
    council = drop.council_memberships.get().council
    member = drop.memberships.get().user
    drop_history = list(
        Organization.history.filter(id=drop_pk)
        .order_by("history_date", "history_id")
        .values_list("history_id", flat=True)
    )
    assert len(drop_history) == 2  # created by the import, edited by staff

    kept = organization_merge(keep=keep, drop=drop, by=staff)

    assert kept.pk == keep.pk
    assert not Organization.objects.filter(pk=drop_pk).exists()
    keep.refresh_from_db()
    # Designations.
    assert sorted(keep.designations.values_list("kind", flat=True)) == [
        DesignationKind.SELF_SUFFICIENCY_LOCAL,
        DesignationKind.VILLAGE_ENTERPRISE,
    ]
    drop_designation.refresh_from_db()
    assert drop_designation.organization_id == keep.pk
    latest = drop_designation.history.latest()
    assert (latest.organization_id, latest.history_user) == (keep.pk, staff)
    # Source records.
    drop_record.refresh_from_db()
    assert drop_record.organization_id == keep.pk
    assert SourceRecord.objects.filter(organization=keep).count() == 2
    # Council and user memberships.
    assert list(keep.council_memberships.values_list("council", flat=True)) == [council.pk]
    assert list(keep.memberships.values_list("user", flat=True)) == [member.pk]
    # History of the dropped organisation stays, plus its deletion.
    history = Organization.history.filter(id=drop_pk).order_by("history_date", "history_id")
    assert [h.history_id for h in history][:2] == drop_history
    assert [h.history_type for h in history] == ["+", "~", "-"]
    assert history.last().history_user == staff
    assert history.filter(phone="02-555-0101").exists()
    assert keep.merged_from == [drop_pk]
    # Names and empty fields.
    assert keep.name == "한솔두부마을"
    assert keep.aliases == ["한솔두부마을점"]
    assert keep.industry == "청소(학교)"  # was empty: taken from the dropped record
    assert keep.products == "두부"
    assert keep.address == "서울시 강남구 일원로5길 68, 104호"  # kept its own
    assert keep.phone == "02-555-0101"
    assert keep.history.latest().history_user == staff
    # The candidate is decided, the merge is in the audit log.
    candidate.refresh_from_db()
    assert candidate.status == MergeCandidate.Status.MERGED
    assert candidate.decided_by == staff
    assert candidate.decided_at is not None
    entry = AuditEntry.objects.get(action="registry.organization.merged")
    assert (entry.user, entry.target_type, entry.target_id) == (
        staff,
        "registry.organization",
        str(keep.pk),
    )
    record = OrganizationMerge.objects.get()
    assert entry.data == {
        "dropped": drop_pk,
        "dropped_name": "한솔두부마을점",
        "designations": [drop_designation.pk],
        "merge": record.pk,
    }
    # Both addresses are kept: the absorbed one in the merge record.
    assert (record.kept, record.dropped_id) == (keep, drop_pk)
    assert record.dropped_name == "한솔두부마을점"
    assert record.dropped_address == "서울특별시 강남구 테헤란로 9"
    assert record.status == OrganizationMerge.Status.MERGED
    assert record.merged_by == staff


def test_shared_council_and_user_are_not_duplicated(staff):
    keep, drop = OrganizationFactory(name="가"), OrganizationFactory(name="나")
    council = CouncilFactory()
    user = UserFactory(username="both")
    CouncilMembershipFactory(council=council, organization=keep)
    CouncilMembershipFactory(council=council, organization=drop)
    MembershipFactory(user=user, organization=keep, role=Membership.Role.EDITOR)
    MembershipFactory(user=user, organization=drop, role=Membership.Role.OWNER)

    organization_merge(keep=keep, drop=drop, by=staff)

    assert CouncilMembership.objects.filter(council=council).count() == 1
    assert CouncilMembership.objects.get(council=council).organization == keep
    assert Membership.objects.filter(user=user).count() == 1
    assert Membership.objects.get(user=user).organization == keep


def test_aliases_and_merged_ids_accumulate(staff):
    a = OrganizationFactory(name="코이로", aliases=["코이로 주식회사"])
    b = OrganizationFactory(name="㈜코이로", aliases=["(주)코이로", "코이로"])
    c = OrganizationFactory(name="주식회사 코이로")
    b_pk, c_pk = b.pk, c.pk
    organization_merge(keep=b, drop=c, by=staff)
    b.refresh_from_db()
    organization_merge(keep=a, drop=b, by=staff)
    a.refresh_from_db()
    assert a.aliases == ["코이로 주식회사", "㈜코이로", "(주)코이로", "주식회사 코이로"]
    assert a.merged_from == [b_pk, c_pk]
    assert Organization.history.filter(id=c_pk, history_type="-").exists()


def test_different_valid_brns_are_refused(staff):
    keep = OrganizationFactory(name="행복마을", brn=BRN_A)
    drop = OrganizationFactory(name="행복마을", brn=BRN_B)
    DesignationFactory(organization=drop)
    before = registry_counts()
    with pytest.raises(MergeError, match="사업자등록번호"):
        organization_merge(keep=keep, drop=drop, by=None)
    assert registry_counts() == before
    assert drop.designations.count() == 1
    assert not AuditEntry.objects.exists()


def test_different_valid_crns_are_refused(staff):
    keep = OrganizationFactory(crn="130111-0006246")
    drop = OrganizationFactory(crn="110111-0085450")
    with pytest.raises(MergeError, match="법인등록번호"):
        organization_merge(keep=keep, drop=drop, by=staff)


def test_same_or_unverified_brns_are_merged(staff):
    keep = OrganizationFactory(brn=BRN_A)
    drop = OrganizationFactory(brn=BRN_A)
    organization_merge(keep=keep, drop=drop, by=staff)
    other = OrganizationFactory(brn=BRN_BAD)
    organization_merge(keep=keep, drop=other, by=staff)
    keep.refresh_from_db()
    assert (keep.brn, keep.brn_verified) == ("1248100998", True)


def test_verified_brn_of_the_dropped_record_wins_over_an_unverified_one(staff):
    keep = OrganizationFactory(brn=BRN_BAD)
    drop = OrganizationFactory(brn=BRN_A)
    organization_merge(keep=keep, drop=drop, by=staff)
    keep.refresh_from_db()
    assert (keep.brn, keep.brn_verified) == ("1248100998", True)


def test_an_organisation_cannot_be_merged_into_itself(staff):
    org = OrganizationFactory()
    with pytest.raises(MergeError):
        organization_merge(keep=org, drop=org, by=staff)
    assert Organization.objects.filter(pk=org.pk).exists()


# --- decisions on merge candidates ---------------------------------------------------------


def test_decide_keep_left(candidate, staff):
    left, right = candidate.left, candidate.right
    kept = merge_candidate_decide(candidate=candidate, decision="keep_left", by=staff)
    assert kept == left
    assert not Organization.objects.filter(pk=right.pk).exists()
    candidate.refresh_from_db()
    assert (candidate.status, candidate.decided_by) == (MergeCandidate.Status.MERGED, staff)
    # The pair is remembered by name even though one side is gone.
    assert (candidate.left_name, candidate.right_name) == ("한솔두부마을", "한솔두부마을점")
    assert candidate.right is None
    assert left.designations.count() == 2


def test_decide_keep_right(candidate, staff):
    left, right = candidate.left, candidate.right
    kept = merge_candidate_decide(candidate=candidate, decision="keep_right", by=staff)
    assert kept == right
    assert not Organization.objects.filter(pk=left.pk).exists()
    right.refresh_from_db()
    assert right.aliases == ["한솔두부마을"]
    assert right.merged_from == [left.pk]
    assert right.designations.count() == 2


def test_decide_distinct_keeps_both(candidate, staff):
    before = registry_counts()
    result = merge_candidate_decide(candidate=candidate, decision="distinct", by=staff)
    assert result is None
    assert registry_counts() == before
    candidate.refresh_from_db()
    assert candidate.status == MergeCandidate.Status.DISTINCT
    assert candidate.decided_by == staff
    assert candidate.decided_at is not None
    entry = AuditEntry.objects.get(action="registry.merge_candidate.distinct")
    assert (entry.user, entry.target_type, entry.target_id) == (
        staff,
        "registry.mergecandidate",
        str(candidate.pk),
    )


@pytest.mark.parametrize("first", ["keep_left", "keep_right", "distinct"])
@pytest.mark.parametrize("second", ["keep_left", "distinct"])
def test_deciding_twice_is_refused(candidate, staff, first, second):
    merge_candidate_decide(candidate=candidate, decision=first, by=staff)
    before = registry_counts()
    with pytest.raises(MergeError, match="이미 결정한"):
        merge_candidate_decide(candidate=candidate, decision=second, by=staff)
    assert registry_counts() == before


def test_unknown_decision_is_refused(candidate, staff):
    with pytest.raises(MergeError):
        merge_candidate_decide(candidate=candidate, decision="merge", by=staff)
    candidate.refresh_from_db()
    assert candidate.status == MergeCandidate.Status.PENDING
    assert Organization.objects.count() == 2


def test_refused_merge_leaves_the_candidate_pending(staff):
    left = OrganizationFactory(name="행복마을", brn=BRN_A)
    right = OrganizationFactory(name="행복마을", brn=BRN_B)
    c = MergeCandidate.objects.create(
        left=left, right=right, left_name=left.name, right_name=right.name, score=100, reason="x"
    )
    with pytest.raises(MergeError):
        merge_candidate_decide(candidate=c, decision="keep_left", by=staff)
    c.refresh_from_db()
    assert c.status == MergeCandidate.Status.PENDING
    assert Organization.objects.count() == 2


def test_candidate_whose_side_was_deleted(staff):
    left, right = OrganizationFactory(), OrganizationFactory()
    c = MergeCandidate.objects.create(
        left=left, right=right, left_name=left.name, right_name=right.name, score=95, reason="x"
    )
    right.delete()
    with pytest.raises(MergeError, match="한쪽 조직"):
        merge_candidate_decide(candidate=c, decision="keep_left", by=staff)
    # It can still be closed as distinct.
    merge_candidate_decide(candidate=c, decision="distinct", by=staff)


def test_other_pending_candidates_of_the_dropped_record_move_to_the_kept_one(staff):
    a, b, c = (OrganizationFactory(name=n) for n in ("한빛마을", "한빛마을점", "한빛마을협동"))

    def pair(left, right):
        return MergeCandidate.objects.create(
            left=left,
            right=right,
            left_name=left.name,
            right_name=right.name,
            score=91,
            reason="x",
        )

    ab, bc = pair(a, b), pair(b, c)
    b_pk, c_pk = b.pk, c.pk
    merge_candidate_decide(candidate=ab, decision="keep_left", by=staff)
    bc.refresh_from_db()
    # "Is 한빛마을협동 the same as 한빛마을점?" is now "… the same as 한빛마을?".
    assert bc.status == MergeCandidate.Status.PENDING
    assert (bc.left, bc.right) == (a, c)
    assert (bc.left_name, bc.right_name) == ("한빛마을", "한빛마을협동")
    merge_candidate_decide(candidate=bc, decision="keep_left", by=staff)
    a.refresh_from_db()
    assert a.merged_from == [b_pk, c_pk]


def test_moved_candidate_that_would_duplicate_a_pair_is_dropped(staff):
    a, b, c = (OrganizationFactory() for _ in range(3))
    for left, right in ((a, b), (b, c), (a, c)):
        MergeCandidate.objects.create(
            left=left,
            right=right,
            left_name=left.name,
            right_name=right.name,
            score=91,
            reason="x",
        )
    merge_candidate_decide(
        candidate=MergeCandidate.objects.get(left=a, right=b), decision="keep_left", by=staff
    )
    pending = MergeCandidate.objects.filter(status=MergeCandidate.Status.PENDING)
    assert [(m.left, m.right) for m in pending] == [(a, c)]


# --- merging and later imports ---------------------------------------------------------------


def test_reimport_after_a_merge_changes_nothing(candidate, staff):
    merge_candidate_decide(candidate=candidate, decision="keep_left", by=staff)
    before = registry_counts()
    for data, name in ((VILLAGE, VILLAGE_NAME), (SELF_SUFFICIENCY, SELF_SUFFICIENCY_NAME)):
        report = ok(data, name)
        assert (report.created, report.changed, report.organizations_created) == (0, 0, 0)
        assert report.queued == 0
    assert registry_counts() == before
    assert Organization.objects.count() == 1


def test_newer_snapshot_after_a_merge_updates_only_list_values(candidate, staff):
    merge_candidate_decide(candidate=candidate, decision="keep_left", by=staff)
    keep = Organization.objects.get()
    assert keep.industry == "청소(학교)"  # filled from the dropped record
    ok(
        self_sufficiency_csv(
            [
                self_sufficiency(
                    "한솔두부마을점",
                    industry="청소(일반건물)",
                    address="서울특별시 강남구 테헤란로 10",
                )
            ]
        ),
        "self_sufficiency_2026-09-30.csv",
    )
    keep.refresh_from_db()
    # Still the self-sufficiency list's old value: follows the list.
    assert keep.industry == "청소(일반건물)"
    # The village list's address is not the self-sufficiency list's to change.
    assert keep.address == "서울시 강남구 일원로5길 68, 104호"
    assert keep.name == "한솔두부마을"
    assert Organization.objects.count() == 1


def test_merged_organisation_with_two_rows_of_one_list_gets_both_updates(staff):
    rows = [
        village("행복마을", address="서울시 강남구 1", industry="제조업", products="두부"),
        village("행복마을", address="서울시 강남구 2", industry="제조업", products="두부"),
    ]
    ok(village_xlsx(rows), VILLAGE_NAME)
    c = MergeCandidate.objects.get()
    keep = merge_candidate_decide(candidate=c, decision="keep_left", by=staff)
    assert keep.designations.count() == 2

    rows = [
        village("행복마을", address="서울시 강남구 1", industry="서비스업", products="두부"),
        village("행복마을", address="서울시 강남구 2", industry="제조업", products="두부, 된장"),
    ]
    report = ok(village_xlsx(rows), VILLAGE_NAME_2026)
    assert report.changed == 2
    keep.refresh_from_db()
    assert (keep.industry, keep.products) == ("서비스업", "두부, 된장")
    assert Designation.objects.filter(organization=keep, last_seen_on__year=2026).count() == 2


# --- undo (되돌리기) ---------------------------------------------------------------------


def _state(*pks):
    """Everything an undo must bring back, per organisation: its fields, designations,
    source records, council and user memberships; and the merge candidates."""
    from hanjari.registry.services import _organization_fields

    state = {}
    for pk in pks:
        org = Organization.objects.get(pk=pk)
        fields = _organization_fields(org)
        fields.pop("updated_at")
        state[org.pk] = {
            "fields": fields,
            "designations": sorted(org.designations.values_list("pk", flat=True)),
            "records": sorted(org.source_records.values_list("pk", flat=True)),
            "councils": sorted(org.council_memberships.values_list("council", "joined_on")),
            "members": sorted(org.memberships.values_list("user", "role")),
        }
    state["candidates"] = sorted(
        MergeCandidate.objects.values_list(
            "pk", "left", "right", "left_name", "right_name", "status", "decided_by"
        )
    )
    return state


def _counts():
    return {
        **{k: v for k, v in registry_counts().items() if not k.endswith(".history")},
        "Membership": Membership.objects.count(),
    }


def test_undo_restores_the_absorbed_organisation_exactly(candidate, staff):
    keep, drop = candidate.left, candidate.right
    ids = keep.pk, drop.pk
    third = OrganizationFactory(name="한솔두부마을 협동조합", sigungu="강남구", sido="서울특별시")
    pending = MergeCandidate.objects.create(
        left=drop, right=third, left_name=drop.name, right_name=third.name, score=91, reason="비슷"
    )
    before_counts, before = _counts(), _state(*ids)

    merge_candidate_decide(candidate=candidate, decision="keep_left", by=staff)
    assert _counts()["Organization"] == before_counts["Organization"] - 1
    pending.refresh_from_db()
    assert (pending.left, pending.left_name) == (keep, keep.name)  # moved to the kept one
    record = OrganizationMerge.objects.get()

    restored = organization_merge_undo(merge=record, by=staff)

    assert restored.pk == ids[1]
    assert _counts() == before_counts
    assert _state(*ids) == before
    record.refresh_from_db()
    assert (record.status, record.undone_by) == (OrganizationMerge.Status.UNDONE, staff)
    assert record.undone_at is not None
    # The decided pair is pending again, the moved one names the restored record again.
    candidate.refresh_from_db()
    assert (candidate.status, candidate.decided_by, candidate.right) == (
        MergeCandidate.Status.PENDING,
        None,
        restored,
    )
    # History: the restored record's history continues under its own id.
    types = list(
        Organization.history.filter(id=ids[1])
        .order_by("history_date", "history_id")
        .values_list("history_type", flat=True)
    )
    assert types == ["+", "~", "-", "+"]
    assert Organization.history.filter(id=ids[1]).latest().history_user == staff
    designation = restored.designations.get()
    assert designation.history.latest().history_user == staff
    entry = AuditEntry.objects.get(action="registry.organization.merge_undone")
    assert (entry.user, entry.target_id) == (staff, str(ids[1]))
    assert entry.data == {"merge": record.pk, "kept": keep.pk, "kept_name": keep.name}
    # Undone once: not again.
    assert merge_undo_refusal(record).code == "undone"
    with pytest.raises(MergeError, match="이미 되돌린 병합입니다"):
        organization_merge_undo(merge=record, by=staff)


def test_undo_makes_again_the_memberships_the_merge_dropped(staff):
    keep, drop = OrganizationFactory(name="가"), OrganizationFactory(name="나")
    council = CouncilFactory()
    user = UserFactory(username="both")
    CouncilMembershipFactory(council=council, organization=keep)
    CouncilMembershipFactory(council=council, organization=drop)
    MembershipFactory(user=user, organization=keep, role=Membership.Role.EDITOR)
    MembershipFactory(user=user, organization=drop, role=Membership.Role.OWNER)
    ids = keep.pk, drop.pk
    before_counts, before = _counts(), _state(*ids)

    organization_merge(keep=keep, drop=drop, by=staff)
    assert _counts()["Membership"] == before_counts["Membership"] - 1
    organization_merge_undo(merge=OrganizationMerge.objects.get(), by=staff)

    assert _counts() == before_counts
    assert _state(*ids) == before
    assert Membership.objects.get(user=user, organization=ids[1]).role == Membership.Role.OWNER


def test_undo_keeps_later_edits_of_the_kept_organisation(staff):
    keep = OrganizationFactory(name="가", industry="", phone="")
    drop = OrganizationFactory(name="나", industry="제조업", phone="063-111-2222")
    organization_merge(keep=keep, drop=drop, by=staff)
    keep.refresh_from_db()
    assert (keep.industry, keep.phone, keep.aliases) == ("제조업", "063-111-2222", ["나"])
    organization_update(organization=keep, data={"phone": "063-999-0000"}, by=staff)

    organization_merge_undo(merge=OrganizationMerge.objects.get(), by=staff)

    keep.refresh_from_db()
    # The field the merge filled goes back; the one staff changed since stays.
    assert (keep.industry, keep.phone, keep.aliases, keep.merged_from) == (
        "",
        "063-999-0000",
        [],
        [],
    )


def test_chained_merges_undo_in_any_order(staff):
    a, b, c = (OrganizationFactory(name=n) for n in ("가", "나", "다"))
    for org in (a, b, c):
        DesignationFactory(organization=org)
    ids = a.pk, b.pk, c.pk
    before_counts, before = _counts(), _state(*ids)
    organization_merge(keep=b, drop=c, by=staff)  # b absorbs c
    b.refresh_from_db()
    organization_merge(keep=a, drop=b, by=staff)  # a absorbs b (and so c)
    first, second = OrganizationMerge.objects.order_by("pk")
    first.refresh_from_db()
    assert first.kept == a  # the earlier merge now belongs to a, which holds c's things
    assert a.designations.count() == 3

    # Undo the earlier merge first: c comes back out of a.
    organization_merge_undo(merge=first, by=staff)
    assert Organization.objects.get(pk=ids[2]).designations.count() == 1
    organization_merge_undo(merge=second, by=staff)

    assert _counts() == before_counts
    assert _state(*ids) == before


def test_undo_is_refused_while_the_absorbed_id_is_taken(staff):
    keep, drop = OrganizationFactory(name="가"), OrganizationFactory(name="나")
    drop_pk = drop.pk
    organization_merge(keep=keep, drop=drop, by=staff)
    record = OrganizationMerge.objects.get()
    OrganizationFactory(pk=drop_pk, name="다른 조직")
    assert merge_undo_refusal(record).code == "id_taken"
    with pytest.raises(MergeError):
        organization_merge_undo(merge=record, by=staff)


def test_an_absorbed_profile_address_leads_to_the_organisation_that_absorbed_it(client, staff):
    """Newcomer bug: after a merge, the absorbed record's page (bookmarks, links in an
    exported CSV) answered 404; it now redirects, also along a chain, until undone."""
    a, b, c = (OrganizationFactory(name=n) for n in ("가", "나", "다"))
    c_url = f"/organizations/{c.pk}/"
    organization_merge(keep=b, drop=c, by=staff)
    response = client.get(c_url)
    assert (response.status_code, response["Location"]) == (302, b.get_absolute_url())
    b.refresh_from_db()
    organization_merge(keep=a, drop=b, by=staff)
    assert client.get(c_url)["Location"] == a.get_absolute_url()
    for record in OrganizationMerge.objects.order_by("-pk"):
        organization_merge_undo(merge=record, by=staff)
    assert client.get(c_url).status_code == 200
    assert client.get("/organizations/999999/").status_code == 404
