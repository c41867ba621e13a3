from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from .models import Booth, Event, EventPhoto, ProgrammeItem, Registration


class ProgrammeInline(admin.TabularInline):
    model = ProgrammeItem
    extra = 0


class BoothInline(admin.TabularInline):
    model = Booth
    extra = 0
    raw_id_fields = ("organization",)


class PhotoInline(admin.TabularInline):
    model = EventPhoto
    extra = 0


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """Read-mostly view for staff; day-to-day editing uses the event pages (which write
    through the services and the audit log)."""

    list_display = ("title", "kind", "start_date", "status", "capacity")
    list_filter = ("kind", "status")
    search_fields = ("title", "venue_name")
    inlines = [ProgrammeInline, BoothInline, PhotoInline]
    filter_horizontal = (
        "organiser_organizations",
        "organiser_councils",
        "participating_councils",
        "participating_organizations",
        "eligible_councils",
        "invited_organizations",
        "articles",
    )


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    """Registrations are changed through the manage and check-in pages (waitlist
    promotion and seat counting happen in the services), so they are read-only here."""

    list_display = ("person_name", "event", "status", "attendees", "source", "checked_in_at")
    list_filter = ("status", "source", "event")
    search_fields = ("person_name", "organization_name", "organization__name")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Registration | None = None) -> bool:
        return False
