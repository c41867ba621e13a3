"""Recognition writes (포상·감사·기부 쓰기): commendations (표창), plaques of
appreciation (감사패) and donations (기부금).

Keyword-only, atomic, `full_clean()` before saving, audit log written. `by` is the
acting user: centre staff (센터 관리자), or None for system work (a management command);
anyone else gets `PermissionDenied`.

What a source does not say stays empty: a commendation whose recipient is not named
has `name_public=False` and no name; a donation whose amount is not known has
`amount_krw=None` (never 0).

A correction (``*_update``) or deletion (`record_delete`) needs a reason
(`rules.change_refusal`): the audit entry keeps it with the values before and after
(``changes``: field → [before, after], as shown), which the record's staff page shows
as its history; a deletion keeps every value the record had (``values``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypedDict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from hanjari.accounts.actors import Actor
from hanjari.core.audit import log_action
from hanjari.core.services import apply_fields

from .models import Commendation, Donation, Plaque
from .rules import REASON_MAX, change_refusal

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
    "record_values",
    "shown_value",
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


def _save(
    record: Commendation | Plaque | Donation, verb: str, by: Actor, data: dict[str, Any]
) -> None:
    record.full_clean()
    record.save()
    if verb == "created":
        data = {**data, "values": record_values(record)}
    log_action(f"recognition.{record._meta.model_name}.{verb}", user=by, target=record, data=data)


def _require_reason(reason: str) -> str:
    refusal = change_refusal(reason=reason)
    if refusal is not None:
        raise ValidationError(refusal.message, code=refusal.code)
    return reason.strip()[:REASON_MAX]


def shown_value(value: Any) -> Any:
    """A field's value as the audit log keeps it (JSON): text, numbers, booleans and
    None as they are; a date as ``YYYY-MM-DD``; a related row (organisation, event,
    council) as its name; several related rows as a list of names."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [shown_value(v) for v in value]
    return str(value)


def record_values(record: Commendation | Plaque | Donation) -> dict[str, Any]:
    """Every field a service sets on `record`, as `shown_value` gives it (a plaque's
    councils as ``given_by_councils``)."""
    fields = _FIELDS[type(record)]
    values = {name: shown_value(getattr(record, name)) for name in fields}
    if isinstance(record, Plaque) and record.pk:
        values["given_by_councils"] = sorted(c.name for c in record.given_by_councils.all())
    return values


def _changes(
    before: dict[str, Any], record: Commendation | Plaque | Donation, names: list[str]
) -> dict[str, list[Any]]:
    after = record_values(record)
    return {name: [before.get(name), after.get(name)] for name in names}


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
    *, commendation: Commendation, data: CommendationData, by: Actor, reason: str
) -> Commendation:
    """Correct a commendation (표창): set `data`, check, save and audit the changed
    field names, their values before and after and `reason` (required:
    `rules.change_refusal`, else `ValidationError` with code ``reason``). Raises as
    `commendation_create` too."""
    _require_staff(by)
    reason = _require_reason(reason)
    commendation = Commendation.objects.select_for_update().get(pk=commendation.pk)
    before = record_values(commendation)
    changed = apply_fields(commendation, data, allowed=COMMENDATION_FIELDS)
    _save(commendation, "updated", by, _correction(before, commendation, changed, reason))
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
    plaque.full_clean()
    plaque.save()
    if councils:
        plaque.given_by_councils.set(councils)
    log_action(
        "recognition.plaque.created",
        user=by,
        target=plaque,
        data={
            "event": plaque.event_id,
            "councils": [c.pk for c in councils],
            "values": record_values(plaque),
        },
    )
    return plaque


@transaction.atomic
def plaque_update(
    *,
    plaque: Plaque,
    data: PlaqueData,
    by: Actor,
    reason: str,
    given_by_councils: Iterable[Council] | None = None,
) -> Plaque:
    """Correct a plaque (감사패): set `data` and, when given, the councils; check, save
    and audit the changed field names, their values before and after and `reason`
    (required, as for `commendation_update`). Raises as `plaque_create` too."""
    _require_staff(by)
    reason = _require_reason(reason)
    plaque = Plaque.objects.select_for_update().get(pk=plaque.pk)
    before = record_values(plaque)
    changed = apply_fields(plaque, data, allowed=PLAQUE_FIELDS)
    if given_by_councils is not None:
        councils = list(given_by_councils)
        if {c.pk for c in councils} != set(plaque.given_by_councils.values_list("pk", flat=True)):
            changed.append("given_by_councils")
        plaque.given_by_councils.set(councils)
    _save(plaque, "updated", by, _correction(before, plaque, changed, reason))
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
def donation_update(*, donation: Donation, data: DonationData, by: Actor, reason: str) -> Donation:
    """Correct a donation (기부금): set `data`, check, save and audit the changed field
    names, their values before and after and `reason` (required, as for
    `commendation_update`). Raises as `donation_create` too."""
    _require_staff(by)
    reason = _require_reason(reason)
    donation = Donation.objects.select_for_update().get(pk=donation.pk)
    before = record_values(donation)
    changed = apply_fields(donation, data, allowed=DONATION_FIELDS)
    _save(donation, "updated", by, _correction(before, donation, changed, reason))
    return donation


def _correction(
    before: dict[str, Any],
    record: Commendation | Plaque | Donation,
    changed: list[str],
    reason: str,
) -> dict[str, Any]:
    return {"fields": changed, "changes": _changes(before, record, changed), "reason": reason}


@transaction.atomic
def record_delete(*, record: Commendation | Plaque | Donation, by: Actor, reason: str) -> None:
    """Delete a recognition record entered by mistake, writing
    ``recognition.<model>.deleted`` to the audit log first with `reason` (required:
    `rules.change_refusal`, else `ValidationError` with code ``reason``) and every value the
    record had (``values``), so the staff pages can still say what was deleted and why.
    Raises `PermissionDenied` for anyone but centre staff."""
    _require_staff(by)
    reason = _require_reason(reason)
    log_action(
        f"recognition.{record._meta.model_name}.deleted",
        user=by,
        target=record,
        data={
            "record": str(record),
            "date": record.date.isoformat(),
            "reason": reason,
            "values": record_values(record),
        },
    )
    record.delete()


_FIELDS: dict[type[models.Model], tuple[str, ...]] = {
    Commendation: COMMENDATION_FIELDS,
    Plaque: PLAQUE_FIELDS,
    Donation: DONATION_FIELDS,
}
