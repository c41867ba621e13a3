"""`manage.py create_demo_staff`: a centre-staff account for trying Hanjari locally."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.urls import reverse

from hanjari.accounts.models import User
from hanjari.accounts.services import staff_account_create, totp_enrol


class Command(BaseCommand):
    help = (
        "Create the demo centre-staff account (username 'demo' by default) with a random "
        "password and two-factor sign-in (an authenticator-app key and recovery codes), "
        "and print them once. Does nothing if the account exists."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", default="demo")

    def handle(self, *args: Any, **opts: Any) -> None:
        username = opts["username"]
        if User.objects.filter(username=username).exists():
            self.stdout.write(
                f"Demo staff account '{username}' already exists (its password and "
                "recovery codes were printed when it was created; reset the password with "
                f"`manage.py changepassword {username}`)."
            )
            return
        password = secrets.token_urlsafe(12)
        try:
            with transaction.atomic():
                user = staff_account_create(
                    username=username,
                    password=password,
                    display_name="한자리 데모",
                    superuser=True,
                    by=None,
                )
                # Centre staff need two-factor sign-in for the staff pages
                # (hanjari.accounts.middleware): the demo account has it from the start.
                enrolment = totp_enrol(user=user, by=None)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        # A block of its own, as the last lines of `make data`, so that it is not lost
        # among the imports' output.
        login = f"{settings.HANJARI_SITE_URL}{reverse('accounts:login')}"
        rule = "=" * 64
        codes = enrolment.recovery_codes
        self.stdout.write(
            self.style.SUCCESS(
                f"\n{rule}\n"
                "Created demo centre-staff account (shown only this once):\n"
                f"  username: {username}\n"
                f"  password: {password}\n"
                "  two-factor sign-in is on. After the password, type the 6-digit code of\n"
                "  an authenticator app that has this key (or `oathtool --totp -b KEY`):\n"
                f"  TOTP key: {enrolment.secret}\n"
                f"  otpauth:  {enrolment.uri}\n"
                "  or one of these recovery codes (each works once):\n"
                f"  recovery codes: {' '.join(codes[:5])}\n"
                f"                  {' '.join(codes[5:])}\n"
                f"  sign in:  {login}\n"
                f"{rule}\n"
            )
        )
