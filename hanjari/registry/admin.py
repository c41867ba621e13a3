from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Council,
    CouncilMembership,
    Designation,
    ImportRun,
    MergeCandidate,
    Organization,
    SourceDataset,
    SourceRecord,
)


class DesignationInline(admin.TabularInline):
    model = Designation
    extra = 0
    fields = ("kind", "subtype", "number", "issuer", "start_date", "end_date", "status")
    show_change_link = True


class CouncilMembershipInline(admin.TabularInline):
    model = CouncilMembership
    extra = 0
    autocomplete_fields = ["organization"]


@admin.register(Organization)
class OrganizationAdmin(SimpleHistoryAdmin):
    list_display = ("name", "sido", "sigungu", "legal_form", "status", "brn_verified")
    list_filter = ("status", "sido", "legal_form")
    search_fields = ("name", "name_normalized", "brn", "address")
    inlines = [DesignationInline]
    readonly_fields = ("name_normalized", "brn_verified", "crn_verified", "merged_from")


@admin.register(Designation)
class DesignationAdmin(SimpleHistoryAdmin):
    list_display = ("organization", "kind", "subtype", "status", "last_seen_on")
    list_filter = ("kind", "status", "dataset")
    search_fields = ("organization__name", "number")
    autocomplete_fields = ["organization"]
    raw_id_fields = ("source_record",)


@admin.register(Council)
class CouncilAdmin(admin.ModelAdmin):
    list_display = ("name", "sector", "sido", "sigungu")
    search_fields = ("name",)
    inlines = [CouncilMembershipInline]


@admin.register(SourceDataset)
class SourceDatasetAdmin(admin.ModelAdmin):
    list_display = ("dataset_id", "title", "publisher")


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
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
    readonly_fields = [f.name for f in ImportRun._meta.fields]


@admin.register(SourceRecord)
class SourceRecordAdmin(admin.ModelAdmin):
    list_display = ("file_name", "row_number", "organization", "reference_date")
    list_filter = ("dataset",)
    raw_id_fields = ("organization", "import_run")
    readonly_fields = [f.name for f in SourceRecord._meta.fields]


@admin.register(MergeCandidate)
class MergeCandidateAdmin(admin.ModelAdmin):
    list_display = ("left_name", "right_name", "score", "status")
    list_filter = ("status",)
    raw_id_fields = ("left", "right")
