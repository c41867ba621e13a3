"""Event reads (행사 읽기): lists, the event page, calendars, profile and article links.

Two parts: events, programme, booths and links (top); registrations and check-in
(bottom, under ``# --- registrations ---``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from hanjari.news import selectors as news_selectors
from hanjari.registry.models import SECTORS, CouncilMembership, Designation

from .models import SEOUL, Booth, Event, ProgrammeItem, Registration
from .qr import CheckinKey

LIST_WHEN = ("upcoming", "past")


def today_in_seoul(now: dt.datetime | None = None) -> dt.date:
    """Today's date in Asia/Seoul (event dates are Seoul wall-clock dates)."""
    return (now or timezone.now()).astimezone(SEOUL).date()


def _is_staff(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_centre_staff)


def events_visible_to(user: Any) -> QuerySet[Event]:
    """Events `user` may see: centre staff see drafts too, everyone else `public()`."""
    return Event.objects.all() if _is_staff(user) else Event.objects.public()


def event_list(
    *, user: Any, when: str = "upcoming", kind: str = "", today: dt.date | None = None
) -> QuerySet[Event]:
    """The events list (행사): `when` is ``upcoming`` (end date today or later, soonest
    first) or ``past`` (newest first); `kind` an `Event.Kind` value or "" for all.
    Drafts only for staff. Unknown `when` means upcoming; an unknown kind is ignored."""
    today = today or today_in_seoul()
    qs = events_visible_to(user)
    if when == "past":
        qs = qs.filter(end_date__lt=today).order_by("-start_date", "-start_time", "-id")
    else:
        qs = qs.filter(end_date__gte=today).order_by("start_date", "start_time", "id")
    if kind in Event.Kind.values:
        qs = qs.filter(kind=kind)
    return qs.prefetch_related("participating_councils")


def event_detail(*, pk: int, user: Any) -> Event:
    """One event for its page, with programme, booths, photos, councils and
    organisations loaded. Raises `Event.DoesNotExist` (also for a draft seen by a
    non-staff user)."""
    return (
        events_visible_to(user)
        .prefetch_related(
            Prefetch(
                "programme",
                queryset=ProgrammeItem.objects.select_related("speaker_organization").order_by(
                    "order", "id"
                ),
            ),
            Prefetch("booths", queryset=Booth.objects.select_related("organization")),
            "photos",
            "organiser_organizations",
            "organiser_councils",
            "participating_councils",
            "participating_organizations",
            "eligible_councils",
        )
        .get(pk=pk)
    )


def event_for_staff(*, pk: int) -> Event:
    """Any event (drafts included) for the staff pages. Raises `Event.DoesNotExist`."""
    return Event.objects.get(pk=pk)


def event_articles(*, event: Event) -> list[Any]:
    """Published news articles linked to `event`, newest first."""
    return list(news_selectors.latest().filter(events=event))


def events_for_article(*, article: Any) -> list[Event]:
    """Public events linked to a news article (`Event.articles`), newest first."""
    return list(Event.objects.public().filter(articles=article).order_by("-start_date", "-id"))


def events_for_organization(*, organization: Any) -> list[Event]:
    """Public events `organization` took part in: as a participating or organising
    organisation, with a booth, or with a confirmed registration. Newest first."""
    q = (
        Q(participating_organizations=organization)
        | Q(organiser_organizations=organization)
        | Q(booths__organization=organization)
        | Q(
            registrations__organization=organization,
            registrations__status=Registration.Status.CONFIRMED,
        )
    )
    ids = Event.objects.public().filter(q).values("pk")
    return list(Event.objects.filter(pk__in=ids).order_by("-start_date", "-id"))


def events_for_council(*, council: Any) -> list[Event]:
    """Public events `council` took part in (participating or organising), newest first."""
    ids = (
        Event.objects.public()
        .filter(Q(participating_councils=council) | Q(organiser_councils=council))
        .values("pk")
    )
    return list(Event.objects.filter(pk__in=ids).order_by("-start_date", "-id"))


