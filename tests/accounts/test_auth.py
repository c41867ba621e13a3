"""Sign-in and sign-out, and the login rate limit (django-axes, config/settings/base.py).

The login form is django-allauth's: one field, ``login``, takes a username or an e-mail
address."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from tests.factories import UserFactory

PASSWORD = "pw-Hanjari-123"  # tests.factories.UserFactory


@pytest.fixture
def user(db):
    return UserFactory(username="hanjari_member")


def _login(client, username: str, password: str, ip: str = "10.0.0.1", **extra):
    return client.post(
        reverse("accounts:login"),
        {"login": username, "password": password, **extra},
        REMOTE_ADDR=ip,
    )


def test_login_page(client, db):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="hj-page-title">로그인</h1>' in html
    assert 'name="login"' in html
    assert 'name="password"' in html
    assert 'type="password"' in html
    assert re.search(r'<input type="text" name="login"[^>]*class="krds-input"', html)
    assert "csrfmiddlewaretoken" in html


def test_login_works_and_goes_home(client, user):
    response = _login(client, user.username, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.session[SESSION_KEY] == str(user.pk)
    html = client.get(reverse("home")).content.decode()
    assert "로그아웃" in html
    assert "hanjari_member" in html


def test_login_follows_a_safe_next_only(client, user):
    response = _login(client, user.username, PASSWORD, next="/organizations/")
    assert response["Location"] == "/organizations/"
    client.logout()
    response = _login(client, user.username, PASSWORD, next="https://evil.example/")
    assert response["Location"] == reverse("home")


def test_wrong_password_shows_the_form_again(client, user):
    response = _login(client, user.username, "wrong")
    assert response.status_code == 200
    assert SESSION_KEY not in client.session
    assert "아이디 또는 비밀번호가 올바르지 않습니다." in response.content.decode()


def test_logout_is_post_only(client, user):
    client.force_login(user)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert SESSION_KEY in client.session
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert SESSION_KEY not in client.session


def test_rate_limit_locks_after_five_failures(client, user):
    assert settings.AXES_FAILURE_LIMIT == 5
    for attempt in range(1, 5):
        response = _login(client, user.username, f"wrong-{attempt}")
        assert response.status_code == 200, attempt
    # The fifth failure reaches the limit: the answer is the locked-out page.
    response = _login(client, user.username, "wrong-5")
    assert response.status_code == 429
    html = response.content.decode()
    assert "로그인이 잠시 잠겼습니다" in html
    assert "로그인에 5번 실패해 15분 동안" in html
    # Locked: even the right password is refused, and no session starts.
    response = _login(client, user.username, PASSWORD)
    assert response.status_code == 429
    assert SESSION_KEY not in client.session
    # The lock is per username and address: the same user from elsewhere may sign in.
    other = _login(client, user.username, PASSWORD, ip="10.0.0.2")
    assert other.status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)


def test_successful_login_resets_the_failures(client, user):
    for attempt in range(4):
        assert _login(client, user.username, f"wrong-{attempt}").status_code == 200
    assert _login(client, user.username, PASSWORD).status_code == 302
    client.post(reverse("accounts:logout"))
    # Four more failures after a success do not lock.
    for attempt in range(4):
        assert _login(client, user.username, f"again-{attempt}").status_code == 200
    assert _login(client, user.username, PASSWORD).status_code == 302


def test_many_successful_logins_never_lock(client, user):
    for _ in range(8):
        assert _login(client, user.username, PASSWORD).status_code == 302
        client.post(reverse("accounts:logout"))


def test_logged_in_user_visiting_login_is_sent_home(client, user):
    client.force_login(user)
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_wrong_password_has_an_error_summary_with_the_message(client, user):
    """A non-field error is a plain item of the summary (nothing to link to), and
    is not repeated as an alert above the fields."""
    assert "data-hj-error-summary" not in client.get(reverse("accounts:login")).content.decode()
    html = _login(client, user.username, "wrong").content.decode()
    summary = html.split("data-hj-error-summary", 1)[1].split("</div>", 1)[0]
    assert "입력한 내용을 확인해 주세요" in summary
    assert "<li>아이디 또는 비밀번호가 올바르지 않습니다.</li>" in summary
    assert "href=" not in summary
    assert 'role="alert"' not in html
    assert "<title>오류: " in html
