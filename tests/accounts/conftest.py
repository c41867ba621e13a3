"""Helpers for the account tests: signing up and in through allauth's real forms."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

PASSWORD = "Hanjari-sign-up-7"


def signup_data(**extra: Any) -> dict[str, Any]:
    """A valid sign-up: the required consent and the age check ticked, the optional
    consent not."""
    data = {
        "email": "kim@example.org",
        "username": "kim",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "display_name": "김한자",
        "consent_account": "on",
        "age_14": "on",
    }
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}


def mailed_link(message: Any) -> str:
    """The first http(s) link in a sent mail's text."""
    match = re.search(r"https?://\S+", message.body)
    assert match, message.body
    return match.group(0)


def path_of(link: str) -> str:
    """The path of an absolute link (the test client speaks paths)."""
    return re.sub(r"^https?://[^/]+", "", link)


def login(client: Any, login: str, password: str = PASSWORD, ip: str = "10.1.0.1") -> Any:
    return client.post(
        reverse("accounts:login"), {"login": login, "password": password}, REMOTE_ADDR=ip
    )


@pytest.fixture
def verified_user(client, db):
    """`kim`, signed up through the form and verified through the mailed link."""
    from hanjari.accounts.models import User

    client.post(reverse("account_signup"), signup_data())
    link = mailed_link(mail.outbox[-1])
    client.post(path_of(link))
    client.logout()
    mail.outbox.clear()
    return User.objects.get(username="kim")