def calendar_events(*, today: dt.date | None = None, past_days: int = 365) -> QuerySet[Event]:
    """Events for the public calendar feed: public ones (cancelled included, marked as
    such) that end at most `past_days` ago, in date order."""
    today = today or today_in_seoul()
    since = today - dt.timedelta(days=past_days)
    return Event.objects.public().filter(end_date__gte=since).order_by("start_date", "id")


# --- the booth map ----------------------------------------------------------------------


@dataclass
class BoothMap:
    """What the event page draws: `placed` booths on the simple grid (`rows` ×
    `columns`), `markers` on the floor-plan image (x, y in image pixels, with the
    image's `width` and `height`), and `unplaced` booths (listed only)."""

    rows: int = 0
    columns: int = 0
    placed: list[Booth] = field(default_factory=list)
    markers: list[tuple[Booth, float, float]] = field(default_factory=list)
    width: int = 0
    height: int = 0
    unplaced: list[Booth] = field(default_factory=list)

    @property
    def has_grid(self) -> bool:
        return bool(self.placed)

    @property
    def has_plan(self) -> bool:
        return bool(self.markers)

    @property
    def marker_radius(self) -> float:
        """Marker radius in image pixels (about 2.2% of the shorter side)."""
        return max(8.0, min(self.width, self.height) * 0.022)


def booth_map(*, event: Event, booths: list[Booth]) -> BoothMap:
    """Lay out `booths` of `event` for its page: on the floor-plan image when the event
    has one and a booth has map_x / map_y, else on the grid (grid_row / grid_column)."""
    result = BoothMap()
    size = _image_size(event.booth_map) if event.booth_map else None
    for booth in booths:
        if size and booth.map_x is not None and booth.map_y is not None:
            result.markers.append(
                (booth, float(booth.map_x) / 100 * size[0], float(booth.map_y) / 100 * size[1])
            )
        elif booth.grid_row is not None and booth.grid_column is not None:
            result.placed.append(booth)
        else:
            result.unplaced.append(booth)
    if size:
        result.width, result.height = size
    if result.placed:
        result.rows = max(b.grid_row or 0 for b in result.placed)
        result.columns = max(b.grid_column or 0 for b in result.placed)
    return result


def _image_size(image: Any) -> tuple[int, int] | None:
    try:
        return int(image.width), int(image.height)
    except (OSError, ValueError, TypeError):
        return None


# --- registrations ----------------------------------------------------------------------
# Registration and check-in reads go below this line.
SEAT_STATUSES = (Registration.Status.CONFIRMED, Registration.Status.PENDING)
ACTIVE_STATUSES = (
    Registration.Status.UNCONFIRMED,
    Registration.Status.PENDING,
    Registration.Status.CONFIRMED,
    Registration.Status.WAITLISTED,
)
MANAGE_FILTERS = ("", "arrived", "not_arrived")


def seats_taken(*, event: Event, exclude: Registration | None = None) -> int:
    """Seats held at `event`: the attendees of confirmed registrations and of those
    waiting for staff approval (pending). Waitlisted, unconfirmed (guest e-mail not yet
    confirmed), cancelled and rejected ones hold none. `exclude` leaves one out."""
    qs = Registration.objects.filter(event=event, status__in=SEAT_STATUSES)
    if exclude is not None and exclude.pk:
        qs = qs.exclude(pk=exclude.pk)
    return int(qs.aggregate(n=Sum("attendees"))["n"] or 0)


def seats_left(*, event: Event) -> int | None:
    """Free seats at `event` (never below 0), or None when it has no capacity limit."""
    if event.capacity is None:
        return None
    return max(0, event.capacity - seats_taken(event=event))


@dataclass(frozen=True)
class StatusCount:
    """Registrations and people (attendees) in one status."""

    status: str
    label: str
    registrations: int = 0
    people: int = 0


