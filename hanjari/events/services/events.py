"""Event writes (행사 쓰기): events, programme (순서), booths (홍보부스), photos, status
and links to news articles.

Every function is keyword-only, atomic, validates with `full_clean()` and writes the
audit log. `by` is the acting user; centre staff (센터 관리자) only — None means system
work (a management command) and is allowed. Anyone else gets `PermissionDenied`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypedDict

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from hanjari.accounts.actors import Actor
from hanjari.core.audit import log_action
from hanjari.core.images import PHOTO_MAX_BYTES, PHOTO_MAX_PIXELS, clean_photo
from hanjari.core.services import apply_fields
from hanjari.registry.models import Council, Organization

from ..models import Booth, Event, EventPhoto, ProgrammeItem
from ..selectors import today_in_seoul
from .registrations import promote_waitlist

__all__ = [
    "BOOTH_FIELDS",
    "EVENT_FIELDS",
    "EVENT_M2M_FIELDS",
    "PHOTO_MAX_BYTES",
    "PHOTO_MAX_PIXELS",
    "PROGRAMME_FIELDS",
    "BoothFields",
    "EventFields",
    "ProgrammeFields",
    "ProgrammeRow",
    "booth_add",
    "booth_delete",
    "booth_update",
    "event_create",
    "event_link_article",
    "event_photo_add",
    "event_set_status",
    "event_unlink_article",
    "event_update",
    "programme_item_add",
    "programme_item_delete",
    "programme_item_update",
    "programme_reorder",
    "programme_save",
]

# Scalar fields a service may set on an event (status has its own service).
EVENT_FIELDS = (
    "title",
    "kind",
    "description",
    "venue_name",
    "venue_address",
    "start_date",
    "start_time",
    "end_date",
    "end_time",
    "organiser_text",
    "capacity",
    "registration_opens_at",
    "registration_closes_at",
    "eligibility",
    "requires_approval",
    "poster",
    "booth_map",
    "attendance_note",
)
EVENT_M2M_FIELDS = (
    "organiser_organizations",
    "organiser_councils",
    "participating_councils",
    "participating_organizations",
    "eligible_councils",
    "invited_organizations",
)
PROGRAMME_FIELDS = (
    "start_time",
    "duration_minutes",
    "title",
    "kind",
    "speaker_name",
    "speaker_role",
    "speaker_organization",
    "location",
)
BOOTH_FIELDS = (
    "organization",
    "number",
    "place",
    "shows",
    "category",
    "grid_row",
    "grid_column",
    "map_x",
    "map_y",
)


class EventFields(TypedDict, total=False):
    """The fields of an event a service sets (`EVENT_FIELDS`, and `EVENT_M2M_FIELDS` as
    lists of objects), as `forms.EventForm.service_data` fills them from its cleaned
    data. Every key is optional: an update sets only those given. A picture is a new
    upload (checked and normalised by the service), a stored file, or "" to clear it."""

    title: str
    kind: str
    description: str
    venue_name: str
    venue_address: str
    start_date: dt.date
    start_time: dt.time | None
    end_date: dt.date | None
    end_time: dt.time | None
    organiser_text: str
    capacity: int | None
    registration_opens_at: dt.datetime | None
    registration_closes_at: dt.datetime | None
    eligibility: str
    requires_approval: bool
    poster: Any  # UploadedFile | FieldFile | ""
    booth_map: Any  # UploadedFile | FieldFile | ""
    attendance_note: str
    organiser_organizations: Sequence[Organization]
    organiser_councils: Sequence[Council]
    participating_councils: Sequence[Council]
    participating_organizations: Sequence[Organization]
    eligible_councils: Sequence[Council]
    invited_organizations: Sequence[Organization]


class ProgrammeFields(TypedDict, total=False):
    """The fields of a programme item (순서) a service sets (`PROGRAMME_FIELDS`)."""

    start_time: dt.time | None
    duration_minutes: int | None
    title: str
    kind: str
    speaker_name: str
    speaker_role: str
    speaker_organization: Organization | None
    location: str


class BoothFields(TypedDict, total=False):
    """The fields of a booth (홍보부스) a service sets (`BOOTH_FIELDS`)."""

    organization: Organization
    number: str
    place: str
    shows: str
    category: str
    grid_row: int | None
    grid_column: int | None
    map_x: Decimal | None
    map_y: Decimal | None


# Event fields holding a picture: a new upload gets the photo check and is stored as
# its normalised copy (`_clean_pictures`).
PICTURE_FIELDS = ("poster", "booth_map")


def _require_staff(by: Actor) -> None:
    if by is None:
        return  # system work (management commands)
    if not (by.is_authenticated and by.is_centre_staff):
        raise PermissionDenied(_("행사는 센터 관리자만 관리할 수 있습니다."))


def _plain(value: Any) -> Any:
    """A JSON-friendly form of a field value for the audit log."""
    if isinstance(value, dt.date | dt.time | dt.datetime):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    if hasattr(value, "name") and not isinstance(value, str):  # files
        return str(value.name or "")
    if isinstance(value, int | float | str | bool) or value is None:
        return value
    return str(value)


def _set_m2m(event: Event, data: Mapping[str, Any]) -> list[str]:
    """Set the `EVENT_M2M_FIELDS` present in `data`; the names that changed."""
    changed = []
    for name in EVENT_M2M_FIELDS:
        if name in data:
            manager = getattr(event, name)
            new = {obj.pk for obj in data[name]}
            if new != set(manager.values_list("pk", flat=True)):
                changed.append(name)
            manager.set(list(data[name]))
    return changed


def _split(data: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """`data` as (scalar fields, many-to-many fields)."""
    m2m = {k: v for k, v in data.items() if k in EVENT_M2M_FIELDS}
    return {k: v for k, v in data.items() if k not in EVENT_M2M_FIELDS}, m2m


# --- events -------------------------------------------------------------------------------


@transaction.atomic
def event_create(*, data: EventFields, by: Actor, status: str = Event.Status.DRAFT) -> Event:
    """Create an event (행사) from `data` (`EventFields`). A missing `end_date` is the
    start date (a one-day event). New events are drafts unless `status` says otherwise.
    A poster or floor plan uploaded must be a photo `_clean_pictures` accepts, and is
    stored as its normalised copy (upright, no metadata, scaled down). Raises
    `ValidationError` (field messages), `PermissionDenied` (not staff) or `TypeError`
    for a key that is not an event field (a programming error). Returns the saved
    event."""
    _require_staff(by)
    scalars, m2m = _split(_clean_pictures(data))
    if not scalars.get("end_date"):
        scalars["end_date"] = scalars.get("start_date")
    event = Event(status=status, created_by=by if by is not None and by.pk else None)
    apply_fields(event, scalars, allowed=EVENT_FIELDS)
    event.full_clean()
    event.save()
    _set_m2m(event, m2m)
    log_action(
        "events.event.created",
        user=by,
        target=event,
        data={"title": event.title, "start_date": event.start_date.isoformat()},
    )
    return event


@transaction.atomic
def event_update(*, event: Event, data: EventFields, by: Actor) -> Event:
    """Change an event's fields (`EventFields`: only the keys given). An emptied
    `end_date` becomes the start date. A new poster or floor plan must be a photo
    `_clean_pictures` accepts, and is stored as its normalised copy. The status changes
    through `event_set_status`. Raising the capacity (or removing it) promotes the
    waitlist. Raises `ValidationError`, `PermissionDenied` or `TypeError` (a key that
    is not an event field). Returns the event."""
    _require_staff(by)
    scalars, m2m = _split(_clean_pictures(data))
    event = Event.objects.select_for_update().get(pk=event.pk)
    if "end_date" in scalars and not scalars["end_date"]:
        scalars["end_date"] = scalars.get("start_date") or event.start_date
    old_capacity = event.capacity
    changed = apply_fields(event, scalars, allowed=EVENT_FIELDS)
    event.full_clean()
    event.save()
    changed += _set_m2m(event, m2m)
    if changed:
        log_action("events.event.updated", user=by, target=event, data={"fields": changed})
    if old_capacity is not None and (event.capacity is None or event.capacity > old_capacity):
        # More seats: those waiting get them now (still inside the event lock), with
        # their e-mails after the commit.
        promote_waitlist(event=event, by=by)
    return event


@transaction.atomic
def event_set_status(
    *, event: Event, status: str, by: Actor, today: dt.date | None = None
) -> Event:
    """Set an event's status (draft, open, closed, held, cancelled).

    An event can be marked held (개최됨) only from its start date on (Asia/Seoul).
    Raises `ValidationError` for an unknown status or a held event still to come,
    `PermissionDenied` for non-staff. Returns the event (unchanged status: no log)."""
    _require_staff(by)
    if status not in Event.Status.values:
        raise ValidationError({"status": _("알 수 없는 상태입니다.")})
    event = Event.objects.select_for_update().get(pk=event.pk)
    if status == Event.Status.HELD and event.start_date > (today or today_in_seoul()):
        raise ValidationError(
            {"status": _("아직 열리지 않은 행사는 '개최됨'으로 바꿀 수 없습니다.")}
        )
    old = event.status
    if old == status:
        return event
    event.status = status
    event.save(update_fields=["status", "updated_at"])
    log_action("events.event.status", user=by, target=event, data={"from": old, "to": status})
    return event


@transaction.atomic
def event_link_article(*, event: Event, article: Any, by: Actor) -> bool:
    """Link a news article (관련 기사) to `event`. Returns False when already linked."""
    _require_staff(by)
    if event.articles.filter(pk=article.pk).exists():
        return False
    event.articles.add(article)
    log_action(
        "events.event.article_linked",
        user=by,
        target=event,
        data={"article": article.pk, "headline": str(article)[:200]},
    )
    return True


@transaction.atomic
def event_unlink_article(*, event: Event, article: Any, by: Actor) -> bool:
    """Remove the link between `event` and a news article. Returns False when there
    was none."""
    _require_staff(by)
    if not event.articles.filter(pk=article.pk).exists():
        return False
    event.articles.remove(article)
    log_action("events.event.article_unlinked", user=by, target=event, data={"article": article.pk})
    return True


# --- photos --------------------------------------------------------------------------------


def _clean_image(upload: Any) -> UploadedFile:
    """The photo to store for `upload`: its `normalise_picture` copy (same name and
    format, turned upright, no EXIF/GPS or other metadata, at most `PHOTO_MAX_SIDE`
    pixels a side), if `upload` is a photo `check_picture` accepts — PNG, JPEG (also a
    camera's multi-picture JPEG) or WebP, at most `PHOTO_MAX_BYTES` and
    `PHOTO_MAX_PIXELS`, named with its format's extension. Raises
    `ValidationError({"image": …})` otherwise (also when it cannot be decoded)."""
    try:
        return clean_photo(upload)
    except ValidationError as exc:
        raise ValidationError({"image": exc}) from None


def _clean_pictures(data: EventFields) -> dict[str, Any]:
    """`data` (a copy) with every new upload among `PICTURE_FIELDS` (the poster, the
    floor plan) replaced by the copy `clean_photo` makes of it (checked: PNG, JPEG or
    WebP named with its format's extension, at most `PHOTO_MAX_BYTES` and
    `PHOTO_MAX_PIXELS`; normalised: upright, no metadata, scaled down). Raises
    `ValidationError` ({field: [reason]}) for any refused. Files already stored (not an
    `UploadedFile`) and cleared fields are left as they are."""
    cleaned: dict[str, Any] = dict(data)
    errors: dict[str, Any] = {}
    for name in PICTURE_FIELDS:
        upload = cleaned.get(name)
        if isinstance(upload, UploadedFile):
            try:
                cleaned[name] = clean_photo(upload)
            except ValidationError as exc:
                errors[name] = exc
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def event_photo_add(
    *, event: Event, image: UploadedFile, caption: str = "", alt_text: str = "", by: Actor
) -> EventPhoto:
    """Add a photo to `event` (after the existing ones). The file must be a JPEG (also a
    camera's multi-picture JPEG), PNG or WebP image that Pillow can read, at most
    `PHOTO_MAX_BYTES` (5 MB) and `PHOTO_MAX_PIXELS` (40 million pixels), whose name
    ends in its format's extension (``.jpg``/``.jpeg``, ``.png``, ``.webp``). What is
    stored is its normalised copy (`_clean_image`: upright, no metadata, at most
    `PHOTO_MAX_SIDE` pixels a side). Raises `ValidationError`
    (``{"image": [reason]}``) or `PermissionDenied`. Returns the photo."""
    _require_staff(by)
    image = _clean_image(image)
    last = event.photos.aggregate(m=Max("order"))["m"]
    photo = EventPhoto(
        event=event,
        image=image,
        caption=caption.strip(),
        alt_text=alt_text.strip(),
        order=0 if last is None else last + 1,
    )
    photo.full_clean()
    photo.save()
    log_action("events.photo.added", user=by, target=event, data={"photo": photo.pk})
    return photo


# --- programme -----------------------------------------------------------------------------


def _next_order(event: Event) -> int:
    last = ProgrammeItem.objects.filter(event=event).aggregate(m=Max("order"))["m"]
    return 1 if last is None else last + 1


@transaction.atomic
def programme_item_add(*, event: Event, data: ProgrammeFields, by: Actor) -> ProgrammeItem:
    """Append an item to `event`'s programme (순서) from `data` (`ProgrammeFields`).
    Raises `ValidationError`, `PermissionDenied` or `TypeError` (a key that is not a
    programme field). Returns the item."""
    _require_staff(by)
    Event.objects.select_for_update().get(pk=event.pk)
    item = ProgrammeItem(event=event, order=_next_order(event))
    apply_fields(item, data, allowed=PROGRAMME_FIELDS)
    item.full_clean()
    item.save()
    log_action(
        "events.programme.added",
        user=by,
        target=event,
        data={"item": item.pk, "order": item.order, "title": item.title},
    )
    return item


@transaction.atomic
def programme_item_update(
    *, item: ProgrammeItem, data: ProgrammeFields, by: Actor
) -> ProgrammeItem:
    """Change a programme item's fields (`ProgrammeFields`; the order changes through
    `programme_reorder`). Raises `ValidationError`, `PermissionDenied` or `TypeError`."""
    _require_staff(by)
    item.refresh_from_db(fields=["order"])  # another write may have moved it
    values: Mapping[str, Any] = data
    changed = apply_fields(item, values, allowed=PROGRAMME_FIELDS)
    item.full_clean()
    item.save()
    if changed:
        log_action(
            "events.programme.updated",
            user=by,
            target=item.event,
            data={"item": item.pk, "changes": {k: _plain(values[k]) for k in changed}},
        )
    return item


@transaction.atomic
def programme_item_delete(*, item: ProgrammeItem, by: Actor) -> None:
    """Delete a programme item; the items after it move up (orders stay 1…n)."""
    _require_staff(by)
    event = Event.objects.select_for_update().get(pk=item.event_id)
    log_action(
        "events.programme.deleted",
        user=by,
        target=event,
        data={"item": item.pk, "order": item.order, "title": item.title},
    )
    item.delete()
    _renumber(event, [i.pk for i in ProgrammeItem.objects.filter(event=event)])


def _renumber(event: Event, ids: Sequence[int]) -> None:
    """Give the items `ids` (in this order) the orders 1…n, in two steps so that the
    unique (event, order) constraint never sees two equal orders."""
    items = {i.pk: i for i in ProgrammeItem.objects.filter(event=event)}
    if not ids:
        return
    base = max(i.order for i in items.values()) + 1
    for offset in (base, 1):
        for position, pk in enumerate(ids):
            items[pk].order = offset + position
            items[pk].save(update_fields=["order"])


@transaction.atomic
def programme_reorder(*, event: Event, ids: Sequence[int], by: Actor) -> None:
    """Put `event`'s programme in the order of `ids` (every item id exactly once).
    Raises `ValidationError` when `ids` is not a permutation of the event's items."""
    _require_staff(by)
    Event.objects.select_for_update().get(pk=event.pk)
    rows = list(ProgrammeItem.objects.filter(event=event).values_list("pk", "order"))
    current = [pk for pk, _order in rows]
    if sorted(ids) != sorted(current):
        raise ValidationError(_("순서를 바꿀 항목이 행사 순서와 맞지 않습니다."))
    if list(ids) == current and [o for _pk, o in rows] == list(range(1, len(rows) + 1)):
        return
    _renumber(event, list(ids))
    log_action("events.programme.reordered", user=by, target=event, data={"order": list(ids)})


@dataclass
class ProgrammeRow:
    """One row of the programme form: an existing `item` (or None for a new one), its
    wanted `position` (any sortable number), its `data`, and whether to `delete` it."""

    item: ProgrammeItem | None
    position: float
    data: ProgrammeFields = field(default_factory=lambda: ProgrammeFields())
    delete: bool = False


@transaction.atomic
def programme_save(*, event: Event, rows: Sequence[ProgrammeRow], by: Actor) -> list[ProgrammeItem]:
    """Apply the programme form in one transaction: delete, update and add items, then
    order them by each row's `position` (ties keep the form's order). Rows must belong
    to `event`. Raises `ValidationError` (nothing is saved) or `PermissionDenied`.
    Returns the programme in order."""
    _require_staff(by)
    named = [row.item.pk for row in rows if row.item is not None]
    if len(named) != len(set(named)):
        raise ValidationError(_("같은 순서 항목이 두 번 들어 있습니다."))
    kept: list[tuple[float, int, ProgrammeItem]] = []
    for index, row in enumerate(rows):
        if row.item is not None and row.item.event_id != event.pk:
            raise ValidationError(_("다른 행사의 순서입니다."))
        if row.delete:
            if row.item is not None:
                programme_item_delete(item=row.item, by=by)
            continue
        if row.item is None:
            item = programme_item_add(event=event, data=row.data, by=by)
        else:
            item = programme_item_update(item=row.item, data=row.data, by=by)
        kept.append((row.position, index, item))
    ordered = [item.pk for _pos, _idx, item in sorted(kept, key=lambda t: (t[0], t[1]))]
    others = [
        pk
        for pk in ProgrammeItem.objects.filter(event=event).values_list("pk", flat=True)
        if pk not in ordered
    ]
    programme_reorder(event=event, ids=ordered + others, by=by)
    return list(ProgrammeItem.objects.filter(event=event).order_by("order"))


# --- booths --------------------------------------------------------------------------------


@transaction.atomic
def booth_add(*, event: Event, data: BoothFields, by: Actor) -> Booth:
    """Add a booth (홍보부스) to `event` from `data` (`BoothFields`; `organization` and
    `number` required). Raises `ValidationError` (e.g. a number or grid cell already
    used), `PermissionDenied` or `TypeError` (a key that is not a booth field). Returns
    the booth."""
    _require_staff(by)
    booth = Booth(event=event)
    apply_fields(booth, _booth_values(data), allowed=(*BOOTH_FIELDS, "organization_id"))
    booth.full_clean()
    booth.save()
    log_action(
        "events.booth.added",
        user=by,
        target=event,
        data={"booth": booth.pk, "number": booth.number, "organization": booth.organization_id},
    )
    return booth


def _booth_values(data: BoothFields) -> dict[str, Any]:
    """`data` with the organisation set through its id field: reading `organization`
    of a booth that has none yet would raise (`apply_fields` compares first)."""
    values: dict[str, Any] = dict(data)
    if "organization" in values:
        org = values.pop("organization")
        values["organization_id"] = org.pk if org is not None else None
    return values


@transaction.atomic
def booth_update(*, booth: Booth, data: BoothFields, by: Actor) -> Booth:
    """Change a booth's fields (`BoothFields`). Raises `ValidationError`,
    `PermissionDenied` or `TypeError`."""
    _require_staff(by)
    values = _booth_values(data)
    changed = apply_fields(booth, values, allowed=(*BOOTH_FIELDS, "organization_id"))
    booth.full_clean()
    booth.save()
    if changed:
        log_action(
            "events.booth.updated",
            user=by,
            target=booth.event,
            data={
                "booth": booth.pk,
                "changes": {k.removesuffix("_id"): _plain(values[k]) for k in changed},
            },
        )
    return booth


@transaction.atomic
def booth_delete(*, booth: Booth, by: Actor) -> None:
    """Delete a booth."""
    _require_staff(by)
    log_action(
        "events.booth.deleted",
        user=by,
        target=booth.event,
        data={"booth": booth.pk, "number": booth.number, "organization": booth.organization_id},
    )
    booth.delete()
