"""Admin for recognition records (centre staff): every save and delete is written to the
audit log, as the services do for the pages and commands."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model

from hanjari.core.audit import log_action

from .models import Commendation, Donation, Plaque


class AuditedAdmin(admin.ModelAdmin):
    """Writes ``recognition.<model>.created|updated|deleted`` to the audit log."""

    def _log(self, request: Any, obj: Model, verb: str, data: dict[str, Any]) -> None:
        log_action(
            f"recognition.{obj._meta.model_name}.{verb}", user=request.user, target=obj, data=data
        )

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        self._log(
            request,
            obj,
            "updated" if change else "created",
            {"fields": list(form.changed_data), "via": "admin"},
        )

    def delete_model(self, request: Any, obj: Any) -> None:
        self._log(request, obj, "deleted", {"via": "admin"})
        super().delete_model(request, obj)

    def delete_queryset(self, request: Any, queryset: Any) -> None:
        for obj in queryset:
            self._log(request, obj, "deleted", {"via": "admin"})
        super().delete_queryset(request, queryset)


@admin.register(Commendation)
class CommendationAdmin(AuditedAdmin):
    list_display = ("title", "recipient_name", "name_public", "conferred_by", "date", "event")
    list_filter = ("name_public", "date")
    search_fields = ("title", "recipient_name", "recipient_affiliation", "citation")
    autocomplete_fields = ["recipient_organization"]
    raw_id_fields = ["event"]
    date_hierarchy = "date"


@admin.register(Plaque)
class PlaqueAdmin(AuditedAdmin):
    list_display = ("recipient_name", "recipient_office", "given_by", "date", "event")
    list_filter = ("date",)
    search_fields = ("recipient_name", "recipient_office", "given_by", "reason")
    autocomplete_fields = ["recipient_organization"]
    filter_horizontal = ["given_by_councils"]
    raw_id_fields = ["event"]
    date_hierarchy = "date"


@admin.register(Donation)
class DonationAdmin(AuditedAdmin):
    list_display = ("__str__", "amount_krw", "purpose", "date", "event")
    list_filter = ("date",)
    search_fields = ("donor_name", "recipient_text", "purpose")
    autocomplete_fields = ["donor_organization", "recipient_organization"]
    raw_id_fields = ["event"]
    date_hierarchy = "date"
