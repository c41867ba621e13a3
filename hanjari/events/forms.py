"""Forms for events: the staff forms (행사 관리: the event, its programme, booths, photos
and article links), the registration form (참가 신청) and the check-in box (도착 확인).
Forms validate input only; the views hand the cleaned data to
`hanjari.events.services`, which save.

Organisations (organisers, participants, invited ones, a programme item's speaker, a
booth's exhibitor) are chosen with the organisation picker
(`hanjari.registry.forms.OrganizationPickerField`: search by name, Korean-aware): a
select of every organisation in the country would be tens of thousands of options.
Without scripts the picker's box takes an exact name or ``#id``.
"""

from __future__ import annotations

import re
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext_lazy as _

from hanjari.accounts.models import Membership
from hanjari.core.forms import (
    BoundedFormSet,
    IdMultipleChoiceField,
    KrdsWidgetsMixin,
    bounded_formfield,
)
from hanjari.core.identifiers import is_object_id
from hanjari.registry.forms import OrganizationPickerField
from hanjari.registry.models import Council, Organization

from . import permissions
from .models import Booth, Event, ProgrammeItem
from .services.events import PHOTO_MAX_BYTES, BoothFields, EventFields, ProgrammeFields

MAX_ATTENDEES = 10  # people one registration may bring, the registrant included


def _council_field(label: Any) -> forms.ModelMultipleChoiceField:
    return IdMultipleChoiceField(
        label=label,
        queryset=Council.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "hj-checks"}),
    )


