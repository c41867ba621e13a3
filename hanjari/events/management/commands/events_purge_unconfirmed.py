"""``manage.py events_purge_unconfirmed [--dry-run]``: delete the guest registrations
whose e-mail address was never confirmed once their confirmation link is dead.

A guest (no account) who registers gives a name, an e-mail address, perhaps a phone
number and accessibility needs, and must confirm the address within
`GUEST_CONFIRM_MAX_AGE` (7 days). Registrations never confirmed — still unconfirmed,
or superseded, cancelled or rejected while unconfirmed — are deleted once they are
older than that, so the personal data of people who never confirmed is not kept
(개인정보 보호법 제21조 ①). The rules are in
`hanjari.events.services.registrations.registration_purge_unconfirmed`.

Run it daily (cron, a systemd timer); it is idempotent, so running it more often or
again after a failure does no harm. Exits 0, also when there was nothing to delete.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from hanjari.events.services.registrations import (
    GUEST_CONFIRM_MAX_AGE,
    registration_purge_unconfirmed,
)


class Command(BaseCommand):
    help = (
        "Delete guest event registrations whose e-mail address was never confirmed and "
        f"that are older than the confirmation link's lifetime ({GUEST_CONFIRM_MAX_AGE // 86400}"
        " days): still unconfirmed, or superseded, cancelled or rejected while unconfirmed. "
        "Confirmed registrations and registrations of accounts or entered by staff are never "
        "touched. Idempotent; run it daily."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="count what would be deleted, delete nothing"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        now = timezone.now()
        count = registration_purge_unconfirmed(now=now, dry_run=opts["dry_run"])
        if opts["dry_run"]:
            self.stdout.write(
                f"{count} never confirmed guest registration(s) would be deleted "
                "(dry run: nothing deleted)."
            )
        else:
            self.stdout.write(f"{count} never confirmed guest registration(s) deleted.")
