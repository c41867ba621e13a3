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
