"""Membership rules, one function each (회원 규칙): whether an invitation may be
sent, accepted, resent or revoked, whether a member may leave, be removed or change
role (the last-owner rule), and whether a council join request may be made or
decided. Each returns None when the action may happen, or a `Refusal` with a stable
code; the pages use them to show or hide an action, the services to refuse.

Codes: ``forbidden``, ``already_member``, ``pending``, ``used``, ``revoked``,
``expired``, ``wrong_email``, ``last_owner``, ``no_successor``, ``successor``,
``self``, ``decided``, ``council_member``, ``rate``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.apps import apps
from django.utils.translation import gettext as _

from hanjari.accounts.models import Membership
from hanjari.core.rules import Refusal
from hanjari.registry.models import Council, Organization

from . import permissions
from .models import CouncilJoinRequest, Invitation


def normalize_email(email: str) -> str:
    """`email` as invitations store and compare it: stripped, lower case."""
    return (email or "").strip().lower()


def verified_emails(user: Any) -> list[str]:
    """The e-mail addresses `user` is known to own, normalised (`normalize_email`).

    With django-allauth's account app installed: the addresses it has verified
    (``EmailAddress.verified``). Without it: the account's own ``email`` (set by centre
    staff). Anonymous users own none. This is the one place that decides which
    addresses count, so tightening the check means changing only this function.
    """
    if not getattr(user, "is_authenticated", False):
        return []
    if apps.is_installed("allauth.account"):
        email_address = apps.get_model("account", "EmailAddress")
        found = email_address.objects.filter(user=user, verified=True).values_list(
            "email", flat=True
        )
        return sorted({normalize_email(e) for e in found if e})
    own = normalize_email(getattr(user, "email", ""))
    return [own] if own else []


def email_matches(user: Any, email: str) -> bool:
    """Whether `user` owns `email` (case-insensitively; see `verified_emails`): an
    invitation is bound to the address it was sent to."""
    wanted = normalize_email(email)
    return bool(wanted) and wanted in verified_emails(user)


def _owners(org: Organization) -> Any:
    return Membership.objects.filter(organization=org, role=Membership.Role.OWNER)


# --- invitations (회원 초대) ---------------------------------------------------------------


def invite_refusal(*, actor: Any, organization: Organization, email: str) -> Refusal | None:
    """Why `actor` may not invite `email` to `organization` now, or None.

    Owners and centre staff invite (``forbidden`` otherwise); an address that already
    belongs to a member (``already_member``) or has a pending invitation (``pending``:
    resend that one instead) is refused."""
    if not permissions.can_manage_members(actor, organization):
        return Refusal("forbidden", _("대표 관리자만 회원을 초대할 수 있습니다."))
    address = normalize_email(email)
    if Membership.objects.filter(organization=organization, user__email__iexact=address).exists():
        return Refusal("already_member", _("이 이메일 주소를 쓰는 사람은 이미 회원입니다."))
    if Invitation.objects.pending().filter(organization=organization, email=address).exists():
        return Refusal(
            "pending", _("이 주소로 보낸 초대가 아직 남아 있습니다. 그 초대를 다시 보내 주세요.")
        )
    return None


def invitation_state_refusal(invitation: Invitation, *, now: dt.datetime) -> Refusal | None:
    """Why the link of `invitation` does not work at `now`: already accepted
    (``used``), revoked (``revoked``) or past its expiry (``expired``); None when it
    still works."""
    if invitation.status == Invitation.Status.ACCEPTED:
        return Refusal("used", _("이미 수락한 초대입니다. 초대 링크는 한 번만 쓸 수 있습니다."))
    if invitation.status == Invitation.Status.REVOKED:
        return Refusal("revoked", _("초대한 조직이 취소한 초대입니다."))
    if invitation.is_expired(now):
        return Refusal(
            "expired",
            _("기한이 지난 초대입니다. 초대한 분께 다시 보내 달라고 요청해 주세요."),
        )
    return None


def invitation_accept_refusal(
    invitation: Invitation, *, user: Any, now: dt.datetime
) -> Refusal | None:
    """Why `user` may not accept `invitation` at `now`, or None.

    The link must still work (`invitation_state_refusal`), `user` must own the
    invited address (`email_matches`: ``wrong_email``) and must not be a member of
    the organisation already (``already_member``)."""
    if refusal := invitation_state_refusal(invitation, now=now):
        return refusal
    if not email_matches(user, invitation.email):
        return Refusal(
            "wrong_email",
            _(
                "이 초대는 다른 이메일 주소로 보낸 것입니다. "
                "초대받은 주소(%(address)s)를 쓰는 계정으로 로그인해 주세요."
            )
            % {"address": mask_email(invitation.email)},
        )
    if Membership.objects.filter(user=user, organization=invitation.organization_id).exists():
        return Refusal("already_member", _("이미 이 조직의 회원입니다."))
    return None


def invitation_change_refusal(invitation: Invitation, *, actor: Any) -> Refusal | None:
    """Why `actor` may not resend or revoke `invitation`: only owners and centre staff
    (``forbidden``), only while it is pending (``used`` / ``revoked``). An expired
    invitation may be resent (a new link and a new expiry)."""
    if not permissions.can_manage_members(actor, invitation.organization):
        return Refusal("forbidden", _("대표 관리자만 초대를 관리할 수 있습니다."))
    if invitation.status == Invitation.Status.ACCEPTED:
        return Refusal("used", _("이미 수락한 초대입니다."))
    if invitation.status == Invitation.Status.REVOKED:
        return Refusal("revoked", _("이미 취소한 초대입니다."))
    return None


def mask_email(email: str) -> str:
    """`email` with most of its local part hidden (``k***@example.kr``), for pages
    shown to whoever holds an invitation link."""
    local, _sep, domain = email.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


# --- members: roles, removal, leaving (the last-owner rule) --------------------------------


def successor_refusal(membership: Membership, successor: Membership | None) -> Refusal | None:
    """The last-owner rule (대표 관리자 승계): an organisation that has owners keeps at
    least one. When `membership` is its only owner, the owner must name a
    `successor` among the other members (``last_owner``; ``no_successor`` when there
    is nobody to name); a successor from another organisation or the member
    themselves is refused (``successor``). None when `membership` is not the only
    owner, or the successor is valid."""
    if successor is not None and (
        successor.pk == membership.pk or successor.organization_id != membership.organization_id
    ):
        return Refusal("successor", _("이 조직의 다른 회원을 골라 주세요."))
    if membership.role != Membership.Role.OWNER:
        return None
    if _owners(membership.organization).exclude(pk=membership.pk).exists():
        return None
    if successor is None:
        others = Membership.objects.filter(organization=membership.organization_id).exclude(
            pk=membership.pk
        )
        if not others.exists():
            return Refusal(
                "no_successor",
                _(
                    "마지막 대표 관리자입니다. 다른 사람을 회원으로 초대해 대표 관리자로 "
                    "정한 뒤에 바꿀 수 있습니다."
                ),
            )
        return Refusal(
            "last_owner",
            _("마지막 대표 관리자입니다. 대표 관리자를 넘겨받을 회원을 골라 주세요."),
        )
    return None


def role_change_refusal(
    *, actor: Any, membership: Membership, role: str, successor: Membership | None = None
) -> Refusal | None:
    """Why `actor` may not give `membership` the `role` (owner, editor) now: owners
    and centre staff change roles (``forbidden``); the last owner cannot become an
    editor without a successor (`successor_refusal`)."""
    if not permissions.can_manage_members(actor, membership.organization):
        return Refusal("forbidden", _("대표 관리자만 역할을 바꿀 수 있습니다."))
    if role == Membership.Role.EDITOR:
        return successor_refusal(membership, successor)
    return None


def member_remove_refusal(*, actor: Any, membership: Membership) -> Refusal | None:
    """Why `actor` may not remove `membership` from its organisation: owners and
    centre staff remove members (``forbidden``); one's own membership is left, not
    removed (``self``); the last owner is never removed (``last_owner``: staff change
    owners on the owner page)."""
    if not permissions.can_manage_members(actor, membership.organization):
        return Refusal("forbidden", _("대표 관리자만 회원을 뺄 수 있습니다."))
    if getattr(actor, "pk", None) == membership.user_id:
        return Refusal("self", _("자기 자신은 '이 조직에서 나가기'로 나갈 수 있습니다."))
    if (
        membership.role == Membership.Role.OWNER
        and not _owners(membership.organization).exclude(pk=membership.pk).exists()
    ):
        return Refusal("last_owner", _("마지막 대표 관리자는 뺄 수 없습니다."))
    return None


def leave_refusal(
    *, actor: Any, membership: Membership, successor: Membership | None = None
) -> Refusal | None:
    """Why `actor` may not leave through `membership` now: only one's own membership
    (``forbidden``); the last owner names a successor first (`successor_refusal`)."""
    if getattr(actor, "pk", None) != membership.user_id:
        return Refusal("forbidden", _("자기 회원 자격만 그만둘 수 있습니다."))
    return successor_refusal(membership, successor)


# --- council join requests (협의회 가입 신청) --------------------------------------------


def join_request_refusal(
    *, actor: Any, organization: Organization, council: Council
) -> Refusal | None:
    """Why `actor` may not ask `council` to take `organization` in: only its owners
    (``forbidden``); not when it is a member already (``council_member``) or a request
    is pending (``pending``)."""
    if not permissions.can_request_council_join(actor, organization):
        return Refusal("forbidden", _("조직의 대표 관리자만 협의회 가입을 신청할 수 있습니다."))
    if council.memberships.filter(organization=organization).exists():
        return Refusal("council_member", _("이미 이 협의회의 회원 조직입니다."))
    if (
        CouncilJoinRequest.objects.pending()
        .filter(council=council, organization=organization)
        .exists()
    ):
        return Refusal("pending", _("이 협의회에 낸 가입 신청이 아직 결정을 기다리고 있습니다."))
    return None


def join_decision_refusal(*, actor: Any, join_request: CouncilJoinRequest) -> Refusal | None:
    """Why `actor` may not approve or reject `join_request`: only the council's
    administrators and centre staff (``forbidden``), only while it is pending
    (``decided``)."""
    if not permissions.can_decide_join_request(actor, join_request):
        return Refusal("forbidden", _("이 협의회의 관리자만 가입 신청을 결정할 수 있습니다."))
    if join_request.status != CouncilJoinRequest.Status.PENDING:
        return Refusal("decided", _("이미 결정한 가입 신청입니다."))
    return None
