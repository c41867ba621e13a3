"""`manage.py create_demo_staff`: the demo password printed once, as a block of its own
(the last lines of `make data`), and working."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.test import RequestFactory

from hanjari.accounts.services import staff_account_create
from hanjari.core.models import AuditEntry
from tests.factories import UserFactory


def test_demo_staff_prints_its_password_as_the_last_lines(db):
    out = StringIO()
    call_command("create_demo_staff", stdout=out)
    lines = out.getvalue().rstrip("\n").splitlines()
    assert lines[-1] == "=" * 64
    assert lines[-4] == "  username: demo"
    assert lines[-2] == "  sign in:  http://127.0.0.1:8000/accounts/login/"
    password = re.fullmatch(r"  password: (\S+)", lines[-3]).group(1)
    user = get_user_model().objects.get(username="demo")
    assert user.is_staff
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="10.0.0.1")
    assert authenticate(request, username="demo", password=password) == user
    # A second run does not print (or change) a password.
    again = StringIO()
    call_command("create_demo_staff", stdout=again)
    assert "password:" not in again.getvalue() and "already exists" in again.getvalue()


def test_demo_staff_is_created_through_the_audited_service(db):
    call_command("create_demo_staff", stdout=StringIO())
    user = get_user_model().objects.get(username="demo")
    assert (user.is_staff, user.is_superuser, user.display_name) == (True, True, "한자리 데모")
    entry = AuditEntry.objects.get(action="accounts.user.created")
    assert entry.user is None  # system work
    assert (entry.target_type, entry.target_id) == ("accounts.user", str(user.pk))
    assert entry.data == {"username": "demo", "is_staff": True, "is_superuser": True}
    assert "password" not in str(entry.data).lower()
    # Idempotent: a second run writes nothing.
    call_command("create_demo_staff", stdout=StringIO())
    assert AuditEntry.objects.filter(action="accounts.user.created").count() == 1
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
