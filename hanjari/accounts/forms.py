"""Account forms: django-allauth's forms with KRDS widgets, the sign-up form with the
consents, and the account deletion form.

allauth builds each form from its setting (`ACCOUNT_FORMS`, `MFA_FORMS`); the classes
here add the KRDS widget classes and the screen-reader wiring of
`hanjari.core.forms.KrdsWidgetsMixin`, and nothing else unless said.
"""

from __future__ import annotations

from typing import Any

from allauth.account import forms as account_forms
from allauth.mfa.base import forms as mfa_base_forms
from allauth.mfa.recovery_codes import forms as recovery_forms
from allauth.mfa.totp import forms as totp_forms
from django import forms
from django.core.validators import MaxLengthValidator
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from hanjari.core.forms import KrdsWidgetsMixin

from . import consents
from .models import User
from .services import signup_consents_record

# An e-mail address is at most 254 characters (RFC 5321 path limit, Django's
# EmailField); a username at most 150 (the user model).
EMAIL_MAX_LENGTH = 254


class LoginForm(KrdsWidgetsMixin, account_forms.LoginForm):
    """allauth's login form (username or e-mail address, and password). The rate limit
    and lockout (django-axes, hanjari.accounts.lockout) sit in front of it.

    A login longer than any account's could be (a username over 150 characters, an
    address over 254) is refused as a form error before anything authenticates:
    django-axes would record the whole name in a 255-character column (a 500 on
    PostgreSQL, found by the form fuzz test)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("아이디 또는 이메일")

    def clean_login(self) -> str:
        login = str(super().clean_login())
        limit = EMAIL_MAX_LENGTH if "@" in login else User._meta.get_field("username").max_length
        MaxLengthValidator(limit)(login)
        return login


def consent_field_name(purpose: str) -> str:
    """The sign-up form's checkbox for `purpose` ("consent_account")."""
    return f"consent_{purpose}"


class SignupForm(KrdsWidgetsMixin, account_forms.SignupForm):
    """allauth's sign-up form (e-mail, username, password twice) plus an optional
    display name, the age check and one checkbox per consent purpose
    (hanjari.accounts.consents), each shown with its own text.

    Required purposes and the age check must be ticked (개인정보 보호법 §22 ①, ③:
    each matter agreed separately, the required ones told apart; §22-2: a child under
    14 needs a legal guardian's consent, which online sign-up cannot take). The
    consents are recorded with the user (`signup_consents_record`)."""

    display_name = forms.CharField(
        label=_("표시 이름"),
        max_length=100,
        required=False,
        help_text=_("글과 댓글에 이 이름이 보입니다. 비우면 아이디가 보입니다."),
    )
    age_14 = forms.BooleanField(
        label=_("[필수] 만 14세 이상입니다."),
        required=True,
        error_messages={"required": _("만 14세 이상만 가입할 수 있습니다.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.consent_texts = consents.current_texts()
        for text in self.consent_texts:
            self.fields[consent_field_name(text.purpose)] = forms.BooleanField(
                label=str(text.title),
                required=text.required,
                error_messages={
                    "required": _("필수 동의 항목입니다. 동의해야 가입할 수 있습니다.")
                },
            )
        # The page's order, which the error summary follows.
        names = ["email", "username", "password1", "password2", "display_name"]
        names += [consent_field_name(t.purpose) for t in self.consent_texts] + ["age_14"]
        self.order_fields(names)

    def account_fields(self) -> list[forms.BoundField]:
        """The account's own fields (address, username, passwords, display name)."""
        names = ("email", "username", "password1", "password2", "display_name")
        return [self[name] for name in names if name in self.fields]

    def consent_fields(self) -> list[tuple[consents.ConsentText, forms.BoundField]]:
        """Each purpose's text with its bound checkbox, in the order asked."""
        return [(t, self[consent_field_name(t.purpose)]) for t in self.consent_texts]

    def agreed_purposes(self) -> list[str]:
        """The purposes ticked (after validation)."""
        return [
            t.purpose
            for t in self.consent_texts
            if self.cleaned_data.get(consent_field_name(t.purpose))
        ]

    def custom_signup(self, request: HttpRequest, user: Any) -> None:
        """Save the display name and record the consents of the new `user`."""
        super().custom_signup(request, user)
        display_name = self.cleaned_data.get("display_name", "")
        if display_name:
            user.display_name = display_name
            user.full_clean(exclude=["password"])
            user.save(update_fields=["display_name"])
        signup_consents_record(user=user, agreed=self.agreed_purposes())


class AddEmailForm(KrdsWidgetsMixin, account_forms.AddEmailForm):
    pass


class ChangePasswordForm(KrdsWidgetsMixin, account_forms.ChangePasswordForm):
    pass


class SetPasswordForm(KrdsWidgetsMixin, account_forms.SetPasswordForm):
    pass


class ResetPasswordForm(KrdsWidgetsMixin, account_forms.ResetPasswordForm):
    pass


class ResetPasswordKeyForm(KrdsWidgetsMixin, account_forms.ResetPasswordKeyForm):
    pass


class ReauthenticateForm(KrdsWidgetsMixin, account_forms.ReauthenticateForm):
    pass


class MFAAuthenticateForm(KrdsWidgetsMixin, mfa_base_forms.AuthenticateForm):
    pass


class MFAReauthenticateForm(KrdsWidgetsMixin, mfa_base_forms.ReauthenticateForm):
    pass


class ActivateTOTPForm(KrdsWidgetsMixin, totp_forms.ActivateTOTPForm):
    pass


class DeactivateTOTPForm(KrdsWidgetsMixin, totp_forms.DeactivateTOTPForm):
    pass


class GenerateRecoveryCodesForm(KrdsWidgetsMixin, recovery_forms.GenerateRecoveryCodesForm):
    pass


class AccountDeleteForm(KrdsWidgetsMixin, forms.Form):
    """Confirm deleting one's account (회원 탈퇴) with the current password and a tick."""

    password = forms.CharField(
        label=_("현재 비밀번호"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label=_("탈퇴하면 되돌릴 수 없다는 것을 확인했습니다."),
        required=True,
        error_messages={"required": _("확인란에 표시해 주세요.")},
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("비밀번호가 맞지 않습니다."), code="incorrect_password")
        return str(password)
