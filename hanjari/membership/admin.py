"""Invitations and join requests in the Django admin: to look at, never to change
(their writes have rules; owners and council admins act on the site's pages)."""

from __future__ import annotations

from django.contrib import admin

from hanjari.core.mixins import ViewOnlyAdminMixin

from .models import CouncilJoinRequest, Invitation


@admin.register(Invitation)
class InvitationAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("organization", "email", "role", "status", "sent_at", "expires_at")
    list_filter = ("status", "role")
    search_fields = ("email", "organization__name")
    exclude = ("token_hash",)
    raw_id_fields = ("organization", "invited_by", "accepted_by")


@admin.register(CouncilJoinRequest)
class CouncilJoinRequestAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("organization", "council", "status", "created_at", "decided_at")
    list_filter = ("status", "council")
    search_fields = ("organization__name", "council__name")
    raw_id_fields = ("organization", "council", "requested_by", "decided_by")