class EventForm(KrdsWidgetsMixin, forms.ModelForm):
    """An event's details (행사 정보), with its organisers and participants."""

    organiser_organizations = OrganizationPickerField(
        label=_("주최 조직"), multiple=True, required=False
    )
    participating_organizations = OrganizationPickerField(
        label=_("참여 조직"), multiple=True, required=False
    )
    invited_organizations = OrganizationPickerField(
        label=_("초청한 조직"), multiple=True, required=False
    )

    class Meta:
        model = Event
        formfield_callback = bounded_formfield
        fields = [
            "title",
            "kind",
            "status",
            "description",
            "start_date",
            "start_time",
            "end_date",
            "end_time",
            "venue_name",
            "venue_address",
            "organiser_text",
            "organiser_organizations",
            "organiser_councils",
            "participating_councils",
            "participating_organizations",
            "capacity",
            "registration_opens_at",
            "registration_closes_at",
            "eligibility",
            "eligible_councils",
            "invited_organizations",
            "requires_approval",
            "attendance_note",
            "poster",
            "booth_map",
        ]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "registration_opens_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "registration_closes_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "description": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "start_time": _("모르면 비워 둡니다 (달력에는 하루 종일 행사로 나옵니다)."),
            "end_date": _("비우면 시작일과 같은 날입니다."),
            "capacity": _("비우면 인원 제한이 없습니다."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["end_date"].required = False
        for name, label in (
            ("organiser_councils", _("주최 협의회")),
            ("participating_councils", _("참여 협의회")),
            ("eligible_councils", _("신청 가능한 협의회")),
        ):
            self.fields[name] = _council_field(label)
            if self.instance.pk:
                self.initial[name] = list(getattr(self.instance, name).all())
        if self.instance.pk:
            for name in (
                "organiser_organizations",
                "participating_organizations",
                "invited_organizations",
            ):
                self.initial[name] = list(getattr(self.instance, name).all())

    def _post_clean(self) -> None:
        """Validation is the service's (`full_clean` there); the form only parses."""

    def service_data(self, *, changed_only: bool = False) -> EventFields:
        """The cleaned data as the services take it (`EventFields`; status left out)."""
        names = self.changed_data if changed_only else list(self.cleaned_data)
        data = {k: self.cleaned_data[k] for k in names if k in self.cleaned_data}
        data.pop("status", None)
        for name in ("poster", "booth_map"):
            if name in data:
                if data[name] is False:  # "지우기" ticked
                    data[name] = ""
                elif data[name] is None:
                    data.pop(name)
        return cast(EventFields, data)


class ProgrammeItemForm(KrdsWidgetsMixin, forms.ModelForm):
    """One programme row (순서): its place in the list, time, title, kind, speaker."""

    field_order = [
        "position",
        "start_time",
        "duration_minutes",
        "title",
        "kind",
        "speaker_name",
        "speaker_role",
        "speaker_organization",
        "location",
    ]

    position = forms.IntegerField(label=_("순서"), min_value=1, max_value=999, required=False)
    item_id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    speaker_organization = OrganizationPickerField(label=_("발표 조직"), required=False)

    class Meta:
        model = ProgrammeItem
        formfield_callback = bounded_formfield
        fields = [
            "start_time",
            "duration_minutes",
            "title",
            "kind",
            "speaker_name",
            "speaker_role",
            "location",
        ]
        widgets = {"start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("position", self.instance.order)
            self.initial.setdefault("item_id", self.instance.pk)
            self.initial.setdefault("speaker_organization", self.instance.speaker_organization)

    def _post_clean(self) -> None:
        """The service validates the item (`full_clean`)."""

    def service_data(self) -> ProgrammeFields:
        """The cleaned data as the services take it (`ProgrammeFields`)."""
        data = {k: self.cleaned_data.get(k) for k in self.Meta.fields}
        for k in ("speaker_name", "speaker_role", "location"):
            data[k] = data[k] or ""
        data["speaker_organization"] = self.cleaned_data.get("speaker_organization")
        return cast(ProgrammeFields, data)


ProgrammeFormSet = forms.formset_factory(
    ProgrammeItemForm,
    formset=BoundedFormSet,
    extra=3,
    can_delete=True,
    max_num=100,
    absolute_max=100,
    validate_max=True,
)


class BoothForm(KrdsWidgetsMixin, forms.ModelForm):
    """One booth row (홍보부스): number, organisation, place, what it shows, map spot."""

    field_order = ["number", "organization", "place", "category", "shows"]

    item_id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    organization = OrganizationPickerField(label=_("조직"))

    class Meta:
        model = Booth
        formfield_callback = bounded_formfield
        fields = [
            "number",
            "place",
            "shows",
            "category",
            "grid_row",
            "grid_column",
            "map_x",
            "map_y",
        ]
        widgets = {"shows": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial.setdefault("item_id", self.instance.pk)
            self.initial.setdefault("organization", self.instance.organization)

    def _post_clean(self) -> None:
        """The service validates the booth (`full_clean`)."""

    def service_data(self) -> BoothFields:
        """The cleaned data as the services take it (`BoothFields`)."""
        data = {k: self.cleaned_data.get(k) for k in ("organization", *self.Meta.fields)}
        for k in ("place", "shows", "category"):
            data[k] = data[k] or ""
        return cast(BoothFields, data)


BoothFormSet = forms.formset_factory(
    BoothForm,
    formset=BoundedFormSet,
    extra=3,
    can_delete=True,
    max_num=300,
    absolute_max=300,
    validate_max=True,
)


class PhotoForm(KrdsWidgetsMixin, forms.Form):
    """A photo of the event with its caption and text alternative."""

    image = forms.ImageField(
        label=_("사진"),
        # Formatted lazily so the text follows the language of each request.
        help_text=format_lazy(_("JPEG, PNG, WebP, {mb} MB까지"), mb=PHOTO_MAX_BYTES // 2**20),
    )
    caption = forms.CharField(label=_("사진 설명"), max_length=300, required=False)
    alt_text = forms.CharField(
        label=_("대체 텍스트"),
        max_length=300,
        required=False,
        help_text=_("화면을 보지 못하는 사람에게 읽어 줄 사진 내용"),
    )


class ArticleLinkForm(KrdsWidgetsMixin, forms.Form):
    """A news article to link, by its number or its address (…/news/12/)."""

    article = forms.CharField(
        label=_("기사 번호나 주소"),
        max_length=300,
        help_text=_("예: 12 또는 /news/12/"),
    )

    def clean_article(self) -> int:
        text = self.cleaned_data["article"].strip()
        match = re.search(r"(\d+)/?(?:[?#].*)?$", text)
        if not match:
            raise ValidationError(_("기사 번호를 찾을 수 없습니다."))
        return int(match.group(1))


# --- registration and check-in (참가 신청·도착 확인) ----------------------------------------


class _RegistrationFields(forms.Form):
    """The fields of `RegistrationForm`, fitted to the person in `__init__` (before the
    KRDS mixin binds them, so labels and help texts changed here are the ones shown)."""

    person_name = forms.CharField(
        label=gettext_lazy("이름"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    organization = forms.TypedChoiceField(
        label=gettext_lazy("소속 조직"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=gettext_lazy("회원으로 등록된 조직 가운데 고르거나, 아래에 직접 적어 주세요."),
    )
    organization_name = forms.CharField(
        label=gettext_lazy("소속 (직접 입력)"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
        help_text=gettext_lazy("조직 이름이나 ‘개인’처럼 적어 주세요."),
    )
    attendees = forms.IntegerField(
        label=gettext_lazy("참석 인원"),
        min_value=1,
        max_value=MAX_ATTENDEES,
        initial=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    contact_email = forms.EmailField(
        label=gettext_lazy("이메일"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=gettext_lazy("확정 안내와 QR 코드를 보내 드립니다."),
    )
    contact_phone = forms.RegexField(
        label=gettext_lazy("연락처"),
        max_length=30,
        required=False,
        regex=r"^[0-9+()\- ]{7,30}$",
        error_messages={"invalid": gettext_lazy("전화번호는 숫자와 - 로 적어 주세요.")},
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        help_text=gettext_lazy("행사 당일 연락이 필요할 때만 씁니다. 예: 010-1234-5678"),
    )
    accessibility_needs = forms.CharField(
        label=gettext_lazy("접근성 지원 요청"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "휠체어 이용, 수어 통역, 문자 통역, 점자 자료처럼 필요한 지원을 적어 주세요."
        ),
    )
    consent = forms.BooleanField(
        label=gettext_lazy("개인정보 수집·이용에 동의합니다 (필수)"),
        help_text=gettext_lazy(
            "이름·소속·연락처·접근성 지원 요청은 이 행사의 신청 확인, 안내, 도착 확인에만 "
            "씁니다. 연락처는 신청한 본인과 센터 담당자만 봅니다."
        ),
        error_messages={
            "required": gettext_lazy("개인정보 수집·이용에 동의해야 신청할 수 있습니다.")
        },
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        self.user = user
        self.guest = not getattr(user, "is_authenticated", False)
        self.staff = permissions.is_centre_staff(user)
        super().__init__(*args, **kwargs)
        self.fields["attendees"].help_text = gettext(
            "신청하는 분을 포함한 인원입니다 (최대 %(max)d명)."
        ) % {"max": MAX_ATTENDEES}
        memberships: list[Any] = []
        if not self.guest:
            memberships = list(
                Membership.objects.filter(user=user)
                .select_related("organization")
                .order_by("organization__name")
            )
        if memberships:
            choices: list[tuple[Any, str]] = [("", gettext("직접 입력 (아래 칸)"))]
            choices += [(m.organization_id, m.organization.name) for m in memberships]
            cast(forms.ChoiceField, self.fields["organization"]).choices = choices
            self.initial.setdefault("organization", memberships[0].organization_id)
        else:
            del self.fields["organization"]
            self.fields["organization_name"].label = gettext_lazy("소속")
            self.fields["organization_name"].help_text = gettext_lazy(
                "조직 이름이나 ‘개인’처럼 적어 주세요."
            )
        if self.guest:
            self.fields["contact_email"].required = True
            self.fields["contact_email"].help_text = gettext_lazy(
                "이 주소로 확인 메일을 보냅니다. 메일의 링크를 눌러야 신청이 접수됩니다."
            )
        else:
            self.initial.setdefault("person_name", user.display_name or user.get_full_name())
            self.initial.setdefault("contact_email", user.email)
        if self.staff:
            self.fields["on_behalf"] = forms.BooleanField(
                label=gettext_lazy("다른 사람을 대신 등록합니다 (센터 등록)"),
                required=False,
                help_text=gettext_lazy(
                    "신청 기간과 자격을 따지지 않고 등록합니다. 소속에 조직의 정확한 이름이나 "
                    "‘#번호’를 적으면 그 조직으로 연결합니다."
                ),
            )
        if "on_behalf" in self.fields:
            self.order_fields(["on_behalf", *[f for f in self.fields if f != "on_behalf"]])


class RegistrationForm(KrdsWidgetsMixin, _RegistrationFields):
    """A registration (참가 신청): who comes, for which organisation, how many, how to
    reach them and what support they need. A member chooses one of their
    organisations (or types one); a guest types it and must give an e-mail address.
    Staff may tick "대신 등록" to enter someone else's registration."""

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        # The mixin leaves checkboxes alone: tie their help texts to them too, with the
        # id core/form_fields.html gives (Django's default id would point nowhere).
        for name, field in self.fields.items():
            if field.help_text and isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs["aria-describedby"] = f"{self[name].auto_id}_help"

    def clean_organization(self) -> Organization | None:
        pk = self.cleaned_data.get("organization")
        if pk is None:
            return None
        org = Organization.objects.filter(pk=pk, memberships__user=self.user).first()
        if org is None:
            raise ValidationError(gettext("소속된 조직 가운데에서 골라 주세요."))
        return org

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("on_behalf"):
            data["organization"] = None
            typed = (data.get("organization_name") or "").strip()
            if typed:
                data["organization"] = _resolve_staff_organization(typed)
                if data["organization"] is not None:
                    data["organization_name"] = ""
        return data


def _resolve_staff_organization(text: str) -> Organization | None:
    """The organisation staff named exactly (``#12`` or its exact, unique name)."""
    digits = text.lstrip("#")
    if text.startswith("#") and is_object_id(digits):
        return Organization.objects.filter(pk=int(digits)).first()
    found = list(Organization.objects.filter(name=text)[:2])
    return found[0] if len(found) == 1 else None


class CheckInForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("QR 코드 또는 신청 번호"),
        max_length=500,
        error_messages={"required": gettext_lazy("QR 코드를 읽거나 신청 번호를 넣어 주세요.")},
    )
