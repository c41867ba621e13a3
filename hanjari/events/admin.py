"""The Django admin for events: read-only.

Events, their programme, booths, photos and registrations are written through the
services (`hanjari.events.services`), which check the rules, keep the seat count and
the waitlist right (a capacity raised promotes waitlisted registrations) and write the
audit log; the event pages and the staff registration pages call them. The admin only
shows the rows, so that no change can skip that.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Booth, Event, EventPhoto, ProgrammeItem, Registration


class ReadOnlyAdminMixin:
    """No adding, changing or deleting in the admin (see the module docstring); staff
    with the view permission still see everything."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ProgrammeInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ProgrammeItem
    extra = 0


class BoothInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Booth
    extra = 0
    raw_id_fields = ("organization",)


class PhotoInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = EventPhoto
    extra = 0


@admin.register(Event)
class EventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Events, read-only: edit them on the event pages (행사 수정), which save through
    `services.event_update` (waitlist promotion on a capacity change, audit log)."""

    list_display = ("title", "kind", "start_date", "status", "capacity")
    list_filter = ("kind", "status")
    search_fields = ("title", "venue_name")
    inlines = [ProgrammeInline, BoothInline, PhotoInline]


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Registrations, read-only: they change through the manage and check-in pages
    (waitlist promotion and seat counting happen in the services)."""

    list_display = ("person_name", "event", "status", "attendees", "source", "checked_in_at")
    list_filter = ("status", "source", "event")
    search_fields = ("person_name", "organization_name", "organization__name")
