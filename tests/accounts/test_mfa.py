"""Two-factor sign-in (allauth MFA, TOTP): staff and council admins must turn it on
before they use the staff pages (hanjari.accounts.middleware); sign-in then asks for
the code; the recovery-codes page; the Django admin signs in through the site's login."""

from __future__ import annotations

import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.contrib.auth import SESSION_KEY
from django.core.cache import caches
from django.urls import reverse

from hanjari.accounts.middleware import is_staff_page
from tests.accounts.conftest import PASSWORD, login
from tests.factories import UserFactory

SETUP = reverse("mfa_activate_totp")
MESSAGE = "관리자 화면을 쓰려면 먼저 2단계 인증(인증 앱)을 켜야 합니다."


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


@pytest.fixture(autouse=True)
def _required(settings):
    settings.HANJARI_STAFF_MFA_REQUIRED = True


@pytest.fixture
def staff_with_password(db):
    return UserFactory(username="boss", is_staff=True, password=PASSWORD)


def test_the_requirement_is_on_by_default_outside_tests():
    from config.settings import base

    assert base.HANJARI_STAFF_MFA_REQUIRED is True
    assert "hanjari.accounts.middleware.StaffMFAMiddleware" in base.MIDDLEWARE


@pytest.mark.parametrize(
    "url",
    [reverse("registry:import"), reverse("registry:merge-queue"), reverse("admin:index")],
)
def test_staff_without_totp_are_sent_to_set_it_up(client, staff, url):
    client.force_login(staff)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == SETUP
    html = client.get(reverse("home")).content.decode()
    assert MESSAGE in html


def test_staff_pages_open_once_totp_is_on(client, staff):
    TOTP.activate(staff, generate_totp_secret())
    client.force_login(staff)
    assert client.get(reverse("registry:import")).status_code == 200
    assert client.get(reverse("admin:index")).status_code == 200


def test_public_pages_are_not_blocked(client, staff):
    client.force_login(staff)
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("registry:directory")).status_code == 200
    assert client.get(reverse("accounts:home")).status_code == 200
    assert client.get(reverse("mfa_index")).status_code == 200


