"""Registry writes (명부 쓰기): every change to organisations, designations, councils
and merge candidates goes through these functions, whoever calls them (views, admin
actions, management commands)."""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import os
from collections.abc import Callable
from typing import Any, TypedDict, cast

from django.apps import apps
from django.core import serializers
from django.core.cache import cache
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.files import File
from django.db import models, router, transaction
from django.db.models import Max, Q
from django.db.models.signals import m2m_changed
from django.utils import timezone
from django.utils.translation import gettext as _

from hanjari.accounts.actors import Actor
from hanjari.core import processes
from hanjari.core.audit import log_action, set_history_user
from hanjari.core.images import clean_photo
from hanjari.core.rules import Refusal, Step, allowed_steps
from hanjari.core.services import apply_fields

from . import contacts
from .importers import recovery
from .importers.pipeline import (
    ImportReport,
    ProgressCallback,
    RunCallback,
    import_file,
    refuse_too_large,
)
from .models import (
    PHOTO_LIMIT,
    Council,
    CouncilMembership,
    Designation,
    ImportJob,
    ImportRun,
    MergeCandidate,
    Organization,
    OrganizationMerge,
    OrganizationPhoto,
    SourceRecord,
)

logger = logging.getLogger(__name__)


def _always(actor: Actor, obj: Any) -> bool:
    """A step anyone (or the system) may take once its state allows it."""
    return True


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
    on_run: RunCallback | None = None,
) -> ImportReport:
    """Import one official file (XLSX/CSV bytes) into the registry.

    `dataset` is ``auto`` or one of ``village`` (공공데이터포털 15080745),
    ``self_sufficiency`` (15091502), ``social_enterprise`` (15090110), ``cooperative``
    (15155661); docs/data.md. `reference_date` (기준일) overrides the date found in the
    file's title lines or name. All or nothing per file: with any error nothing is
    imported and the report lists each problem (row, column, value, reason). The file
    is read, validated and matched before anything is written, then written in short
    transactions that other requests interleave with, each logging how to undo it
    (undone together if one fails; after a killed process, by `import_runs_recover`).
    `progress(done, total)` is called, outside any transaction, as rows are written;
    `on_run(run)` when its `ImportRun` is saved. Returns the `ImportReport`; never
    raises for bad input.
    """
    return import_file(
        data,
        file_name,
        dataset=dataset,
        reference_date=reference_date,
        dry_run=dry_run,
        user=user,
        progress=progress,
        on_run=on_run,
    )


class RecoveredJob(TypedDict):
    job_id: int
    file_name: str
    message: str


class ImportRecovery(TypedDict):
    runs: list[recovery.Recovered]
    jobs: list[RecoveredJob]


def import_runs_recover(
    *, progress: Callable[[ImportRun, int], None] | None = None
) -> ImportRecovery:
    """End the imports whose process stopped while they ran (중단된 가져오기 복구).

    Every "running" `ImportRun` whose process is gone is undone from its undo log and
    marked "interrupted" (중단됨 — 되돌림), with its end time and a report that says
    the file was not applied (`importers.recovery.recover_runs`; a run whose process
    still runs is never touched). Then every running `ImportJob` whose process is gone
    (or whose run was just ended) is marked failed with a message saying what
    happened to the file. Called when a worker starts (``manage.py db_worker``), before
    each import (the job task, ``manage.py registry_import``) and by ``manage.py
    registry_recover_imports``. Idempotent. `progress(run, undone)` as in
    `recover_runs`. Returns what was ended. Raises database errors only.
    """
    runs = recovery.recover_runs(progress=progress)
    jobs: list[RecoveredJob] = []
    for job in ImportJob.objects.filter(status=ImportJob.Status.RUNNING).select_related("run"):
        message = _stopped_job_message(job)
        if message is None:
            continue
        with transaction.atomic():
            locked = ImportJob.objects.select_for_update().filter(pk=job.pk).first()
            if locked is None or locked.status != ImportJob.Status.RUNNING:
                continue
            _import_job_fail(locked, str(message))
        jobs.append({"job_id": job.pk, "file_name": job.file_name, "message": str(message)})
    return {"runs": runs, "jobs": jobs}


def _stopped_job_message(job: ImportJob) -> str | None:
    """Why the running `job` stopped, or None when it may still run."""
    run = job.run
    if run is not None and run.status == ImportRun.Status.RUNNING:
        return None  # its run is still running (or about to be recovered by its own rule)
    if processes.owner_state(job.owner) is not processes.OwnerState.GONE and not (
        run is not None and run.status == ImportRun.Status.INTERRUPTED
    ):
        return None
    if run is None:
        return _(
            "작업을 하던 프로세스가 파일을 쓰기 전에 멈췄습니다. 아무것도 가져오지 "
            "않았습니다. 파일을 다시 올려 주세요."
        )
    if run.status == ImportRun.Status.INTERRUPTED:
        return _(
            "작업을 하던 프로세스가 멈췄습니다. 그때까지 쓴 내용을 모두 되돌렸으므로 이 "
            "파일은 적용되지 않았습니다. 파일을 다시 올려 주세요."
        )
    return _(
        "작업을 하던 프로세스가 결과를 적기 전에 멈췄습니다. 가져오기 결과는 가져오기 "
        "기록에서 보세요."
    )


def import_runs_recover_quietly() -> None:
    """`import_runs_recover`, with what it did logged and its errors logged instead of
    raised: for the places that recover on the way to other work (an import's start)."""
    try:
        done = import_runs_recover()
    except Exception:
        logger.exception("recovering interrupted imports failed")
        return
    for run in done["runs"]:
        logger.warning("interrupted import run %s (%s) undone", run.run_id, run.file_name)
    for job in done["jobs"]:
        logger.warning("stopped import job %s (%s) marked failed", job["job_id"], job["file_name"])


# ---- background imports (가져오기 작업) -----------------------------------------------

# The job's life, only forward: the task claims a queued job, then finishes it.
IMPORT_JOB_STEPS: dict[str, Step[str, Actor, ImportJob]] = {
    "start": Step(frozenset({ImportJob.Status.QUEUED}), ImportJob.Status.RUNNING, _always),
    "succeed": Step(frozenset({ImportJob.Status.RUNNING}), ImportJob.Status.SUCCEEDED, _always),
    "reject": Step(frozenset({ImportJob.Status.RUNNING}), ImportJob.Status.REJECTED, _always),
    "fail": Step(
        frozenset({ImportJob.Status.QUEUED, ImportJob.Status.RUNNING}),
        ImportJob.Status.FAILED,
        _always,
    ),
}
# A running job's progress: (rows done, rows in all), written at most once per
# hundredth of the file.
_PROGRESS_KEY = "hanjari:import-job:{pk}:progress"
_PROGRESS_SECONDS = 24 * 3600


