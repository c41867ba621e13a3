"""Account writes (계정 쓰기).

Keyword-only, atomic, `full_clean()` before saving, audit log written. `by` is the
acting user: centre staff (센터 관리자), or None for system work (a management command);
anyone else gets `PermissionDenied`.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.usersessions.models import UserSession
from axes.models import AccessAttempt, AccessLog
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hanjari.core.audit import log_action
from hanjari.core.rules import Refusal

from . import consents as texts
from . import personal_data, rules
from .actors import Actor
from .models import Consent, CouncilRole, Membership, User

__all__ = [
    "AccountError",
    "TotpEnrolment",
    "account_delete",
    "consent_agree",
    "consent_withdraw",
    "organizations_lock",
    "signup_consents_record",
    "staff_account_create",
    "totp_enrol",
]


class AccountError(ValidationError):
    """An account action refused by a rule (hanjari.accounts.rules), with the
    `Refusal`'s translated message and its `code` (``required``, ``not_in_force``,
    ``staff``, ``withdrawn``)."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.message, code=refusal.code)
        self.refusal = refusal


@transaction.atomic
def staff_account_create(
    *,
    username: str,
    password: str,
    display_name: str = "",
    superuser: bool = False,
    by: Actor,
) -> User:
    """Create a centre-staff account (센터 관리자: ``is_staff``; with `superuser`, every
    Django permission too) that signs in with `username` and `password`.

    Inputs: `password` in clear, stored hashed (Django's password hasher); the
    password validators are not run (callers choose the password: the demo command a
    random one). Returns the saved `User`. Raises `ValidationError` for a username that
    is taken or not valid, `PermissionDenied` when `by` is a signed-in user who is not
    centre staff. Audit: ``accounts.user.created`` (no password in the entry).
    """
    if by is not None and not by.is_centre_staff:
        raise PermissionDenied(_("센터 관리자만 관리자 계정을 만들 수 있습니다."))
    user = User(
        username=username,
        display_name=display_name,
        is_staff=True,
        is_superuser=superuser,
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    log_action(
        "accounts.user.created",
        user=by,
        target=user,
        data={"username": username, "is_staff": True, "is_superuser": superuser},
    )
    return user


def _consent_create(user: User, purpose: str, now: dt.datetime) -> Consent:
    text = texts.current_text(purpose)
    consent = Consent(
        user=user,
        purpose=purpose,
        version=text.version,
        required=text.required,
        text=text.full_text(),
        agreed_at=now,
    )
    consent.full_clean()
    consent.save()
    return consent


@transaction.atomic
def signup_consents_record(
    *, user: User, agreed: Collection[str], now: dt.datetime | None = None
) -> list[Consent]:
    """Record what `user` agreed to at sign-up (개인정보 수집·이용 동의): one `Consent`
    per purpose in `agreed`, in the text version asked now (hanjari.accounts.consents),
    with its words and the time.

    Inputs: the new user (saved); `agreed` — purpose codes; `now` (UTC, default now).
    Returns the new rows, required ones first. Raises `ValidationError` (code
    ``required``) when a required purpose is missing or ``unknown`` for a code that is
    not asked now: nothing is recorded then. Audit: ``accounts.consents.recorded``."""
    now = now or timezone.now()
    asked = {t.purpose for t in texts.current_texts()}
    unknown = set(agreed) - asked
    if unknown:
        raise ValidationError(_("알 수 없는 동의 항목입니다."), code="unknown")
    missing = [t for t in texts.current_texts() if t.required and t.purpose not in agreed]
    if missing:
        raise ValidationError(_("필수 동의 항목에 동의해야 가입할 수 있습니다."), code="required")
    rows = [
        _consent_create(user, t.purpose, now) for t in texts.current_texts() if t.purpose in agreed
    ]
    log_action(
        "accounts.consents.recorded",
        user=user,
        target=user,
        data={"consents": {c.purpose: c.version for c in rows}},
    )
    return rows


def _consent_in_force(user: User, purpose: str) -> Consent | None:
    return (
        Consent.objects.select_for_update()
        .filter(user=user, purpose=purpose, withdrawn_at__isnull=True)
        .first()
    )


def _require_self(user: User, by: Actor) -> None:
    if by is None or by.pk != user.pk:
        raise PermissionDenied(_("자신의 계정만 바꿀 수 있습니다."))


@transaction.atomic
def consent_withdraw(
    *, user: User, purpose: str, by: Actor, now: dt.datetime | None = None
) -> Consent:
    """Withdraw `user`'s optional consent to `purpose` (동의 철회, 개인정보 보호법 §37 ①):
    the row in force gets `withdrawn_at` = `now` and stays as the record.

    Only the user themself (`by`) may; others get `PermissionDenied`. Raises
    `AccountError` (hanjari.accounts.rules.consent_withdraw_refusal: ``required``,
    ``not_in_force``). Returns the withdrawn row. Audit: ``accounts.consent.withdrawn``."""
    _require_self(user, by)
    consent = _consent_in_force(user, purpose)
    if refusal := rules.consent_withdraw_refusal(consent):
        raise AccountError(refusal)
    assert consent is not None  # noqa: S101 — the rule refused None
    consent.withdrawn_at = now or timezone.now()
    consent.full_clean()
    consent.save(update_fields=["withdrawn_at"])
    log_action(
        "accounts.consent.withdrawn",
        user=by,
        target=user,
        data={"purpose": purpose, "version": consent.version},
    )
    return consent


@transaction.atomic
def consent_agree(
    *, user: User, purpose: str, by: Actor, now: dt.datetime | None = None
) -> Consent:
    """Agree again to an optional `purpose` after sign-up (e.g. after withdrawing it):
    a new `Consent` in the current text version.

    Only the user themself may (`PermissionDenied`). Raises `AccountError` ``agreed``
    when a consent to it is in force already, `KeyError` for an unknown purpose.
    Returns the new row. Audit: ``accounts.consent.agreed``."""
    _require_self(user, by)
    text = texts.current_text(purpose)
    if _consent_in_force(user, purpose) is not None:
        raise AccountError(Refusal("agreed", _("이미 동의했습니다.")))
    consent = _consent_create(user, text.purpose, now or timezone.now())
    log_action(
        "accounts.consent.agreed",
        user=by,
        target=user,
        data={"purpose": purpose, "version": consent.version},
    )
    return consent


def organizations_lock(organization_ids: Iterable[int]) -> None:
    """Lock the organisations (조직) with `organization_ids` until the transaction ends
    (``SELECT … FOR UPDATE``, in id order so that two transactions never wait for each
    other in a circle; SQLite's ``BEGIN IMMEDIATE`` already serialises writers).

    Every write that can take an owner (대표 관리자) away from an organisation — account
    deletion, leaving, removal, a role change, staff changing owners — calls this first
    and only then reads the last-owner rule, so the rule sees the other writes'
    committed result. Must run inside a transaction (`transaction.atomic`); ids of
    organisations that do not exist are ignored. Returns nothing."""
    ids = sorted({int(pk) for pk in organization_ids})
    if not ids:
        return
    organization = Membership._meta.get_field("organization").related_model
    if not isinstance(
        organization, type
    ):  # a relation Django has not resolved (never, once apps load)
        raise TypeError("Membership.organization is not resolved to a model")
    list(
        organization._default_manager.select_for_update()
        .filter(pk__in=ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


@transaction.atomic
def account_delete(*, user: User, by: Actor, now: dt.datetime | None = None) -> dict[str, int]:
    """Delete `user`'s account (회원 탈퇴) at their own request.

    What they wrote stays and is shown as by "탈퇴한 사용자" (the user row stays,
    anonymised, with `withdrawn_at` set); everything that identified them is erased:
    each app's personal data through its registered provider
    (hanjari.accounts.personal_data: e.g. names and phone numbers typed into event
    registrations), then their e-mail addresses, consents, two-factor authenticators,
    sessions (signed out everywhere), organisation memberships and council roles,
    login-attempt records, and the account's username, names, address and password.
    개인정보 보호법 §21 ① (destruction once the purpose is gone).

    Only the user themself (`by`) may (`PermissionDenied`); the caller checks their
    password first. Raises `AccountError` (rules.account_delete_refusal: ``staff``,
    ``withdrawn``). Returns counts per erased kind. Audit: ``accounts.user.deleted``
    (counts only, no personal data).

    The organisations the user belongs to are locked (`organizations_lock`) before the
    last-owner rule is read, so two owners deleting their accounts at once, or one
    deleting while another leaves, cannot leave an organisation without an owner."""
    _require_self(user, by)
    organizations_lock(Membership.objects.filter(user=user).values_list("organization", flat=True))
    if refusal := rules.account_delete_refusal(user):
        raise AccountError(refusal)
    erased: dict[str, int] = {}
    for provider in personal_data.providers():
        if provider.erase is not None:
            erased[provider.key] = int(provider.erase(user))
    old_username = user.get_username()
    erased["accounts.emails"] = EmailAddress.objects.filter(user=user).delete()[0]
    erased["accounts.consents"] = Consent.objects.filter(user=user).delete()[0]
    erased["accounts.authenticators"] = Authenticator.objects.filter(user=user).delete()[0]
    sessions = list(UserSession.objects.filter(user=user))
    for session in sessions:
        session.end()
    erased["accounts.sessions"] = len(sessions)
    erased["accounts.memberships"] = Membership.objects.filter(user=user).delete()[0]
    erased["accounts.council_roles"] = CouncilRole.objects.filter(user=user).delete()[0]
    erased["accounts.login_attempts"] = (
        AccessAttempt.objects.filter(username=old_username).delete()[0]
        + AccessLog.objects.filter(username=old_username).delete()[0]
    )
    user.username = f"deleted-{secrets.token_hex(8)}"
    user.email = ""
    user.first_name = ""
    user.last_name = ""
    user.display_name = ""
    user.set_unusable_password()
    user.is_active = False
    user.withdrawn_at = now or timezone.now()
    user.full_clean()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    log_action("accounts.user.deleted", user=user, target=user, data={"erased": erased})
    return erased


@dataclass(frozen=True)
class TotpEnrolment:
    """An authenticator app (TOTP) turned on for an account by the command line: the
    base32 `secret` to add to an app, its ``otpauth://`` `uri`, and the one-time
    `recovery_codes` (복구 코드)."""

    secret: str
    uri: str
    recovery_codes: list[str]


@transaction.atomic
def totp_enrol(*, user: User, by: Actor) -> TotpEnrolment:
    """Turn on two-factor sign-in (2단계 인증, TOTP, RFC 6238: 30-second steps, six
    digits) for `user` with a new secret, and make recovery codes.

    For system work only (`by` None: `manage.py create_demo_staff`, whose staff account
    must have it for the staff pages); people turn it on themselves on the two-factor
    page. Raises `PermissionDenied` for any signed-in `by`, `ValidationError` when the
    user has an authenticator app already. Returns the secret and codes, which are
    shown once and never stored in clear by us. Audit: ``accounts.totp.enrolled`` (no
    secret in the entry)."""
    if by is not None:
        raise PermissionDenied(_("2단계 인증은 본인이 켭니다."))
    if Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        raise ValidationError(_("이미 2단계 인증이 켜져 있습니다."), code="exists")
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    codes = RecoveryCodes.activate(user).get_unused_codes()
    uri = get_mfa_adapter().build_totp_url(user, secret)
    log_action("accounts.totp.enrolled", user=by, target=user, data={"recovery_codes": len(codes)})
    return TotpEnrolment(secret=secret, uri=uri, recovery_codes=codes)