def registration_counts(*, event: Event) -> list[StatusCount]:
    """Registrations and people per status at `event`, every status listed (zeros
    included) in `Registration.Status` order."""
    rows = {
        r["status"]: r
        for r in Registration.objects.filter(event=event)
        .values("status")
        .annotate(registrations=Count("id"), people=Sum("attendees"))
    }
    return [
        StatusCount(
            status=value,
            label=str(label),
            registrations=int(rows.get(value, {}).get("registrations") or 0),
            people=int(rows.get(value, {}).get("people") or 0),
        )
        for value, label in Registration.Status.choices
    ]


@dataclass(frozen=True)
class CheckInCounts:
    """Live check-in counts (도착 현황) of confirmed registrations, in registrations and
    in people (a registration may bring several attendees)."""

    confirmed_registrations: int = 0
    confirmed_people: int = 0
    arrived_registrations: int = 0
    arrived_people: int = 0

    @property
    def waiting_registrations(self) -> int:
        return self.confirmed_registrations - self.arrived_registrations

    @property
    def waiting_people(self) -> int:
        return self.confirmed_people - self.arrived_people


def checkin_counts(*, event: Event) -> CheckInCounts:
    """Confirmed, arrived and not yet arrived at `event` (one query)."""
    arrived = Q(checked_in_at__isnull=False)
    data = Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED).aggregate(
        confirmed_registrations=Count("id"),
        confirmed_people=Sum("attendees"),
        arrived_registrations=Count("id", filter=arrived),
        arrived_people=Sum("attendees", filter=arrived),
    )
    return CheckInCounts(**{k: int(v or 0) for k, v in data.items()})


def registration_by_token(*, token: str) -> Registration:
    """The registration with `token`, with its event, organisation and user loaded.
    Raises `Registration.DoesNotExist` (also for an empty or overlong token)."""
    if not token or len(token) > 64:
        raise Registration.DoesNotExist
    return Registration.objects.select_related("event", "organization", "user").get(token=token)


# A token or check-in code as `new_token` makes them (URL-safe, 32 characters today).
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def registrations_for_checkin(*, key: CheckinKey | None) -> QuerySet[Registration]:
    """The registration a check-in input names (`qr.read_checkin_input`): by its
    check-in code, its number (id) or its page token; with its event, organisation and
    user loaded. Empty for None or a malformed code or token (never raises)."""
    qs = Registration.objects.select_related("event", "organization", "user")
    if key is None:
        return qs.none()
    if key.kind == "number":
        return qs.filter(pk=int(key.value))
    if not TOKEN_RE.match(key.value):
        return qs.none()
    if key.kind == "token":
        return qs.filter(token=key.value)
    return qs.filter(checkin_code=key.value)


