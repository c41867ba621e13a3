"""Admin for recognition records (centre staff). Nothing here writes around the services:
adding, correcting and deleting a commendation, plaque or donation call
`hanjari.recognition.services`, which check, save and write the audit log, as they do
for the pages and commands."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from hanjari.accounts.actors import acting_user

from . import services
from .models import Commendation, Donation, Plaque


class ServiceAdmin(admin.ModelAdmin):
    """Saves through `create` / `update` (service functions taking ``data`` and ``by``)
    with the form's values for `service_fields`, and deletes with
    `services.record_delete`."""

    service_fields: tuple[str, ...] = ()
    create: Callable[..., Model]
    update: Callable[..., Model]

    def service_extra(self, form: Any) -> dict[str, Any]:
        """Further keyword arguments of the services (many-to-many fields)."""
        return {}

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = {f: form.cleaned_data[f] for f in self.service_fields if f in form.cleaned_data}
        extra = self.service_extra(form)
        if change:
            name = obj._meta.model_name
            saved = self.update(**{name: obj}, data=data, by=acting_user(request.user), **extra)
        else:
            saved = self.create(data=data, by=acting_user(request.user), **extra)
        obj.pk = saved.pk
        obj.refresh_from_db()

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Nothing more to save: the service set the many-to-many fields."""

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.record_delete(record=obj, by=acting_user(request.user))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            services.record_delete(record=obj, by=acting_user(request.user))


@admin.register(Commendation)
class CommendationAdmin(ServiceAdmin):
    list_display = ("title", "recipient_name", "name_public", "conferred_by", "date", "event")
    list_filter = ("name_public", "date")
    search_fields = ("title", "recipient_name", "recipient_affiliation", "citation")
    autocomplete_fields = ["recipient_organization"]
    raw_id_fields = ["event"]
    date_hierarchy = "date"
    service_fields = services.COMMENDATION_FIELDS
    create = staticmethod(services.commendation_create)
    update = staticmethod(services.commendation_update)


@admin.register(Plaque)
class PlaqueAdmin(ServiceAdmin):
    list_display = ("recipient_name", "recipient_office", "given_by", "date", "event")
    list_filter = ("date",)
    search_fields = ("recipient_name", "recipient_office", "given_by", "reason")
    autocomplete_fields = ["recipient_organization"]
    filter_horizontal = ["given_by_councils"]
    raw_id_fields = ["event"]
    date_hierarchy = "date"
    service_fields = services.PLAQUE_FIELDS
    create = staticmethod(services.plaque_create)
    update = staticmethod(services.plaque_update)

    def service_extra(self, form: Any) -> dict[str, Any]:
        return {"given_by_councils": list(form.cleaned_data.get("given_by_councils", []))}


@admin.register(Donation)
class DonationAdmin(ServiceAdmin):
    list_display = ("__str__", "amount_krw", "purpose", "date", "event")
    list_filter = ("date",)
    search_fields = ("donor_name", "recipient_text", "purpose")
    autocomplete_fields = ["donor_organization", "recipient_organization"]
    raw_id_fields = ["event"]
    date_hierarchy = "date"
    service_fields = services.DONATION_FIELDS
    create = staticmethod(services.donation_create)
    update = staticmethod(services.donation_update)
