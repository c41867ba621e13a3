"""Claim writes (신청 쓰기): submitting a claim or a proposal, the staff decisions, the
claimant's answers and the council's endorsement.

Every function is keyword-only, runs in one transaction, checks the rule of
`hanjari.claims.rules` (raising `ClaimError` with its code and message), writes a
`ClaimEntry` and the audit log (`hanjari.core.audit`), and queues its e-mails for after
the commit (`transaction.on_commit`; a failed e-mail is logged, the write stands). E-mail
links start with ``settings.HANJARI_SITE_URL``.

Approving a claim makes the claimant an owner (대표 관리자) of the organisation
(`owner_grant`), in the same transaction; approving a proposal first creates the
organisation and its designations through the registry's services, with no official
dataset (their source reads "센터 확인").
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import EmailMessage
from django.db import models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hanjari.accounts.actors import Actor
from hanjari.accounts.models import Membership, User
from hanjari.core import identifiers
from hanjari.core.audit import log_action
from hanjari.core.names import detect_legal_form, normalize_name
from hanjari.core.text import replace_controls
from hanjari.registry import selectors as registry_selectors
from hanjari.registry import services as registry_services
from hanjari.registry.models import Council, Organization

from . import rules
from .evidence import check_evidence
from .models import Claim, ClaimEntry, Evidence, ProposedDesignation

logger = logging.getLogger(__name__)

__all__ = [
    "ClaimError",
    "ProposedDesignationInput",
    "brn_check",
    "claim_approve",
    "claim_endorse",
    "claim_reject",
    "claim_reply",
    "claim_request_info",
    "claim_submit",
    "claim_withdraw",
    "claims_erase_personal_data",
    "owner_grant",
    "proposal_submit",
    "registered_namesake",
]

S = Claim.Status
A = ClaimEntry.Action


class ClaimError(Exception):
    """A claim write refused by a rule: `code` is the refusal's (``login``, ``owner``,
    ``open``, ``state``, ``permission``, ``duplicate``, ``gone`` …), the message is
    shown to the person."""

    def __init__(self, message: Any, code: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = str(message)


@dataclass(frozen=True)
class ProposedDesignationInput:
    """One designation of a proposal as the form validated it: `kind` a
    `DesignationKind` value, the number and issuer as written on the certificate,
    `start_date` the date it took effect (or None)."""

    kind: str
    number: str = ""
    issuer: str = ""
    start_date: dt.date | None = None


# --- helpers ----------------------------------------------------------------------------


def _one_line(text: str, limit: int) -> str:
    return " ".join(replace_controls(text, " ").split())[:limit]


def _text(text: str, limit: int = 2000) -> str:
    """Multi-line text as stored: control characters out (line breaks kept), trimmed."""
    return replace_controls(text or "", keep_line_breaks=True).strip()[:limit]


def brn_check(organization: Organization, brn: str) -> str:
    """How the typed 사업자등록번호 `brn` (digits) compares with `organization`'s number
    as an official list or centre staff set it (`registry.selectors.brn_provenance`:
    never a number a member typed on the profile page): `Claim.BrnCheck` ``match``,
    ``mismatch``, or ``no_number`` when there is no such number. Information for the
    reviewer only: a number matching the record proves nothing by itself (anyone can
    read a corporation's number off its receipts)."""
    official = registry_selectors.brn_provenance(organization).number
    if not official:
        return Claim.BrnCheck.NO_NUMBER
    return Claim.BrnCheck.MATCH if official == brn else Claim.BrnCheck.MISMATCH


def _entry(claim: Claim, action: str, by: Actor, message: str = "") -> ClaimEntry:
    entry = ClaimEntry(claim=claim, action=action, actor=by, message=message)
    entry.full_clean(exclude=["actor"])
    entry.save()
    return entry


class _StoredFiles:
    """The evidence files one service call stored, removed again if the call fails
    (its transaction is rolled back, so no row points at them)."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def __enter__(self) -> _StoredFiles:
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is not None:
            storage = _evidence_storage()
            for name in self.names:
                storage.delete(name)

    def store(self, claim: Claim, upload: UploadedFile, by: Actor) -> Evidence:
        """Check `upload` (`check_evidence`; raises `ValidationError`) and store it as
        evidence of `claim` in private storage, under a random name."""
        checked = check_evidence(upload)
        evidence = Evidence(
            claim=claim,
            file_name=_one_line(str(upload.name or ""), 200) or "evidence",
            content_type=checked.content_type,
            size=int(upload.size or 0),
            uploaded_by=by,
        )
        evidence.file.save(str(upload.name or "evidence"), upload, save=False)
        self.names.append(evidence.file.name)
        evidence.save()
        return evidence


def _evidence_storage() -> Any:
    """The private storage evidence files are kept in (`Evidence.file`'s)."""
    field = Evidence._meta.get_field("file")
    if not isinstance(field, models.FileField):
        raise TypeError("Evidence.file is not a file field")
    return field.storage


def _require(refusal: Any) -> None:
    if refusal is not None:
        raise ClaimError(refusal.message, refusal.code)


def _site(path: str) -> str:
    return settings.HANJARI_SITE_URL.rstrip("/") + path


def _owners(organization: Organization | None) -> list[User]:
    if organization is None:
        return []
    return list(
        User.objects.filter(
            memberships__organization=organization,
            memberships__role=Membership.Role.OWNER,
            is_active=True,
        ).order_by("pk")
    )


# --- e-mail -----------------------------------------------------------------------------


def _subject(kind: str, claim: Claim) -> str:
    subjects = {
        "approved": _("[%(site)s] 조직 신청이 승인되었습니다: %(org)s"),
        "rejected": _("[%(site)s] 조직 신청 결과: %(org)s"),
        "info_requested": _("[%(site)s] 조직 신청에 보완이 필요합니다: %(org)s"),
        "owner_notice": _("[%(site)s] 관리하는 조직에 새 신청이 들어왔습니다: %(org)s"),
        "endorsement_request": _("[%(site)s] 협의회 확인 요청: %(org)s"),
    }
    text = subjects[kind] % {"site": settings.HANJARI_SITE_NAME, "org": claim.organization_name}
    return " ".join(text.split())  # one line: a header may not hold line breaks


def _recipients(kind: str, claim: Claim) -> list[User]:
    if kind == "owner_notice":
        return [u for u in _owners(claim.organization) if u.pk != claim.user_id]
    if kind == "endorsement_request":
        return list(
            User.objects.filter(council_roles__council=claim.council, is_active=True)
            .exclude(pk=claim.user_id)
            .order_by("pk")
            .distinct()
        )
    return [claim.user]


def _send(claim_id: int, kind: str) -> None:
    """Send the `kind` e-mail about claim `claim_id` (one message per recipient, so no
    one sees another's address); users without an address are skipped."""
    claim = Claim.objects.select_related("user", "organization", "council").get(pk=claim_id)
    context = {
        "claim": claim,
        "site_name": settings.HANJARI_SITE_NAME,
        "page_url": _site(claim.get_absolute_url()),
        "org_url": _site(claim.organization.get_absolute_url()) if claim.organization else "",
        "endorsements_url": _site(reverse("claims:endorsements")),
    }
    subject = _subject(kind, claim)
    for user in _recipients(kind, claim):
        if not user.email:
            continue
        body = render_to_string(f"claims/email/{kind}.txt", {**context, "recipient": user})
        EmailMessage(subject=subject, body=body, to=[user.email]).send()


def _notify(claim: Claim, kind: str) -> None:
    pk = claim.pk
    transaction.on_commit(lambda: _send(pk, kind), robust=True)


# --- writes -----------------------------------------------------------------------------


def _lock_user(user: User) -> None:
    """Serialise one person's submissions (the open-claim rules count rows)."""
    User.objects.select_for_update().filter(pk=user.pk).first()


def _check_council(council: Council | None, organization: Organization | None) -> None:
    if council is not None and organization is not None:
        if not organization.council_memberships.filter(council=council).exists():
            raise ClaimError(_("이 조직이 가입한 협의회가 아닙니다."), "council")


@transaction.atomic
def claim_submit(
    *,
    organization: Organization,
    by: User,
    brn: str,
    role: str,
    evidence: UploadedFile,
    role_other: str = "",
    council: Council | None = None,
    message: str = "",
) -> Claim:
    """Claim `organization` for `by` ("우리 조직입니다"): a `Claim` in state submitted,
    with the typed 사업자등록번호 `brn` (any spelling; stored as digits, and compared
    with the record: `brn_check`), the claimant's `role` (a `Claim.Role` value, with
    `role_other` text for 기타), the `evidence` file (checked by `check_evidence`,
    stored privately), optionally the `council` asked to endorse it (one the
    organisation belongs to) and a `message` for the reviewer.

    When the organisation already has owners, the claim is still reviewed by staff and
    the owners are told by e-mail (after the commit); the council's admins are asked
    by e-mail too. Raises `ClaimError` (`rules.claim_refusal`: ``login``, ``owner``,
    ``open``; ``council`` for a council the organisation is not in; ``brn`` for a
    number that is not a valid 사업자등록번호) or `ValidationError` (the file, other
    fields). Audit: ``claims.claim.submitted``.
    """
    _lock_user(by)
    _require(rules.claim_refusal(by, organization))
    digits = identifiers.normalize_digits(brn)
    if not identifiers.brn_is_valid(digits):
        raise ClaimError(_("올바른 사업자등록번호가 아닙니다 (검증번호 불일치)."), "brn")
    _check_council(council, organization)
    owners = _owners(organization)
    claim = Claim(
        kind=Claim.Kind.CLAIM,
        user=by,
        organization=organization,
        organization_name=organization.name,
        brn=digits,
        brn_check=brn_check(organization, digits),
        role=role,
        role_other=_one_line(role_other, 100) if role == Claim.Role.OTHER else "",
        message=_text(message),
        owners_at_submission=len(owners),
        council=council,
        endorsement=Claim.Endorsement.REQUESTED if council else Claim.Endorsement.NONE,
    )
    claim.full_clean()
    with _StoredFiles() as files:
        claim.save()
        files.store(claim, evidence, by)
        _entry(claim, A.SUBMITTED, by, claim.message)
    if claim.council_id is not None:
        _notify(claim, "endorsement_request")
    if owners:
        _notify(claim, "owner_notice")
    log_action(
        "claims.claim.submitted",
        user=by,
        target=claim,
        data={
            "organization": organization.pk,
            "brn_check": claim.brn_check,
            "owners": len(owners),
            "council": council.pk if council else None,
        },
    )
    return claim


@transaction.atomic
def proposal_submit(
    *,
    by: User,
    name: str,
    sido: str,
    sigungu: str,
    brn: str,
    role: str,
    designations: Sequence[ProposedDesignationInput],
    evidence: UploadedFile,
    legal_form: str = "",
    address: str = "",
    role_other: str = "",
    council: Council | None = None,
    message: str = "",
) -> Claim:
    """Propose an organisation that is on no official list (새 조직 등록 신청): a `Claim`
    of kind proposal with its `name`, `legal_form` (a `LEGAL_FORM_CHOICES` code or ""),
    `address`, `sido` / `sigungu` (canonical names), 사업자등록번호 `brn`, at least one
    of `designations`, the `evidence` file, the proposer's `role` and optionally the
    `council` asked to endorse it. Nothing is public until staff approve it
    (`claim_approve`).

    Raises `ClaimError` (`rules.proposal_refusal`: ``login``, ``too_many``; ``brn``;
    ``designations`` when there is none; ``duplicate`` when an organisation of the same
    normalised name is already registered in that 시도 and 시군구 — it should be
    claimed instead) or `ValidationError`. Audit: ``claims.proposal.submitted``.
    """
    _lock_user(by)
    _require(rules.proposal_refusal(by))
    digits = identifiers.normalize_digits(brn)
    if not identifiers.brn_is_valid(digits):
        raise ClaimError(_("올바른 사업자등록번호가 아닙니다 (검증번호 불일치)."), "brn")
    if not designations:
        raise ClaimError(_("인증·지정을 하나 이상 적어 주세요."), "designations")
    name = _one_line(name, 200)
    existing = registered_namesake(name=name, sido=sido, sigungu=sigungu)
    if existing is not None:
        raise ClaimError(
            _(
                "같은 지역에 같은 이름의 조직(%(name)s)이 이미 있습니다. 그 조직 화면에서 "
                "‘우리 조직입니다’로 신청해 주세요."
            )
            % {"name": existing.name},
            "duplicate",
        )
    claim = Claim(
        kind=Claim.Kind.PROPOSAL,
        user=by,
        organization_name=name,
        legal_form=legal_form,
        address=_one_line(address, 300),
        sido=sido,
        sigungu=sigungu,
        brn=digits,
        brn_check="",
        role=role,
        role_other=_one_line(role_other, 100) if role == Claim.Role.OTHER else "",
        message=_text(message),
        council=council,
        endorsement=Claim.Endorsement.REQUESTED if council else Claim.Endorsement.NONE,
    )
    claim.full_clean()
    with _StoredFiles() as files:
        claim.save()
        for item in designations:
            proposed = ProposedDesignation(
                claim=claim,
                kind=item.kind,
                number=_one_line(item.number, 50),
                issuer=_one_line(item.issuer, 100),
                start_date=item.start_date,
            )
            proposed.full_clean()
            proposed.save()
        files.store(claim, evidence, by)
        _entry(claim, A.SUBMITTED, by, claim.message)
    if claim.council_id is not None:
        _notify(claim, "endorsement_request")
    log_action(
        "claims.proposal.submitted",
        user=by,
        target=claim,
        data={"name": name, "kinds": [d.kind for d in designations]},
    )
    return claim


def registered_namesake(*, name: str, sido: str, sigungu: str) -> Organization | None:
    """The registered organisation with the same normalised name (`normalize_name`) in
    `sido` and, when given, `sigungu` — the one a proposal of `name` would duplicate —
    or None."""
    found = Organization.objects.filter(name_normalized=normalize_name(name), sido=sido)
    if sigungu:
        found = found.filter(sigungu=sigungu)
    return found.order_by("pk").first()


def _locked(claim: Claim) -> Claim:
    """`claim` read again with its row locked (only its own row: PostgreSQL cannot lock
    the nullable side of the join that loads the organisation)."""
    return (
        Claim.objects.select_for_update(of=("self",))
        .select_related("organization", "user")
        .get(pk=claim.pk)
    )


def _decide(claim: Claim, *, step: str, by: Actor, message: str) -> Claim:
    claim.status = rules.CLAIM_STEPS[step].target
    claim.decided_by = by
    claim.decided_at = timezone.now()
    claim.staff_message = message
    claim.full_clean()
    claim.save()
    return claim


@transaction.atomic
def owner_grant(*, user: User, organization: Organization, by: Actor) -> Membership:
    """Make `user` an owner (대표 관리자) of `organization`: a new owner `Membership`, or
    the existing membership (an editor) raised to owner. Returns the membership. Other
    owners stay (staff decide whether one organisation has several). Raises
    `PermissionDenied` unless `by` is centre staff or None (system work). Audit:
    ``claims.owner.granted`` with the role before (None when there was no membership).
    """
    if by is not None and not by.is_centre_staff:
        raise PermissionDenied(_("대표 관리자는 센터 관리자만 정할 수 있습니다."))
    membership = (
        Membership.objects.select_for_update().filter(user=user, organization=organization).first()
    )
    before = membership.role if membership else None
    if membership is None:
        membership = Membership(user=user, organization=organization)
    membership.role = Membership.Role.OWNER
    membership.full_clean(validate_unique=False)
    membership.save()
    log_action(
        "claims.owner.granted",
        user=by,
        target=organization,
        data={"user": user.pk, "before": before},
    )
    return membership


@transaction.atomic
def claim_approve(*, claim: Claim, by: Actor, message: str = "") -> Claim:
    """Approve `claim` (승인) as centre staff `by`: the claimant becomes an owner of the
    organisation (`owner_grant`). For a proposal, the organisation is created first
    (`registry.services.organization_get_or_create`; the legal form as proposed, else
    as its name marks it, `detect_legal_form`) with its proposed designations
    (`registry.services.designation_add_confirmed`: no official dataset, source "센터
    확인"); from then on it is public. `message` is passed on to the claimant. One
    transaction; the claimant is told by e-mail after the commit.

    Raises `ClaimError`: ``permission`` / ``state`` (`rules.step_refusal`), ``gone``
    (the organisation claimed no longer exists), ``duplicate`` (a proposal whose name
    has meanwhile been registered in its region). Audit: ``claims.claim.approved``.
    """
    claim = _locked(claim)
    _require(rules.step_refusal("approve", by, claim))
    if claim.kind == Claim.Kind.PROPOSAL:
        organization = _create_proposed(claim, by)
        claim.organization = organization
    elif claim.organization is None:
        raise ClaimError(_("신청한 조직이 더 이상 없습니다. 반려해 주세요."), "gone")
    else:
        organization = claim.organization
    _decide(claim, step="approve", by=by, message=_text(message))
    owner_grant(user=claim.user, organization=organization, by=by)
    _entry(claim, A.APPROVED, by, claim.staff_message)
    _notify(claim, "approved")
    log_action(
        f"claims.{claim.kind}.approved",
        user=by,
        target=claim,
        data={"organization": organization.pk},
    )
    return claim


def _create_proposed(claim: Claim, by: Actor) -> Organization:
    existing = registered_namesake(
        name=claim.organization_name, sido=claim.sido, sigungu=claim.sigungu
    )
    if existing is not None:
        raise ClaimError(
            _(
                "같은 지역에 같은 이름의 조직(%(name)s)이 그사이 등록되었습니다. 반려하고 그 "
                "조직에 ‘우리 조직입니다’로 신청하도록 안내해 주세요."
            )
            % {"name": existing.name},
            "duplicate",
        )
    organization, _created = registry_services.organization_get_or_create(
        name=claim.organization_name,
        sido=claim.sido,
        sigungu=claim.sigungu,
        by=by,
        legal_form=claim.legal_form or detect_legal_form(claim.organization_name) or "",
        address=claim.address,
        brn=claim.brn,
    )
    for proposed in claim.proposed_designations.all():
        registry_services.designation_add_confirmed(
            organization=organization,
            kind=proposed.kind,
            number=proposed.number,
            issuer=proposed.issuer,
            start_date=proposed.start_date,
            by=by,
        )
    return organization


@transaction.atomic
def claim_reject(*, claim: Claim, by: Actor, reason: str) -> Claim:
    """Reject `claim` (반려) as centre staff `by`, with a `reason` the claimant reads
    (required). The claimant is told by e-mail. Raises `ClaimError` (``reason`` when
    it is empty; `rules.step_refusal`). Audit: ``claims.claim.rejected``."""
    reason = _text(reason)
    if not reason:
        raise ClaimError(_("반려 사유를 적어 주세요."), "reason")
    claim = _locked(claim)
    _require(rules.step_refusal("reject", by, claim))
    _decide(claim, step="reject", by=by, message=reason)
    _entry(claim, A.REJECTED, by, reason)
    _notify(claim, "rejected")
    log_action(f"claims.{claim.kind}.rejected", user=by, target=claim)
    return claim


@transaction.atomic
def claim_request_info(*, claim: Claim, by: Actor, message: str) -> Claim:
    """Ask the claimant for more (보완 요청) as centre staff `by`: `message` says what is
    missing (required). The claim waits for the claimant's answer (`claim_reply`); the
    claimant is told by e-mail. Raises `ClaimError` (``message``; `rules.step_refusal`).
    Audit: ``claims.claim.info_requested``."""
    message = _text(message)
    if not message:
        raise ClaimError(_("무엇을 보완해야 하는지 적어 주세요."), "message")
    claim = _locked(claim)
    _require(rules.step_refusal("request_info", by, claim))
    claim.status = rules.CLAIM_STEPS["request_info"].target
    claim.staff_message = message
    claim.full_clean()
    claim.save()
    _entry(claim, A.INFO_REQUESTED, by, message)
    _notify(claim, "info_requested")
    log_action(f"claims.{claim.kind}.info_requested", user=by, target=claim)
    return claim


@transaction.atomic
def claim_reply(
    *, claim: Claim, by: Actor, message: str = "", evidence: UploadedFile | None = None
) -> Claim:
    """The claimant's answer or addition to an open claim (보완 제출 / 파일 추가): a
    `message` and/or another `evidence` file (checked like the first). A claim waiting
    for more information becomes resubmitted (`rules.CLAIM_STEPS` "reply"); a claim
    still waiting for staff keeps its state. Raises `ClaimError` (``empty`` when there
    is neither; ``permission`` for anyone but the claimant; ``state`` for a closed
    claim) or `ValidationError` (the file). Audit: ``claims.claim.replied``."""
    message = _text(message)
    if not message and evidence is None:
        raise ClaimError(_("보완할 내용이나 파일을 넣어 주세요."), "empty")
    claim = _locked(claim)
    if by is None or by.pk != claim.user_id:
        raise ClaimError(_("이 신청에 이 작업을 할 권한이 없습니다."), "permission")
    if not claim.is_open:
        raise ClaimError(_("이미 처리가 끝난 신청입니다."), "state")
    with _StoredFiles() as files:
        if evidence is not None:
            files.store(claim, evidence, by)
        if claim.status == S.MORE_INFO_REQUESTED:
            _require(rules.step_refusal("reply", by, claim))
            claim.status = rules.CLAIM_STEPS["reply"].target
            claim.full_clean()
            claim.save()
            action = A.REPLIED
        else:
            action = A.FILE_ADDED if evidence is not None else A.REPLIED
            claim.save(update_fields=["updated_at"])
        _entry(claim, action, by, message)
    log_action(
        f"claims.{claim.kind}.replied",
        user=by,
        target=claim,
        data={"file": evidence is not None},
    )
    return claim


@transaction.atomic
def claim_withdraw(*, claim: Claim, by: Actor) -> Claim:
    """The claimant withdraws an open claim (신청 취소). Raises `ClaimError`
    (`rules.step_refusal`). Audit: ``claims.claim.withdrawn``."""
    claim = _locked(claim)
    _require(rules.step_refusal("withdraw", by, claim))
    claim.status = rules.CLAIM_STEPS["withdraw"].target
    claim.full_clean()
    claim.save()
    _entry(claim, A.WITHDRAWN, by)
    log_action(f"claims.{claim.kind}.withdrawn", user=by, target=claim)
    return claim


@transaction.atomic
def claim_endorse(*, claim: Claim, by: Actor, endorse: bool, message: str = "") -> Claim:
    """A council admin (협의회 관리자) of the council asked answers the endorsement
    request: `endorse` True says the council knows the claimant acts for the
    organisation (협의회 확인), False that it cannot say so. Staff see the answer when
    they review; it decides nothing by itself. Raises `ClaimError`
    (`rules.endorsement_refusal`). Audit: ``claims.claim.endorsed`` /
    ``claims.claim.endorsement_declined``."""
    claim = _locked(claim)
    _require(rules.endorsement_refusal(by, claim))
    claim.endorsement = Claim.Endorsement.ENDORSED if endorse else Claim.Endorsement.DECLINED
    claim.endorsed_by = by
    claim.endorsed_at = timezone.now()
    claim.full_clean()
    claim.save()
    action = A.ENDORSED if endorse else A.ENDORSEMENT_DECLINED
    _entry(claim, action, by, _text(message, 1000))
    log_action(
        "claims.claim.endorsed" if endorse else "claims.claim.endorsement_declined",
        user=by,
        target=claim,
        data={"council": claim.council_id},
    )
    return claim


@transaction.atomic
def claims_erase_personal_data(*, user: User, by: Actor) -> int:
    """Delete `user`'s claims and proposals with their evidence files and history (a
    deletion request under 개인정보 보호법 §36, or an account's deletion). Memberships
    an approved claim granted are not touched (they belong to the organisation and are
    managed there). Returns how many claims were deleted. The files are removed from
    private storage after the commit. Raises `PermissionDenied` unless `by` is the
    user, centre staff or None (system work). Audit: ``claims.personal_data.erased``
    (counts only)."""
    if by is not None and by.pk != user.pk and not by.is_centre_staff:
        raise PermissionDenied(_("이 작업을 할 권한이 없습니다."))
    files = [
        name
        for name in Evidence.objects.filter(claim__user=user).values_list("file", flat=True)
        if name
    ]
    count = Claim.objects.filter(user=user).count()
    Claim.objects.filter(user=user).delete()
    storage = _evidence_storage()

    def delete_files() -> None:
        for name in files:
            storage.delete(name)

    transaction.on_commit(delete_files, robust=True)
    log_action(
        "claims.personal_data.erased",
        user=by,
        target=user,
        data={"claims": count, "files": len(files)},
    )
    return count
