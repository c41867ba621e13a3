"""django-allauth hooks (계정 어댑터): Hanjari's addresses, links and login stages.

- the client's address is `hanjari.core.http.client_ip`, as every other rate limit
  reads it (behind the announced proxy, the hop it added);
- links in e-mails start with `HANJARI_SITE_URL` (mails may be read far from the request
  that sent them) and name the site `HANJARI_SITE_NAME`;
- e-mail verification is required of every account that has an address; an account
  made by centre staff on the command line without one (`manage.py
  create_demo_staff`) signs in with its password (`EmailVerificationStage`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from allauth.account import stages
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress, EmailConfirmation
from allauth.account.utils import user_email
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from hanjari.core.http import client_ip

# The address allauth records when the request carries none (a test client, a local
# socket): its rate limits and session list need one.
UNKNOWN_ADDRESS = "0.0.0.0"  # noqa: S104 — a value stored, never bound


@dataclass(frozen=True)
class SiteName:
    """What allauth's mail templates read as ``current_site``: the site's name and its
    public host (from `HANJARI_SITE_URL`)."""

    name: str
    domain: str


def site_link(path: str) -> str:
    """`path` (starting with "/") on the public site address `HANJARI_SITE_URL`."""
    return f"{settings.HANJARI_SITE_URL}{path}"


class AccountAdapter(DefaultAccountAdapter):
    """allauth's account adapter with Hanjari's addresses, links and login stages."""

    def get_client_ip(self, request: HttpRequest) -> str:
        """The client's address (`hanjari.core.http.client_ip`), or `UNKNOWN_ADDRESS`."""
        return client_ip(request) or UNKNOWN_ADDRESS

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """Whether sign-up is open (`HANJARI_SIGNUP_OPEN`, True by default)."""
        return bool(getattr(settings, "HANJARI_SIGNUP_OPEN", True))

    def get_email_confirmation_url(
        self, request: HttpRequest, emailconfirmation: EmailConfirmation
    ) -> str:
        """The verification link sent by e-mail, on `HANJARI_SITE_URL`."""
        return site_link(reverse("account_confirm_email", args=[emailconfirmation.key]))

    def get_reset_password_from_key_url(self, key: str) -> str:
        """The password-reset link sent by e-mail, on `HANJARI_SITE_URL`."""
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return site_link(path.replace("UID-KEY", quote(key)))

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """allauth's mail with ``current_site`` naming Hanjari (`HANJARI_SITE_NAME`, the
        host of `HANJARI_SITE_URL`) instead of the request's host."""
        site = SiteName(
            name=settings.HANJARI_SITE_NAME,
            domain=urlsplit(settings.HANJARI_SITE_URL).netloc,
        )
        super().send_mail(template_prefix, email, {"current_site": site, **context})

    def get_login_stages(self) -> list[str]:
        """allauth's stages with its e-mail verification stage replaced by ours."""
        ours = f"{EmailVerificationStage.__module__}.{EmailVerificationStage.__qualname__}"
        return [
            ours if path == "allauth.account.stages.EmailVerificationStage" else path
            for path in super().get_login_stages()
        ]


class EmailVerificationStage(stages.EmailVerificationStage):
    """allauth's mandatory verification, except for an account with no e-mail address
    at all: nobody can sign up without one, so such an account was made by centre
    staff (`manage.py create_demo_staff`, the admin) and signs in with its password."""

    def handle(self) -> Any:
        user = self.login.user
        if (
            not self.login.email
            and not user_email(user)
            and not EmailAddress.objects.filter(user_id=user.pk).exists()
        ):
            return None, True
        return super().handle()
