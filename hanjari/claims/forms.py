"""Claim forms: they validate input (numbers, files, choices); the services save."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from hanjari.core import identifiers, regions
from hanjari.core.forms import BoundedDateField, BoundedFormSet, IdChoiceField, KrdsWidgetsMixin
from hanjari.core.text import no_control_characters
from hanjari.registry.models import LEGAL_FORM_CHOICES, SIDO_CHOICES, Council, DesignationKind

from .evidence import check_evidence
from .models import Claim
from .services import ProposedDesignationInput

MESSAGE_MAX = 2000
_ACCEPT = ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"


def _evidence_field(*, required: bool) -> forms.FileField:
    return forms.FileField(
        label=_("증빙 서류"),
        required=required,
        help_text=_(
            "인증서, 지정서 또는 설립신고필증 (PDF, PNG, JPG). 센터 관리자와 신청한 "
            "사람만 볼 수 있고 공개되지 않습니다."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": _ACCEPT}),
    )


def _clean_evidence(upload: Any) -> Any:
    """A new upload must pass `check_evidence` (raises ValidationError)."""
    if isinstance(upload, UploadedFile):
        check_evidence(upload)
    return upload


class _EvidenceMixin(forms.Form):
    """The fields a claim and a proposal share: 사업자등록번호, the claimant's role, the
    evidence file, the council asked to endorse it, a message."""

    brn = forms.CharField(
        label=_("사업자등록번호"),
        max_length=20,
        help_text=_("10자리 숫자. 하이픈은 있어도 됩니다 (예: 124-81-00998)."),
    )
    role = forms.ChoiceField(
        label=_("신청한 사람의 역할"), choices=[("", _("역할을 고르세요")), *Claim.Role.choices]
    )
    role_other = forms.CharField(
        label=_("역할 (기타를 고른 경우)"),
        max_length=100,
        required=False,
        validators=[no_control_characters],
    )
    evidence = _evidence_field(required=True)
    council = IdChoiceField(
        label=_("확인을 요청할 협의회 (선택)"),
        queryset=Council.objects.none(),
        required=False,
        empty_label=_("요청하지 않음"),
        help_text=_("고른 협의회의 관리자가 이 신청을 확인해 줄 수 있습니다."),
    )
    message = forms.CharField(
        label=_("센터에 남길 말 (선택)"),
        max_length=MESSAGE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_brn(self) -> str:
        digits = identifiers.normalize_digits(self.cleaned_data.get("brn", ""))
        if not identifiers.brn_is_valid(digits):
            raise forms.ValidationError(
                _(
                    "올바른 사업자등록번호가 아닙니다. "
                    "10자리 번호와 끝자리 검증번호를 확인해 주세요."
                )
            )
        return digits

    def clean_evidence(self) -> Any:
        return _clean_evidence(self.cleaned_data.get("evidence"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("role") == "other" and not (data.get("role_other") or "").strip():
            self.add_error("role_other", _("기타를 고른 경우 역할을 적어 주세요."))
        return data


class ClaimForm(KrdsWidgetsMixin, _EvidenceMixin):
    """ "우리 조직입니다": the claim of one organisation. The council choices are the
    councils the organisation belongs to."""

    field_order = ["brn", "role", "role_other", "evidence", "council", "message"]

    def __init__(self, *args: Any, organization: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        council = cast(IdChoiceField, self.fields["council"])
        council.queryset = Council.objects.filter(memberships__organization=organization).order_by(
            "name"
        )


# The one 시도 without 시군구 (a single-tier local government).
SEJONG = "세종특별자치시"


class ProposalForm(KrdsWidgetsMixin, _EvidenceMixin):
    """A new organisation that is on no official list: its name, legal form, region and
    address, with the evidence fields. Its designations are `DesignationFormSet`."""

    name = forms.CharField(label=_("조직 이름"), max_length=200, validators=[no_control_characters])
    legal_form = forms.ChoiceField(
        label=_("법인격"), choices=[("", _("모름·해당 없음")), *LEGAL_FORM_CHOICES], required=False
    )
    sido = forms.ChoiceField(label=_("시도"), choices=[("", _("시도를 고르세요")), *SIDO_CHOICES])
    sigungu = forms.CharField(
        label=_("시군구"),
        max_length=40,
        required=False,
        validators=[no_control_characters],
        help_text=_("예: 전주시 (세종특별자치시는 비워 둡니다)"),
    )
    address = forms.CharField(
        label=_("주소"), max_length=300, required=False, validators=[no_control_characters]
    )

    field_order = [
        "name",
        "legal_form",
        "sido",
        "sigungu",
        "address",
        "brn",
        "role",
        "role_other",
        "evidence",
        "council",
        "message",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        council = cast(IdChoiceField, self.fields["council"])
        council.queryset = Council.objects.order_by("name")

    def clean_sigungu(self) -> str:
        sido = regions.resolve_sido(self.cleaned_data.get("sido", ""))
        text = (self.cleaned_data.get("sigungu") or "").strip()
        if sido is None:
            return text
        if sido.name == SEJONG:
            return ""  # 세종특별자치시 has no 시군구
        if not text:
            raise forms.ValidationError(_("시군구를 적어 주세요."))
        found = regions.normalize_sigungu(sido, text)
        # The canonical names of every 시군구 (the table of their English names).
        if found not in regions.SIGUNGU_ENGLISH:
            raise forms.ValidationError(
                _("%(sido)s에 있는 시군구 이름을 적어 주세요.") % {"sido": sido.name}
            )
        return found


class DesignationRowForm(KrdsWidgetsMixin, forms.Form):
    """One designation of a proposal: kind, and what the certificate says."""

    kind = forms.ChoiceField(
        label=_("인증·지정 종류"),
        choices=[("", _("고르세요")), *DesignationKind.choices],
        required=False,
    )
    number = forms.CharField(
        label=_("번호"), max_length=50, required=False, validators=[no_control_characters]
    )
    issuer = forms.CharField(
        label=_("발급 기관"), max_length=100, required=False, validators=[no_control_characters]
    )
    start_date = BoundedDateField(
        label=_("인증·지정일"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        typed = any(data.get(name) for name in ("number", "issuer", "start_date"))
        if typed and not data.get("kind"):
            self.add_error("kind", _("인증·지정 종류를 고르세요."))
        return data

    def designation(self) -> ProposedDesignationInput | None:
        """The row as the service takes it, or None for an empty row."""
        data = self.cleaned_data
        if not data.get("kind"):
            return None
        return ProposedDesignationInput(
            kind=data["kind"],
            number=data.get("number") or "",
            issuer=data.get("issuer") or "",
            start_date=data.get("start_date"),
        )


class DesignationRows(BoundedFormSet):
    """The designation rows of a proposal: at least one filled, at most three."""

    def clean(self) -> None:
        super().clean()
        if any(form.errors for form in self.forms):
            return
        if not self.designations():
            raise forms.ValidationError(_("인증·지정을 하나 이상 적어 주세요."))

    def designations(self) -> list[ProposedDesignationInput]:
        """The filled rows, in order."""
        rows = [form.designation() for form in self.forms if hasattr(form, "cleaned_data")]
        return [row for row in rows if row is not None]


DesignationFormSet = forms.formset_factory(
    DesignationRowForm,
    formset=DesignationRows,
    extra=3,
    max_num=3,
    absolute_max=3,
    validate_max=True,
)


class ReplyForm(KrdsWidgetsMixin, forms.Form):
    """The claimant's answer to a request for more, or an addition: a message and/or
    another evidence file."""

    message = forms.CharField(
        label=_("보완 내용"),
        max_length=MESSAGE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    evidence = _evidence_field(required=False)

    def clean_evidence(self) -> Any:
        return _clean_evidence(self.cleaned_data.get("evidence"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not (data.get("message") or "").strip() and not data.get("evidence"):
            raise forms.ValidationError(_("보완할 내용이나 파일을 넣어 주세요."))
        return data


class DecisionForm(KrdsWidgetsMixin, forms.Form):
    """Staff's decision: approve, reject (a reason is required) or ask for more (what is
    missing is required). The message goes to the claimant."""

    action = forms.ChoiceField(
        label=_("결정"),
        choices=[
            ("approve", _("승인")),
            ("reject", _("반려")),
            ("request_info", _("보완 요청")),
        ],
    )
    message = forms.CharField(
        label=_("신청한 사람에게 보낼 말"),
        max_length=MESSAGE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("반려할 때는 사유를, 보완을 요청할 때는 필요한 것을 꼭 적어 주세요."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        action = data.get("action")
        if action in ("reject", "request_info") and not (data.get("message") or "").strip():
            self.add_error(
                "message",
                _("반려 사유를 적어 주세요.")
                if action == "reject"
                else _("무엇을 보완해야 하는지 적어 주세요."),
            )
        return data


class EndorsementForm(forms.Form):
    """A council admin's answer to an endorsement request."""

    decision = forms.ChoiceField(
        choices=[("endorse", _("확인합니다")), ("decline", _("확인할 수 없습니다"))]
    )