def _step(job: ImportJob, name: str) -> None:
    """Move `job` along step `name` of `IMPORT_JOB_STEPS`; ValueError when the table does
    not allow it from the job's state (a bug in the caller)."""
    if name not in allowed_steps(IMPORT_JOB_STEPS, job.status, None, job):
        raise ValueError(f"import job {job.pk}: no step {name!r} from {job.status!r}")
    job.status = IMPORT_JOB_STEPS[name].target


@transaction.atomic
def import_job_create(
    *,
    upload: File[Any],
    dataset: str = "auto",
    reference_date: dt.date | None = None,
    dry_run: bool = False,
    by: Actor,
) -> ImportJob:
    """Store an uploaded official file (XLSX/CSV, already checked by `ImportForm`) as a
    queued `ImportJob` and enqueue its import (`tasks.run_import_job`) for when this
    transaction commits. The file goes to private storage (`PrivateStorage`, never
    served). Returns the job. Raises `ValidationError` for invalid options."""
    from .tasks import run_import_job

    name = os.path.basename(upload.name or "") or "upload"
    job = ImportJob(
        file_name=name[:255],
        dataset=dataset,
        reference_date=reference_date,
        dry_run=dry_run,
        created_by=by if getattr(by, "pk", None) else None,
    )
    job.file.save(name, upload, save=False)
    job.full_clean()
    job.save()
    log_action(
        "registry.import_job.queued",
        user=by,
        target=job,
        data={"file": job.file_name, "dataset": dataset, "dry_run": dry_run},
    )
    job_id = job.pk
    transaction.on_commit(lambda: run_import_job.enqueue(job_id))
    return job


def import_job_progress(job: ImportJob) -> tuple[int, int]:
    """``(rows done, rows in all)`` of a running job as its import last reported them
    (``(0, 0)`` before the first report, e.g. while the file is being read and checked).
    Kept in the shared default cache: the import writes it inside its own transaction,
    where a row of the job would not be visible to the page until the end."""
    value = cache.get(_PROGRESS_KEY.format(pk=job.pk))
    if isinstance(value, (list, tuple)) and len(value) == 2:
        return int(value[0]), int(value[1])
    return 0, 0


