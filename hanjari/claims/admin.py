"""Claims in the Django admin: read-only. Decisions are taken on the staff review page
(신청 검토), which writes through `hanjari.claims.services` (history, e-mails, audit);
evidence files are downloaded there, never from the admin."""

from __future__ import annotations

from django.contrib import admin

from hanjari.core.mixins import ViewOnlyAdminMixin

from .models import Claim, ClaimEntry, ProposedDesignation


class ProposedDesignationInline(ViewOnlyAdminMixin, admin.TabularInline):
    model = ProposedDesignation
    extra = 0
    fields = ("kind", "number", "issuer", "start_date")


class ClaimEntryInline(ViewOnlyAdminMixin, admin.TabularInline):
    model = ClaimEntry
    extra = 0
    fields = ("created_at", "action", "actor", "message")
    readonly_fields = ("created_at",)


@admin.register(Claim)
class ClaimAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("organization_name", "kind", "status", "user", "created_at")
    list_filter = ("kind", "status")
    search_fields = ("organization_name", "user__username")
    exclude = ("brn",)  # typed by the claimant; shown on the review page
    inlines = [ProposedDesignationInline, ClaimEntryInline]
