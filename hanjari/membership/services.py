"""Membership writes (회원 관리 쓰기): invitations, roles, leaving, owners, council
join requests.

Keyword-only, atomic, `full_clean()` before saving, an audit entry for every change.
`by` is the acting user (`hanjari.accounts.actors.Actor`). A refused action raises
`MembershipError` carrying the rule's `Refusal` (`hanjari.membership.rules`); the
e-mails are sent after the transaction commits.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal, NamedTuple

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hanjari.accounts.actors import Actor
from hanjari.accounts.models import Membership, User
from hanjari.accounts.services import organizations_lock
from hanjari.core.audit import log_action
from hanjari.core.http import rate_allows
from hanjari.core.rules import Refusal
from hanjari.core.text import replace_controls
from hanjari.registry import services as registry_services
from hanjari.registry.models import Council, Organization

from . import rules
from .models import CouncilJoinRequest, Invitation
from .tokens import new_token, token_digest

__all__ = [
    "INVITATION_VALID_DAYS",
    "Issued",
    "MembershipError",
    "invitation_accept",
    "invitation_create",
    "invitation_resend",
    "invitation_revoke",
    "join_request_approve",
    "join_request_create",
    "join_request_reject",
    "membership_change_role",
    "membership_leave",
    "membership_remove",
    "organization_owner_change",
    "token_digest",
]

INVITATION_VALID_DAYS = 14
"""Days an invitation link works after it was (re)sent."""


class MembershipError(Exception):
    """A membership action refused by a rule; `refusal` says why (code and message)."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.message)
        self.refusal = refusal

    @property
    def code(self) -> str:
        return self.refusal.code


class Issued(NamedTuple):
    """An invitation just (re)sent and the token of its link (never stored)."""

    invitation: Invitation
    token: str


def _refuse(refusal: Refusal | None) -> None:
    if refusal is not None:
        raise MembershipError(refusal)


def _site(path: str) -> str:
    return settings.HANJARI_SITE_URL.rstrip("/") + path


def _one_line(text: str) -> str:
    return " ".join(replace_controls(text, " ").split())


def _rate_refusal(keys: list[str], *, limit: int, window: int) -> Refusal | None:
    """A ``rate`` refusal when any of `keys` is over `limit` per `window` seconds, in the
    cache all server processes share (`hanjari.core.http.rate_allows`)."""
    results = [rate_allows(key, limit=limit, window=window) for key in keys]
    if all(results):
        return None
    return Refusal("rate", _("짧은 시간에 너무 많이 보냈습니다. 잠시 뒤에 다시 해 주세요."))


def _invitation_rate_refusal(by: Actor, email: str) -> Refusal | None:
    """Invitations (and resends) per sender and per address, in the shared cache:
    `HANJARI_INVITE_RATE_LIMIT` per `HANJARI_INVITE_RATE_WINDOW` seconds by one sender,
    `HANJARI_INVITE_ADDRESS_LIMIT` per day to one address. System work (`by` None) is
    not limited."""
    if by is None:
        return None
    sender = _rate_refusal(
        [f"membership:invite:by:{by.pk}"],
        limit=settings.HANJARI_INVITE_RATE_LIMIT,
        window=settings.HANJARI_INVITE_RATE_WINDOW,
    )
    address = _rate_refusal(
        [f"membership:invite:to:{token_digest(email)[:32]}"],
        limit=settings.HANJARI_INVITE_ADDRESS_LIMIT,
        window=86400,
    )
    return sender or address


def _new_link(invitation: Invitation, now: dt.datetime) -> str:
    token = new_token()
    invitation.token_hash = token_digest(token)
    invitation.sent_at = now
    invitation.expires_at = now + dt.timedelta(days=INVITATION_VALID_DAYS)
    return token