def _progress_writer(job_id: int) -> ProgressCallback:
    key = _PROGRESS_KEY.format(pk=job_id)
    last = [-1]

    def report(done: int, total: int) -> None:
        step = max(1, total // 100)
        if done >= total or last[0] < 0 or done - last[0] >= step:
            cache.set(key, (done, total), timeout=_PROGRESS_SECONDS)
            last[0] = done

    return report


def import_job_run(*, job_id: int) -> ImportJob | None:
    """Run the import of queued job `job_id` (what the background task does).

    Idempotent: claims the job (queued → running) in its own transaction, so a second
    call, or a second worker, finds it running or finished and returns it untouched.
    Then reads the stored file and calls `registry_import` (one transaction per file;
    a file with errors imports nothing), and records the outcome: ``succeeded`` with
    the report and the `ImportRun`, ``rejected`` when the file had errors, or
    ``failed`` with a message when the import stopped on an unexpected error (which is
    logged and raised again, so the task backend records it too). Returns the job, or
    None when there is no such job.
    """
    import_runs_recover_quietly()
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or "start" not in allowed_steps(IMPORT_JOB_STEPS, job.status, None, job):
            return job
        _step(job, "start")
        job.started_at = timezone.now()
        job.owner = processes.current_owner()
        job.save(update_fields=["status", "started_at", "owner"])
    try:
        with job.file.open("rb") as stored:
            data = stored.read()
    except OSError:
        logger.exception("import job %s: stored file unreadable", job.pk)
        return _import_job_fail(job, _("올린 파일을 읽을 수 없습니다. 파일을 다시 올려 주세요."))
    try:
        report = registry_import(
            data=data,
            file_name=job.file_name,
            dataset=job.dataset,
            reference_date=job.reference_date,
            dry_run=job.dry_run,
            user=job.created_by,
            progress=_progress_writer(job.pk),
            on_run=functools.partial(_link_run, job.pk),
        )
    except Exception as exc:
        logger.exception("import job %s failed", job.pk)
        _import_job_fail(
            job,
            _(
                "가져오는 중 예기치 않은 오류(%(error)s)로 멈췄습니다. 아무것도 가져오지 "
                "않았습니다. 관리자에게 알려 주세요."
            )
            % {"error": type(exc).__name__},
        )
        raise
    with transaction.atomic():
        _step(job, "succeed" if report.ok else "reject")
        job.finished_at = timezone.now()
        job.report = report.as_dict()
        job.run_id = report.run_id
        job.save(update_fields=["status", "finished_at", "report", "run"])
        log_action(
            "registry.import_job.finished",
            user=job.created_by,
            target=job,
            data={"status": job.status, "run": report.run_id, "errors": len(report.errors)},
        )
    return job


def _link_run(job_id: int, run: ImportRun) -> None:
    """Point job `job_id` at its run as soon as the run exists (in the run's
    transaction), so that recovery can tell what became of the job's file."""
    ImportJob.objects.filter(pk=job_id).update(run=run)


def _import_job_fail(job: ImportJob, message: str) -> ImportJob:
    with transaction.atomic():
        _step(job, "fail")
        job.finished_at = timezone.now()
        job.message = message
        job.save(update_fields=["status", "finished_at", "message"])
        log_action(
            "registry.import_job.failed", user=job.created_by, target=job, data={"message": message}
        )
    return job


# Fields of `keep` that a merge fills from `drop` when `keep` has none.
MERGE_FILLED_FIELDS = (
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
    "contact_email",
    *(link.field for link in contacts.SOCIAL_LINKS),
    "opening_hours",
    "opening_hours_note",
    "employee_range",
)
# The 공개 switch of each contact field: a merge that fills the field brings its switch.
PUBLIC_SWITCHES = {
    "phone": "phone_public",
    "contact_email": "email_public",
    "website": "website_public",
    **{link.field: link.public_field for link in contacts.SOCIAL_LINKS},
}
# Fields the model derives itself or that change on every save: not a merge's change.
_MERGE_DERIVED_FIELDS = frozenset(
    {"id", "name_normalized", "brn_verified", "crn_verified", "updated_at"}
)
_CANDIDATE_FIELDS = (
    "left_id",
    "right_id",
    "left_name",
    "right_name",
    "score",
    "reason",
    "status",
    "decided_by_id",
    "decided_at",
)


def _organization_fields(org: Organization) -> dict[str, Any]:
    """`org`'s stored field values as JSON (Django's serializer: dates as ISO text, the
    logo as its file name), keyed by attribute name, without the primary key."""
    [data] = json.loads(serializers.serialize("json", [org]))
    return dict(data["fields"])


def _candidate_state(candidate: MergeCandidate) -> dict[str, Any]:
    state = {name: getattr(candidate, name) for name in _CANDIDATE_FIELDS}
    state["decided_at"] = candidate.decided_at.isoformat() if candidate.decided_at else None
    state["created_at"] = candidate.created_at.isoformat()
    return state


def registry_import_refuse_size(*, file_name: str, size: int, user: Any = None) -> ImportReport:
    """Record the refusal of an official file of `size` bytes, too large to read
    (`reading.MAX_FILE_BYTES`), without reading it: a failed `ImportRun` with one
    error. Returns the report."""
    return refuse_too_large(file_name, size, user=user)


@transaction.atomic
def organization_merge(
    *, keep: Organization, drop: Organization, by: Any, candidate: MergeCandidate | None = None
) -> Organization:
    """Merge `drop` into `keep` (the same organisation found in two official lists).

    Moves every designation, source record, council membership and user membership
    to `keep`, and every other link to `drop` of the apps above the registry (booths,
    registrations, talks, event and article lists, commendations, plaques, donations:
    `_move_links`, found from the model metadata; a list entry `keep` has already is
    dropped), fills `keep`'s empty fields from `drop`, remembers `drop`'s name as an
    alias and its id in `keep.merged_from` (so its history stays reachable), marks
    pending merge candidates between the two as merged (those pairing `drop` with a
    third organisation now pair `keep` with it), writes the audit log and
    deletes `drop`. A verified 사업자등록번호/법인등록번호 of `drop` replaces an
    unverified one of `keep`. Everything it changes is kept in an `OrganizationMerge`
    record (with `drop`'s own fields and address, and `candidate` when the merge
    decides one), so the merge can be undone (`organization_merge_undo`). Raises
    `MergeError` when both have different valid 사업자등록번호 (two legal entities),
    when `keep` is `drop`, or when both have a link a unique constraint allows only once
    (`_link_conflicts`).
    """
    if keep.pk == drop.pk:
        raise MergeError(_("같은 조직끼리는 합칠 수 없습니다."))
    if keep.brn_verified and drop.brn_verified and keep.brn != drop.brn:
        raise MergeError(_("서로 다른 사업자등록번호를 가진 조직은 합칠 수 없습니다."))
    if keep.crn_verified and drop.crn_verified and keep.crn != drop.crn:
        raise MergeError(_("서로 다른 법인등록번호를 가진 조직은 합칠 수 없습니다."))
    conflicts = _link_conflicts(keep, drop)
    if conflicts:
        raise MergeError(
            _("두 조직에 한 번만 둘 수 있는 항목이 둘 다 있어 합칠 수 없습니다: %(what)s")
            % {"what": ", ".join(conflicts)}
        )
    from hanjari.accounts.models import Membership

    kept_before = _organization_fields(keep)
    dropped = _organization_fields(drop)
    # Every candidate that names `drop` changes below (merged, moved, deleted, or its
    # side emptied when `drop` is deleted): its state now is what an undo restores.
    candidates = {
        c.pk: _candidate_state(c)
        for c in MergeCandidate.objects.filter(Q(left=drop) | Q(right=drop)).order_by("pk")
    }
    moved: dict[str, Any] = {
        "designations": list(drop.designations.order_by("pk").values_list("pk", flat=True)),
        "source_records": list(
            SourceRecord.objects.filter(organization=drop)
            .order_by("pk")
            .values_list("pk", flat=True)
        ),
        "council_memberships": [],
        "removed_council_memberships": [],
        "memberships": [],
        "removed_memberships": [],
        "merges": list(drop.merges.order_by("pk").values_list("pk", flat=True)),
    }
    for designation in drop.designations.all():
        designation.organization = keep
        set_history_user(designation, by)
        designation.save(update_fields=["organization", "updated_at"])
    SourceRecord.objects.filter(organization=drop).update(organization=keep)
    for cm in CouncilMembership.objects.filter(organization=drop).order_by("pk"):
        if CouncilMembership.objects.filter(council=cm.council, organization=keep).exists():
            # `keep` is a member already; this one goes with `drop`.
            moved["removed_council_memberships"].append(
                {"council": cm.council_id, "joined_on": _iso(cm.joined_on)}
            )
        else:
            cm.organization = keep
            cm.save(update_fields=["organization"])
            moved["council_memberships"].append(cm.pk)
    for m in Membership.objects.filter(organization=drop).order_by("pk"):
        if Membership.objects.filter(user=m.user, organization=keep).exists():
            moved["removed_memberships"].append(
                {"user": m.user_id, "role": m.role, "created_at": _iso(m.created_at)}
            )
        else:
            m.organization = keep
            m.save(update_fields=["organization"])
            moved["memberships"].append(m.pk)
    # Earlier merges into `drop` now belong to `keep`, which holds what they moved.
    OrganizationMerge.objects.filter(pk__in=moved["merges"]).update(kept=keep)
    # A verified number beats an unverified one (a typo in one of the lists).
    if drop.brn_verified and not keep.brn_verified:
        keep.brn = drop.brn
    if drop.crn_verified and not keep.crn_verified:
        keep.crn = drop.crn
    for name in MERGE_FILLED_FIELDS:
        if not getattr(keep, name) and getattr(drop, name):
            setattr(keep, name, getattr(drop, name))
            if name in PUBLIC_SWITCHES:
                switch = PUBLIC_SWITCHES[name]
                setattr(keep, switch, getattr(drop, switch))
    aliases = list(keep.aliases)
    for alias in [drop.name, *drop.aliases]:
        if alias != keep.name and alias not in aliases:
            aliases.append(alias)
    keep.aliases = aliases
    keep.merged_from = [*keep.merged_from, drop.pk, *drop.merged_from]
    set_history_user(keep, by)
    keep.save()
    kept_after = _organization_fields(keep)
    kept_changes = {
        name: [kept_before.get(name), value]
        for name, value in kept_after.items()
        if name not in _MERGE_DERIVED_FIELDS and kept_before.get(name) != value
    }
    now = timezone.now()
    MergeCandidate.objects.filter(
        status=MergeCandidate.Status.PENDING, left__in=[keep, drop], right__in=[keep, drop]
    ).update(status=MergeCandidate.Status.MERGED, decided_by=by, decided_at=now)
    _move_pending_candidates(keep, drop)
    moved["candidates"] = candidates
    moved.update(_move_links(keep, drop))
    record = OrganizationMerge(
        kept=keep,
        kept_name=keep.name,
        dropped_id=drop.pk,
        dropped_name=drop.name,
        dropped_address=drop.address,
        dropped=dropped,
        kept_changes=kept_changes,
        moved=moved,
        candidate=candidate,
        merged_by=by if getattr(by, "pk", None) else None,
    )
    record.full_clean()
    record.save()
    log_action(
        "registry.organization.merged",
        user=by,
        target=keep,
        data={
            "dropped": drop.pk,
            "dropped_name": drop.name,
            "designations": moved["designations"],
            "merge": record.pk,
        },
    )
    set_history_user(drop, by)
    drop.delete()
    return keep


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _date_or_none(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _organization_from_fields(pk: int, fields: dict[str, Any]) -> Organization:
    """An unsaved `Organization` with id `pk` and `fields` as `_organization_fields`
    wrote them (Django's JSON serializer reads them back to Python values)."""
    document = json.dumps([{"model": "registry.organization", "pk": pk, "fields": fields}])
    [deserialized] = serializers.deserialize("json", document)
    return cast(Organization, deserialized.object)


def merge_undo_refusal(merge: OrganizationMerge) -> Refusal | None:
    """Whether `merge` may be undone now (되돌리기): None, or a `Refusal` — code
    ``undone`` (already undone), ``kept_gone`` (the organisation that absorbed the
    record no longer exists) or ``id_taken`` (an organisation has the absorbed record's
    id again). The history page shows the undo button by it; the service refuses by it."""
    if merge.status != OrganizationMerge.Status.MERGED:
        return Refusal("undone", _("이미 되돌린 병합입니다."))
    if merge.kept_id is None:
        return Refusal("kept_gone", _("흡수한 조직이 지워져 되돌릴 수 없습니다."))
    if Organization.objects.filter(pk=merge.dropped_id).exists():
        return Refusal("id_taken", _("흡수된 조직의 번호를 다른 조직이 쓰고 있습니다."))
    return None


@transaction.atomic
def organization_merge_undo(*, merge: OrganizationMerge, by: Actor) -> Organization:
    """Undo `merge` (병합 되돌리기): bring back the absorbed organisation with its own id
    and fields, and give it back what the merge moved — designations, source records,
    council and user memberships (those dropped because the kept organisation had them
    too are made again), earlier merges into it, the other apps' links (`_return_links`)
    — where they still belong to the kept organisation; take back from the kept
    organisation the fields the merge filled (where nobody changed them since), the
    aliases and merged ids it added; and put every merge candidate that named the
    absorbed organisation back as it was (the decided pair becomes pending again). History
    and audit log record who undid it. Returns the restored organisation. Raises
    `MergeError` with the refusal's message (`merge_undo_refusal`)."""
    from hanjari.accounts.models import Membership, User

    merge = OrganizationMerge.objects.select_for_update().get(pk=merge.pk)
    refusal = merge_undo_refusal(merge)
    if refusal is not None:
        raise MergeError(refusal.message)
    if merge.kept_id is None:  # refused above; narrows the type
        raise MergeError(_("흡수한 조직이 지워져 되돌릴 수 없습니다."))
    keep = Organization.objects.select_for_update().get(pk=merge.kept_id)
    [restored_obj] = serializers.deserialize(
        "json",
        json.dumps(
            [{"model": "registry.organization", "pk": merge.dropped_id, "fields": merge.dropped}]
        ),
    )
    drop = cast(Organization, restored_obj.object)
    created_at = drop.created_at
    set_history_user(drop, by)
    drop.save(force_insert=True)
    # auto_now_add set the time of the save; the record was made when it was made.
    Organization.objects.filter(pk=drop.pk).update(created_at=created_at)
    drop.created_at = created_at
    moved = merge.moved
    for designation in keep.designations.filter(pk__in=moved.get("designations", [])):
        designation.organization = drop
        set_history_user(designation, by)
        designation.save(update_fields=["organization", "updated_at"])
    SourceRecord.objects.filter(pk__in=moved.get("source_records", []), organization=keep).update(
        organization=drop
    )
    CouncilMembership.objects.filter(
        pk__in=moved.get("council_memberships", []), organization=keep
    ).update(organization=drop)
    for cm in moved.get("removed_council_memberships", []):
        if Council.objects.filter(pk=cm["council"]).exists():
            CouncilMembership.objects.get_or_create(
                council_id=cm["council"],
                organization=drop,
                defaults={
                    "joined_on": dt.date.fromisoformat(cm["joined_on"]) if cm["joined_on"] else None
                },
            )
    Membership.objects.filter(pk__in=moved.get("memberships", []), organization=keep).update(
        organization=drop
    )
    for m in moved.get("removed_memberships", []):
        if User.objects.filter(pk=m["user"]).exists():
            membership, created = Membership.objects.get_or_create(
                user_id=m["user"], organization=drop, defaults={"role": m["role"]}
            )
            if created and m.get("created_at"):
                Membership.objects.filter(pk=membership.pk).update(
                    created_at=dt.datetime.fromisoformat(m["created_at"])
                )
    OrganizationMerge.objects.filter(pk__in=moved.get("merges", []), kept=keep).update(kept=drop)
    _return_links(keep, drop, moved)
    _restore_kept_fields(keep, merge, by)
    _restore_candidates(moved.get("candidates", {}))
    merge.status = OrganizationMerge.Status.UNDONE
    merge.undone_by = by if getattr(by, "pk", None) else None
    merge.undone_at = timezone.now()
    merge.save(update_fields=["status", "undone_by", "undone_at"])
    log_action(
        "registry.organization.merge_undone",
        user=by,
        target=drop,
        data={"merge": merge.pk, "kept": keep.pk, "kept_name": keep.name},
    )
    return drop


def _without_changes(fields: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """Organisation `fields` (as `_organization_fields` writes them) with a merge's
    `changes` (``{field: [before, after]}``) taken back: a field still at the merge's
    value goes back to its value before, and the aliases and merged ids the merge added
    are taken out of the lists."""
    result = dict(fields)
    for name, (before, after) in changes.items():
        if name in ("aliases", "merged_from"):
            added = [v for v in after or [] if v not in (before or [])]
            result[name] = [v for v in result.get(name) or [] if v not in added]
        elif result.get(name) == after:
            result[name] = before
    return result


def _restore_kept_fields(keep: Organization, merge: OrganizationMerge, by: Actor) -> None:
    """Take back from `keep` what `merge` changed (`_without_changes`), and likewise from
    the stored fields of any organisation that was absorbed later while holding them
    (so undoing that later merge does not bring them back)."""
    now = _organization_fields(keep)
    wanted = _without_changes(now, merge.kept_changes)
    changed = [name for name in wanted if wanted[name] != now.get(name)]
    if changed:
        values = _organization_from_fields(keep.pk, wanted)
        for field in Organization._meta.concrete_fields:
            if field.name in changed:
                setattr(keep, field.attname, getattr(values, field.attname))
        set_history_user(keep, by)
        keep.save()
    for later in OrganizationMerge.objects.filter(status=OrganizationMerge.Status.MERGED):
        if merge.pk in later.moved.get("merges", []):
            later.dropped = _without_changes(later.dropped, merge.kept_changes)
            later.save(update_fields=["dropped"])


def _restore_candidates(states: dict[str, dict[str, Any]]) -> None:
    """Put the merge candidates recorded by a merge back as they were (made again with
    their id when the merge deleted them), unless that would repeat a pair asked since.
    A side whose organisation was merged away since names the organisation that absorbed
    it (`selectors.merged_into`), or nobody when there is none or that is the other
    side; a decider whose account is gone is forgotten."""
    from hanjari.accounts.models import User

    from .selectors import merged_into

    for pk, state in states.items():
        values = dict(state)
        created_at = values.pop("created_at", None)
        decided_at = values.get("decided_at")
        values["decided_at"] = dt.datetime.fromisoformat(decided_at) if decided_at else None
        for side in ("left", "right"):
            side_id = values[f"{side}_id"]
            if side_id is None or Organization.objects.filter(pk=side_id).exists():
                continue
            now_there = merged_into(pk=side_id)
            values[f"{side}_id"] = now_there.pk if now_there else None
            if now_there is not None:
                values[f"{side}_name"] = now_there.name
        if values["left_id"] is not None and values["left_id"] == values["right_id"]:
            continue  # both sides are one organisation now: nothing to ask
        if (
            values.get("decided_by_id")
            and not User.objects.filter(pk=values["decided_by_id"]).exists()
        ):
            values["decided_by_id"] = None
        pair = Q(left_id=values["left_id"], right_id=values["right_id"])
        if MergeCandidate.objects.filter(pair).exclude(pk=int(pk)).exists():
            continue
        updated = MergeCandidate.objects.filter(pk=int(pk)).update(**values)
        if not updated:
            candidate = MergeCandidate.objects.create(pk=int(pk), **values)
            if created_at:
                MergeCandidate.objects.filter(pk=candidate.pk).update(
                    created_at=dt.datetime.fromisoformat(created_at)
                )


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


# Links to an organisation that `organization_merge` moves by name (or that are the
# merge's own bookkeeping), by ``app_label.model.field``; every other link (booths,
# registrations, articles, events, commendations, plaques, donations … of the apps
# above the registry) is found from the model metadata and moved by `_move_links`.
_LINKS_MOVED_BY_NAME = frozenset(
    {
        "accounts.membership.organization",
        "registry.designation.organization",
        "registry.councilmembership.organization",
        "registry.sourcerecord.organization",
        "registry.mergecandidate.left",
        "registry.mergecandidate.right",
        "registry.organizationmerge.kept",
    }
)


def _link_key(field: models.ForeignKey[Any, Any]) -> str:
    return f"{field.model._meta.label_lower}.{field.name}"


def _other_links() -> list[models.ForeignKey[Any, Any]]:
    """The foreign keys to `Organization` of the other models (the rows of the
    automatic many-to-many tables among them), but those `_LINKS_MOVED_BY_NAME` and
    those the deletion of an organisation leaves alone (``DO_NOTHING``: the history
    tables, which keep the id as it was)."""
    links = []
    for rel in Organization._meta.get_fields(include_hidden=True):
        if not isinstance(rel, models.ForeignObjectRel) or rel.many_to_many:
            continue  # a many-to-many's rows: by the foreign key of its table
        field = cast(models.ForeignKey[Any, Any], rel.field)
        if field.remote_field.on_delete is models.DO_NOTHING:
            continue
        if _link_key(field) not in _LINKS_MOVED_BY_NAME:
            links.append(field)
    return sorted(links, key=_link_key)


def _link_field(key: str) -> models.ForeignKey[Any, Any] | None:
    """The foreign key a merge recorded as `key` (`_link_key`), or None when that model
    or field is gone."""
    label, _dot, name = key.rpartition(".")
    try:
        field = apps.get_model(label)._meta.get_field(name)
    except (LookupError, ValueError, FieldDoesNotExist):
        return None
    return field if isinstance(field, models.ForeignKey) else None


def _far_side(field: models.ForeignKey[Any, Any]) -> models.ForeignKey[Any, Any]:
    """The other foreign key of an automatic many-to-many row (`field` is the one to
    the organisation): e.g. the article of an article–organisation link."""
    return next(
        cast(models.ForeignKey[Any, Any], f)
        for f in field.model._meta.concrete_fields
        if isinstance(f, models.ForeignKey) and f is not field
    )


def _unique_sets(field: models.ForeignKey[Any, Any]) -> list[list[str]]:
    """The unique field sets of `field`'s model that contain `field` (a unique field
    alone, ``unique_together`` and unconditional unique constraints)."""
    meta = field.model._meta
    sets = [list(names) for names in meta.unique_together]
    sets += [list(c.fields) for c in meta.total_unique_constraints]
    if field.unique:
        sets.append([field.name])
    return [names for names in sets if field.name in names]


def _link_conflicts(keep: Organization, drop: Organization) -> list[str]:
    """The links of `drop` that cannot move to `keep` because `keep` has a row that a
    unique constraint allows only once (besides the many-to-many rows, which are
    simply dropped then): their models' names. Empty when every link can move."""
    conflicts: list[str] = []
    for field in _other_links():
        if field.model._meta.auto_created:
            continue
        manager = field.model._base_manager
        for names in _unique_sets(field):
            others = [n for n in names if n != field.name]
            for values in manager.filter(**{field.name: drop}).values(*others):
                if None in values.values():
                    continue  # NULLs never clash
                if manager.filter(**{field.name: keep}, **values).exists():
                    conflicts.append(str(field.model._meta.verbose_name))
                    break
    return sorted(set(conflicts))


def _send_m2m_changed(
    field: models.ForeignKey[Any, Any], org: Organization, action: str, far_ids: list[int]
) -> None:
    """Tell the receivers of `m2m_changed` (search index, page cache) that the
    many-to-many rows of `field` between `org` and `far_ids` were added or removed
    (the rows move by an update, which sends nothing itself)."""
    if far_ids:
        m2m_changed.send(
            sender=field.model,
            instance=org,
            action=action,
            reverse=True,
            model=_far_side(field).related_model,
            pk_set=set(far_ids),
            using=router.db_for_write(field.model),
        )


def _move_links(keep: Organization, drop: Organization) -> dict[str, Any]:
    """Point `drop`'s other links (`_other_links`) at `keep`. A row of a model moves
    with its id (saved, so its receivers hear of it); a many-to-many row moves too,
    unless `keep` is linked to the same object already, when it is deleted. Returns
    what an undo needs, by `_link_key`: ``links`` (ids of the moved rows; for a
    many-to-many row ``{"id", "to"}`` with the far object's id) and ``dropped_links``
    (the deleted many-to-many rows, likewise)."""
    moved: dict[str, Any] = {}
    dropped: dict[str, Any] = {}
    for field in _other_links():
        key, manager = _link_key(field), field.model._base_manager
        rows = manager.filter(**{field.name: drop}).order_by("pk")
        if not field.model._meta.auto_created:
            ids = []
            for row in rows:
                setattr(row, field.name, keep)
                row.save(update_fields=[field.name])
                ids.append(row.pk)
            if ids:
                moved[key] = ids
            continue
        far = _far_side(field).attname
        linked = set(manager.filter(**{field.name: keep}).values_list(far, flat=True))
        for pk, to in rows.values_list("pk", far):
            (dropped if to in linked else moved).setdefault(key, []).append({"id": pk, "to": to})
        manager.filter(pk__in=[r["id"] for r in dropped.get(key, [])]).delete()
        manager.filter(pk__in=[r["id"] for r in moved.get(key, [])]).update(**{field.name: keep})
        _send_m2m_changed(field, drop, "post_remove", [r["to"] for r in moved.get(key, [])])
        _send_m2m_changed(field, drop, "post_remove", [r["to"] for r in dropped.get(key, [])])
        _send_m2m_changed(field, keep, "post_add", [r["to"] for r in moved.get(key, [])])
    return {"links": moved, "dropped_links": dropped}


def _return_links(keep: Organization, drop: Organization, moved: dict[str, Any]) -> None:
    """Undo `_move_links` for the restored `drop`: the rows it moved go back where they
    still belong to `keep`; a many-to-many row is made again with its own id where it was
    deleted — by the merge (``dropped_links``) or, for a moved row, by a later merge
    into an organisation linked to the same object (while `keep` still is) — unless a row
    with that id exists (it went back elsewhere) or the far object is gone."""
    for key, ids in moved.get("links", {}).items():
        field = _link_field(key)
        if field is None:
            continue
        manager = field.model._base_manager
        if not field.model._meta.auto_created:
            for row in manager.filter(pk__in=ids, **{field.name: keep}).order_by("pk"):
                setattr(row, field.name, drop)
                row.save(update_fields=[field.name])
            continue
        far = _far_side(field).attname
        back = list(
            manager.filter(pk__in=[r["id"] for r in ids], **{field.name: keep}).values_list(
                far, flat=True
            )
        )
        manager.filter(pk__in=[r["id"] for r in ids], **{field.name: keep}).update(
            **{field.name: drop}
        )
        _send_m2m_changed(field, keep, "post_remove", back)
        _send_m2m_changed(field, drop, "post_add", back)
        linked = set(manager.filter(**{field.name: keep}).values_list(far, flat=True))
        _remake_links(field, drop, [r for r in ids if r["to"] in linked])
    for key, rows in moved.get("dropped_links", {}).items():
        field = _link_field(key)
        if field is not None:
            _remake_links(field, drop, rows)


def _remake_links(
    field: models.ForeignKey[Any, Any], org: Organization, rows: list[dict[str, int]]
) -> None:
    """Make the many-to-many `rows` (``{"id", "to"}``) of `field` again for `org`, each
    with its id, but those whose id is taken, whose far object is gone or that `org`
    has already."""
    far_field = _far_side(field)
    manager = field.model._base_manager
    far_model = cast(type[models.Model], far_field.related_model)
    far_ids = set(
        far_model._base_manager.filter(pk__in=[r["to"] for r in rows]).values_list("pk", flat=True)
    )
    made = []
    for row in rows:
        if (
            row["to"] not in far_ids
            or manager.filter(pk=row["id"]).exists()
            or manager.filter(**{field.name: org, far_field.attname: row["to"]}).exists()
        ):
            continue
        manager.create(pk=row["id"], **{field.name: org, far_field.attname: row["to"]})
        made.append(row["to"])
    _send_m2m_changed(field, org, "post_add", made)


def merge_proposal_refusal(left: Organization, right: Organization) -> Refusal | None:
    """Whether staff may put the pair `left`–`right` in the merge queue (병합 후보 올리기):
    None, or a `Refusal` — ``same`` (one organisation twice) or ``queued`` (the pair, in
    either order, is already waiting for review)."""
    if left.pk == right.pk:
        return Refusal("same", _("같은 조직끼리는 합칠 수 없습니다."))
    pair = Q(left=left, right=right) | Q(left=right, right=left)
    if MergeCandidate.objects.filter(pair, status=MergeCandidate.Status.PENDING).exists():
        return Refusal("queued", _("이미 병합 검토를 기다리는 쌍입니다."))
    return None


@transaction.atomic
def merge_candidate_propose(
    *, left: Organization, right: Organization, by: Actor
) -> MergeCandidate:
    """Put `left` and `right` in the merge queue as a pending candidate, on staff's word
    (from an organisation's profile). The score is their names' similarity (rapidfuzz
    ratio of the normalised names, 0–100); the reason says who proposed it. A pair once
    decided "different" is asked again. Raises `PermissionDenied` unless `by` is centre
    staff, `MergeError` with the refusal's message (`merge_proposal_refusal`)."""
    from rapidfuzz import fuzz

    from .permissions import can_review_merges

    if not can_review_merges(by):
        raise PermissionDenied(_("병합 후보는 센터 관리자만 올릴 수 있습니다."))
    refusal = merge_proposal_refusal(left, right)
    if refusal is not None:
        raise MergeError(refusal.message)
    values = {
        "left_name": left.name,
        "right_name": right.name,
        "score": round(fuzz.ratio(left.name_normalized, right.name_normalized), 1),
        "reason": _("%(user)s 님이 조직 정보 화면에서 올린 쌍입니다.") % {"user": by},
        "status": MergeCandidate.Status.PENDING,
        "decided_by": None,
        "decided_at": None,
    }
    earlier = MergeCandidate.objects.filter(
        Q(left=left, right=right) | Q(left=right, right=left)
    ).first()
    if earlier is not None:
        # Decided "different" before: the same row asks again.
        for name, value in values.items():
            setattr(earlier, name, value)
        earlier.full_clean()
        earlier.save()
        candidate = earlier
    else:
        candidate = MergeCandidate(left=left, right=right, **values)
        candidate.full_clean()
        candidate.save()
    log_action(
        "registry.merge_candidate.proposed",
        user=by,
        target=candidate,
        data={"left": left.pk, "right": right.pk},
    )
    return candidate


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
    kept = organization_merge(keep=keep, drop=drop, by=by, candidate=candidate)
    MergeCandidate.objects.filter(pk=candidate.pk).update(
        status=MergeCandidate.Status.MERGED, decided_by=by, decided_at=timezone.now()
    )
    return kept


class ProfileFields(TypedDict, total=False):
    """An organisation's profile fields as `organization_update` and
    `organization_get_or_create` take them (already validated by a form), by field:
    texts as the model stores them, `founded_on` a date or None, `logo` an uploaded
    file, the stored file, or "" to remove it; each contact item (`phone`,
    `contact_email`, `website`, ``<social>_url``) with its 공개 switch
    (``*_public``, a bool); `opening_hours` a list of ``{"day", "opens", "closes"}``
    (`contacts.validate_opening_hours`); `employee_range` a `contacts.EmployeeRange`
    value or ""."""

    name: str
    legal_form: str
    brn: str
    crn: str
    address: str
    sido: str
    sigungu: str
    industry: str
    products: str
    description: str
    founded_on: dt.date | None
    employee_range: str
    opening_hours: list[dict[str, str]]
    opening_hours_note: str
    phone: str
    phone_public: bool
    contact_email: str
    email_public: bool
    website: str
    website_public: bool
    blog_url: str
    blog_public: bool
    instagram_url: str
    instagram_public: bool
    facebook_url: str
    facebook_public: bool
    youtube_url: str
    youtube_public: bool
    kakao_channel_url: str
    kakao_channel_public: bool
    status: str
    logo: Any


EDITABLE_FIELDS = tuple(ProfileFields.__annotations__)
# The fields that say which legal entity the record is (이름, 법인격, 사업자등록번호,
# 법인등록번호, 운영 상태) and where it is registered (시도, 시군구): imports link an
# official row to a record by its 사업자등록번호 or by its name in its 시군구, merges
# compare the numbers, and claim reviews compare a claimant's number with it. Only
# centre staff change them; members ask the centre. The street address stays with the
# members (they correct it when they move): it links a row only together with the
# same name in the same 시군구, which members cannot change.
IDENTIFYING_FIELDS = ("name", "legal_form", "brn", "crn", "status", "sido", "sigungu")
# The 공개 switches among them.
PUBLIC_FIELDS = tuple(PUBLIC_SWITCHES.values())


def identifying_changes(organization: Organization, data: Any) -> list[str]:
    """The names of the `IDENTIFYING_FIELDS` whose value in `data` (a mapping of
    profile fields) differs from `organization`'s stored one. The numbers are compared
    as digits (the model stores them so); an empty value and "" are the same."""
    from hanjari.core import identifiers

    changed = []
    for name in IDENTIFYING_FIELDS:
        if name not in data:
            continue
        value, stored = data[name], getattr(organization, name)
        if name in ("brn", "crn"):
            value = identifiers.normalize_digits(str(value or ""))
        if (value or "") != (stored or ""):
            changed.append(name)
    return changed


def identity_edit_refusal(by: Actor, organization: Organization, data: Any) -> Refusal | None:
    """Whether `by` may set the values `data` (a mapping of profile fields) on
    `organization`: None, or a `Refusal` (code ``identity``) when `data` changes one of
    the `IDENTIFYING_FIELDS` (`identifying_changes`) and `by` is neither centre staff
    nor None (system work). The edit page shows those fields read-only to members and
    refuses a value sent for them by it; `organization_update` refuses by it."""
    if by is None or getattr(by, "is_centre_staff", False):
        return None
    if not identifying_changes(organization, data):
        return None
    return identity_refusal()


def identity_refusal() -> Refusal:
    """The `Refusal` (code ``identity``) of a member's change to an identifying field."""
    return Refusal(
        "identity",
        _(
            "이름·법인격·등록번호·상태·시도·시군구는 센터 관리자만 고칠 수 있습니다. "
            "고쳐야 하면 센터에 요청해 주세요."
        ),
    )


@transaction.atomic
def organization_update(
    *, organization: Organization, data: ProfileFields, by: Actor
) -> Organization:
    """Change an organisation's profile fields (`ProfileFields` / `EDITABLE_FIELDS`).

    Validates with `full_clean()` (raises `ValidationError` with field messages, or
    naming any field that is not a profile field), saves with history attributed to
    `by`, and writes the audit log with the names of the fields that changed. Returns
    the organisation. Raises `PermissionDenied` (nothing changed) when `by`, not centre
    staff, changes an identifying field (`identity_edit_refusal`).
    """
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(_("고칠 수 없는 항목입니다: %s") % ", ".join(sorted(unknown)))
    refusal = identity_edit_refusal(by, organization, data)
    if refusal is not None:
        raise PermissionDenied(refusal.message)
    values: dict[str, Any] = dict(data)
    if "opening_hours" in values and values["opening_hours"] is None:
        values["opening_hours"] = []  # an emptied JSON box (the admin): no hours
    phone = str(values.get("phone") or "")
    if phone and phone != organization.phone:
        # A new number must be one (a number kept from a list as it was is not checked).
        try:
            contacts.validate_phone(phone)
        except ValidationError as exc:
            raise ValidationError({"phone": exc.error_list}) from None
        values["phone"] = contacts.phone_format(phone) or phone
    changed = apply_fields(organization, values, allowed=EDITABLE_FIELDS)
    # An emptied contact item is not public any more: a value given later starts hidden.
    for name, switch in PUBLIC_SWITCHES.items():
        if not getattr(organization, name) and getattr(organization, switch):
            setattr(organization, switch, False)
            if switch not in changed:
                changed.append(switch)
    organization.full_clean()
    set_history_user(organization, by)
    organization.save()
    if changed:
        audit_data: dict[str, Any] = {"fields": changed}
        switched = {name: getattr(organization, name) for name in changed if name in PUBLIC_FIELDS}
        if switched:
            audit_data["public"] = switched
        log_action("registry.organization.updated", user=by, target=organization, data=audit_data)
    return organization


# ---- profile photos (조직 사진) -----------------------------------------------------------


def photo_add_refusal(organization: Organization) -> Refusal | None:
    """Whether a photo may be added to `organization` now: None, or a `Refusal` (code
    ``limit``) when it has `PHOTO_LIMIT` photos already. The photo page hides the upload
    form by it; `organization_photo_add` refuses by it."""
    if organization.photos.count() >= PHOTO_LIMIT:
        return Refusal(
            "limit",
            _("사진은 %(limit)d장까지 올릴 수 있습니다. 다른 사진을 지운 뒤에 올려 주세요.")
            % {"limit": PHOTO_LIMIT},
        )
    return None


def _require_profile_editor(by: Actor, organization: Organization) -> None:
    from .permissions import can_edit_organization

    if not can_edit_organization(by, organization):
        raise PermissionDenied(_("이 조직의 정보를 고칠 권한이 없습니다."))


def _photo_changed(photo: OrganizationPhoto, action: str, by: Actor, **data: Any) -> None:
    log_action(
        f"registry.organization.photo_{action}",
        user=by,
        target=photo.organization,
        data={"photo": photo.pk, **data},
    )


@transaction.atomic
def organization_photo_add(
    *, organization: Organization, image: Any, alt_text: str, caption: str = "", by: Actor
) -> OrganizationPhoto:
    """Add a photo (사진) to `organization`'s profile, after the others.

    `image` is an uploaded file: it must be a PNG, JPEG (also a camera's multi-picture
    JPEG) or WebP picture named with its format's extension, at most `PHOTO_MAX_BYTES`
    (5 MB) and `PHOTO_MAX_PIXELS` (40 million pixels); what is stored is its normalised
    copy (`hanjari.core.images.clean_photo`: upright, no EXIF/GPS, at most 2,560 pixels a
    side). `alt_text` (대체 텍스트, required) and `caption` are plain text, at most 300
    characters each. Raises `ValidationError` (by field: ``image``, ``alt_text``, or
    the refusal of `photo_add_refusal`) or `PermissionDenied` (`by` may not edit the
    profile). Writes history and the audit log. Returns the photo."""
    _require_profile_editor(by, organization)
    # One at a time per organisation: two uploads at once must not both pass the limit.
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    refusal = photo_add_refusal(organization)
    if refusal is not None:
        raise ValidationError(refusal.message, code=refusal.code)
    try:
        cleaned = clean_photo(image)
    except ValidationError as exc:
        raise ValidationError({"image": exc.error_list}) from None
    last = organization.photos.aggregate(m=Max("position"))["m"]
    photo = OrganizationPhoto(
        organization=organization,
        image=cleaned,
        alt_text=alt_text.strip(),
        caption=caption.strip(),
        position=0 if last is None else last + 1,
    )
    photo.full_clean()
    set_history_user(photo, by)
    photo.save()
    _photo_changed(photo, "added", by, alt_text=photo.alt_text)
    return photo


@transaction.atomic
def organization_photo_update(
    *, photo: OrganizationPhoto, alt_text: str, caption: str, by: Actor
) -> OrganizationPhoto:
    """Change a profile photo's text alternative (required) and caption (plain text,
    at most 300 characters each). Raises `ValidationError` or `PermissionDenied`.
    Returns the photo (unchanged and unrecorded when nothing differs)."""
    _require_profile_editor(by, photo.organization)
    changed = apply_fields(
        photo,
        {"alt_text": alt_text.strip(), "caption": caption.strip()},
        allowed=("alt_text", "caption"),
    )
    if changed:
        photo.full_clean()
        set_history_user(photo, by)
        photo.save()
        _photo_changed(photo, "updated", by, fields=changed)
    return photo


@transaction.atomic
def organization_photo_move(*, photo: OrganizationPhoto, direction: str, by: Actor) -> bool:
    """Move a profile photo one place earlier (`direction` ``"up"``) or later
    (``"down"``) among its organisation's photos, which are numbered 0, 1, 2… again.
    Returns False when it is first (up) or last (down) already. Raises `ValueError`
    for another direction and `PermissionDenied`."""
    if direction not in ("up", "down"):
        raise ValueError(f"unknown direction {direction!r}")
    _require_profile_editor(by, photo.organization)
    Organization.objects.select_for_update().filter(pk=photo.organization_id).first()
    photos = list(OrganizationPhoto.objects.filter(organization_id=photo.organization_id))
    index = next(i for i, p in enumerate(photos) if p.pk == photo.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(photos):
        return False
    photos[index], photos[other] = photos[other], photos[index]
    for position, each in enumerate(photos):
        if each.position != position:
            each.position = position
            set_history_user(each, by)
            each.save(update_fields=["position"])
    photo.position = next(p.position for p in photos if p.pk == photo.pk)
    _photo_changed(photo, "moved", by, position=photo.position)
    return True


@transaction.atomic
def organization_photo_delete(*, photo: OrganizationPhoto, by: Actor) -> None:
    """Delete a profile photo, and its stored file once the transaction commits (media
    are served without a permission check: a deleted photo must not stay reachable).
    Raises `PermissionDenied`. Writes history and the audit log."""
    _require_profile_editor(by, photo.organization)
    name, storage = photo.image.name, photo.image.storage
    _photo_changed(photo, "deleted", by, alt_text=photo.alt_text)
    set_history_user(photo, by)
    photo.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name), robust=True)


@transaction.atomic
def council_member_add(*, council: Council, organization: Organization, by: Actor) -> bool:
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
def council_member_remove(*, council: Council, organization: Organization, by: Actor) -> bool:
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
    *, name: str, by: Actor, sector: str = "", sido: str = "", sigungu: str = ""
) -> tuple[Council, bool]:
    """The council (협의회) named `name`, created with `sector` (a `SECTORS` key), `sido`
    and `sigungu` when it does not exist yet (an existing one is returned unchanged).
    Returns ``(council, created)``. Raises `ValidationError` for invalid values and
    `PermissionDenied` when `by` is neither None (system work) nor centre staff."""
    if by is not None and not by.is_centre_staff:
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
    *, name: str, by: Actor, sido: str = "", sigungu: str = "", **fields: Any
) -> tuple[Organization, bool]:
    """The organisation named `name` in `sido` / `sigungu` (same normalised name), or a
    new one with `fields` (other `ProfileFields`) when there is none. An existing one is
    returned unchanged. Returns ``(organization, created)``. Raises `ValidationError`
    or `PermissionDenied` (not None and not centre staff)."""
    if by is not None and not by.is_centre_staff:
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


