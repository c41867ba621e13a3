"""Password reset, e-mail change with re-verification, and the list of one's sessions
with "sign out the other sessions" (django-allauth, in the site's layout)."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.usersessions.models import UserSession
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from tests.accounts.conftest import PASSWORD, login, mailed_link, path_of


def test_password_reset_by_mailed_link(client, verified_user, settings):
    settings.HANJARI_SITE_URL = "https://hanjari.example.kr"
    page = client.get(reverse("account_reset_password"))
    assert page.status_code == 200
    assert 'class="krds-input"' in page.content.decode()
    response = client.post(reverse("account_reset_password"), {"email": "kim@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")
    assert len(mail.outbox) == 1
    link = mailed_link(mail.outbox[0])
    assert link.startswith("https://hanjari.example.kr/accounts/password/reset/key/")
    # The link leads (through a redirect that hides the key) to the new-password form.
    response = client.get(path_of(link))
    assert response.status_code == 302
    form_url = response["Location"]
    new = "Hanjari-new-pass-8"
    response = client.post(form_url, {"password1": new, "password2": new})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_from_key_done")
    verified_user.refresh_from_db()
    assert verified_user.check_password(new)
    assert login(client, "kim", new).status_code == 302
    assert SESSION_KEY in client.session


def test_password_reset_for_an_unknown_address_looks_the_same_and_mails_nobody(client, db):
    response = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")
    assert not mail.outbox


def test_email_change_needs_the_new_address_verified(client, verified_user):
    client.force_login(verified_user)
    page = client.get(reverse("account_email"))
    assert page.status_code == 200
    assert "kim@example.org" in page.content.decode()
    caches["default"].clear()
    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "kim.new@example.org"}
    )
    assert response.status_code == 302
    new = EmailAddress.objects.get(email="kim.new@example.org")
    assert (new.verified, new.primary) == (False, False)
    # Until the new address is verified, the old one stays the account's address.
    old = EmailAddress.objects.get(email="kim@example.org")
    assert old.primary and old.verified
    message = mail.outbox[-1]
    assert message.to == ["kim.new@example.org"]
    client.post(path_of(mailed_link(message)))
    # Verified: the new address replaces the old one, and the old one is told.
    assert list(
        EmailAddress.objects.filter(user=verified_user).values_list("email", "primary")
    ) == [("kim.new@example.org", True)]
    verified_user.refresh_from_db()
    assert verified_user.email == "kim.new@example.org"
    assert any(m.to == ["kim@example.org"] for m in mail.outbox)


def test_sessions_list_and_sign_out_the_other_sessions(verified_user):
    laptop, phone = Client(HTTP_USER_AGENT="Laptop/1.0"), Client(HTTP_USER_AGENT="Phone/2.0")
    assert login(laptop, "kim", PASSWORD, ip="10.2.0.1").status_code == 302
    assert login(phone, "kim", PASSWORD, ip="10.2.0.2").status_code == 302
    assert UserSession.objects.filter(user=verified_user).count() == 2
    html = laptop.get(reverse("usersessions_list")).content.decode()
    assert '<h1 class="hj-page-title">로그인한 기기</h1>' in html
    assert "Laptop/1.0" in html and "Phone/2.0" in html
    assert "10.2.0.1" in html and "10.2.0.2" in html
    assert html.count("지금 쓰는 기기") == 1
    assert "다른 기기에서 모두 로그아웃" in html
    response = laptop.post(reverse("usersessions_list"))
    assert response.status_code == 302
    # The phone is signed out; the laptop is not.
    assert phone.get(reverse("accounts:home")).status_code == 302
    assert laptop.get(reverse("accounts:home")).status_code == 200
    assert list(UserSession.objects.filter(user=verified_user).values_list("ip", flat=True)) == [
        "10.2.0.1"
    ]


def test_allauth_pages_use_the_site_layout(client, verified_user):
    client.force_login(verified_user)
    for name in ("account_email", "account_change_password", "mfa_index", "usersessions_list"):
        html = client.get(reverse(name)).content.decode()
        assert 'id="krds-header"' in html, name
        assert '<h1 class="hj-page-title">' in html, name
        assert "내 계정으로 돌아가기" in html, name
        assert '<meta name="robots" content="noindex">' in html, name
