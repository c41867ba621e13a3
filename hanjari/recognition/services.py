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

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypedDict

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext as _

from hanjari.accounts.actors import Actor
from hanjari.core.audit import log_action
from hanjari.core.services import apply_fields

from .models import Commendation, Donation, Plaque

if TYPE_CHECKING:
    from hanjari.events.models import Event
    from hanjari.registry.models import Council, Organization

__all__ = [
    "COMMENDATION_FIELDS",
    "DONATION_FIELDS",
    "PLAQUE_FIELDS",
    "CommendationData",
    "DonationData",
    "PlaqueData",
    "commendation_create",
    "commendation_update",
    "donation_create",
    "donation_update",
    "plaque_create",
    "plaque_update",
    "record_delete",
]


class CommendationData(TypedDict, total=False):
    """The fields of a commendation (표창) a service sets (`COMMENDATION_FIELDS`)."""

    title: str
    recipient_name: str
    recipient_affiliation: str
    recipient_organization: Organization | None
    name_public: bool
    conferred_by: str
    date: dt.date
    event: Event | None
    citation: str


class PlaqueData(TypedDict, total=False):
    """The fields of a plaque of appreciation (감사패) a service sets (`PLAQUE_FIELDS`)."""

    recipient_name: str
    recipient_office: str
    recipient_organization: Organization | None
    given_by: str
    date: dt.date
    event: Event | None
    reason: str


class DonationData(TypedDict, total=False):
    """The fields of a donation (기부금) a service sets (`DONATION_FIELDS`);
    `amount_krw` in won, None when not known."""

    donor_organization: Organization | None
    donor_council: Council | None
    donor_name: str
    recipient_organization: Organization | None
    recipient_text: str
    amount_krw: int | None
    purpose: str
    date: dt.date
    event: Event | None


COMMENDATION_FIELDS = tuple(CommendationData.__annotations__)
PLAQUE_FIELDS = tuple(PlaqueData.__annotations__)
DONATION_FIELDS = tuple(DonationData.__annotations__)


def _require_staff(by: Actor) -> None:
    if by is None:
        return
    if not (getattr(by, "is_authenticated", False) and by.is_centre_staff):
        raise PermissionDenied(_("포상·기부 기록은 센터 관리자만 쓸 수 있습니다."))


def _save(record: models.Model, verb: str, by: Actor, data: dict[str, Any]) -> None:
    record.full_clean()
    record.save()
    log_action(f"recognition.{record._meta.model_name}.{verb}", user=by, target=record, data=data)


@transaction.atomic
def commendation_create(*, data: CommendationData, by: Actor) -> Commendation:
    """Record a commendation (표창) from `data`.

    A recipient (name or organisation) is required unless `name_public` is False (the
    source does not name them). Raises `ValidationError`, `PermissionDenied` (not
    centre staff), or `TypeError` for a field not in `COMMENDATION_FIELDS`. Returns the
    saved commendation."""
    _require_staff(by)
    commendation = Commendation()
    apply_fields(commendation, data, allowed=COMMENDATION_FIELDS)
    _save(
        commendation,
        "created",
        by,
        {"event": commendation.event_id, "name_public": commendation.name_public},
    )
    return commendation


@transaction.atomic
def commendation_update(
    *, commendation: Commendation, data: CommendationData, by: Actor
) -> Commendation:
    """Correct a commendation (표창): set `data`, check, save and audit the changed
    field names. Raises as `commendation_create`."""
    _require_staff(by)
    commendation = Commendation.objects.select_for_update().get(pk=commendation.pk)
    changed = apply_fields(commendation, data, allowed=COMMENDATION_FIELDS)
    _save(commendation, "updated", by, {"fields": changed})
    return commendation


@transaction.atomic
def plaque_create(
    *, data: PlaqueData, by: Actor, given_by_councils: Iterable[Council] = ()
) -> Plaque:
    """Record a plaque of appreciation (감사패) from `data`, given by
    `given_by_councils` (councils) and/or the free text `given_by`. Raises
    `ValidationError`, `PermissionDenied` or `TypeError` (a field not in
    `PLAQUE_FIELDS`). Returns the saved plaque."""
    _require_staff(by)
    plaque = Plaque()
    apply_fields(plaque, data, allowed=PLAQUE_FIELDS)
    councils = list(given_by_councils)
    _save(plaque, "created", by, {"event": plaque.event_id, "councils": [c.pk for c in councils]})
    if councils:
        plaque.given_by_councils.set(councils)
    return plaque


@transaction.atomic
def plaque_update(
    *,
    plaque: Plaque,
    data: PlaqueData,
    by: Actor,
    given_by_councils: Iterable[Council] | None = None,
) -> Plaque:
    """Correct a plaque (감사패): set `data` and, when given, the councils; check, save
    and audit the changed field names. Raises as `plaque_create`."""
    _require_staff(by)
    plaque = Plaque.objects.select_for_update().get(pk=plaque.pk)
    changed = apply_fields(plaque, data, allowed=PLAQUE_FIELDS)
    if given_by_councils is not None:
        councils = list(given_by_councils)
        if {c.pk for c in councils} != set(plaque.given_by_councils.values_list("pk", flat=True)):
            changed.append("given_by_councils")
        plaque.given_by_councils.set(councils)
    _save(plaque, "updated", by, {"fields": changed})
    return plaque


@transaction.atomic
def donation_create(*, data: DonationData, by: Actor) -> Donation:
    """Record a donation (기부금) from `data`.

    `amount_krw` is in won, at least 1, or None when the amount is not known (left out
    of totals, shown as 금액 알 수 없음). A donor (organisation, council or name) is
    required. Raises `ValidationError`, `PermissionDenied` or `TypeError` (a field not
    in `DONATION_FIELDS`). Returns the donation."""
    _require_staff(by)
    donation = Donation()
    apply_fields(donation, data, allowed=DONATION_FIELDS)
    _save(donation, "created", by, {"event": donation.event_id, "amount_krw": donation.amount_krw})
    return donation


@transaction.atomic
def donation_update(*, donation: Donation, data: DonationData, by: Actor) -> Donation:
    """Correct a donation (기부금): set `data`, check, save and audit the changed field
    names. Raises as `donation_create`."""
    _require_staff(by)
    donation = Donation.objects.select_for_update().get(pk=donation.pk)
    changed = apply_fields(donation, data, allowed=DONATION_FIELDS)
    _save(donation, "updated", by, {"fields": changed})
    return donation


@transaction.atomic
def record_delete(*, record: Commendation | Plaque | Donation, by: Actor) -> None:
    """Delete a recognition record entered by mistake, writing
    ``recognition.<model>.deleted`` (with what it said) to the audit log first. Raises
    `PermissionDenied` for anyone but centre staff."""
    _require_staff(by)
    log_action(
        f"recognition.{record._meta.model_name}.deleted",
        user=by,
        target=record,
        data={"record": str(record), "date": record.date.isoformat()},
    )
    record.delete()