@transaction.atomic
def designation_add_confirmed(
    *,
    organization: Organization,
    kind: str,
    by: Actor,
    number: str = "",
    issuer: str = "",
    start_date: dt.date | None = None,
) -> Designation:
    """Add to `organization` a designation (인증·지정·인정·설립) of `kind` (a
    `DesignationKind` value) that the centre confirmed from documents rather than read
    from an official list: its `dataset` is None, so pages give its source as "센터
    확인" (confirmed by the centre). `number`, `issuer` and `start_date` are what the
    certificate says.

    Used when staff approve a proposed organisation (hanjari.claims). An official list
    that later holds the organisation adds its own designation, linked by the import's
    matching rules (docs/data.md, "Matching"). Returns the saved designation. Raises
    `ValidationError` for invalid values and `PermissionDenied` when `by` is neither
    None (system work) nor centre staff. Audit: ``registry.designation.confirmed``.
    """
    if by is not None and not by.is_centre_staff:
        raise PermissionDenied(_("인증·지정은 센터 관리자만 더할 수 있습니다."))
    designation = Designation(
        organization=organization,
        kind=kind,
        number=number,
        issuer=issuer,
        start_date=start_date,
        dataset=None,
    )
    designation.full_clean()
    set_history_user(designation, by)
    designation.save()
    log_action(
        "registry.designation.confirmed",
        user=by,
        target=organization,
        data={"designation": designation.pk, "kind": kind, "number": number},
    )
    return designation
