"""Login lockout (django-axes) per username and address, and per address alone.

django-axes locks a username+address pair after `AXES_FAILURE_LIMIT` failures (5)
within `AXES_COOLOFF_TIME`. Password spraying — one address trying a few passwords on
many usernames — never reaches that limit on any one pair, so this handler also locks
an address once its failures across all usernames within the cool-off reach
`HANJARI_LOGIN_IP_FAILURE_LIMIT` (20 by default: higher than the pair's limit, so a
few colleagues behind one office address who mistype are not all locked out). The
lock ends with the cool-off like axes' own; the locked-out page and signals are axes'.
"""

from __future__ import annotations

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


def address_failures(ip_address: str, request: HttpRequest | None = None) -> int:
    """Failed logins from `ip_address` within the cool-off, over every username."""
    if not ip_address:
        return 0
    attempts = AccessAttempt.objects.filter(
        ip_address=ip_address, attempt_time__gte=get_cool_off_threshold(request)
    )
    return int(attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0)


class AddressLimitHandler(AxesDatabaseHandler):
    """axes' database handler plus the per-address limit (see the module docstring).

    axes compares `get_failures` with `AXES_FAILURE_LIMIT` both when a login fails
    and before one is tried; an address over its own limit counts as at the limit."""

    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        failures = int(super().get_failures(request, credentials))
        limit = int(getattr(settings, "HANJARI_LOGIN_IP_FAILURE_LIMIT", 20))
        ip_address = getattr(request, "axes_ip_address", "") or ""
        if limit > 0 and address_failures(ip_address, request) >= limit:
            return max(failures, get_failure_limit(request, credentials))
        return failures
