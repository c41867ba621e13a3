"""Recognition writes (포상·감사·기부 쓰기): commendations (표창), plaques of
appreciation (감사패) and donations (기부금).

Keyword-only, atomic, `full_clean()` before saving, audit log written. `by` is the
acting user: centre staff (센터 관리자), or None for system work (a management command);
anyone else gets `PermissionDenied`.

What a source does not say stays empty: a commendation whose recipient is not named
has `name_public=False` and no name; a donation whose amount is not known has
`amount_krw=None` (never 0).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from hanjari.core.audit import log_action

from .models import Commendation, Donation, Plaque

__all__ = [
    "COMMENDATION_FIELDS",
    "DONATION_FIELDS",
    "PLAQUE_FIELDS",
    "commendation_create",
    "donation_create",
    "plaque_create",
]

COMMENDATION_FIELDS = (
    "title",
    "recipient_name",
    "recipient_affiliation",
    "recipient_organization",
    "name_public",
    "conferred_by",
    "date",
    "event",
    "citation",
)
PLAQUE_FIELDS = (
    "recipient_name",
    "recipient_office",
    "recipient_organization",
    "given_by",
    "date",
    "event",
    "reason",
)
DONATION_FIELDS = (
    "donor_organization",
    "donor_council",
    "donor_name",
    "recipient_organization",
    "recipient_text",
    "amount_krw",
    "purpose",
    "date",
    "event",
)


def _require_staff(by: Any) -> None:
    if by is None:
        return
    if not (getattr(by, "is_authenticated", False) and by.is_centre_staff):
        raise PermissionDenied(_("포상·기부 기록은 센터 관리자만 쓸 수 있습니다."))


def _check_keys(data: dict[str, Any], allowed: Iterable[str]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValidationError(_("쓸 수 없는 항목입니다: %s") % ", ".join(sorted(unknown)))


@transaction.atomic
def commendation_create(*, data: dict[str, Any], by: Any) -> Commendation:
    """Record a commendation (표창) from `data` (`COMMENDATION_FIELDS`).

    A recipient (name or organisation) is required unless `name_public` is False (the
    source does not name them). Raises `ValidationError` or `PermissionDenied`.
    Returns the saved commendation."""
    _require_staff(by)
    _check_keys(data, COMMENDATION_FIELDS)
    commendation = Commendation(**data)
    commendation.full_clean()
    commendation.save()
    log_action(
        "recognition.commendation.created",
        user=by,
        target=commendation,
        data={"event": commendation.event_id, "name_public": commendation.name_public},
    )
    return commendation


@transaction.atomic
def plaque_create(
    *, data: dict[str, Any], by: Any, given_by_councils: Iterable[Any] = ()
) -> Plaque:
    """Record a plaque of appreciation (감사패) from `data` (`PLAQUE_FIELDS`), given by
    `given_by_councils` (councils) and/or the free text `given_by`. Raises
    `ValidationError` or `PermissionDenied`. Returns the saved plaque."""
    _require_staff(by)
    _check_keys(data, PLAQUE_FIELDS)
    plaque = Plaque(**data)
    plaque.full_clean()
    plaque.save()
    councils = list(given_by_councils)
    if councils:
        plaque.given_by_councils.set(councils)
    log_action(
        "recognition.plaque.created",
        user=by,
        target=plaque,
        data={"event": plaque.event_id, "councils": [c.pk for c in councils]},
    )
    return plaque


@transaction.atomic
def donation_create(*, data: dict[str, Any], by: Any) -> Donation:
    """Record a donation (기부금) from `data` (`DONATION_FIELDS`).

    `amount_krw` is in won, at least 1, or None when the amount is not known (left out
    of totals, shown as 금액 알 수 없음). A donor (organisation, council or name) is
    required. Raises `ValidationError` or `PermissionDenied`. Returns the donation."""
    _require_staff(by)
    _check_keys(data, DONATION_FIELDS)
    donation = Donation(**data)
    donation.full_clean()
    donation.save()
    log_action(
        "recognition.donation.created",
        user=by,
        target=donation,
        data={"event": donation.event_id, "amount_krw": donation.amount_krw},
    )
    return donation