def _send_invitation(invitation_id: int, token: str) -> None:
    """E-mail the invitation's link (after commit)."""
    invitation = Invitation.objects.select_related("organization", "invited_by").get(
        pk=invitation_id
    )
    org = invitation.organization
    context = {
        "invitation": invitation,
        "organization": org,
        "inviter": invitation.invited_by,
        "role": invitation.get_role_display(),
        "site_name": settings.HANJARI_SITE_NAME,
        "accept_url": _site(reverse("membership:invitation", kwargs={"token": token})),
        "organization_url": _site(org.get_absolute_url()),
        "expires_at": timezone.localtime(invitation.expires_at),
        "valid_days": INVITATION_VALID_DAYS,
    }
    subject = _("[%(site)s] %(organization)s에서 회원으로 초대합니다") % {
        "site": settings.HANJARI_SITE_NAME,
        "organization": org.name,
    }
    body = render_to_string("membership/email/invitation.txt", context)
    EmailMessage(subject=_one_line(subject), body=body, to=[invitation.email]).send()


@transaction.atomic
def invitation_create(
    *, organization: Organization, email: str, role: str, by: Actor, now: dt.datetime | None = None
) -> Issued:
    """Invite `email` to `organization` as `role` (``owner`` or ``editor``) and e-mail
    the link (회원 초대). The link works for `INVITATION_VALID_DAYS` days, once, and
    only for the account that owns `email` (`rules.email_matches`).

    Returns the saved invitation and its token (only the token's digest is stored).
    Raises `MembershipError` when `rules.invite_refusal` refuses or the sender is
    over the invitation rate (code ``rate``), `ValidationError` for an address or
    role that is not valid. Audit: ``membership.invitation.created``.
    """
    now = now or timezone.now()
    address = rules.normalize_email(email)
    _refuse(rules.invite_refusal(actor=by, organization=organization, email=address))
    invitation = Invitation(organization=organization, email=address, role=role, invited_by=by)
    token = _new_link(invitation, now)
    invitation.full_clean()
    _refuse(_invitation_rate_refusal(by, address))
    invitation.save()
    log_action(
        "membership.invitation.created",
        user=by,
        target=organization,
        data={"invitation": invitation.pk, "email": address, "role": role},
    )
    pk = invitation.pk
    transaction.on_commit(lambda: _send_invitation(pk, token), robust=True)
    return Issued(invitation, token)


@transaction.atomic
def invitation_resend(
    *, invitation: Invitation, by: Actor, now: dt.datetime | None = None
) -> Issued:
    """Send `invitation` again with a new link and a new expiry (the old link stops
    working). Raises `MembershipError` (`rules.invitation_change_refusal`, or
    ``rate``). Audit: ``membership.invitation.resent``."""
    now = now or timezone.now()
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    _refuse(rules.invitation_change_refusal(invitation, actor=by))
    _refuse(_invitation_rate_refusal(by, invitation.email))
    token = _new_link(invitation, now)
    invitation.send_count += 1
    invitation.full_clean()
    invitation.save()
    log_action(
        "membership.invitation.resent",
        user=by,
        target=invitation.organization,
        data={"invitation": invitation.pk, "email": invitation.email},
    )
    pk = invitation.pk
    transaction.on_commit(lambda: _send_invitation(pk, token), robust=True)
    return Issued(invitation, token)


