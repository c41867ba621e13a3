"""Two-factor sign-in for staff (관리자 2단계 인증): centre staff and council admins must
turn on an authenticator app (TOTP, django-allauth's MFA) before they use the staff
pages.

`StaffMFAMiddleware` sends such a user who has no authenticator app from a staff page
to the set-up page (``mfa_activate_totp``) with a message; other pages, and every page
for everyone else, are untouched. Staff pages are the paths under
`HANJARI_STAFF_MFA_PATHS` (``/staff/``, the Django admin ``/admin/``) and the views
whose URL names match `HANJARI_STAFF_MFA_VIEWS` (shell-style patterns such as
``registry:import*``; council member management is ``registry:council-members``). An
app that adds a staff page outside those paths adds its URL name there.
Any write (a POST …) by such a user is held the same way, wherever it goes, except to
`EXEMPT_VIEWS` (signing in and out, their own account, two-factor set-up): staff and
council admins use their powers on ordinary pages too (another organisation's members
page, its profile, council endorsements). `HANJARI_STAFF_MFA_REQUIRED` = False turns
the requirement off (the test settings do, except in the tests of this feature).
"""

from __future__ import annotations

from collections.abc import Callable
from fnmatch import fnmatchcase
from typing import Any

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from hanjari.core.http import is_htmx

from .models import CouncilRole, User

DEFAULT_PATHS = ("/staff/", "/admin/")
DEFAULT_VIEWS = (
    "registry:council-members",
    "membership:join-request-decide",
    "claims:endorse*",
    "registry:import*",
    "registry:merge-*",
    "registry:organization-history",
    "news:moderation",
    "news:comment-moderate",
    "news:import",
    "news:article-preview",
    "news:article-edit",
    "news:article-transition",
    "news:photo-add",
    "events:event-new",
    "events:event-edit",
    "events:programme-edit",
    "events:booths-edit",
    "events:attendance",
    "events:manage",
    "events:registrations-csv",
    "events:badges",
    "events:registration-decide",
    "events:checkin*",
)


def needs_two_factor(user: Any) -> bool:
    """Whether `user` must use two-factor sign-in on staff pages: an active centre staff
    member (센터 관리자) or council admin (협의회 관리자)."""
    if not isinstance(user, User) or not user.is_authenticated or not user.is_active:
        return False
    return user.is_centre_staff or CouncilRole.objects.filter(user=user).exists()


def has_totp(user: User) -> bool:
    """Whether `user` has turned on an authenticator app (TOTP)."""
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


# Views a person without an authenticator app must still reach: signing in and out,
# their own account, turning two-factor on, and the language switch.
EXEMPT_VIEWS = ("account_*", "mfa_*", "usersessions_*", "accounts:*", "set_language")


def is_exempt(request: HttpRequest) -> bool:
    """Whether the request is for a view in `EXEMPT_VIEWS` (see the module docstring)."""
    match = getattr(request, "resolver_match", None)
    name = match.view_name if match is not None else ""
    return bool(name) and any(fnmatchcase(name, pattern) for pattern in EXEMPT_VIEWS)


def is_staff_page(request: HttpRequest) -> bool:
    """Whether the request is for a staff page (see the module docstring)."""
    paths = getattr(settings, "HANJARI_STAFF_MFA_PATHS", DEFAULT_PATHS)
    if any(request.path_info.startswith(p) for p in paths):
        return True
    match = getattr(request, "resolver_match", None)
    name = match.view_name if match is not None else ""
    views = getattr(settings, "HANJARI_STAFF_MFA_VIEWS", DEFAULT_VIEWS)
    return bool(name) and any(fnmatchcase(name, pattern) for pattern in views)


class StaffMFAMiddleware:
    """Send staff and council admins without an authenticator app from the staff pages
    to its set-up page (see the module docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponseBase | None:
        if not getattr(settings, "HANJARI_STAFF_MFA_REQUIRED", True):
            return None
        user = getattr(request, "user", None)
        if not needs_two_factor(user):
            return None
        # Staff pages, and any write: a staff member or council admin acts with their
        # powers on ordinary pages too (another organisation's members, its profile).
        writes = request.method not in ("GET", "HEAD", "OPTIONS", "TRACE")
        if not (is_staff_page(request) or (writes and not is_exempt(request))):
            return None
        assert isinstance(user, User)  # noqa: S101 — needs_two_factor checked it
        if has_totp(user):
            return None
        messages.warning(
            request,
            _(
                "관리자 화면을 쓰려면 먼저 2단계 인증(인증 앱)을 켜야 합니다. "
                "휴대전화의 인증 앱으로 아래 QR 코드를 찍고 6자리 코드를 넣어 주세요."
            ),
        )
        target = reverse("mfa_activate_totp")
        if is_htmx(request):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return HttpResponseRedirect(target)
