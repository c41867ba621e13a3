"""Account reads (계정 읽기): a person's consents and their own data as one document."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.utils import timezone

from . import consents as texts
from . import rules
from .models import Consent, CouncilRole, Membership, User
from .personal_data import iso, providers

EXPORT_FORMAT = "hanjari-personal-data/1"


@dataclass(frozen=True)
class ConsentRow:
    """One purpose on the consents page: its current text, the consent in force (None
    when not agreed or withdrawn), and whether it may be withdrawn now."""

    text: texts.ConsentText
    consent: Consent | None
    may_withdraw: bool


def consent_rows(user: User) -> list[ConsentRow]:
    """The purposes asked now, each with `user`'s consent in force, required first."""
    in_force = {c.purpose: c for c in Consent.objects.filter(user=user, withdrawn_at__isnull=True)}
    rows = []
    for text in texts.current_texts():
        consent = in_force.get(text.purpose)
        rows.append(
            ConsentRow(
                text=text,
                consent=consent,
                may_withdraw=rules.consent_withdraw_refusal(consent) is None,
            )
        )
    return rows


def consent_history(user: User) -> list[Consent]:
    """Every consent `user` gave, withdrawn ones too, oldest first."""
    return list(Consent.objects.filter(user=user).order_by("agreed_at", "id"))


def personal_data_export(user: User) -> dict[str, Any]:
    """Everything Hanjari keeps about `user` as one JSON-able document (the right of
    access, 개인정보 보호법 §35): the profile, e-mail addresses, consents (with their
    texts), organisation memberships, council roles, two-factor methods (kinds and
    dates, never secrets or codes), sessions, and each registered app's part
    (hanjari.accounts.personal_data) under ``"apps"``. Times are ISO 8601 in UTC."""
    data: dict[str, Any] = {
        "format": EXPORT_FORMAT,
        "exported_at": iso(timezone.now()),
        "profile": {
            "username": user.get_username(),
            "display_name": user.display_name,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "date_joined": iso(user.date_joined),
            "last_login": iso(user.last_login),
            "is_centre_staff": user.is_centre_staff,
        },
        "emails": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user).order_by("id")
        ],
        "consents": [
            {
                "purpose": c.purpose,
                "version": c.version,
                "required": c.required,
                "agreed_at": iso(c.agreed_at),
                "withdrawn_at": iso(c.withdrawn_at),
                "text": c.text,
            }
            for c in consent_history(user)
        ],
        "memberships": [
            {
                "organization_id": m.organization_id,
                "organization": m.organization.name,
                "role": m.role,
                "since": iso(m.created_at),
            }
            for m in Membership.objects.filter(user=user).select_related("organization")
        ],
        "council_roles": [
            {"council_id": r.council_id, "council": r.council.name, "role": r.role}
            for r in CouncilRole.objects.filter(user=user).select_related("council")
        ],
        "two_factor": [
            {"type": a.type, "created_at": iso(a.created_at), "last_used_at": iso(a.last_used_at)}
            for a in Authenticator.objects.filter(user=user).order_by("id")
        ],
        "sessions": [
            {
                "ip": s.ip,
                "user_agent": s.user_agent,
                "created_at": iso(s.created_at),
                "last_seen_at": iso(s.last_seen_at),
            }
            for s in UserSession.objects.filter(user=user).order_by("created_at")
        ],
        "apps": {p.key: p.export(user) for p in providers()},
    }
    return data
