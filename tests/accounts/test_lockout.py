"""Password spraying: many usernames from one address lock that address
(hanjari.accounts.lockout), while the per-username lock stays as it was."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from tests.factories import UserFactory

PASSWORD = "correct-horse-battery"


def _login(client, username: str, password: str, ip: str):
    return client.post(
        reverse("accounts:login"),
        {"login": username, "password": password},
        REMOTE_ADDR=ip,
    )


def test_settings_lock_by_address_across_usernames():
    assert settings.AXES_HANDLER == "hanjari.accounts.lockout.AddressLimitHandler"
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.HANJARI_LOGIN_IP_FAILURE_LIMIT == 20


def test_spraying_many_usernames_from_one_address_locks_the_address(client, db):
    victim = UserFactory(username="victim", password=PASSWORD)
    # 20 usernames, one wrong password each: no username reaches its own limit of 5.
    for n in range(19):
        response = _login(client, f"user{n:02d}", "Spring2026!", ip="203.0.113.7")
        assert response.status_code == 200, n
    response = _login(client, "user19", "Spring2026!", ip="203.0.113.7")
    assert response.status_code == 429
    assert "로그인이 잠시 잠겼습니다" in response.content.decode()
    # Locked: even a right password from that address is refused.
    response = _login(client, "victim", PASSWORD, ip="203.0.113.7")
    assert response.status_code == 429
    assert SESSION_KEY not in client.session
    # Another address is not locked.
    response = _login(client, "victim", PASSWORD, ip="198.51.100.9")
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(victim.pk)


def test_a_few_failures_from_one_address_do_not_lock_it(client, db):
    colleague = UserFactory(username="colleague", password=PASSWORD)
    for n in range(4):
        assert _login(client, f"someone{n}", "typo", ip="203.0.113.8").status_code == 200
    for n in range(4):
        assert _login(client, "colleague", f"typo-{n}", ip="203.0.113.8").status_code == 200
    response = _login(client, "colleague", PASSWORD, ip="203.0.113.8")
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(colleague.pk)


def test_the_per_username_lock_still_applies(client, db):
    UserFactory(username="target", password=PASSWORD)
    for n in range(4):
        assert _login(client, "target", f"wrong-{n}", ip="203.0.113.9").status_code == 200
    assert _login(client, "target", "wrong-5", ip="203.0.113.9").status_code == 429
    assert _login(client, "target", PASSWORD, ip="203.0.113.9").status_code == 429
    # Another username from the same address is not locked by it.
    UserFactory(username="other", password=PASSWORD)
    assert _login(client, "other", PASSWORD, ip="203.0.113.9").status_code == 302


def test_behind_the_proxy_the_lock_is_per_client_not_for_the_proxy(client, db, settings):
    """Adversarial review: behind a proxy axes counted REMOTE_ADDR (the proxy), so 20
    failures from one client locked every visitor out."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    victim = UserFactory(username="victim", password=PASSWORD)

    def via_proxy(username, password, forwarded):
        return client.post(
            reverse("accounts:login"),
            {"login": username, "password": password},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=forwarded,
        )

    for n in range(20):
        via_proxy(f"user{n:02d}", "Spring2026!", "198.51.100.66")
    assert via_proxy("victim", PASSWORD, "198.51.100.66").status_code == 429
    response = via_proxy("victim", PASSWORD, "203.0.113.200")
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(victim.pk)


ADDRESS_TEXT = (
    "이 인터넷 주소(IP)에서 여러 아이디로 로그인에 20번 실패해 15분 동안 "
    "이 주소에서는 어느 아이디로도 로그인할 수 없습니다."
)
PAIR_TEXT = "로그인에 5번 실패해 15분 동안 이 인터넷 주소(IP)에서 이 아이디로 로그인할 수 없습니다."


def test_the_locked_out_page_says_which_lock_it_is(client, db):
    """The address lock (20 failures over many usernames) is not described as a lock on
    one username, and the username lock not as a lock on the address."""
    for n in range(20):
        response = _login(client, f"user{n:02d}", "Spring2026!", ip="203.0.113.10")
    assert response.status_code == 429
    html = response.content.decode()
    assert ADDRESS_TEXT in html and "이 아이디로 로그인할" not in html
    # The same page for any username that address tries next.
    html = _login(client, "someone-else", "x", ip="203.0.113.10").content.decode()
    assert ADDRESS_TEXT in html

    for n in range(5):
        response = _login(client, "target", f"wrong-{n}", ip="203.0.113.11")
    assert response.status_code == 429
    html = response.content.decode()
    assert PAIR_TEXT in html and "어느 아이디로도" not in html


def test_without_a_cool_off_the_page_says_to_ask_the_centre(client, db, settings):
    settings.AXES_COOLOFF_TIME = None
    for n in range(20):
        response = _login(client, f"user{n:02d}", "Spring2026!", ip="203.0.113.12")
    assert response.status_code == 429
    assert (
        "이 인터넷 주소(IP)에서 여러 아이디로 로그인에 20번 실패해 이 주소에서는 어느 "
        "아이디로도 로그인할 수 없습니다. 센터에 문의해 주세요."
    ) in response.content.decode()
    for n in range(5):
        response = _login(client, "target", f"wrong-{n}", ip="203.0.113.13")
    assert response.status_code == 429
    assert (
        "로그인에 5번 실패해 이 인터넷 주소(IP)에서 이 아이디로 로그인할 수 없습니다. "
        "센터에 문의해 주세요."
    ) in response.content.decode()


def test_a_username_longer_than_the_model_allows_is_a_form_error(client, db):
    """Form fuzz on PostgreSQL: a 1,000-character username reached django-axes, which
    stores it in a 255-character column (DataError, 500)."""
    response = _login(client, "x" * 1000, "999999999999", ip="203.0.113.20")
    assert response.status_code == 200
    assert "150" in response.content.decode()
    assert SESSION_KEY not in client.session
