"""Recognition reads (포상·감사·기부 읽기): the yearly page, the donation ledger, and
what an event, an organisation or a council gave and received; for the staff pages, the
records by kind, year and organisation and each record's history (from the audit log).

Names are public only where `Commendation.name_public` is set; otherwise pages show
how many people were commended ("N명"). Donation totals add only known amounts
(`amount_krw` not None); unknown ones are counted apart and shown as 금액 알 수 없음.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from hanjari.core.models import AuditEntry

from .models import Commendation, Donation, Plaque


@dataclass
class CommendationGroup:
    """Commendations given together (same title, authority, date, event and citation):
    the `named` ones (names public) and how many were given without a public name."""

    title: str
    conferred_by: str
    date: dt.date
    event: Any
    citation: str
    named: list[Commendation] = field(default_factory=list)
    unnamed_count: int = 0

    @property
    def total(self) -> int:
        return len(self.named) + self.unnamed_count


@dataclass
class DonationLedger:
    """Donations with their totals: `known_total` (won) adds the `known_count` donations
    whose amount is known; `unknown_count` donations have no known amount and are not in
    the total."""

    rows: list[Donation]
    known_total: int = 0
    known_count: int = 0
    unknown_count: int = 0

    @property
    def count(self) -> int:
        return len(self.rows)


@dataclass
class Recognition:
    """Commendations (grouped), plaques and donations of one year, event or party."""

    commendation_groups: list[CommendationGroup]
    plaques: list[Plaque]
    ledger: DonationLedger

    @property
    def commendation_count(self) -> int:
        return sum(g.total for g in self.commendation_groups)

    @property
    def unnamed_count(self) -> int:
        return sum(g.unnamed_count for g in self.commendation_groups)

    @property
    def is_empty(self) -> bool:
        return not (self.commendation_groups or self.plaques or self.ledger.rows)


def _commendations() -> QuerySet[Commendation]:
    return Commendation.objects.select_related("recipient_organization", "event").order_by(
        "-date", "title", "id"
    )


def _plaques() -> QuerySet[Plaque]:
    return (
        Plaque.objects.select_related("recipient_organization", "event")
        .prefetch_related("given_by_councils")
        .order_by("-date", "id")
    )


def _donations() -> QuerySet[Donation]:
    return Donation.objects.select_related(
        "donor_organization", "donor_council", "recipient_organization", "event"
    ).order_by("-date", "id")


def group_commendations(commendations: list[Commendation]) -> list[CommendationGroup]:
    """Group commendations given together, in the order first seen; inside a group the
    named ones keep their order and the unnamed ones are only counted."""
    groups: dict[tuple[Any, ...], CommendationGroup] = {}
    for c in commendations:
        key = (c.title, c.conferred_by, c.date, c.event_id, c.citation)
        group = groups.get(key)
        if group is None:
            group = groups[key] = CommendationGroup(
                title=c.title,
                conferred_by=c.conferred_by,
                date=c.date,
                event=c.event,
                citation=c.citation,
            )
        if c.name_public:
            group.named.append(c)
        else:
            group.unnamed_count += 1
    return list(groups.values())


def ledger_of(donations: QuerySet[Donation] | list[Donation]) -> DonationLedger:
    """The ledger of `donations`: rows and totals, unknown amounts counted apart."""
    rows = list(donations)
    known = [d.amount_krw for d in rows if d.amount_krw is not None]
    return DonationLedger(
        rows=rows,
        known_total=sum(known),
        known_count=len(known),
        unknown_count=len(rows) - len(known),
    )


def years_with_data() -> list[int]:
    """Years with any commendation, plaque or donation, newest first."""
    years: set[int] = set()
    for model in (Commendation, Plaque, Donation):
        years |= {d.year for d in model.objects.dates("date", "year")}
    return sorted(years, reverse=True)


def latest_year() -> int | None:
    """The newest year with recognition data, or None when there is none."""
    years = years_with_data()
    return years[0] if years else None


def donation_ledger(*, year: int) -> DonationLedger:
    """The public donation ledger (기부금) of `year`, newest first."""
    return ledger_of(_donations().filter(date__year=year))


def year_summary(*, year: int) -> Recognition:
    """Everything recorded in `year`: commendations (grouped, names only where public),
    plaques and the donation ledger with its totals."""
    return Recognition(
        commendation_groups=group_commendations(list(_commendations().filter(date__year=year))),
        plaques=list(_plaques().filter(date__year=year)),
        ledger=donation_ledger(year=year),
    )


def for_event(*, event: Any) -> Recognition:
    """What was given at `event`."""
    return Recognition(
        commendation_groups=group_commendations(list(_commendations().filter(event=event))),
        plaques=list(_plaques().filter(event=event)),
        ledger=ledger_of(_donations().filter(event=event)),
    )


@dataclass
class PartyRecognition:
    """What an organisation or a council received and gave. Commendations listed here
    are the public ones only (an unnamed commendation must not be shown under a
    name)."""

    commendations: list[Commendation]
    plaques_received: list[Plaque]
    plaques_given: list[Plaque]
    donations_given: DonationLedger
    donations_received: DonationLedger

    @property
    def is_empty(self) -> bool:
        return not (
            self.commendations
            or self.plaques_received
            or self.plaques_given
            or self.donations_given.rows
            or self.donations_received.rows
        )


def for_organization(*, organization: Any) -> PartyRecognition:
    """Recognition `organization` received (public commendations, plaques, donations
    received) and gave (donations)."""
    return PartyRecognition(
        commendations=list(
            _commendations().filter(recipient_organization=organization, name_public=True)
        ),
        plaques_received=list(_plaques().filter(recipient_organization=organization)),
        plaques_given=[],
        donations_given=ledger_of(_donations().filter(donor_organization=organization)),
        donations_received=ledger_of(_donations().filter(recipient_organization=organization)),
    )


def for_council(*, council: Any) -> PartyRecognition:
    """Donations and plaques `council` gave."""
    return PartyRecognition(
        commendations=[],
        plaques_received=[],
        plaques_given=list(_plaques().filter(given_by_councils=council)),
        donations_given=ledger_of(_donations().filter(donor_council=council)),
        donations_received=ledger_of([]),
    )


# --- staff pages (포상·기부 관리) ------------------------------------------------------------

# The kinds of record, as the staff pages' addresses name them.
RECORD_MODELS: dict[str, type[Commendation | Plaque | Donation]] = {
    "commendation": Commendation,
    "plaque": Plaque,
    "donation": Donation,
}


def staff_records(*, kind: str, year: int | None = None, organization: Any = None) -> QuerySet[Any]:
    """The records of `kind` (``commendation``, ``plaque`` or ``donation``) for the staff
    list, newest first, related rows loaded; every name is there, public or not (the
    template marks the unpublished ones). `year` keeps that year's; `organization` keeps
    those naming it: as the recipient, and for donations as donor or recipient. Raises
    KeyError for an unknown kind."""
    queryset: QuerySet[Any] = {
        "commendation": _commendations,
        "plaque": _plaques,
        "donation": _donations,
    }[kind]().order_by("-date", "-id")
    if year is not None:
        queryset = queryset.filter(date__year=year)
    if organization is not None:
        if kind == "donation":
            queryset = queryset.filter(
                Q(donor_organization=organization) | Q(recipient_organization=organization)
            )
        else:
            queryset = queryset.filter(recipient_organization=organization)
    return queryset


@dataclass
class HistoryEntry:
    """One change of a record as its staff page shows it: when, by whom (None: a
    command or import), what (`verb`: ``created``, ``updated``, ``deleted``), why
    (`reason`, for corrections and deletions), and the fields as (label, before, after)
    for a correction or (label, value) for a creation or deletion — values as the audit
    log keeps them, booleans as 예 / 아니요, lists joined."""

    when: dt.datetime
    who: Any
    verb: str
    reason: str
    what: str = ""
    changes: list[tuple[str, Any, Any]] = field(default_factory=list)
    values: list[tuple[str, Any]] = field(default_factory=list)


def _label(model: type[Any], name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def _shown(value: Any) -> Any:
    if isinstance(value, bool):
        return _("예") if value else _("아니요")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return "" if value is None else value


def _entry(model: type[Any], audit: AuditEntry) -> HistoryEntry:
    data = audit.data or {}
    verb = audit.action.rsplit(".", 1)[-1]
    changes = [
        (_label(model, name), _shown(pair[0]), _shown(pair[1]))
        for name, pair in (data.get("changes") or {}).items()
        if isinstance(pair, list) and len(pair) == 2
    ]
    if not changes and data.get("fields"):  # corrections logged before values were kept
        changes = [(_label(model, name), "", "") for name in data["fields"]]
    values = [(_label(model, name), _shown(v)) for name, v in (data.get("values") or {}).items()]
    return HistoryEntry(
        when=audit.created_at,
        who=audit.user,
        verb=verb,
        reason=str(data.get("reason") or ""),
        what=audit.target_repr,
        changes=changes,
        values=values,
    )


def record_history(*, record: Commendation | Plaque | Donation) -> list[HistoryEntry]:
    """The history of `record` from the audit log (감사 기록): its creation and every
    correction with its reason and values before and after, newest first."""
    model = type(record)
    entries = AuditEntry.objects.filter(
        target_type=model._meta.label_lower,
        target_id=str(record.pk),
        action__startswith=f"recognition.{model._meta.model_name}.",
    ).select_related("user")
    return [_entry(model, e) for e in entries.order_by("-created_at", "-id")]


def recent_deletions(*, kind: str, limit: int = 10) -> list[HistoryEntry]:
    """The `limit` latest deletions of records of `kind`, newest first: what the record
    said, who deleted it, when and why. Raises KeyError for an unknown kind."""
    model = RECORD_MODELS[kind]
    entries = AuditEntry.objects.filter(
        action=f"recognition.{model._meta.model_name}.deleted"
    ).select_related("user")
    return [_entry(model, e) for e in entries.order_by("-created_at", "-id")[:limit]]
