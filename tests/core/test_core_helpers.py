"""The shared helpers in core: workflow tables, rate limits, client address, apply_fields."""

import pytest
from django.core.cache import cache
from django.test import RequestFactory, override_settings

from hanjari.core.http import client_ip, rate_allows
from hanjari.core.rules import Refusal, Step, allowed_steps
from hanjari.core.services import apply_fields
from hanjari.registry.models import Organization

STEPS = {
    "submit": Step(frozenset({"draft"}), "submitted", lambda actor, obj: actor == "author"),
    "approve": Step(frozenset({"submitted"}), "approved", lambda actor, obj: actor == "editor"),
    "return": Step(frozenset({"submitted", "approved"}), "draft", lambda a, o: a == "editor"),
}


@pytest.mark.parametrize(
    ("state", "actor", "expected"),
    [
        ("draft", "author", ["submit"]),
        ("draft", "editor", []),
        ("submitted", "editor", ["approve", "return"]),
        ("approved", "editor", ["return"]),
        ("approved", "author", []),
    ],
)
def test_allowed_steps_follow_the_table_in_order(state, actor, expected):
    assert allowed_steps(STEPS, state, actor, object()) == expected


def test_a_refusal_reads_as_its_message():
    refusal = Refusal("window", "신청 기간이 끝났습니다.")
    assert str(refusal) == "신청 기간이 끝났습니다."
    assert refusal.code == "window"


def test_rate_allows_counts_per_key_up_to_the_limit():
    cache.clear()
    assert [rate_allows("t:a", limit=3, window=60) for _ in range(5)] == [
        True,
        True,
        True,
        False,
        False,
    ]
    assert rate_allows("t:b", limit=3, window=60) is True


DATABASE_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "hanjari_test_rate_cache",
    }
}


@pytest.mark.django_db
@pytest.mark.parametrize("caches", [None, DATABASE_CACHE], ids=["test-cache", "database-cache"])
def test_rate_windows_last_as_long_as_asked(settings, caches):
    """With the database cache (the production default), an increment used to re-set
    the entry with the default timeout (300 s): a day's limit reset five minutes after
    the last action (found by trying to break the invitation limits)."""
    import datetime as dt

    import time_machine
    from django.core.cache import caches as all_caches
    from django.core.management import call_command
    from django.utils import timezone

    if caches is not None:
        settings.CACHES = caches
        call_command("createcachetable", verbosity=0)
    from django.core.cache import cache as current

    current.clear()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert rate_allows("t:day", limit=2, window=86400) is True
        assert rate_allows("t:day", limit=2, window=86400) is True
    with time_machine.travel(start + dt.timedelta(minutes=10), tick=False):
        assert rate_allows("t:day", limit=2, window=86400) is False  # still the same day
    with time_machine.travel(start + dt.timedelta(hours=23), tick=False):
        assert rate_allows("t:day", limit=2, window=86400) is False
    with time_machine.travel(start + dt.timedelta(hours=24, minutes=1), tick=False):
        assert rate_allows("t:day", limit=2, window=86400) is True  # a new window
    all_caches["default"].clear()


def test_client_ip_trusts_forwarded_for_only_behind_the_configured_proxy():
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 5.6.7.8"
    )
    assert client_ip(request) == "10.0.0.1"
    with override_settings(SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https")):
        assert client_ip(request) == "5.6.7.8"


def test_apply_fields_sets_and_reports_only_changes():
    org = Organization(name="두레", address="전주시")
    assert apply_fields(
        org, {"name": "두레", "address": "완주군"}, allowed=["name", "address"]
    ) == ["address"]
    assert org.address == "완주군"


def test_apply_fields_refuses_a_field_the_service_does_not_allow():
    org = Organization(name="두레")
    with pytest.raises(TypeError, match="representative"):
        apply_fields(org, {"representative": "홍길동"}, allowed=["name"])
    assert org.representative == ""