@transaction.atomic
def invitation_revoke(
    *, invitation: Invitation, by: Actor, now: dt.datetime | None = None
) -> Invitation:
    """Revoke a pending `invitation` (its link stops working). Raises `MembershipError`
    (`rules.invitation_change_refusal`). Audit: ``membership.invitation.revoked``."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    _refuse(rules.invitation_change_refusal(invitation, actor=by))
    invitation.status = Invitation.Status.REVOKED
    invitation.decided_at = now or timezone.now()
    invitation.save(update_fields=["status", "decided_at"])
    log_action(
        "membership.invitation.revoked",
        user=by,
        target=invitation.organization,
        data={"invitation": invitation.pk, "email": invitation.email},
    )
    return invitation


@transaction.atomic
def invitation_accept(
    *, invitation: Invitation, by: User, now: dt.datetime | None = None
) -> Membership:
    """`by` accepts `invitation` and becomes a member of its organisation with the
    invited role. The invitation is then used up (single use; the row is locked, so
    two tabs cannot both accept). Returns the new membership. Raises
    `MembershipError` (`rules.invitation_accept_refusal`: ``used``, ``revoked``,
    ``expired``, ``wrong_email``, ``already_member``). Audit:
    ``membership.invitation.accepted``."""
    now = now or timezone.now()
    # The organisation first, as every membership write locks it (a new member must not
    # slip in while the last owner deletes their account).
    organizations_lock([invitation.organization_id])
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=invitation.pk)
    )
    _refuse(rules.invitation_accept_refusal(invitation, user=by, now=now))
    membership = Membership(user=by, organization=invitation.organization, role=invitation.role)
    membership.full_clean()
    membership.save()
    invitation.status = Invitation.Status.ACCEPTED
    invitation.accepted_by = by
    invitation.decided_at = now
    invitation.save(update_fields=["status", "accepted_by", "decided_at"])
    log_action(
        "membership.invitation.accepted",
        user=by,
        target=invitation.organization,
        data={"invitation": invitation.pk, "membership": membership.pk, "role": membership.role},
    )
    return membership


def _promote(successor: Membership, by: Actor) -> None:
    if successor.role != Membership.Role.OWNER:
        successor.role = Membership.Role.OWNER
        successor.save(update_fields=["role"])
        log_action(
            "accounts.membership.role_changed",
            user=by,
            target=successor.organization,
            data={"membership": successor.pk, "user": successor.user_id, "role": "owner"},
        )


def _locked(
    membership: Membership, successor: Membership | None = None
) -> tuple[Membership, Membership | None]:
    """`membership` (and `successor`) read again and locked for the transaction: the
    organisation row first (`organizations_lock`, which every write that can take an
    owner away takes first), then the membership rows alone (not the joined
    organisation or user: locking a user row would block the audit entry's reference
    to it in the other transaction), in id order. The last-owner rule is read after
    this. Raises `MembershipError` (``gone``) when a membership was deleted meanwhile."""
    organizations_lock([membership.organization_id])
    pks = sorted({membership.pk} | ({successor.pk} if successor is not None else set()))
    rows = {
        row.pk: row
        for row in Membership.objects.select_for_update(of=("self",))
        .select_related("organization", "user")
        .filter(pk__in=pks)
        .order_by("pk")
    }
    if membership.pk not in rows or (successor is not None and successor.pk not in rows):
        raise MembershipError(
            Refusal("gone", _("이미 이 조직의 회원이 아닙니다. 목록을 새로 고쳐 주세요."))
        )
    return rows[membership.pk], rows[successor.pk] if successor is not None else None


@transaction.atomic
def membership_change_role(
    *, membership: Membership, role: str, by: Actor, successor: Membership | None = None
) -> Membership:
    """Give `membership` the `role` (``owner`` or ``editor``). When it is the
    organisation's last owner becoming an editor, `successor` (another member of the
    organisation) becomes owner first. Raises `MembershipError`
    (`rules.role_change_refusal`), `ValidationError` for an unknown role. Audit:
    ``accounts.membership.role_changed``."""
    membership, successor = _locked(membership, successor)
    _refuse(
        rules.role_change_refusal(actor=by, membership=membership, role=role, successor=successor)
    )
    if membership.role == role:
        return membership
    old = membership.role
    membership.role = role
    membership.full_clean()
    if successor is not None and role == Membership.Role.EDITOR and old == Membership.Role.OWNER:
        _promote(successor, by)
    membership.save(update_fields=["role"])
    log_action(
        "accounts.membership.role_changed",
        user=by,
        target=membership.organization,
        data={"membership": membership.pk, "user": membership.user_id, "from": old, "role": role},
    )
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, by: Actor) -> None:
    """Remove another member from their organisation (회원 빼기). Raises
    `MembershipError` (`rules.member_remove_refusal`). Audit:
    ``accounts.membership.removed``."""
    membership = _locked(membership)[0]
    _refuse(rules.member_remove_refusal(actor=by, membership=membership))
    data = {"membership": membership.pk, "user": membership.user_id, "role": membership.role}
    org = membership.organization
    membership.delete()
    log_action("accounts.membership.removed", user=by, target=org, data=data)


@transaction.atomic
def membership_leave(
    *, membership: Membership, by: Actor, successor: Membership | None = None
) -> None:
    """`by` leaves the organisation of their own `membership` (조직에서 나가기). The
    last owner names a `successor` among the other members, who becomes owner. Raises
    `MembershipError` (`rules.leave_refusal`). Audit: ``accounts.membership.left``."""
    membership, successor = _locked(membership, successor)
    _refuse(rules.leave_refusal(actor=by, membership=membership, successor=successor))
    if successor is not None and membership.role == Membership.Role.OWNER:
        _promote(successor, by)
    data = {"membership": membership.pk, "user": membership.user_id, "role": membership.role}
    if successor is not None:
        data["successor"] = successor.user_id
    org = membership.organization
    membership.delete()
    log_action("accounts.membership.left", user=by, target=org, data=data)


PreviousOwners = Literal["keep", "editor", "remove"]


@transaction.atomic
def organization_owner_change(
    *, organization: Organization, new_owner: User, previous: PreviousOwners, by: Actor
) -> Membership:
    """Centre staff make `new_owner` an owner (대표 관리자) of `organization` (a member
    already, or a new one), and keep the other owners (``keep``), make them editors
    (``editor``) or remove them (``remove``). Returns the new owner's membership.
    Raises `PermissionDenied` unless `by` is centre staff (or None: system work),
    `ValueError` for another `previous`. Audit: ``membership.owners.changed``."""
    if by is not None and not by.is_centre_staff:
        raise PermissionDenied(_("센터 관리자만 대표 관리자를 바꿀 수 있습니다."))
    if previous not in ("keep", "editor", "remove"):
        raise ValueError(f"previous must be keep, editor or remove, not {previous!r}")
    organizations_lock([organization.pk])
    membership, created = Membership.objects.select_for_update().get_or_create(
        user=new_owner, organization=organization, defaults={"role": Membership.Role.OWNER}
    )
    if not created and membership.role != Membership.Role.OWNER:
        membership.role = Membership.Role.OWNER
        membership.save(update_fields=["role"])
    others = Membership.objects.filter(
        organization=organization, role=Membership.Role.OWNER
    ).exclude(pk=membership.pk)
    before = sorted(others.values_list("user_id", flat=True))
    if previous == "editor":
        others.update(role=Membership.Role.EDITOR)
    elif previous == "remove":
        others.delete()
    log_action(
        "membership.owners.changed",
        user=by,
        target=organization,
        data={
            "new_owner": new_owner.pk,
            "added": created,
            "previous_owners": before,
            "previous": previous,
        },
    )
    return membership


# --- council join requests ---------------------------------------------------------------


def _send_join_request_mail(request_id: int, kind: str) -> None:
    """E-mail about a join request (after commit): ``new`` to the council's
    administrators, ``approved`` / ``rejected`` to the person who asked."""
    req = CouncilJoinRequest.objects.select_related("council", "organization", "requested_by").get(
        pk=request_id
    )
    if kind == "new":
        recipients = sorted(
            {
                role.user.email
                for role in req.council.admin_roles.select_related("user")
                if role.user.email and role.user.is_active
            }
        )
    else:
        email = getattr(req.requested_by, "email", "")
        recipients = [email] if email else []
    if not recipients:
        return
    names = {
        "site": settings.HANJARI_SITE_NAME,
        "organization": req.organization.name,
        "council": req.council.name,
    }
    subjects = {
        "new": _("[%(site)s] %(council)s 가입 신청: %(organization)s"),
        "approved": _("[%(site)s] %(council)s 가입 신청을 승인했습니다"),
        "rejected": _("[%(site)s] %(council)s 가입 신청 결과"),
    }
    context = {
        "join_request": req,
        "site_name": settings.HANJARI_SITE_NAME,
        "council_url": _site(reverse("registry:council", kwargs={"pk": req.council_id})),
        "members_url": _site(reverse("membership:members", kwargs={"pk": req.organization_id})),
    }
    body = render_to_string(f"membership/email/join_{kind}.txt", context)
    EmailMessage(subject=_one_line(subjects[kind] % names), body=body, to=recipients).send()


@transaction.atomic
def join_request_create(
    *, organization: Organization, council: Council, by: Actor, message: str = ""
) -> CouncilJoinRequest:
    """An owner of `organization` asks `council` to take it in (협의회 가입 신청), with
    an optional `message` (≤ 1,000 characters). The council's administrators are
    e-mailed. Raises `MembershipError` (`rules.join_request_refusal`, or ``rate``:
    `HANJARI_JOIN_REQUEST_RATE_LIMIT` requests per person a day), `ValidationError`
    for a message too long. Audit: ``membership.join_request.created``."""
    _refuse(rules.join_request_refusal(actor=by, organization=organization, council=council))
    req = CouncilJoinRequest(
        council=council,
        organization=organization,
        requested_by=by,
        message=replace_controls(message, keep_line_breaks=True).strip(),
    )
    req.full_clean()
    if by is not None:
        _refuse(
            _rate_refusal(
                [f"membership:join:by:{by.pk}"],
                limit=settings.HANJARI_JOIN_REQUEST_RATE_LIMIT,
                window=86400,
            )
        )
    req.save()
    log_action(
        "membership.join_request.created",
        user=by,
        target=council,
        data={"join_request": req.pk, "organization": organization.pk},
    )
    pk = req.pk
    transaction.on_commit(lambda: _send_join_request_mail(pk, "new"), robust=True)
    return req


def _decide(
    join_request: CouncilJoinRequest, by: Actor, status: str, now: dt.datetime | None
) -> CouncilJoinRequest:
    req = (
        CouncilJoinRequest.objects.select_for_update()
        .select_related("council", "organization")
        .get(pk=join_request.pk)
    )
    _refuse(rules.join_decision_refusal(actor=by, join_request=req))
    req.status = status
    req.decided_by = by
    req.decided_at = now or timezone.now()
    return req


@transaction.atomic
def join_request_approve(
    *, join_request: CouncilJoinRequest, by: Actor, now: dt.datetime | None = None
) -> CouncilJoinRequest:
    """The council's administrator (or centre staff) approves `join_request`: the
    organisation becomes a member of the council (`registry.services.council_member_add`)
    and the person who asked is e-mailed. Raises `MembershipError`
    (`rules.join_decision_refusal`). Audit: ``membership.join_request.approved`` (and
    the registry's ``registry.council.member_added``)."""
    req = _decide(join_request, by, CouncilJoinRequest.Status.APPROVED, now)
    registry_services.council_member_add(council=req.council, organization=req.organization, by=by)
    req.full_clean()
    req.save(update_fields=["status", "decided_by", "decided_at"])
    log_action(
        "membership.join_request.approved",
        user=by,
        target=req.council,
        data={"join_request": req.pk, "organization": req.organization_id},
    )
    pk = req.pk
    transaction.on_commit(lambda: _send_join_request_mail(pk, "approved"), robust=True)
    return req


@transaction.atomic
def join_request_reject(
    *,
    join_request: CouncilJoinRequest,
    by: Actor,
    reason: str = "",
    now: dt.datetime | None = None,
) -> CouncilJoinRequest:
    """The council's administrator (or centre staff) rejects `join_request`, with an
    optional `reason` (≤ 1,000 characters) that the person who asked receives by
    e-mail. Raises `MembershipError` (`rules.join_decision_refusal`),
    `ValidationError` for a reason too long. Audit:
    ``membership.join_request.rejected``."""
    req = _decide(join_request, by, CouncilJoinRequest.Status.REJECTED, now)
    req.reason = replace_controls(reason, keep_line_breaks=True).strip()
    req.full_clean()
    req.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    log_action(
        "membership.join_request.rejected",
        user=by,
        target=req.council,
        data={"join_request": req.pk, "organization": req.organization_id},
    )
    pk = req.pk
    transaction.on_commit(lambda: _send_join_request_mail(pk, "rejected"), robust=True)
    return req
