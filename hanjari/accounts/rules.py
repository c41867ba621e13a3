"""Account rules (계정 규칙): whether a consent may be withdrawn or an account deleted now.

Each returns None when the action may happen, or a `Refusal` saying why not; the pages
show or hide the action with it and the services refuse with it.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from hanjari.core.rules import Refusal

from .models import Consent, Membership, User


def consent_withdraw_refusal(consent: Consent | None) -> Refusal | None:
    """Why `consent` (the user's consent in force for one purpose, or None when there is
    none) cannot be withdrawn. A required consent is withdrawn only by deleting the
    account (개인정보 보호법 §37 ①: withdrawal; the service cannot run without it)."""
    if consent is None or consent.withdrawn_at is not None:
        return Refusal("not_in_force", _("동의한 상태가 아닙니다."))
    if consent.required:
        return Refusal(
            "required",
            _("필수 동의는 철회할 수 없습니다. 회원 탈퇴로 모든 정보를 지울 수 있습니다."),
        )
    return None


def account_delete_refusal(user: User) -> Refusal | None:
    """Why `user` cannot delete their own account now: a withdrawn account is gone
    already; centre staff accounts are closed by another centre staff member (the
    centre's work must not lose its administrator by a click)."""
    if user.withdrawn_at is not None:
        return Refusal("withdrawn", _("이미 탈퇴한 계정입니다."))
    if user.is_staff or user.is_superuser:
        return Refusal(
            "staff",
            _("센터 관리자 계정은 스스로 탈퇴할 수 없습니다. 다른 센터 관리자에게 요청해 주세요."),
        )
    if orphaned := _organizations_left_without_owner(user):
        return Refusal(
            "last_owner",
            _(
                "%(names)s의 마지막 대표 관리자입니다. 구성원 관리에서 다른 대표 관리자를 "
                "정한 뒤 탈퇴해 주세요."
            )
            % {"names": ", ".join(orphaned)},
        )
    return None


def _organizations_left_without_owner(user: User) -> list[str]:
    """Names of the organisations where `user` is the only owner (대표 관리자) while
    other members remain: deleting the account would leave them with members but no
    one to manage them (an organisation with no other member can be claimed again)."""
    owned = Membership.objects.filter(user=user, role=Membership.Role.OWNER)
    names = []
    for membership in owned.select_related("organization"):
        others = Membership.objects.filter(organization=membership.organization_id).exclude(
            user=user
        )
        if others.exists() and not others.filter(role=Membership.Role.OWNER).exists():
            names.append(membership.organization.name)
    return names