def test_council_admins_are_sent_to_set_it_up_from_member_management(
    client, council_admin_a, org_b
):
    council = council_admin_a.council_roles.get().council
    client.force_login(council_admin_a)
    url = reverse("registry:council-members", args=[council.pk])
    response = client.post(url, {"action": "add", "organization": org_b.pk})
    assert response.status_code == 302 and response["Location"] == SETUP
    assert not council.memberships.filter(organization=org_b).exists()
    # An htmx request is told where to go instead of swapping in the set-up page.
    response = client.post(url, {"action": "add", "organization": org_b.pk}, HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Redirect"] == SETUP
    # With TOTP on, the same request goes through.
    TOTP.activate(council_admin_a, generate_totp_secret())
    response = client.post(url, {"action": "add", "organization": org_b.pk})
    assert response.status_code == 303
    assert council.memberships.filter(organization=org_b).exists()


def test_plain_users_and_members_are_not_asked_and_still_refused(client, member_a, plain_user):
    for user in (member_a, plain_user):
        client.force_login(user)
        assert client.get(reverse("registry:import")).status_code == 403


def test_the_requirement_can_be_turned_off(client, staff, settings):
    settings.HANJARI_STAFF_MFA_REQUIRED = False
    client.force_login(staff)
    assert client.get(reverse("registry:import")).status_code == 200


def test_staff_pages_are_the_staff_paths_and_named_views(rf):
    from django.urls import resolve

    def page(path):
        request = rf.get(path)
        request.resolver_match = resolve(path) if not path.startswith("/staff/") else None
        return is_staff_page(request)

    assert page("/admin/") and page("/staff/anything/")
    assert page(reverse("registry:import")) and page(reverse("registry:merge-queue"))
    assert not page(reverse("home")) and not page(reverse("registry:directory"))
    assert not page(reverse("accounts:home"))


def test_activating_totp_then_signing_in_asks_for_the_code(client, staff_with_password):
    assert login(client, "boss").status_code == 302
    # Turning two-factor on asks for the password again first (allauth's
    # reauthentication), then comes back to the set-up page.
    response = client.get(SETUP)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate") + "?next=")
    response = client.post(response["Location"], {"password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == SETUP
    page = client.get(SETUP)
    assert page.status_code == 200
    html = page.content.decode()
    assert '<h1 class="hj-page-title">' in html
    secret = re.search(r'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"', html).group(1)
    response = client.post(SETUP, {"code": current_code(secret)})
    assert response.status_code == 302
    # Recovery codes are made with it and shown next.
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    codes_page = client.get(reverse("mfa_view_recovery_codes"))
    assert codes_page.status_code == 200
    codes = RecoveryCodes(
        Authenticator.objects.get(user=staff_with_password, type="recovery_codes")
    ).get_unused_codes()
    assert len(codes) == 10 and all(code in codes_page.content.decode() for code in codes)
    assert client.get(reverse("registry:import")).status_code == 200
    client.post(reverse("accounts:logout"))

    # Signing in now takes the password, then the code.
    caches["default"].clear()  # allauth remembers used codes there
    response = login(client, "boss")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert SESSION_KEY not in client.session
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert response.status_code == 200 and SESSION_KEY not in client.session
    response = client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(staff_with_password.pk)
    client.post(reverse("accounts:logout"))

    # A recovery code works once instead of the app's code.
    login(client, "boss")
    response = client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert response.status_code == 302 and SESSION_KEY in client.session
    client.post(reverse("accounts:logout"))
    login(client, "boss")
    response = client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert response.status_code == 200 and SESSION_KEY not in client.session


def test_recovery_codes_page_needs_two_factor_on(client, staff_with_password):
    client.force_login(staff_with_password)
    assert client.get(reverse("mfa_view_recovery_codes")).status_code == 404
    TOTP.activate(staff_with_password, generate_totp_secret())
    codes = RecoveryCodes.activate(staff_with_password).get_unused_codes()
    # Seeing the codes asks for the password again first.
    response = client.get(reverse("mfa_view_recovery_codes"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    client.post(response["Location"], {"password": PASSWORD})
    html = client.get(reverse("mfa_view_recovery_codes")).content.decode()
    assert all(code in html for code in codes)
    assert 'id="krds-header"' in html and '<h1 class="hj-page-title">' in html


def test_the_admin_signs_in_through_the_site_login(client, staff):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login") + "?next=")


def test_council_admins_decide_join_requests_only_with_two_factor(client, council_admin_a):
    """Deciding a council join request is council administration: it needs TOTP too."""
    from hanjari.membership.models import CouncilJoinRequest
    from tests.factories import OrganizationFactory

    council = council_admin_a.council_roles.get().council
    request = CouncilJoinRequest.objects.create(council=council, organization=OrganizationFactory())
    client.force_login(council_admin_a)
    url = reverse("membership:join-request-decide", args=[request.pk])
    response = client.post(url, {"decision": "approve"})
    assert response.status_code == 302 and response["Location"] == SETUP
    request.refresh_from_db()
    assert request.status == CouncilJoinRequest.Status.PENDING


def test_staff_writes_anywhere_need_two_factor(client, staff):
    """Found by trying to break it: a staff member without an authenticator app could
    invite an owner into any organisation (the members page is not under /staff/)."""
    from hanjari.membership.models import Invitation
    from tests.factories import OrganizationFactory

    org = OrganizationFactory()
    client.force_login(staff)
    url = reverse("membership:invite", args=[org.pk])
    response = client.post(url, {"email": "evil@example.kr", "role": "owner"})
    assert response.status_code == 302 and response["Location"] == SETUP
    assert not Invitation.objects.exists()
    response = client.post(reverse("registry:organization-edit", args=[org.pk]), {})
    assert response.status_code == 302 and response["Location"] == SETUP
    # Reading ordinary pages, the own account and signing out still work.
    assert client.get(reverse("registry:organization", args=[org.pk])).status_code == 200
    assert client.get(reverse("accounts:consents")).status_code == 200
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302 and response["Location"] != SETUP


def test_members_without_staff_powers_write_without_two_factor(client, member_a):
    """An organisation's owner or editor who is neither staff nor a council admin is not
    asked for an authenticator app."""
    org = member_a.memberships.get().organization
    client.force_login(member_a)
    url = reverse("registry:organization-edit", args=[org.pk])
    response = client.post(url, {"description": "두부를 만듭니다."})
    # The edit goes through (back to the profile), not to the two-factor set-up.
    assert response.status_code == 302 and response["Location"] == org.get_absolute_url()
    org.refresh_from_db()
    assert org.description == "두부를 만듭니다."
