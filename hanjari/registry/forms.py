"""Registry forms: they validate input; services save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from hanjari.core import identifiers, regions
from hanjari.core.forms import KrdsWidgetsMixin

from .importers.layouts import LAYOUTS
from .models import Organization

DATASET_CHOICES = [("auto", _("자동 인식"))] + [
    (layout.key, f"{layout.title} ({layout.dataset_id})") for layout in LAYOUTS.values()
]


class ImportForm(KrdsWidgetsMixin, forms.Form):
    """Staff upload of one official file (XLSX or CSV)."""

    file = forms.FileField(label=_("파일 (XLSX 또는 CSV)"))
    dataset = forms.ChoiceField(label=_("데이터 종류"), choices=DATASET_CHOICES, initial="auto")
    reference_date = forms.DateField(
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


class OrganizationForm(KrdsWidgetsMixin, forms.ModelForm):
    """Profile edit by staff or the organisation's members.

    A 사업자등록번호/법인등록번호 must pass its check digit when it is typed in; an
    unverified number kept from an official list does not block other changes.
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
    website = forms.URLField(
        label=Organization._meta.get_field("website").verbose_name,
        max_length=300,
        required=False,
        assume_scheme="https",
    )

    class Meta:
        model = Organization
        fields = [
            "name",
            "legal_form",
            "brn",
            "crn",
            "address",
            "sido",
            "sigungu",
            "industry",
            "products",
            "description",
            "website",
            "phone",
            "founded_on",
            "status",
            "logo",
        ]
        widgets = {
            "founded_on": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 5}),
            "products": forms.Textarea(attrs={"rows": 3}),
        }

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
        logo = self.cleaned_data.get("logo")
        if logo and hasattr(logo, "size") and logo.size > settings.HANJARI_LOGO_MAX_BYTES:
            raise forms.ValidationError(
                _("로고 파일이 너무 큽니다 (최대 %(mb)d MB).")
                % {"mb": settings.HANJARI_LOGO_MAX_BYTES // (1024 * 1024)}
            )
        return logo


class MergeDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[
            ("keep_left", _("왼쪽으로 합치기")),
            ("keep_right", _("오른쪽으로 합치기")),
            ("distinct", _("다른 조직입니다")),
        ]
    )
