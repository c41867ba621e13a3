"""Registry writes (명부 쓰기): every change to organisations, designations, councils
and merge candidates goes through these functions, whoever calls them (views, admin
actions, management commands)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hanjari.core.audit import log_action, set_history_user

from .importers.pipeline import ImportReport, ProgressCallback, import_file, refuse_too_large
from .models import (
    Council,
    CouncilMembership,
    MergeCandidate,
    Organization,
    SourceRecord,
)


class MergeError(Exception):
    """Two organisations cannot be merged (e.g. different valid 사업자등록번호)."""


def registry_import(
    *,
    data: bytes,
    file_name: str,
    dataset: str = "auto",
    reference_date: dt.date | None = None,
    dry_run: bool = False,
    user: Any = None,
    progress: ProgressCallback | None = None,
) -> ImportReport:
    """Import one official file (XLSX/CSV bytes) into the registry.

    `dataset` is ``auto`` or one of ``village`` (공공데이터포털 15080745),
    ``self_sufficiency`` (15091502), ``social_enterprise`` (15090110), ``cooperative``
    (15155661); docs/data.md. `reference_date` (기준일) overrides the date found in the
    file's title lines or name. All or nothing per file: with any error nothing is
    imported and the report lists each problem (row, column, value, reason). The file
    is read, validated and matched before anything is written, then written in short
    transactions that other requests interleave with (undone together if one fails).
    `progress(done, total)` is called, outside any transaction, as rows are written.
    Returns the `ImportReport`; never raises for bad input.
    """
    return import_file(
        data,
        file_name,
        dataset=dataset,
        reference_date=reference_date,
        dry_run=dry_run,
        user=user,
        progress=progress,
    )


@transaction.atomic
def registry_import_refuse_size(*, file_name: str, size: int, user: Any = None) -> ImportReport:
    """Record the refusal of an official file of `size` bytes, too large to read
    (`reading.MAX_FILE_BYTES`), without reading it: a failed `ImportRun` with one
    error. Returns the report."""
    return refuse_too_large(file_name, size, user=user)


@transaction.atomic
def organization_merge(*, keep: Organization, drop: Organization, by: Any) -> Organization:
    """Merge `drop` into `keep` (the same organisation found in two official lists).

    Moves every designation, source record, council membership and user membership
    to `keep`, fills `keep`'s empty fields from `drop`, remembers `drop`'s name as an
    alias and its id in `keep.merged_from` (so its history stays reachable), marks
    pending merge candidates between the two as merged (those pairing `drop` with a
    third organisation now pair `keep` with it), writes the audit log and
    deletes `drop`. A verified 사업자등록번호/법인등록번호 of `drop` replaces an
    unverified one of `keep`. Raises `MergeError` when both have different valid
    사업자등록번호 (two legal entities) or when `keep` is `drop`.
    """
    if keep.pk == drop.pk:
        raise MergeError(_("같은 조직끼리는 합칠 수 없습니다."))
    if keep.brn_verified and drop.brn_verified and keep.brn != drop.brn:
        raise MergeError(_("서로 다른 사업자등록번호를 가진 조직은 합칠 수 없습니다."))
    if keep.crn_verified and drop.crn_verified and keep.crn != drop.crn:
        raise MergeError(_("서로 다른 법인등록번호를 가진 조직은 합칠 수 없습니다."))
    from hanjari.accounts.models import Membership

    moved = list(drop.designations.values_list("pk", flat=True))
    for designation in drop.designations.all():
        designation.organization = keep
        set_history_user(designation, by)
        designation.save(update_fields=["organization", "updated_at"])
    SourceRecord.objects.filter(organization=drop).update(organization=keep)
    for cm in CouncilMembership.objects.filter(organization=drop):
        if not CouncilMembership.objects.filter(council=cm.council, organization=keep).exists():
            cm.organization = keep
            cm.save(update_fields=["organization"])
    for m in Membership.objects.filter(organization=drop):
        if not Membership.objects.filter(user=m.user, organization=keep).exists():
            m.organization = keep
            m.save(update_fields=["organization"])
    # A verified number beats an unverified one (a typo in one of the lists).
    if drop.brn_verified and not keep.brn_verified:
        keep.brn = drop.brn
    if drop.crn_verified and not keep.crn_verified:
        keep.crn = drop.crn
    for name in (
        "legal_form",
        "brn",
        "crn",
        "address",
        "sido",
        "sigungu",
        "industry",
        "products",
        "description",
        "website",
        "phone",
        "representative",
        "founded_on",
    ):
        if not getattr(keep, name) and getattr(drop, name):
            setattr(keep, name, getattr(drop, name))
    aliases = list(keep.aliases)
    for alias in [drop.name, *drop.aliases]:
        if alias != keep.name and alias not in aliases:
            aliases.append(alias)
    keep.aliases = aliases
    keep.merged_from = [*keep.merged_from, drop.pk, *drop.merged_from]
    set_history_user(keep, by)
    keep.save()
    now = timezone.now()
    MergeCandidate.objects.filter(
        status=MergeCandidate.Status.PENDING, left__in=[keep, drop], right__in=[keep, drop]
    ).update(status=MergeCandidate.Status.MERGED, decided_by=by, decided_at=now)
    _move_pending_candidates(keep, drop)
    log_action(
        "registry.organization.merged",
        user=by,
        target=keep,
        data={"dropped": drop.pk, "dropped_name": drop.name, "designations": moved},
    )
    set_history_user(drop, by)
    drop.delete()
    return keep


def _move_pending_candidates(keep: Organization, drop: Organization) -> None:
    """Point pending candidates that pair `drop` with a third organisation at `keep`
    (the question "is X the same as drop?" becomes "is X the same as keep?"), so none
    is left with an empty side. One that would repeat a pair already asked about
    `keep` is deleted."""
    pending = MergeCandidate.objects.filter(status=MergeCandidate.Status.PENDING)
    for candidate in pending.filter(Q(left=drop) | Q(right=drop)).select_related("left", "right"):
        other = candidate.right if candidate.left_id == drop.pk else candidate.left
        if (
            other is None
            or MergeCandidate.objects.filter(
                Q(left=keep, right=other) | Q(left=other, right=keep)
            ).exists()
        ):
            candidate.delete()
            continue
        if candidate.left_id == drop.pk:
            candidate.left, candidate.left_name = keep, keep.name
        else:
            candidate.right, candidate.right_name = keep, keep.name
        candidate.save(update_fields=["left", "left_name", "right", "right_name", "updated_at"])


@transaction.atomic
def merge_candidate_decide(
    *, candidate: MergeCandidate, decision: str, by: Any
) -> Organization | None:
    """Staff decision on a merge candidate (병합 후보).

    `decision`: ``keep_left`` (merge right into left), ``keep_right`` (merge left into
    right) or ``distinct`` (two different organisations). Returns the kept
    organisation, or None for ``distinct``. Raises `MergeError` when the candidate is
    already decided, a side no longer exists, or the merge is refused.
    """
    candidate = MergeCandidate.objects.select_for_update().get(pk=candidate.pk)
    if candidate.status != MergeCandidate.Status.PENDING:
        raise MergeError(_("이미 결정한 병합 후보입니다."))
    if decision == "distinct":
        candidate.status = MergeCandidate.Status.DISTINCT
        candidate.decided_by = by
        candidate.decided_at = timezone.now()
        candidate.save()
        log_action("registry.merge_candidate.distinct", user=by, target=candidate)
        return None
    if candidate.left is None or candidate.right is None:
        raise MergeError(_("한쪽 조직이 이미 없습니다."))
    if decision == "keep_left":
        keep, drop = candidate.left, candidate.right
    elif decision == "keep_right":
        keep, drop = candidate.right, candidate.left
    else:
        raise MergeError(_("알 수 없는 결정입니다."))
    kept = organization_merge(keep=keep, drop=drop, by=by)
    MergeCandidate.objects.filter(pk=candidate.pk).update(
        status=MergeCandidate.Status.MERGED, decided_by=by, decided_at=timezone.now()
    )
    return kept


EDITABLE_FIELDS = (
    "name",
    "legal_form",
    "brn",
    "crn",
    "address",
    "sido",
    "sigungu",
    "industry",
    "products",
    "description",
    "website",
    "phone",
    "founded_on",
    "status",
    "logo",
)


@transaction.atomic
def organization_update(
    *, organization: Organization, data: dict[str, Any], by: Any
) -> Organization:
    """Change an organisation's profile fields (`EDITABLE_FIELDS` only).

    Validates with `full_clean()` (raises `ValidationError` with field messages),
    saves with history attributed to `by`, and writes the audit log. Returns the
    organisation.
    """
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(_("고칠 수 없는 항목입니다: %s") % ", ".join(sorted(unknown)))
    changed = [k for k, v in data.items() if getattr(organization, k) != v]
    for key, value in data.items():
        setattr(organization, key, value)
    organization.full_clean()
    set_history_user(organization, by)
    organization.save()
    if changed:
        log_action(
            "registry.organization.updated", user=by, target=organization, data={"fields": changed}
        )
    return organization


@transaction.atomic
def council_member_add(*, council: Council, organization: Organization, by: Any) -> bool:
    """Add `organization` to `council` (협의회 회원사). Returns False when it already is
    a member. Raises PermissionDenied unless `by` may manage the council (staff or its
    council admin)."""
    from .permissions import can_manage_council

    if not can_manage_council(by, council):
        raise PermissionDenied(_("이 협의회의 회원을 관리할 권한이 없습니다."))
    _membership, created = CouncilMembership.objects.get_or_create(
        council=council, organization=organization
    )
    if created:
        log_action(
            "registry.council.member_added",
            user=by,
            target=council,
            data={"organization": organization.pk, "name": organization.name},
        )
    return created


@transaction.atomic
def council_member_remove(*, council: Council, organization: Organization, by: Any) -> bool:
    """Remove `organization` from `council`. Returns False when it was not a member.
    Raises PermissionDenied unless `by` may manage the council."""
    from .permissions import can_manage_council

    if not can_manage_council(by, council):
        raise PermissionDenied(_("이 협의회의 회원을 관리할 권한이 없습니다."))
    deleted, _rows = CouncilMembership.objects.filter(
        council=council, organization=organization
    ).delete()
    if deleted:
        log_action(
            "registry.council.member_removed",
            user=by,
            target=council,
            data={"organization": organization.pk, "name": organization.name},
        )
    return bool(deleted)


@transaction.atomic
def council_get_or_create(
    *, name: str, by: Any, sector: str = "", sido: str = "", sigungu: str = ""
) -> tuple[Council, bool]:
    """The council (협의회) named `name`, created with `sector` (a `SECTORS` key), `sido`
    and `sigungu` when it does not exist yet (an existing one is returned unchanged).
    Returns ``(council, created)``. Raises `ValidationError` for invalid values and
    `PermissionDenied` when `by` is neither None (system work) nor centre staff."""
    if by is not None and not getattr(by, "is_centre_staff", False):
        raise PermissionDenied(_("협의회는 센터 관리자만 만들 수 있습니다."))
    council = Council.objects.filter(name=name).first()
    if council is not None:
        return council, False
    council = Council(name=name, sector=sector, sido=sido, sigungu=sigungu)
    council.full_clean()
    council.save()
    log_action("registry.council.created", user=by, target=council, data={"sector": sector})
    return council, True


@transaction.atomic
def organization_get_or_create(
    *, name: str, by: Any, sido: str = "", sigungu: str = "", **fields: Any
) -> tuple[Organization, bool]:
    """The organisation named `name` in `sido` / `sigungu` (same normalised name), or a
    new one with `fields` (`EDITABLE_FIELDS`) when there is none. An existing one is
    returned unchanged. Returns ``(organization, created)``. Raises `ValidationError`
    or `PermissionDenied` (not None and not centre staff)."""
    if by is not None and not getattr(by, "is_centre_staff", False):
        raise PermissionDenied(_("조직은 센터 관리자만 만들 수 있습니다."))
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(_("고칠 수 없는 항목입니다: %s") % ", ".join(sorted(unknown)))
    from hanjari.core.names import normalize_name

    found = Organization.objects.filter(name_normalized=normalize_name(name), sido=sido)
    if sigungu:
        found = found.filter(sigungu=sigungu)
    existing = found.order_by("pk").first()
    if existing is not None:
        return existing, False
    org = Organization(name=name, sido=sido, sigungu=sigungu, **fields)
    org.full_clean(exclude=["name_normalized"])
    set_history_user(org, by)
    org.save()
    log_action("registry.organization.created", user=by, target=org, data={"name": name})
    return org, True
