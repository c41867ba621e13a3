"""Account pages of our own (내 계정): the overview, consents, the data download and
account deletion. Sign-in, sign-up, e-mail, password, two-factor and sessions are
django-allauth's views (config/urls.py), styled by the templates under
hanjari/templates/account, mfa and usersessions."""

from __future__ import annotations

import json
from typing import Any

from allauth.account.models import EmailAddress
from allauth.account.views import login as allauth_login
from allauth.account.views import logout as allauth_logout
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_POST

from hanjari.accounts.actors import acting_user
from hanjari.core.audit import log_action
from hanjari.core.http import rate_allows

from . import consents as texts
from . import rules, selectors, services
from .forms import AccountDeleteForm
from .models import User

# Sign-in and sign-out under the names the site has always used (accounts:login,
# accounts:logout); allauth's own names (account_login, account_logout) reverse to the
# same addresses. Signing out is POST only, as before (a link cannot sign anyone out).
login_view = allauth_login
logout_view = require_POST(allauth_logout)

EXPORT_LIMIT = 10  # downloads per user per hour
DELETE_LIMIT = 5  # password tries per user per 15 minutes


def _user(request: HttpRequest) -> User:
    user = acting_user(request.user)
    if user is None:  # LoginRequiredMixin let only signed-in users through
        raise Http404
    return user


class AccountHomeView(LoginRequiredMixin, View):
    """내 계정: the account's address, two-factor state, sessions and links to every
    account page."""

    def get(self, request: HttpRequest) -> HttpResponse:
        user = _user(request)
        context = {
            "emails": EmailAddress.objects.filter(user=user).order_by("-primary", "id"),
            "has_totp": Authenticator.objects.filter(
                user=user, type=Authenticator.Type.TOTP
            ).exists(),
            "session_count": UserSession.objects.filter(user=user).count(),
            "delete_refusal": rules.account_delete_refusal(user),
        }
        return render(request, "accounts/home.html", context)


class ConsentsView(LoginRequiredMixin, View):
    """동의 내역: each purpose with the consent in force, withdraw and agree buttons for
    optional ones, and the history of every consent given."""

    def get(self, request: HttpRequest, status: int = 200) -> HttpResponse:
        user = _user(request)
        context = {
            "rows": selectors.consent_rows(user),
            "history": selectors.consent_history(user),
        }
        return render(request, "accounts/consents.html", context, status=status)


class _ConsentActionView(LoginRequiredMixin, View):
    def act(self, user: User, purpose: str) -> str:
        raise NotImplementedError

    def post(self, request: HttpRequest, purpose: str) -> HttpResponseBase:
        user = _user(request)
        if purpose not in texts.CURRENT:
            raise Http404
        try:
            message = self.act(user, purpose)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return ConsentsView().get(request, status=400)
        messages.success(request, message)
        return redirect("accounts:consents")


class ConsentWithdrawView(_ConsentActionView):
    """Withdraw an optional consent (POST): see `services.consent_withdraw`."""

    def act(self, user: User, purpose: str) -> str:
        services.consent_withdraw(user=user, purpose=purpose, by=user)
        return _("동의를 철회했습니다.")


class ConsentAgreeView(_ConsentActionView):
    """Agree again to an optional purpose (POST): see `services.consent_agree`."""

    def act(self, user: User, purpose: str) -> str:
        services.consent_agree(user=user, purpose=purpose, by=user)
        return _("동의했습니다.")


class DataExportView(LoginRequiredMixin, View):
    """내 정보 내려받기: the signed-in user's own data as a JSON file
    (`selectors.personal_data_export`), at most `EXPORT_LIMIT` times an hour."""

    def get(self, request: HttpRequest) -> HttpResponse:
        user = _user(request)
        if not rate_allows(f"accounts:export:{user.pk}", limit=EXPORT_LIMIT, window=3600):
            return render(request, "429.html", status=429)
        data = selectors.personal_data_export(user)
        log_action("accounts.data.exported", user=user, target=user)
        body = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        stamp = timezone.localdate().strftime("%Y%m%d")
        response["Content-Disposition"] = f'attachment; filename="hanjari-my-data-{stamp}.json"'
        response["Cache-Control"] = "no-store"
        return response


class AccountDeleteView(LoginRequiredMixin, View):
    """회원 탈퇴: confirm with the password; the account is anonymised
    (`services.account_delete`) and the person signed out."""

    template_name = "accounts/delete.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        user = _user(request)
        context = {
            "form": AccountDeleteForm(user=user),
            "refusal": rules.account_delete_refusal(user),
        }
        return render(request, self.template_name, context)

    def post(self, request: HttpRequest) -> HttpResponseBase:
        user = _user(request)
        refusal = rules.account_delete_refusal(user)
        form = AccountDeleteForm(request.POST, user=user)
        if refusal is not None:
            raise PermissionDenied(refusal.message)
        if not rate_allows(f"accounts:delete:{user.pk}", limit=DELETE_LIMIT, window=900):
            return render(request, "429.html", status=429)
        if not form.is_valid():
            context: dict[str, Any] = {"form": form, "refusal": None}
            return render(request, self.template_name, context, status=400)
        services.account_delete(user=user, by=user)
        logout(request)
        messages.success(request, _("탈퇴했습니다. 그동안 이용해 주셔서 고맙습니다."))
        return redirect("home")
