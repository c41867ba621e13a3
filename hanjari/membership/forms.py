"""Membership forms: they validate input; the services in `services.py` write."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from hanjari.accounts.models import Membership, User
from hanjari.core.forms import IdChoiceField, KrdsWidgetsMixin
from hanjari.core.text import no_control_characters
from hanjari.registry.models import Council, Organization

MESSAGE_MAX = 1000


class InviteForm(KrdsWidgetsMixin, forms.Form):
    """Invite someone by e-mail (회원 초대) with a role."""

    email = forms.EmailField(
        label=_("초대할 사람의 이메일"),
        max_length=254,
        validators=[no_control_characters],
        help_text=_("초대 링크를 이 주소로 보냅니다. 이 주소를 쓰는 계정만 수락할 수 있습니다."),
    )
    role = forms.ChoiceField(
        label=_("역할"), choices=Membership.Role.choices, initial=Membership.Role.EDITOR
    )


class SuccessorField(IdChoiceField):
    """The member who takes over as owner (넘겨받을 회원), shown by name."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.user)


def _successor_field(queryset: QuerySet[Membership]) -> SuccessorField:
    return SuccessorField(
        queryset=queryset,
        required=False,
        label=_("대표 관리자를 넘겨받을 회원"),
        empty_label=_("고르지 않음"),
    )


class RoleForm(KrdsWidgetsMixin, forms.Form):
    """Change a member's role; the last owner becoming an editor names a successor."""

    role = forms.ChoiceField(label=_("역할"), choices=Membership.Role.choices)

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        # Several on one page (one per member): ids stay apart, field names do not.
        kwargs.setdefault("auto_id", f"id_m{membership.pk}_%s")
        super().__init__(*args, **kwargs)
        self.fields["successor"] = _successor_field(
            Membership.objects.filter(organization=membership.organization_id).exclude(
                pk=membership.pk
            )
        )
        self.fields["successor"].widget.attrs["class"] = "krds-form-select"


class LeaveForm(KrdsWidgetsMixin, forms.Form):
    """Leave an organisation (조직에서 나가기); the last owner names a successor."""

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["successor"] = _successor_field(
            Membership.objects.filter(organization=membership.organization_id)
            .exclude(pk=membership.pk)
            .select_related("user")
        )
        self.fields["successor"].widget.attrs["class"] = "krds-form-select"


class JoinRequestForm(KrdsWidgetsMixin, forms.Form):
    """Ask a council to take one of the organisations one owns in (협의회 가입 신청)."""

    organization = IdChoiceField(queryset=Organization.objects.none(), label=_("신청하는 조직"))
    council = IdChoiceField(queryset=Council.objects.order_by("name"), label=_("협의회"))
    message = forms.CharField(
        label=_("전하는 말"),
        required=False,
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("선택 사항입니다. 1,000자까지 쓸 수 있습니다."),
    )

    def __init__(
        self,
        *args: Any,
        organizations: QuerySet[Organization],
        councils: QuerySet[Council] | None = None,
        hidden: tuple[str, ...] = (),
        **kwargs: Any,
    ) -> None:
        """`organizations`: those the person may choose (the ones they own);
        `councils`: those offered (default: all); `hidden`: fields whose value the page
        has chosen already (sent as hidden inputs, still validated)."""
        super().__init__(*args, **kwargs)
        cast(IdChoiceField, self.fields["organization"]).queryset = organizations
        if councils is not None:
            cast(IdChoiceField, self.fields["council"]).queryset = councils
        for name in hidden:
            self.fields[name].widget = forms.HiddenInput()


class DecisionForm(KrdsWidgetsMixin, forms.Form):
    """Approve or reject a council join request; a rejection may say why."""

    decision = forms.ChoiceField(
        label=_("결정"), choices=[("approve", _("승인")), ("reject", _("거절"))]
    )
    reason = forms.CharField(
        label=_("거절 사유"),
        required=False,
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class OwnerChangeForm(KrdsWidgetsMixin, forms.Form):
    """Centre staff name a new owner (대표 관리자) of an organisation."""

    account = forms.CharField(
        label=_("새 대표 관리자의 아이디 또는 이메일"),
        max_length=254,
        validators=[no_control_characters],
    )
    previous = forms.ChoiceField(
        label=_("지금의 대표 관리자는"),
        choices=[
            ("editor", _("편집자로 바꾸기")),
            ("remove", _("회원에서 빼기")),
            ("keep", _("대표 관리자로 두기")),
        ],
        initial="editor",
    )

    def clean_account(self) -> User:
        text = self.cleaned_data["account"].strip()
        found = list(
            User.objects.filter(Q(username=text) | Q(email__iexact=text), is_active=True)[:2]
        )
        if not found:
            raise forms.ValidationError(_("그런 계정이 없습니다."), code="not_found")
        if len(found) > 1:
            raise forms.ValidationError(
                _("같은 이메일을 쓰는 계정이 여럿입니다. 아이디를 적어 주세요."), code="ambiguous"
            )
        return found[0]
