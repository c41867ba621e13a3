"""The registry in the Django admin: read-only, except what a service writes.

Organisation profile fields are saved through `services.organization_update` (history,
audit); a new council through `services.council_get_or_create`. Everything else
(designations, memberships, source data, import runs, merge candidates) changes only
through imports, the merge queue and the council page, so the admin only shows it.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import admin
from django.db import models
from django.forms import ModelForm
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from hanjari.accounts.actors import acting_user
from hanjari.core.mixins import ViewOnlyAdminMixin

from . import services
from .models import (
    Council,
    CouncilMembership,
    Designation,
    ImportRun,
    MergeCandidate,
    Organization,
    OrganizationPhoto,
    SourceDataset,
    SourceRecord,
)


class DesignationInline(ViewOnlyAdminMixin, admin.TabularInline):
    model = Designation
    extra = 0
    fields = ("kind", "subtype", "number", "issuer", "start_date", "end_date", "status")
    show_change_link = True


class PhotoInline(ViewOnlyAdminMixin, admin.TabularInline):
    """The profile's photos, shown only: owners, editors and staff manage them on the
    photo page (`services.organization_photo_add` and the others)."""

    model = OrganizationPhoto
    extra = 0
    fields = ("position", "image", "alt_text", "caption")


class CouncilMembershipInline(ViewOnlyAdminMixin, admin.TabularInline):
    model = CouncilMembership
    extra = 0
    fields = ("organization",)


@admin.register(Organization)
class OrganizationAdmin(SimpleHistoryAdmin):
    """Profile fields (`services.EDITABLE_FIELDS`) are editable and saved through
    `services.organization_update`; organisations are created by imports and removed
    by merges, never here."""

    list_display = ("name", "sido", "sigungu", "legal_form", "status", "brn_verified")
    list_filter = ("status", "sido", "legal_form")
    search_fields = ("name", "name_normalized", "brn", "address")
    inlines = [DesignationInline, PhotoInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fields = (*services.EDITABLE_FIELDS, "name_normalized", "brn_verified", "crn_verified")
    readonly_fields = ("name_normalized", "brn_verified", "crn_verified", "merged_from")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: Organization, form: ModelForm, change: bool
    ) -> None:
        # Every profile field the form holds: a revert from the history page (a form
        # whose initial values are the old ones) saves through the service too; the
        # service records only the fields that differ from the stored record.
        data = {k: v for k, v in form.cleaned_data.items() if k in services.EDITABLE_FIELDS}
        if data.get("logo") is False:  # "지우기" ticked
            data["logo"] = ""
        elif "logo" in data and data["logo"] is None:  # no logo before, none uploaded
            del data["logo"]
        services.organization_update(
            organization=Organization.objects.get(pk=obj.pk),
            data=cast(services.ProfileFields, data),
            by=acting_user(request.user),
        )


@admin.register(Designation)
class DesignationAdmin(ViewOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ("organization", "kind", "subtype", "status", "last_seen_on")
    list_filter = ("kind", "status", "dataset")
    search_fields = ("organization__name", "number")


@admin.register(Council)
class CouncilAdmin(admin.ModelAdmin):
    """Councils are added through `services.council_get_or_create`; their members are
    managed on the council page (`services.council_member_add` / `_remove`)."""

    list_display = ("name", "sector", "sido", "sigungu")
    search_fields = ("name",)
    fields = ("name", "sector", "sido", "sigungu")
    inlines = [CouncilMembershipInline]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Council, form: ModelForm, change: bool) -> None:
        council, _created = services.council_get_or_create(
            name=obj.name,
            by=acting_user(request.user),
            sector=obj.sector,
            sido=obj.sido,
            sigungu=obj.sigungu,
        )
        obj.pk = council.pk


@admin.register(SourceDataset)
class SourceDatasetAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ("dataset_id", "title", "publisher")


@admin.register(ImportRun)
class ImportRunAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "file_name",
        "dataset",
        "reference_date",
        "status",
        "created",
        "changed",
        "started_at",
    )
    list_filter = ("status", "dataset")


@admin.register(SourceRecord)
class SourceRecordAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("file_name", "row_number", "organization", "reference_date")
    list_filter = ("dataset",)


@admin.register(MergeCandidate)
class MergeCandidateAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    """Decisions are taken in the merge queue (`services.merge_candidate_decide`)."""

    list_display = ("left_name", "right_name", "score", "status")
    list_filter = ("status",)
