"""Admin for recognition records (centre staff). Nothing here writes around the services:
adding and correcting a commendation, plaque or donation call
`hanjari.recognition.services`, which check, save and write the audit log, as they do
for the staff pages (/staff/recognition/) and commands. A correction asks for its reason
(`rules.change_refusal`), as the staff page does. Deleting, which also needs a reason,
is done on the record's staff page, not here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from hanjari.accounts.actors import acting_user

from . import services
from .models import Commendation, Donation, Plaque
from .rules import REASON_MAX


class _ReasonForm(forms.ModelForm):
    """An admin change form with the correction's reason (고친 까닭), required
    (``change_reason``: a plaque's own text of thanks is its ``reason``)."""

    change_reason = forms.CharField(
        label=_("고친 까닭"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("무엇을 왜 고치는지 적습니다. 고친 기록(감사 기록)에 남습니다."),
    )


class ServiceAdmin(admin.ModelAdmin):
    """Saves through `create` / `update` (service functions taking ``data`` and ``by``;
    `update` also the form's ``reason``) with the form's values for `service_fields`.
    Deleting is refused here: the record's staff page deletes with a reason."""

    service_fields: tuple[str, ...] = ()
    create: Callable[..., Model]
    update: Callable[..., Model]

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        if obj is not None:
            kwargs["form"] = _ReasonForm
            fields = kwargs.get("fields")
            if fields is not None and "change_reason" not in fields:
                kwargs["fields"] = [*fields, "change_reason"]
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_fields(request, obj))
        if obj is not None and "change_reason" not in fields:
            fields.append("change_reason")
        return fields

    def service_extra(self, form: Any) -> dict[str, Any]:
        """Further keyword arguments of the services (many-to-many fields)."""
        return {}

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = {f: form.cleaned_data[f] for f in self.service_fields if f in form.cleaned_data}
        extra = self.service_extra(form)
        by = acting_user(request.user)
        if change:
            name = obj._meta.model_name
            reason = form.cleaned_data.get("change_reason", "")
            saved = self.update(**{name: obj}, data=data, by=by, reason=reason, **extra)
        else:
            saved = self.create(data=data, by=by, **extra)
        obj.pk = saved.pk
        obj.refresh_from_db()

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Nothing more to save: the service set the many-to-many fields."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


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