def registration_of_user(*, event: Event, user: Any) -> Registration | None:
    """`user`'s registration for `event` that is not cancelled or rejected, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Registration.objects.filter(event=event, user=user, status__in=ACTIVE_STATUSES)
        .order_by("-created_at", "-id")
        .first()
    )


def waitlist_position(*, registration: Registration) -> int | None:
    """1-based place of a waitlisted registration in its event's waitlist (None when it
    is not waitlisted)."""
    if registration.status != Registration.Status.WAITLISTED:
        return None
    ahead = Registration.objects.filter(
        event_id=registration.event_id, status=Registration.Status.WAITLISTED
    ).filter(
        Q(created_at__lt=registration.created_at)
        | Q(created_at=registration.created_at, id__lt=registration.pk)
    )
    return ahead.count() + 1


def registrations_for_staff(
    *, event: Event, status: str = "", q: str = "", arrival: str = ""
) -> QuerySet[Registration]:
    """An event's registrations for its staff list, oldest first: `status` one
    `Registration.Status` value ("" for all), `q` words matched against the person's
    name, the organisation (typed or chosen) and the e-mail, `arrival` "arrived" /
    "not_arrived" / "" (unknown values are ignored)."""
    qs = Registration.objects.filter(event=event).select_related("organization", "user")
    if status in Registration.Status.values:
        qs = qs.filter(status=status)
    for word in q.split()[:5]:
        qs = qs.filter(
            Q(person_name__icontains=word)
            | Q(organization_name__icontains=word)
            | Q(organization__name__icontains=word)
            | Q(contact_email__icontains=word)
        )
    if arrival == "arrived":
        qs = qs.filter(checked_in_at__isnull=False)
    elif arrival == "not_arrived":
        qs = qs.filter(checked_in_at__isnull=True)
    return qs.order_by("created_at", "id")


def checkin_search(*, event: Event, q: str, limit: int = 20) -> list[Registration]:
    """Registrations of `event` for the check-in page's search (이름·소속): those not
    cancelled or rejected whose name or organisation contains every word of `q`;
    confirmed ones first, then by name. Empty `q` finds nothing."""
    words = q.split()[:5]
    if not words:
        return []
    qs = Registration.objects.filter(event=event, status__in=ACTIVE_STATUSES).select_related(
        "organization"
    )
    for word in words:
        qs = qs.filter(
            Q(person_name__icontains=word)
            | Q(organization_name__icontains=word)
            | Q(organization__name__icontains=word)
        )
    found = list(qs.order_by("person_name", "id")[: limit * 2])
    found.sort(key=lambda r: r.status != Registration.Status.CONFIRMED)
    return found[:limit]


@dataclass(frozen=True)
class Badge:
    """One printed name badge (명찰): the organisation and the name ("" leaves a line to
    write on, for the further attendees of a registration)."""

    organization: str
    name: str


def event_badges(*, event: Event) -> list[Badge]:
    """Name badges for `event`'s confirmed registrations, by organisation then name: one
    with the registrant's name, and one with only the organisation for each further
    attendee."""
    regs = (
        Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED)
        .select_related("organization")
        .order_by("person_name", "id")
    )
    badges: list[Badge] = []
    for reg in sorted(regs, key=lambda r: (r.affiliation or "\uffff", r.person_name)):
        badges.append(Badge(organization=reg.affiliation, name=reg.person_name))
        extra = reg.attendees - 1
        badges.extend(Badge(organization=reg.affiliation, name="") for _n in range(extra))
    return badges


@dataclass
class AttendanceRow:
    """One line of an attendance report: `registered` confirmed registrations and their
    `registered_people`, of whom `arrived` registrations / `arrived_people` checked in."""

    key: str
    label: str
    registered: int = 0
    registered_people: int = 0
    arrived: int = 0
    arrived_people: int = 0

    def add(self, reg: Registration) -> None:
        self.registered += 1
        self.registered_people += reg.attendees
        if reg.checked_in_at is not None:
            self.arrived += 1
            self.arrived_people += reg.attendees


@dataclass
class AttendanceReport:
    """Attendance at an event (참석 현황) by council, by kind of organisation (sector)
    and by registration source, with the `total`. An organisation in two councils (or
    with designations in two sectors) counts in each, so the rows of one table may add
    up to more than the total."""

    total: AttendanceRow
    by_council: list[AttendanceRow]
    by_sector: list[AttendanceRow]
    by_source: list[AttendanceRow]


NO_COUNCIL = "none"
NO_SECTOR = "none"
NO_ORGANIZATION = "no_organization"


def _confirmed(event: Event) -> list[Registration]:
    return list(
        Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED).order_by(
            "id"
        )
    )


def attendance_by_council(
    *, event: Event, registrations: list[Registration] | None = None
) -> list[AttendanceRow]:
    """Confirmed and arrived people per council (협의회) at `event`: the councils the
    registration's organisation is a member of (registry `CouncilMembership`), by
    name; registrations without a member organisation (none chosen, a typed name, or an
    organisation in no council) under "협의회 없음", last. Rows with nobody are left out."""
    regs = _confirmed(event) if registrations is None else registrations
    org_ids = {r.organization_id for r in regs if r.organization_id}
    councils: dict[int, list[tuple[int, str]]] = {}
    for org_id, council_id, name in CouncilMembership.objects.filter(
        organization_id__in=org_ids
    ).values_list("organization_id", "council_id", "council__name"):
        councils.setdefault(org_id, []).append((council_id, name))
    rows: dict[str, AttendanceRow] = {}
    none = AttendanceRow(key=NO_COUNCIL, label=str(_("협의회 없음")))
    for reg in regs:
        found = councils.get(reg.organization_id or 0, [])
        if not found:
            none.add(reg)
        for council_id, name in found:
            rows.setdefault(str(council_id), AttendanceRow(key=str(council_id), label=name)).add(
                reg
            )
    result = sorted(rows.values(), key=lambda r: r.label)
    return result + ([none] if none.registered else [])


def attendance_by_sector(
    *, event: Event, registrations: list[Registration] | None = None
) -> list[AttendanceRow]:
    """Confirmed and arrived people per kind of organisation (사회적기업, 마을기업,
    자활기업, 협동조합 — registry `SECTORS`) at `event`, from the current designations
    of the registration's organisation; then "인증·지정 없음" (an organisation without
    a current designation) and "소속 조직 없음" (none chosen or a typed name). Sectors
    are listed in `SECTORS` order, rows with nobody left out."""
    regs = _confirmed(event) if registrations is None else registrations
    kind_to_sector = {str(kind): key for key, (_label, kinds) in SECTORS.items() for kind in kinds}
    org_ids = {r.organization_id for r in regs if r.organization_id}
    sectors: dict[int, set[str]] = {}
    for org_id, kind in (
        Designation.objects.current()
        .filter(organization_id__in=org_ids)
        .values_list("organization_id", "kind")
    ):
        if kind in kind_to_sector:
            sectors.setdefault(org_id, set()).add(kind_to_sector[kind])
    rows = {key: AttendanceRow(key=key, label=str(label)) for key, (label, _k) in SECTORS.items()}
    no_sector = AttendanceRow(key=NO_SECTOR, label=str(_("인증·지정 없음")))
    no_org = AttendanceRow(key=NO_ORGANIZATION, label=str(_("소속 조직 없음")))
    for reg in regs:
        if not reg.organization_id:
            no_org.add(reg)
            continue
        found = sectors.get(reg.organization_id, set())
        if not found:
            no_sector.add(reg)
        for key in found:
            rows[key].add(reg)
    return [r for r in [*rows.values(), no_sector, no_org] if r.registered]


def attendance_by_source(
    *, event: Event, registrations: list[Registration] | None = None
) -> list[AttendanceRow]:
    """Confirmed and arrived people per registration source (신청 경로: members on the
    site, guests, entered by staff), in `Registration.Source` order, empty ones left out."""
    regs = _confirmed(event) if registrations is None else registrations
    rows = {
        value: AttendanceRow(key=value, label=str(label))
        for value, label in Registration.Source.choices
    }
    for reg in regs:
        rows.setdefault(reg.source, AttendanceRow(key=reg.source, label=reg.source)).add(reg)
    return [r for r in rows.values() if r.registered]


def attendance_report(*, event: Event) -> AttendanceReport:
    """The attendance report of `event` (confirmed registrations; arrived = checked in):
    by council, by kind of organisation and by source, with the total."""
    regs = _confirmed(event)
    total = AttendanceRow(key="total", label=str(_("합계")))
    for reg in regs:
        total.add(reg)
    return AttendanceReport(
        total=total,
        by_council=attendance_by_council(event=event, registrations=regs),
        by_sector=attendance_by_sector(event=event, registrations=regs),
        by_source=attendance_by_source(event=event, registrations=regs),
    )
