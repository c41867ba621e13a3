"""Sign-up (django-allauth) with the consents asked one purpose at a time, e-mail
verification, and sign-in by username or e-mail address afterwards."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.core.cache import caches
from django.urls import reverse
from django.utils.html import escape

from hanjari.accounts import consents
from hanjari.accounts.models import Consent, User
from hanjari.core.models import AuditEntry
from tests.accounts.conftest import PASSWORD, login, mailed_link, path_of, signup_data


def test_signup_page_asks_each_purpose_separately(client, db):
    html = client.get(reverse("account_signup")).content.decode()
    assert '<h1 class="hj-page-title">회원가입</h1>' in html
    for name in ("email", "username", "password1", "password2", "display_name"):
        assert f'name="{name}"' in html
    # one checkbox per purpose, each with its own text; required first, then optional
    account = consents.current_text(consents.ACCOUNT)
    newsletter = consents.current_text(consents.NEWSLETTER)
    assert html.index(str(account.title)) < html.index(str(newsletter.title))
    assert 'name="consent_account"' in html and 'name="consent_newsletter"' in html
    assert html.count("위 내용에 동의합니다. (필수)") == 1
    assert html.count("위 내용에 동의합니다. (선택)") == 1
    for heading in ("수집·이용 목적", "수집 항목", "보유·이용 기간", "동의를 거부할 권리"):
        assert html.count(f"<dt>{heading}</dt>") == 2
    assert escape(str(account.retention)) in html
    assert "안내문 2026-12판" in html
    assert 'name="age_14"' in html


def test_signup_without_the_required_consent_is_refused(client, db):
    response = client.post(reverse("account_signup"), signup_data(consent_account=None))
    assert response.status_code == 200
    html = response.content.decode()
    assert "필수 동의 항목입니다. 동의해야 가입할 수 있습니다." in html
    assert "<title>오류: " in html
    assert not User.objects.filter(username="kim").exists()
    assert not mail.outbox


def test_signup_without_the_age_check_is_refused(client, db):
    response = client.post(reverse("account_signup"), signup_data(age_14=None))
    assert "만 14세 이상만 가입할 수 있습니다." in response.content.decode()
    assert not User.objects.exists()


def test_signup_records_what_was_agreed_and_mails_a_link(client, db, settings):
    settings.HANJARI_SITE_URL = "https://hanjari.example.kr"
    response = client.post(reverse("account_signup"), signup_data(consent_newsletter="on"))
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(username="kim")
    assert user.display_name == "김한자"
    address = EmailAddress.objects.get(user=user)
    assert (address.email, address.verified, address.primary) == ("kim@example.org", False, True)
    rows = {c.purpose: c for c in Consent.objects.filter(user=user)}
    assert set(rows) == {"account", "newsletter"}
    assert rows["account"].required and not rows["newsletter"].required
    assert rows["account"].version == "2026-12"
    assert rows["account"].text.startswith("[필수] 회원 가입·관리를 위한")
    assert "보유·이용 기간: 회원 탈퇴 때까지" in rows["account"].text
    assert rows["account"].agreed_at is not None and rows["account"].withdrawn_at is None
    entry = AuditEntry.objects.get(action="accounts.consents.recorded")
    assert entry.data == {"consents": {"account": "2026-12", "newsletter": "2026-12"}}
    # The verification mail: one, to the address, with a link on the public site address.
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["kim@example.org"]
    assert message.subject.startswith("[한자리] ")
    link = mailed_link(message)
    assert link.startswith("https://hanjari.example.kr/accounts/confirm-email/")


def test_optional_consent_not_ticked_is_not_recorded(client, db):
    client.post(reverse("account_signup"), signup_data())
    user = User.objects.get(username="kim")
    assert list(Consent.objects.filter(user=user).values_list("purpose", flat=True)) == ["account"]


def test_login_waits_for_the_verification_then_works_by_username_and_email(client, db):
    client.post(reverse("account_signup"), signup_data())
    client.logout()
    link = mailed_link(mail.outbox[-1])
    # Not verified yet: the password is right but the answer is "check your mail".
    response = login(client, "kim")
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert SESSION_KEY not in client.session
    # The link shows a confirmation page; confirming (POST) verifies the address.
    page = client.get(path_of(link))
    assert page.status_code == 200
    assert "kim@example.org" in page.content.decode()
    confirmed = client.post(path_of(link))
    assert confirmed.status_code == 302
    assert EmailAddress.objects.get(email="kim@example.org").verified
    client.logout()
    # By username …
    response = login(client, "kim")
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.session[SESSION_KEY] == str(User.objects.get(username="kim").pk)
    client.post(reverse("accounts:logout"))
    # … and by e-mail address (any case).
    response = login(client, "Kim@Example.org")
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert SESSION_KEY in client.session


def test_an_account_made_without_an_address_signs_in_with_its_password(client, db):
    """Centre staff made on the command line (create_demo_staff) have no address: no
    verification can be asked of them."""
    User.objects.create_user(username="made-by-staff", password=PASSWORD)
    response = login(client, "made-by-staff")
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_a_taken_address_is_not_revealed(client, verified_user):
    """Sign-up with an address already in use looks the same as any sign-up (no account
    enumeration); the owner of the address gets a mail saying so (once per address within
    allauth's cool-down, counted in the default cache: emptied here, the verification
    mail of the fixture was just sent)."""
    caches["default"].clear()
    response = client.post(
        reverse("account_signup"), signup_data(username="someone-else", email="kim@example.org")
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert not User.objects.filter(username="someone-else").exists()
    assert mail.outbox[-1].to == ["kim@example.org"]


def test_signup_is_rate_limited_in_the_shared_cache(client, db, settings):
    """allauth counts sign-ups per address in Django's default cache, the one every
    server process shares (the database cache or Redis in production,
    tests/test_settings_security.py)."""
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "2/h/ip"}
    for n in range(2):
        response = client.post(
            reverse("account_signup"),
            signup_data(username=f"user{n}", email=f"user{n}@example.org"),
            REMOTE_ADDR="198.51.100.5",
        )
        assert response.status_code == 302, n
    response = client.post(
        reverse("account_signup"),
        signup_data(username="user2", email="user2@example.org"),
        REMOTE_ADDR="198.51.100.5",
    )
    assert response.status_code == 429
    assert "요청이 너무 많습니다" in response.content.decode()
    assert not User.objects.filter(username="user2").exists()
    # Another address is not limited by it.
    response = client.post(
        reverse("account_signup"),
        signup_data(username="user3", email="user3@example.org"),
        REMOTE_ADDR="198.51.100.6",
    )
    assert response.status_code == 302
    # The count lives in the default cache: emptied, the address may sign up again.
    caches["default"].clear()
    response = client.post(
        reverse("account_signup"),
        signup_data(username="user2", email="user2@example.org"),
        REMOTE_ADDR="198.51.100.5",
    )
    assert response.status_code == 302


def test_default_signup_rate_is_per_address(settings):
    assert settings.ACCOUNT_RATE_LIMITS["signup"] == "10/h/ip"
    assert settings.ACCOUNT_RATE_LIMITS["login_failed"] is None  # django-axes counts those


def test_header_links_for_visitors_and_members(client, verified_user):
    html = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("account_signup")}"' in html and ">회원가입<" in html
    assert ">로그인<" in html and ">내 계정<" not in html
    client.force_login(verified_user)
    html = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("accounts:home")}"' in html and ">내 계정<" in html
    assert ">로그아웃<" in html and ">회원가입<" not in html
    assert "김한자" in html


def test_english_signup_page(client, db):
    html = client.get(reverse("account_signup"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    # allauth's own strings come in English from its catalogue
    assert 'lang="en"' in html
    assert "Password" in html
