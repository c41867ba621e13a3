"""The person's own data: consents (see, withdraw, agree again), the JSON download, and
account deletion (content kept as "탈퇴한 사용자", personal data erased)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from allauth.account.models import EmailAddress
from allauth.usersessions.models import UserSession
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hanjari.accounts import services
from hanjari.accounts.models import Consent, CouncilRole, Membership, User
from hanjari.accounts.personal_data import providers
from hanjari.core.models import AuditEntry
from hanjari.events.models import Event, Registration
from hanjari.news import services as news
from tests.accounts.conftest import PASSWORD, login
from tests.factories import CouncilRoleFactory, MembershipFactory, OrganizationFactory, UserFactory


@pytest.fixture
def kim(client, verified_user):
    client.force_login(verified_user)
    return verified_user


# --- consents -----------------------------------------------------------------------


def test_consents_page_lists_each_purpose_with_its_state(client, kim):
    html = client.get(reverse("accounts:consents")).content.decode()
    assert "[필수] 회원 가입·관리를 위한 개인정보 수집·이용 동의" in html
    assert "[선택] 소식·행사 안내 메일 받기를 위한 개인정보 수집·이용 동의" in html
    assert "에 동의함 (안내문 2026-12판)" in html  # the required one, at sign-up
    assert "동의하지 않음" in html  # the optional one was not ticked
    # no withdraw button for the required consent; an agree button for the optional
    assert reverse("accounts:consent-withdraw", args=["account"]) not in html
    assert reverse("accounts:consent-agree", args=["newsletter"]) in html


def test_withdraw_and_agree_again_keep_the_record(client, kim):
    response = client.post(reverse("accounts:consent-agree", args=["newsletter"]))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:consents")
    first = Consent.objects.get(user=kim, purpose="newsletter")
    assert first.withdrawn_at is None and first.version == "2026-12"
    html = client.get(reverse("accounts:consents")).content.decode()
    assert reverse("accounts:consent-withdraw", args=["newsletter"]) in html

    response = client.post(reverse("accounts:consent-withdraw", args=["newsletter"]))
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.withdrawn_at is not None
    assert "동의를 철회했습니다." in client.get(reverse("accounts:consents")).content.decode()
    entry = AuditEntry.objects.get(action="accounts.consent.withdrawn")
    assert (entry.user, entry.data) == (kim, {"purpose": "newsletter", "version": "2026-12"})

    # Agreeing again is a new row: the withdrawn one stays as the record.
    client.post(reverse("accounts:consent-agree", args=["newsletter"]))
    rows = list(Consent.objects.filter(user=kim, purpose="newsletter").order_by("id"))
    assert len(rows) == 2 and rows[0].withdrawn_at and rows[1].withdrawn_at is None
    html = client.get(reverse("accounts:consents")).content.decode()
    history = html.split('id="history-title"', 1)[1]
    assert history.count("[선택] 소식·행사 안내 메일") == 2


def test_the_required_consent_cannot_be_withdrawn(client, kim):
    response = client.post(reverse("accounts:consent-withdraw", args=["account"]))
    assert response.status_code == 400
    assert "필수 동의는 철회할 수 없습니다." in response.content.decode()
    assert Consent.objects.get(user=kim, purpose="account").withdrawn_at is None


def test_withdrawing_what_is_not_in_force_is_a_400(client, kim):
    response = client.post(reverse("accounts:consent-withdraw", args=["newsletter"]))
    assert response.status_code == 400
    assert "동의한 상태가 아닙니다." in response.content.decode()


def test_consent_services_act_only_for_the_user_themself(db, verified_user):
    other = UserFactory(username="other")
    with pytest.raises(PermissionDenied):
        services.consent_agree(user=verified_user, purpose="newsletter", by=other)
    with pytest.raises(PermissionDenied):
        services.consent_withdraw(user=verified_user, purpose="account", by=None)


# --- data download -------------------------------------------------------------------


def _event(**extra):
    today = timezone.localdate()
    values = {
        "title": "한마음 워크숍",
        "kind": Event.Kind.WORKSHOP,
        "status": Event.Status.OPEN,
        "start_date": today + dt.timedelta(days=20),
        "end_date": today + dt.timedelta(days=20),
        "venue_name": "전주시 사회적경제지원센터",
        "capacity": 50,
        "registration_opens_at": timezone.now() - dt.timedelta(days=1),
        "registration_closes_at": timezone.now() + dt.timedelta(days=10),
    }
    values.update(extra)
    return Event.objects.create(**values)


def _registration(event, user, **extra):
    values = {
        "event": event,
        "user": user,
        "person_name": "김한자",
        "contact_email": "kim@example.org",
        "contact_phone": "010-1234-5678",
        "accessibility_needs": "휠체어 좌석",
        "status": Registration.Status.CONFIRMED,
        "source": Registration.Source.WEB,
        "confirmed_at": timezone.now(),
    }
    values.update(extra)
    return Registration.objects.create(**values)


def test_data_download_holds_the_users_own_data(client, kim, staff):
    org = OrganizationFactory(name="가나다협동조합")
    MembershipFactory(user=kim, organization=org, role=Membership.Role.OWNER)
    article = news.article_publish(
        article=news.article_approve(
            article=news.article_submit(
                article=news.article_create(
                    by=staff, data={"headline": "워크숍 열려", "body_source": "본문."}
                ),
                by=staff,
            ),
            by=staff,
        ),
        by=staff,
    )
    news.comment_create(article=article, by=kim, body="응원합니다")
    _registration(_event(), kim)
    other = UserFactory(username="someone")
    news.comment_create(article=article, by=other, body="남의 댓글")

    response = client.get(reverse("accounts:data-export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="hanjari-my-data-')
    assert response["Cache-Control"] == "no-store"
    data = json.loads(response.content)
    assert data["format"] == "hanjari-personal-data/1"
    assert data["profile"]["username"] == "kim"
    assert data["profile"]["display_name"] == "김한자"
    assert data["emails"] == [{"email": "kim@example.org", "verified": True, "primary": True}]
    assert [c["purpose"] for c in data["consents"]] == ["account"]
    assert data["consents"][0]["text"].startswith("[필수] 회원 가입·관리를 위한")
    assert data["memberships"] == [
        {
            "organization_id": org.pk,
            "organization": "가나다협동조합",
            "role": "owner",
            "since": data["memberships"][0]["since"],
        }
    ]
    assert [c["body"] for c in data["apps"]["news"]["comments"]] == ["응원합니다"]
    registrations = data["apps"]["events.registrations"]
    assert len(registrations) == 1
    assert registrations[0]["contact_phone"] == "010-1234-5678"
    assert registrations[0]["event"] == "한마음 워크숍"
    # Nothing of anyone else, no secrets.
    body = response.content.decode()
    assert "남의 댓글" not in body and "someone" not in body
    assert "password" not in body and "pbkdf2" not in body and "md5$" not in body
    assert AuditEntry.objects.filter(action="accounts.data.exported", user=kim).count() == 1


def test_two_factor_secrets_are_never_in_the_download(client, kim):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = generate_totp_secret()
    TOTP.activate(kim, secret)
    codes = RecoveryCodes.activate(kim).get_unused_codes()
    body = client.get(reverse("accounts:data-export")).content.decode()
    data = json.loads(body)
    assert sorted(a["type"] for a in data["two_factor"]) == ["recovery_codes", "totp"]
    assert secret not in body
    assert not any(code in body for code in codes)


def test_data_download_is_rate_limited(client, kim):
    for _ in range(10):
        assert client.get(reverse("accounts:data-export")).status_code == 200
    assert client.get(reverse("accounts:data-export")).status_code == 429


def test_the_apps_register_their_personal_data():
    keys = ["claims", "events.registrations", "membership", "news"]
    assert [p.key for p in providers()] == keys
    erasers = {p.key: p.erase is not None for p in providers()}
    assert erasers == {
        "claims": True,
        "events.registrations": True,
        "membership": True,
        "news": False,
    }


# --- deletion ------------------------------------------------------------------------


def test_delete_page_explains_and_asks_for_the_password(client, kim):
    html = client.get(reverse("accounts:delete")).content.decode()
    assert '<h1 class="hj-page-title">회원 탈퇴</h1>' in html
    assert "'탈퇴한 사용자'로 표시됩니다" in html.replace("&#x27;", "'")
    assert 'name="password"' in html and 'name="confirm"' in html


def test_delete_with_a_wrong_password_is_refused(client, kim):
    response = client.post(reverse("accounts:delete"), {"password": "wrong", "confirm": "on"})
    assert response.status_code == 400
    assert "비밀번호가 맞지 않습니다." in response.content.decode()
    kim.refresh_from_db()
    assert kim.withdrawn_at is None and kim.is_active


def test_the_last_owner_of_an_organisation_with_members_cannot_delete(client, kim):
    """Deleting would leave the editors with no one to manage the organisation: the
    owner names another owner first (members page)."""
    org = OrganizationFactory(name="전주한옥마을협동조합")
    MembershipFactory(user=kim, organization=org, role=Membership.Role.OWNER)
    editor = MembershipFactory(organization=org, role=Membership.Role.EDITOR)
    page = client.get(reverse("accounts:delete")).content.decode()
    assert "전주한옥마을협동조합의 마지막 대표 관리자입니다." in page
    response = client.post(reverse("accounts:delete"), {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 403
    kim.refresh_from_db()
    assert kim.withdrawn_at is None
    # With a second owner (or no other member) the account can go.
    editor.role = Membership.Role.OWNER
    editor.save()
    response = client.post(reverse("accounts:delete"), {"password": PASSWORD, "confirm": "on"})
    assert response.status_code in (302, 303)
    kim.refresh_from_db()
    assert kim.withdrawn_at is not None


def test_delete_removes_the_users_claims_and_download_lists_them(client, kim):
    from hanjari.claims.models import Claim, Evidence
    from tests.claims.support import make_claim

    org = OrganizationFactory(name="전주한옥마을협동조합")
    claim = make_claim(user=kim, organization=org)
    data = json.loads(client.get(reverse("accounts:data-export")).content)
    assert [c["organization_name"] for c in data["apps"]["claims"]["claims"]] == [
        "전주한옥마을협동조합"
    ]
    assert Evidence.objects.filter(claim=claim).count() == 1
    response = client.post(reverse("accounts:delete"), {"password": PASSWORD, "confirm": "on"})
    assert response.status_code in (302, 303)
    assert not Claim.objects.exists() and not Evidence.objects.exists()


def test_delete_removes_pending_invitations_to_the_users_address(client, kim):
    from hanjari.membership.models import Invitation

    org = OrganizationFactory()
    owner = MembershipFactory(organization=org, role=Membership.Role.OWNER).user
    Invitation.objects.create(
        organization=org,
        email="kim@example.org",
        role="editor",
        invited_by=owner,
        token_hash="a" * 64,
        expires_at=timezone.now() + dt.timedelta(days=3),
    )
    other = Invitation.objects.create(
        organization=org,
        email="lee@example.kr",
        role="editor",
        invited_by=owner,
        token_hash="b" * 64,
        expires_at=timezone.now() + dt.timedelta(days=3),
    )
    response = client.post(reverse("accounts:delete"), {"password": PASSWORD, "confirm": "on"})
    assert response.status_code in (302, 303)
    assert list(Invitation.objects.values_list("pk", flat=True)) == [other.pk]


def test_delete_keeps_content_as_a_withdrawn_user_and_erases_personal_data(client, kim, staff):
    org = OrganizationFactory()
    MembershipFactory(user=kim, organization=org)
    CouncilRoleFactory(user=kim)
    article = news.article_publish(
        article=news.article_approve(
            article=news.article_submit(
                article=news.article_create(
                    by=staff, data={"headline": "워크숍 열려", "body_source": "본문."}
                ),
                by=staff,
            ),
            by=staff,
        ),
        by=staff,
    )
    comment = news.comment_create(article=article, by=kim, body="응원합니다")
    coming = _registration(_event(capacity=1), kim)
    waiting = _registration(
        coming.event,
        UserFactory(username="waiting"),
        person_name="박대기",
        status=Registration.Status.WAITLISTED,
        confirmed_at=None,
    )
    held = _registration(
        _event(
            title="지난 행사",
            status=Event.Status.CLOSED,
            start_date=timezone.localdate() - dt.timedelta(days=30),
            end_date=timezone.localdate() - dt.timedelta(days=30),
            registration_opens_at=timezone.now() - dt.timedelta(days=60),
            registration_closes_at=timezone.now() - dt.timedelta(days=40),
        ),
        kim,
        checked_in_at=timezone.now() - dt.timedelta(days=30),
    )
    other_device = Client()
    assert login(other_device, "kim", PASSWORD, ip="10.3.0.2").status_code == 302

    response = client.post(reverse("accounts:delete"), {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert SESSION_KEY not in client.session
    assert "탈퇴했습니다." in client.get(reverse("home")).content.decode()

    kim.refresh_from_db()
    assert kim.withdrawn_at is not None
    assert str(kim) == "탈퇴한 사용자"
    assert kim.username.startswith("deleted-") and "kim" not in kim.username
    assert (kim.email, kim.display_name, kim.first_name, kim.last_name) == ("", "", "", "")
    assert not kim.is_active and not kim.has_usable_password()
    assert not EmailAddress.objects.filter(user=kim).exists()
    assert not Consent.objects.filter(user=kim).exists()
    assert not Membership.objects.filter(user=kim).exists()
    assert not CouncilRole.objects.filter(user=kim).exists()
    assert not UserSession.objects.filter(user=kim).exists()
    # signed out on the other device too
    assert other_device.get(reverse("accounts:home")).status_code == 302

    # The comment stays, attributed to "탈퇴한 사용자".
    comment.refresh_from_db()
    assert comment.user == kim and comment.body == "응원합니다"
    page = client.get(article.get_absolute_url()).content.decode()
    assert "응원합니다" in page and "탈퇴한 사용자" in page and "김한자" not in page

    # The coming registration is cancelled (the waitlist moves up); every registration
    # keeps its event and head count but loses the name and contacts.
    coming.refresh_from_db()
    waiting.refresh_from_db()
    held.refresh_from_db()
    assert coming.status == Registration.Status.CANCELLED
    assert waiting.status == Registration.Status.CONFIRMED
    assert held.status == Registration.Status.CONFIRMED and held.checked_in_at
    for reg in (coming, held):
        assert (reg.person_name, reg.contact_email, reg.contact_phone) == ("탈퇴한 사용자", "", "")
        assert reg.accessibility_needs == "" and reg.attendees == 1
    assert waiting.person_name == "박대기"

    # Nobody can sign in as kim any more, by username or address.
    assert login(Client(), "kim", PASSWORD, ip="10.3.0.3").status_code == 200
    assert login(Client(), "kim@example.org", PASSWORD, ip="10.3.0.4").status_code == 200

    entry = AuditEntry.objects.get(action="accounts.user.deleted")
    assert entry.user == kim and entry.target_id == str(kim.pk)
    assert entry.data["erased"]["events.registrations"] == 2
    assert entry.data["erased"]["accounts.emails"] == 1
    assert entry.data["erased"]["accounts.memberships"] == 1
    assert "kim" not in json.dumps(entry.data)


def test_staff_cannot_delete_their_own_account(client, staff):
    staff.set_password(PASSWORD)
    staff.save()
    client.force_login(staff)
    html = client.get(reverse("accounts:delete")).content.decode()
    assert "센터 관리자 계정은 스스로 탈퇴할 수 없습니다." in html
    assert 'name="password"' not in html
    response = client.post(reverse("accounts:delete"), {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 403
    staff.refresh_from_db()
    assert staff.withdrawn_at is None and staff.is_active


def test_delete_service_acts_only_for_the_user_themself(db):
    kim = UserFactory(username="kim2")
    with pytest.raises(PermissionDenied):
        services.account_delete(user=kim, by=UserFactory(username="x"))
    assert User.objects.get(pk=kim.pk).withdrawn_at is None
