"""The Django admin for events: read-only.

Events, their programme, booths, photos and registrations are written through the
services (`hanjari.events.services`), which check the rules, keep the seat count and
the waitlist right (a capacity raised promotes waitlisted registrations) and write the
audit log; the event pages and the staff registration pages call them. The admin only
shows the rows, so that no change can skip that.
"""

from __future__ import annotations

from django.contrib import admin

from hanjari.core.mixins import ViewOnlyAdminMixin

from .models import Booth, Event, EventPhoto, ProgrammeItem, Registration


class ProgrammeInline(ViewOnlyAdminMixin, admin.TabularInline):
    model = ProgrammeItem
    extra = 0


class BoothInline(ViewOnlyAdminMixin, admin.TabularInline):
    model = Booth
    extra = 0
    raw_id_fields = ("organization",)


class PhotoInline(ViewOnlyAdminMixin, admin.TabularInline):
    model = EventPhoto
    extra = 0


@admin.register(Event)
class EventAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    """Events, read-only: edit them on the event pages (행사 수정), which save through
    `services.event_update` (waitlist promotion on a capacity change, audit log)."""

    list_display = ("title", "kind", "start_date", "status", "capacity")
    list_filter = ("kind", "status")
    search_fields = ("title", "venue_name")
    inlines = [ProgrammeInline, BoothInline, PhotoInline]


@admin.register(Registration)
class RegistrationAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    """Registrations, read-only: they change through the manage and check-in pages
    (waitlist promotion and seat counting happen in the services)."""

    list_display = ("person_name", "event", "status", "attendees", "source", "checked_in_at")
    list_filter = ("status", "source", "event")
    search_fields = ("person_name", "organization_name", "organization__name")
