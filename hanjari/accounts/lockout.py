"""Login lockout (django-axes) per username and address, and per address alone.

django-axes locks a username+address pair after `AXES_FAILURE_LIMIT` failures (5)
within `AXES_COOLOFF_TIME`. Password spraying — one address trying a few passwords on
many usernames — never reaches that limit on any one pair, so this handler also locks
an address once its failures across all usernames within the cool-off reach
`HANJARI_LOGIN_IP_FAILURE_LIMIT` (20 by default: higher than the pair's limit, so a
few colleagues behind one office address who mistype are not all locked out). The
lock ends with the cool-off like axes' own; the signals are axes'. The locked-out page
(`lockout_response`, axes' `AXES_LOCKOUT_CALLABLE`) says which of the two locks it is.

The login form (django-allauth's) takes a username or an e-mail address in one field;
`login_username` (axes' `AXES_USERNAME_CALLABLE`) counts both against the account's
username, so typing the address instead does not start a second count of five.
"""

from __future__ import annotations

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.conf import settings as axes_settings
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def login_username(request: Any, credentials: dict[str, Any] | None = None) -> str:
    """The username a login attempt counts against (axes' `AXES_USERNAME_CALLABLE`).

    Inputs: the request and, when axes has them, the credentials handed to
    ``authenticate`` (allauth passes ``username`` — and ``email`` when the login looks
    like an address); else the login form's ``login`` field. An e-mail address of an
    account stands for that account's username; anything else is counted as typed.
    Returns "" when the attempt names nobody. Never raises."""
    from allauth.account.models import EmailAddress

    from .models import User

    if credentials:
        value = credentials.get("username") or credentials.get("email") or ""
    else:
        data = getattr(request, "POST", None) or {}
        value = data.get("login") or data.get("username") or ""
    value = str(value).strip()
    if "@" in value:
        address = EmailAddress.objects.filter(email__iexact=value).select_related("user").first()
        if address is not None:
            return str(address.user.get_username())
        user = User.objects.filter(email__iexact=value).only("username").first()
        if user is not None:
            return str(user.get_username())
    return value


def address_failures(ip_address: str, request: HttpRequest | None = None) -> int:
    """Failed logins from `ip_address` within the cool-off (all of them when
    `AXES_COOLOFF_TIME` is None: axes' locks then last until reset), over every
    username."""
    if not ip_address:
        return 0
    attempts = AccessAttempt.objects.filter(ip_address=ip_address)
    if get_cool_off(request) is not None:
        attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
    return int(attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0)


class AddressLimitHandler(AxesDatabaseHandler):
    """axes' database handler plus the per-address limit (see the module docstring).

    axes compares `get_failures` with `AXES_FAILURE_LIMIT` both when a login fails
    and before one is tried; an address over its own limit counts as at the limit."""

    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        failures = int(super().get_failures(request, credentials))
        if address_locked(request):
            return max(failures, get_failure_limit(request, credentials))
        return failures


def address_limit() -> int:
    """`HANJARI_LOGIN_IP_FAILURE_LIMIT`: failed logins from one address, over every
    username, that lock the address (20 by default; 0 turns the address lock off)."""
    return int(getattr(settings, "HANJARI_LOGIN_IP_FAILURE_LIMIT", 20))


def address_locked(request: Any) -> bool:
    """Whether the request's address (``request.axes_ip_address``, set by axes) has
    reached `address_limit` failures within the cool-off, whatever the usernames."""
    limit = address_limit()
    ip_address = getattr(request, "axes_ip_address", "") or ""
    return limit > 0 and address_failures(ip_address, request) >= limit


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """The locked-out page (`AXES_LOCKOUT_CALLABLE`), with axes' status (429) and
    template context (``failure_limit``, ``username``, ``cooloff_timedelta``) plus
    ``by_address``: True when the whole address is locked (`address_locked`; the limit
    shown is then `address_limit`), False for axes' username+address lock."""
    by_address = address_locked(request)
    context: dict[str, Any] = {
        "by_address": by_address,
        "failure_limit": address_limit() if by_address else get_failure_limit(request, credentials),
        "username": get_client_username(request, credentials) or "",
        "cooloff_timedelta": get_cool_off(request),
    }
    return render(
        request,
        axes_settings.AXES_LOCKOUT_TEMPLATE,
        context,
        status=axes_settings.AXES_HTTP_RESPONSE_CODE,
    )
