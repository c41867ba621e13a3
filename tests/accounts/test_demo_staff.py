"""`manage.py create_demo_staff`: the demo password printed once, as a block of its own
(the last lines of `make data`), and working."""

from __future__ import annotations

import re
from io import StringIO

from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.test import RequestFactory


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
