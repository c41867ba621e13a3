"""Forms of the staff pages (포상·기부 관리): a commendation (표창), a plaque of
appreciation (감사패) or a donation (기부금), the reason of a correction or deletion,
and the list's filters. Forms only validate; the views hand `service_data()` to
`hanjari.recognition.services`, which check the record (`full_clean`), save it and
write the audit log.

Organisations are chosen with the search picker (`OrganizationPickerField`), events and
councils from short selects.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from hanjari.core.forms import IdChoiceField, IdMultipleChoiceField, KrdsWidgetsMixin
from hanjari.core.forms import bounded_formfield as _bounded_formfield
from hanjari.events.models import Event
from hanjari.registry.forms import OrganizationPickerField
from hanjari.registry.models import Council

from . import services
from .models import Commendation, Donation, Plaque
from .rules import REASON_MAX

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class EventChoiceField(IdChoiceField):
    """An event, newest first, shown as "2023-12-11 · 한마음 워크숍"."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Event.objects.order_by("-start_date", "-id"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("empty_label", _("행사 없음"))
        super().__init__(**kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.start_date:%Y-%m-%d} · {obj.title}"


def _reason_field() -> forms.CharField:
    return forms.CharField(
        label=_("고친 까닭"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("무엇을 왜 고치는지 적습니다. 아래 고친 기록에 남습니다."),
    )


def bounded_formfield(db_field: Any, **kwargs: Any) -> forms.Field | None:
    """The core bounded fields, with the event as `EventChoiceField`."""
    if db_field.name == "event":
        return EventChoiceField(label=db_field.verbose_name)
    return _bounded_formfield(db_field, **kwargs)


class RecordForm(KrdsWidgetsMixin, forms.ModelForm):
    """A record's fields as its service takes them (`service_fields`), with the
    reason (``change_reason``, 고친 까닭, required) when correcting an existing record
    (not ``reason``: a plaque's own text of thanks has that name)."""

    service_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["change_reason"] = _reason_field()
            # KrdsWidgetsMixin has run: give the new box its class and hint too.
            widget = self.fields["change_reason"].widget
            help_id = f"{self['change_reason'].auto_id}_help"
            widget.attrs.update({"class": "krds-input", "aria-describedby": help_id})

    def _post_clean(self) -> None:
        """The service validates the record (`full_clean`); the form only parses."""

    def service_data(self) -> dict[str, Any]:
        """The cleaned values of `service_fields` (what the service sets)."""
        return {name: self.cleaned_data.get(name) for name in self.service_fields}


class CommendationForm(RecordForm):
    """A commendation (표창): to a person (name, affiliation) or an organisation (chosen
    with the picker); unticking "받은 사람 공개" keeps the name off public pages."""

    service_fields = services.COMMENDATION_FIELDS
    recipient_organization = OrganizationPickerField(
        label=_("받은 조직"),
        required=False,
    )

    class Meta:
        model = Commendation
        formfield_callback = bounded_formfield
        fields = [
            "title",
            "date",
            "conferred_by",
            "recipient_name",
            "recipient_affiliation",
            "recipient_organization",
            "name_public",
            "event",
            "citation",
        ]
        widgets = {"date": DATE_WIDGET, "citation": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "title": _("예: 사회적경제 유공자 전주시장 표창"),
            "recipient_name": _(
                "사람이 받았으면 이름을, 조직이 받았으면 아래에서 조직을 고릅니다."
            ),
        }


class PlaqueForm(RecordForm):
    """A plaque of appreciation (감사패): to a person in their office or an organisation,
    given by councils and/or a named giver."""

    service_fields = services.PLAQUE_FIELDS
    recipient_organization = OrganizationPickerField(label=_("받은 조직"), required=False)
    given_by_councils = IdMultipleChoiceField(
        label=_("드린 협의회"),
        queryset=Council.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "hj-checks"}),
    )

    class Meta:
        model = Plaque
        formfield_callback = bounded_formfield
        fields = [
            "date",
            "recipient_name",
            "recipient_office",
            "recipient_organization",
            "given_by",
            "given_by_councils",
            "event",
            "reason",
        ]
        widgets = {"date": DATE_WIDGET, "reason": forms.Textarea(attrs={"rows": 3})}

    def councils(self) -> list[Council]:
        """The councils ticked (for the service's `given_by_councils`)."""
        return list(self.cleaned_data.get("given_by_councils") or [])


class DonationForm(RecordForm):
    """A donation (기부금): from an organisation (picker), a council or a named donor;
    to an organisation (picker) or a fund or programme (text); the amount in won, empty
    when not known (never 0)."""

    service_fields = services.DONATION_FIELDS
    donor_organization = OrganizationPickerField(label=_("기부 조직"), required=False)
    recipient_organization = OrganizationPickerField(label=_("받은 조직"), required=False)

    class Meta:
        model = Donation
        formfield_callback = bounded_formfield
        fields = [
            "date",
            "donor_organization",
            "donor_council",
            "donor_name",
            "recipient_organization",
            "recipient_text",
            "amount_krw",
            "purpose",
            "event",
        ]
        widgets = {"date": DATE_WIDGET, "amount_krw": forms.NumberInput(attrs={"min": 1})}


FORMS: dict[str, type[RecordForm]] = {
    "commendation": CommendationForm,
    "plaque": PlaqueForm,
    "donation": DonationForm,
}


class ReasonForm(KrdsWidgetsMixin, forms.Form):
    """Why a record is deleted (지우는 까닭), required."""

    reason = forms.CharField(
        label=_("지우는 까닭"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("예: 같은 기부를 두 번 적었습니다. 지운 기록에 남습니다."),
    )


class StaffFilterForm(KrdsWidgetsMixin, forms.Form):
    """The staff list's filters: year and organisation (the kind is the tab)."""

    year = forms.TypedChoiceField(label=_("연도"), required=False, coerce=int, empty_value=None)
    organization = OrganizationPickerField(
        label=_("조직"),
        required=False,
        help_text=_("이 조직이 받거나 (기부금은) 낸 기록만 봅니다."),
    )

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[Any, Any]] = [("", _("전체"))]
        choices += [(y, _("%(year)d년") % {"year": y}) for y in years]
        cast(forms.ChoiceField, self.fields["year"]).choices = choices
