"""`manage.py create_demo_staff`: the demo password printed once, as a block of its own
(the last lines of `make data`), and working."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.contrib.auth import authenticate, get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from hanjari.accounts.services import staff_account_create
from hanjari.core.models import AuditEntry
from tests.factories import UserFactory


def _field(lines: list[str], label: str) -> str:
    """The value after ``  <label>:`` in the printed block."""
    found = [line for line in lines if line.startswith(f"  {label}:")]
    assert len(found) == 1, (label, lines)
    return found[0].split(":", 1)[1].strip()


def test_demo_staff_prints_its_password_as_the_last_lines(db, settings):
    settings.HANJARI_STAFF_MFA_REQUIRED = True
    out = StringIO()
    call_command("create_demo_staff", stdout=out)
    lines = out.getvalue().rstrip("\n").splitlines()
    assert lines[-1] == "=" * 64
    assert lines[-2] == "  sign in:  http://127.0.0.1:8000/accounts/login/"
    block = lines[lines.index("=" * 64) :]
    assert _field(block, "username") == "demo"
    password = _field(block, "password")
    user = get_user_model().objects.get(username="demo")
    assert user.is_staff
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="10.0.0.1")
    assert authenticate(request, username="demo", password=password) == user
    # Two-factor sign-in is on (staff pages need it): the key and the recovery codes
    # printed are the account's.
    secret = _field(block, "TOTP key")
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    totp = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    assert TOTP(totp).validate_code(
        format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))
    )
    assert _field(block, "otpauth").startswith("otpauth://totp/")
    index = next(i for i, line in enumerate(block) if line.startswith("  recovery codes:"))
    printed = block[index].split(":", 1)[1].split() + block[index + 1].split()
    stored = RecoveryCodes(
        Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    ).get_unused_codes()
    assert printed == stored and len(printed) == 10
    # A second run does not print (or change) a password.
    again = StringIO()
    call_command("create_demo_staff", stdout=again)
    assert "password:" not in again.getvalue() and "already exists" in again.getvalue()


def test_the_demo_account_completes_sign_in_with_a_recovery_code(client, db, settings):
    """The "done when" path for `make run`: the printed password, then a printed
    recovery code, then the staff pages (two-factor is on)."""
    settings.HANJARI_STAFF_MFA_REQUIRED = True
    out = StringIO()
    call_command("create_demo_staff", stdout=out)
    lines = out.getvalue().splitlines()
    password = _field(lines, "password")
    code = _field(lines, "recovery codes").split()[0]
    response = client.post("/accounts/login/", {"login": "demo", "password": password})
    assert response["Location"] == "/accounts/2fa/authenticate/"
    response = client.post("/accounts/2fa/authenticate/", {"code": code})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_demo_staff_is_created_through_the_audited_service(db):
    call_command("create_demo_staff", stdout=StringIO())
    user = get_user_model().objects.get(username="demo")
    assert (user.is_staff, user.is_superuser, user.display_name) == (True, True, "한자리 데모")
    entry = AuditEntry.objects.get(action="accounts.user.created")
    assert entry.user is None  # system work
    assert (entry.target_type, entry.target_id) == ("accounts.user", str(user.pk))
    assert entry.data == {"username": "demo", "is_staff": True, "is_superuser": True}
    enrolled = AuditEntry.objects.get(action="accounts.totp.enrolled")
    assert (enrolled.user, enrolled.target_id, enrolled.data) == (
        None,
        str(user.pk),
        {"recovery_codes": 10},
    )
    assert "password" not in str(entry.data).lower()
    # Idempotent: a second run writes nothing.
    call_command("create_demo_staff", stdout=StringIO())
    assert AuditEntry.objects.filter(action="accounts.user.created").count() == 1
    assert AuditEntry.objects.filter(action="accounts.totp.enrolled").count() == 1
    assert get_user_model().objects.filter(username="demo").count() == 1


def test_demo_staff_with_a_bad_username_is_a_command_error(db):
    with pytest.raises(CommandError, match="사용자"):
        call_command("create_demo_staff", "--username", "bad name!", stdout=StringIO())
    assert not get_user_model().objects.exists()
    assert not AuditEntry.objects.exists()


def test_staff_account_service_checks_who_acts(db):
    plain = UserFactory(username="plain")
    with pytest.raises(PermissionDenied):
        staff_account_create(username="new-staff", password="pw-123456789", by=plain)
    staff = UserFactory(username="boss", is_staff=True)
    user = staff_account_create(username="new-staff", password="pw-123456789", by=staff)
    assert user.is_staff and not user.is_superuser and user.check_password("pw-123456789")
    assert AuditEntry.objects.get(action="accounts.user.created").user == staff
    with pytest.raises(ValidationError):
        staff_account_create(username="new-staff", password="other", by=None)
