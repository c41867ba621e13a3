"""`manage.py create_demo_staff`: a centre-staff account for trying Hanjari locally."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse

from hanjari.accounts.models import User
from hanjari.accounts.services import staff_account_create


class Command(BaseCommand):
    help = (
        "Create the demo centre-staff account (username 'demo' by default) with a random "
        "password and print the password once. Does nothing if the account exists."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", default="demo")

    def handle(self, *args: Any, **opts: Any) -> None:
        username = opts["username"]
        if User.objects.filter(username=username).exists():
            self.stdout.write(
                f"Demo staff account '{username}' already exists (its password was printed "
                "when it was created; reset it with `manage.py changepassword "
                f"{username}`)."
            )
            return
        password = secrets.token_urlsafe(12)
        try:
            staff_account_create(
                username=username,
                password=password,
                display_name="한자리 데모",
                superuser=True,
                by=None,
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        # A block of its own, as the last lines of `make data`, so that it is not lost
        # among the imports' output.
        login = f"{settings.HANJARI_SITE_URL}{reverse('accounts:login')}"
        rule = "=" * 64
        self.stdout.write(
            self.style.SUCCESS(
                f"\n{rule}\n"
                "Created demo centre-staff account (the password is shown only this once):\n"
                f"  username: {username}\n"
                f"  password: {password}\n"
                f"  sign in:  {login}\n"
                f"{rule}\n"
            )
        )
