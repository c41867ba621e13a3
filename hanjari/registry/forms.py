"""Registry forms: they validate input; services save. Also the organisation picker's
form field (`OrganizationPickerField`), which other apps' forms use."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core import validators
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from hanjari.core import identifiers, regions
from hanjari.core.forms import BoundedDateField, KrdsWidgetsMixin, bounded_formfield
from hanjari.core.images import LOGO_MAX_SIDE, LOGO_MESSAGES, PHOTO_MAX_BYTES, clean_picture
from hanjari.core.names import normalize_name
from hanjari.core.picker import ObjectPickerField, PickerItem

from . import contacts, selectors
from .importers.layouts import LAYOUTS
from .models import Designation, DesignationKind, Organization, OrganizationPhoto
from .selectors import PICKER_LIMIT
from .services import EDITABLE_FIELDS, IDENTIFYING_FIELDS, identifying_changes, identity_refusal

DATASET_CHOICES = [("auto", _("자동 인식"))] + [
    (layout.key, f"{layout.title} ({layout.dataset_id})") for layout in LAYOUTS.values()
]


class ImportForm(KrdsWidgetsMixin, forms.Form):
    """Staff upload of one official file (XLSX or CSV)."""

    file = forms.FileField(label=_("파일 (XLSX 또는 CSV)"))
    dataset = forms.ChoiceField(label=_("데이터 종류"), choices=DATASET_CHOICES, initial="auto")
    reference_date = BoundedDateField(
        label=_("기준일"),
        required=False,
        help_text=_("비워 두면 파일 제목 줄이나 파일 이름에서 찾습니다."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    dry_run = forms.BooleanField(label=_("시험 실행 (저장하지 않고 보고서만 보기)"), required=False)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("XLSX 또는 CSV 파일만 올릴 수 있습니다."))
        if upload.size > settings.HANJARI_IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("파일이 너무 큽니다 (최대 %(mb)d MB).")
                % {"mb": settings.HANJARI_IMPORT_MAX_BYTES // (1024 * 1024)}
            )
        return upload


# Logos: PNG, JPEG (also a camera's multi-picture JPEG) or WebP, named with their
# format's extension, at most settings.HANJARI_LOGO_MAX_BYTES and LOGO_MAX_PIXELS
# (width × height). A logo is shown at most a few hundred pixels wide: 25 million
# pixels (5,000 × 5,000) is far more than any real logo and stays below Pillow's own
# decompression-bomb warning (89 million). What is stored is scaled down to at most
# LOGO_MAX_SIDE (1,024) pixels a side, without metadata (`clean_logo`).
LOGO_MAX_PIXELS = 25_000_000


class WebAddressField(forms.URLField):
    """A 누리집: an http(s) address only (a bare ``www.…`` gets ``https://``).

    Django's URLField also takes ``ftp://`` and its message does not say why
    ``javascript:alert(1)`` is refused; a profile links its 누리집, so anything but a
    web page is refused here with its own message.
    """

    default_validators = [validators.URLValidator(schemes=["http", "https"])]
    default_error_messages = {
        "invalid": _(
            "누리집은 http:// 또는 https:// 로 시작하는 웹 주소만 쓸 수 있습니다 "
            "(예: https://www.hanjari.kr)."
        ),
    }


class SocialLinkField(WebAddressField):
    """A social link's address: an http(s) address like a 누리집 (the model checks that
    it is on the service's hosts: `Organization.clean`)."""

    default_error_messages = {"invalid": contacts.WEB_ADDRESS_MESSAGE}


# Longest texts the profile form takes (the columns are unbounded text): a profile's
# introduction is a few paragraphs, not a document.
DESCRIPTION_MAX_LENGTH = 5000
PRODUCTS_MAX_LENGTH = 2000
PERSONAL_DATA_HELP = _(
    "공개를 켠 항목만 조직 페이지, 목록 내려받기(CSV)와 검색엔진용 정보에 나옵니다. "
    "처음 적은 연락처는 공개하지 않습니다. 전화번호나 전자우편이 한 사람의 것이면 "
    "그 사람의 동의를 받은 뒤에 공개하세요 (개인정보 보호법 제15조)."
)


def _profile_formfield(db_field: Any, **kwargs: Any) -> forms.Field | None:
    """`bounded_formfield`, with web addresses typed without a scheme read as https."""
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return bounded_formfield(db_field, **kwargs)


def _hours_field(day: contacts.Weekday, which: str) -> forms.TimeField:
    label = (
        format_lazy(_("{day} 여는 시각"), day=day.label)
        if which == "opens"
        else format_lazy(_("{day} 닫는 시각"), day=day.label)
    )
    return forms.TimeField(
        label=label,
        required=False,
        input_formats=["%H:%M", "%H:%M:%S"],
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )


class OrganizationForm(KrdsWidgetsMixin, forms.ModelForm):
    """Profile edit by staff or the organisation's members (owners and editors).

    A 사업자등록번호/법인등록번호 must pass its check digit when it is typed in; an
    unverified number kept from an official list does not block other changes; so does
    a phone number kept from a list (a new one must be a Korean phone number and is
    stored hyphenated: `contacts.phone_format`). Every contact item has its own 공개
    switch (off for a value given for the first time: the model's default). Opening
    hours are two time fields per weekday (``hours_<day>_opens`` / ``_closes``, both
    or neither); `profile_changes` gives what changed as the service takes it.
    """

    # Longer than the stored digits: people type the hyphens (124-81-00998).
    brn = forms.CharField(
        label=Organization._meta.get_field("brn").verbose_name,
        max_length=20,
        required=False,
        help_text=_("10자리 숫자. 하이픈은 있어도 됩니다 (예: 124-81-00998)."),
    )
    crn = forms.CharField(
        label=Organization._meta.get_field("crn").verbose_name,
        max_length=20,
        required=False,
        help_text=_("13자리 숫자. 하이픈은 있어도 됩니다 (예: 130111-0006246)."),
    )
    website = WebAddressField(
        label=Organization._meta.get_field("website").verbose_name,
        max_length=300,
        required=False,
        assume_scheme="https",
    )
    phone = forms.CharField(
        label=Organization._meta.get_field("phone").verbose_name,
        max_length=contacts.PHONE_MAX_LENGTH,
        required=False,
        help_text=_("지역번호부터 적어 주세요 (예: 063-123-4567, 1588-0000)."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    description = forms.CharField(
        label=Organization._meta.get_field("description").verbose_name,
        max_length=DESCRIPTION_MAX_LENGTH,
        required=False,
        help_text=format_lazy(
            _("글자만 씁니다 (HTML은 그대로 글자로 보입니다). {n}자까지."),
            n=DESCRIPTION_MAX_LENGTH,
        ),
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    products = forms.CharField(
        label=Organization._meta.get_field("products").verbose_name,
        max_length=PRODUCTS_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    class Meta:
        model = Organization
        formfield_callback = _profile_formfield
        # The profile fields the service takes; the opening hours come from the time
        # fields added in __init__.
        fields = [f for f in EDITABLE_FIELDS if f != "opening_hours"]
        widgets = {
            "founded_on": forms.DateInput(attrs={"type": "date"}),
            "logo": forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
            "contact_email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }
        help_texts = {
            "employee_range": _("대표자를 포함해 일하는 사람 수"),
            "opening_hours_note": _(
                "예: 점심시간 12:00~13:00, 공휴일 쉼. 쉬는 요일은 시각을 비워 두세요."
            ),
        }

    def __init__(self, *args: Any, identity_editable: bool = True, **kwargs: Any) -> None:
        """`identity_editable`: False for members (not centre staff): the
        `IDENTIFYING_FIELDS` are then shown read-only and a value sent for one of them
        that differs from the stored one is a form error."""
        super().__init__(*args, **kwargs)
        self.locked_fields = () if identity_editable else IDENTIFYING_FIELDS
        for name in self.locked_fields:
            self.fields[name].disabled = True
        self.stored_hours = contacts.sorted_hours(self.instance.opening_hours)
        for item in self.stored_hours:
            for which in ("opens", "closes"):
                self.initial.setdefault(f"hours_{item['day']}_{which}", item[which])

    # ---- groups of fields, for the template -------------------------------------------

    BASIC_FIELDS = (
        "name",
        "legal_form",
        "status",
        "brn",
        "crn",
        "address",
        "sido",
        "sigungu",
        "industry",
        "products",
        "founded_on",
        "employee_range",
    )
    ABOUT_FIELDS = ("description", "logo")

    def basic_fields(self) -> list[forms.BoundField]:
        return [
            self[name]
            for name in self.BASIC_FIELDS
            if name in self.fields and name not in self.locked_fields
        ]

    def locked_rows(self) -> list[tuple[str, str]]:
        """(label, stored value as shown) of each read-only identifying field."""
        org = self.instance
        shown = {
            "legal_form": org.get_legal_form_display(),
            "status": org.get_status_display(),
            "brn": org.brn_display if org.brn else "",
            "crn": org.crn_display,
        }
        return [
            (str(self.fields[name].label), str(shown.get(name, getattr(org, name)) or "-"))
            for name in self.locked_fields
        ]

    def about_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.ABOUT_FIELDS if name in self.fields]

    CONTACT_PAIRS = (
        ("phone", "phone_public"),
        ("contact_email", "email_public"),
        ("website", "website_public"),
        *((link.field, link.public_field) for link in contacts.SOCIAL_LINKS),
    )

    def contact_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        """(value field, its 공개 switch) for every contact item, in the page's order."""
        return [(self[value], self[switch]) for value, switch in self.CONTACT_PAIRS]

    def hours_rows(self) -> list[tuple[contacts.Weekday, forms.BoundField, forms.BoundField]]:
        """(weekday, opening time field, closing time field), Monday first."""
        return [
            (day, self[f"hours_{day.key}_opens"], self[f"hours_{day.key}_closes"])
            for day in contacts.WEEKDAYS
        ]

    # ---- cleaning -------------------------------------------------------------------------

    def clean_phone(self) -> str:
        typed = str(self.cleaned_data.get("phone", "") or "").strip()
        if typed == self.instance.phone:
            return typed  # kept as it is (a number from a list is not checked again)
        contacts.validate_phone(typed)
        return contacts.phone_format(typed) or ""

    def _refuse_locked_values(self) -> None:
        """A form error when a value was sent for a read-only identifying field and
        differs from the stored one (the page does not send them: a crafted request)."""
        sent = {}
        for name in self.locked_fields:
            raw = self.data.get(self.add_prefix(name))
            if raw is None:
                continue
            try:
                sent[name] = self.fields[name].clean(raw)
            except forms.ValidationError:
                sent[name] = raw
        if identifying_changes(self.instance, sent):
            self.add_error(None, identity_refusal().message)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self._refuse_locked_values()
        hours = []
        for day in contacts.WEEKDAYS:
            opens_name, closes_name = f"hours_{day.key}_opens", f"hours_{day.key}_closes"
            if opens_name in self.errors or closes_name in self.errors:
                continue
            opens, closes = cleaned.get(opens_name), cleaned.get(closes_name)
            if opens is None and closes is None:
                continue  # a day off
            if opens is None or closes is None:
                self.add_error(
                    opens_name if opens is None else closes_name,
                    _("여는 시각과 닫는 시각을 함께 적어 주세요 (쉬는 날은 둘 다 비웁니다)."),
                )
                continue
            if closes <= opens:
                self.add_error(closes_name, _("닫는 시각은 여는 시각보다 늦어야 합니다."))
                continue
            hours.append(
                {"day": day.key, "opens": contacts.hhmm(opens), "closes": contacts.hhmm(closes)}
            )
        cleaned["opening_hours"] = hours
        return cleaned

    def profile_changes(self) -> dict[str, Any]:
        """The profile fields that changed, as `services.organization_update` takes them
        (a cleared logo as ""). Call after `is_valid()`."""
        data = {k: self.cleaned_data[k] for k in self.changed_data if k in EDITABLE_FIELDS}
        if "logo" in data and data["logo"] is False:
            data["logo"] = ""
        if self.cleaned_data.get("opening_hours", self.stored_hours) != self.stored_hours:
            data["opening_hours"] = self.cleaned_data["opening_hours"]
        return data

    def clean_brn(self) -> str:
        typed = str(self.cleaned_data.get("brn", "") or "")
        value = identifiers.normalize_digits(typed)
        if typed.strip() and not value:
            # "abc" or "없음" must not silently erase the stored number.
            raise forms.ValidationError(
                _("사업자등록번호는 숫자로 적어 주세요 (비우려면 칸을 비우세요).")
            )
        if value and value != self.instance.brn and not identifiers.brn_is_valid(value):
            raise forms.ValidationError(_("올바른 사업자등록번호가 아닙니다 (검증번호 불일치)."))
        return value

    def clean_crn(self) -> str:
        typed = str(self.cleaned_data.get("crn", "") or "")
        value = identifiers.normalize_digits(typed)
        if typed.strip() and not value:
            raise forms.ValidationError(
                _("법인등록번호는 숫자로 적어 주세요 (비우려면 칸을 비우세요).")
            )
        if value and value != self.instance.crn and not identifiers.crn_is_valid(value):
            raise forms.ValidationError(_("올바른 법인등록번호가 아닙니다 (검증번호 불일치)."))
        return value

    def clean_sigungu(self) -> str:
        sido_name = self.cleaned_data.get("sido", "")
        sido = regions.resolve_sido(sido_name) if sido_name else None
        text = self.cleaned_data.get("sigungu", "")
        return regions.normalize_sigungu(sido, text) if sido else text.strip()

    def clean_logo(self) -> Any:
        """A new logo must be a PNG, JPEG or WebP picture (as Pillow reads it, not as its
        name or content type says) whose extension names that format, of at most
        ``settings.HANJARI_LOGO_MAX_BYTES`` bytes and `LOGO_MAX_PIXELS` pixels
        (`hanjari.core.images.check_picture`); raises ValidationError otherwise. A new
        logo is cleaned to its `normalise_picture` copy, which is what gets stored (same
        name and format, turned upright, no metadata, at most `LOGO_MAX_SIDE` pixels a
        side). The logo already stored (no new upload) and a cleared logo are not
        checked.

        Django's ImageField has already refused what Pillow cannot open (an SVG, an HTML
        page renamed .png); Pillow opens many more formats (GIF, BMP, TIFF, ICO…), and a
        GIF named ``logo.png`` would be stored and served as a PNG.
        """
        logo = self.cleaned_data.get("logo")
        if isinstance(logo, UploadedFile):
            return clean_picture(
                logo,
                max_bytes=settings.HANJARI_LOGO_MAX_BYTES,
                max_pixels=LOGO_MAX_PIXELS,
                max_side=LOGO_MAX_SIDE,
                messages=LOGO_MESSAGES,
            )
        return logo


# Added to the class's fields (so the KRDS classes and screen-reader links apply): each
# social link's address field, and two time fields per weekday.
for _link in contacts.SOCIAL_LINKS:
    OrganizationForm.base_fields[_link.field] = SocialLinkField(
        label=_link.label,
        max_length=300,
        required=False,
        assume_scheme="https",
        help_text=format_lazy(_("예: {example}"), example=_link.example),
    )
for _day in contacts.WEEKDAYS:
    for _which in ("opens", "closes"):
        OrganizationForm.base_fields[f"hours_{_day.key}_{_which}"] = _hours_field(_day, _which)
# Errors are listed in the page's order.
OrganizationForm.field_order = [
    *OrganizationForm.BASIC_FIELDS,
    *OrganizationForm.ABOUT_FIELDS,
    *(name for pair in OrganizationForm.CONTACT_PAIRS for name in pair),
    *(f"hours_{d.key}_{w}" for d in contacts.WEEKDAYS for w in ("opens", "closes")),
    "opening_hours_note",
]


class PhotoUploadForm(KrdsWidgetsMixin, forms.Form):
    """One photo for the profile (사진 올리기) with its text alternative (required) and
    caption. The picture itself is checked by the service (`clean_photo`)."""

    image = forms.ImageField(
        label=_("사진"),
        help_text=format_lazy(
            _("PNG, JPG, WebP, {mb} MB까지. 사진 속 위치 정보 등은 지우고 저장합니다."),
            mb=PHOTO_MAX_BYTES // 2**20,
        ),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )
    alt_text = forms.CharField(
        label=_("대체 텍스트"),
        max_length=300,
        help_text=_("화면을 보지 못하는 사람에게 읽어 줄 사진 내용 (예: 두부를 만드는 조합원들)"),
    )
    caption = forms.CharField(label=_("사진 설명"), max_length=300, required=False)


class PhotoEditForm(KrdsWidgetsMixin, forms.ModelForm):
    """A stored photo's text alternative and caption."""

    class Meta:
        model = OrganizationPhoto
        fields = ["alt_text", "caption"]


class MergeDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[
            ("keep_left", _("왼쪽으로 합치기")),
            ("keep_right", _("오른쪽으로 합치기")),
            ("distinct", _("다른 조직입니다")),
        ]
    )


# --- the organisation picker (조직 고르기) ---------------------------------------------------


def organization_kinds(org: Organization) -> list[str]:
    """The names of `org`'s kinds (마을기업, 사회적협동조합 …) as the picker shows them: of
    its current designations, or of all when none is current, in the order of
    `DesignationKind`, without repeats. Reads ``org.designations.all()`` (prefetch it)."""
    designations = list(org.designations.all())
    current = [d for d in designations if d.status == Designation.Status.ACTIVE] or designations
    order = {kind: i for i, kind in enumerate(DesignationKind.values)}
    current.sort(key=lambda d: order.get(d.kind, len(order)))
    return list(dict.fromkeys(str(d.get_kind_display()) for d in current))


def describe_organization(org: Organization) -> PickerItem:
    """An organisation as the picker shows it: its name, and its region and kinds
    (``"전북특별자치도 전주시 · 마을기업, 사회적협동조합"``, `organization_kinds`)."""
    kinds = ", ".join(organization_kinds(org))
    detail = " · ".join(p for p in (org.region_display, kinds) if p)
    return PickerItem(org.pk, org.name, detail)


PICKER_HELP = _(
    "이름 일부를 적으면 목록이 나옵니다 (#번호도 됩니다). 고른 조직은 체크를 끄면 빠집니다."
)
MERGED_MESSAGE = _("#%(pk)s: 이 조직은 %(name)s(으)로 합쳐졌습니다. 합쳐진 조직을 골라 주세요.")


class OrganizationPickerField(ObjectPickerField):
    """Organisations (조직) chosen with the search picker (`hanjari.core.picker`):
    suggestions from ``registry:organization-picker``; a typed text is resolved by the
    exact name (or the name without legal-form markers, `normalize_name`) or ``#id``.
    An id of an organisation merged into another says which one it now is and offers
    it (`selectors.merged_into`); an unknown or impossible id, an unknown or shared
    name are form errors with the closest organisations offered. `multiple`: a list.
    """

    default_error_messages = {
        "required": _("조직을 검색해서 골라 주세요."),
        "not_found": _("%(text)s: 이 이름의 조직이 없습니다. 검색해서 목록에서 골라 주세요."),
        "ambiguous": _("%(text)s: 같은 이름의 조직이 여럿입니다. 아래에서 하나를 골라 주세요."),
        "one": _("조직은 하나만 골라 주세요."),
    }

    def __init__(self, *, multiple: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", PICKER_HELP)
        super().__init__(
            queryset=Organization.objects.prefetch_related("designations"),
            source="registry:organization-picker",
            multiple=multiple,
            **kwargs,
        )

    def describe(self, obj: Any) -> PickerItem:
        return describe_organization(obj)

    def find_by_text(self, text: str) -> list[Any]:
        orgs = Organization.objects.prefetch_related("designations").order_by("pk")
        exact = list(orgs.filter(name=text)[:PICKER_LIMIT])
        if exact:
            return exact
        key = normalize_name(text)
        return list(orgs.filter(name_normalized=key)[:PICKER_LIMIT]) if key else []

    def candidates_for(self, text: str) -> list[Any]:
        return selectors.organization_picker(text=text, limit=PICKER_LIMIT)

    def missing_message(self, pk: int | None, raw: str) -> tuple[str, list[Any]]:
        kept = selectors.merged_into(pk=pk) if pk is not None else None
        if kept is not None:
            return str(MERGED_MESSAGE % {"pk": raw, "name": kept.name}), [kept]
        return str(_("%(text)s: 그런 번호의 조직이 없습니다.") % {"text": f"#{raw}"}), []
