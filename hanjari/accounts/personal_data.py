"""A person's own data across the apps (개인정보): what the data download shows and what
account deletion erases.

Accounts sits below the apps that hold personal data (news comments, event
registrations, claims …), so it cannot read them itself. Each of those apps registers a
`PersonalDataProvider` once, in its ``AppConfig.ready()``:

    from hanjari.accounts.personal_data import register_personal_data

    register_personal_data(
        "events.registrations",
        export=personal_data.registrations_export,  # (user) -> JSON-able value
        erase=personal_data.registrations_erase,    # (user) -> int (rows changed)
    )

`export` returns the user's own records as JSON-serialisable values (strings, numbers,
lists, dicts; datetimes as ISO 8601 strings). `erase` runs inside the deletion's
transaction, before the account is anonymised, and applies the app's rule: delete or
blank what identifies the person (a name typed into a registration, a phone number),
keep what they wrote as content (it is then shown as by "탈퇴한 사용자"). It must not
fail for a user with no records. The data download is the right of access of the
개인정보 보호법 §35; erasure at deletion its §21 (destruction once the purpose ends).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import User

Exporter = Callable[["User"], Any]
Eraser = Callable[["User"], int]


@dataclass(frozen=True)
class PersonalDataProvider:
    """One app's part of a person's data: `key` names its section in the download
    ("news.comments"); `export` and `erase` as the module docstring says."""

    key: str
    export: Exporter
    erase: Eraser | None = None


_PROVIDERS: dict[str, PersonalDataProvider] = {}


def register_personal_data(key: str, *, export: Exporter, erase: Eraser | None = None) -> None:
    """Register (or replace) the provider named `key`; see the module docstring.

    Inputs: `key` — "<app>.<what>", unique; `export(user)` — JSON-able value;
    `erase(user)` — number of rows deleted or blanked, or None when the app keeps
    nothing personal beyond the user link. Registering the same key again replaces it
    (module reloads in development). Raises `ValueError` for an empty key."""
    if not key:
        raise ValueError("A personal-data provider needs a key.")
    _PROVIDERS[key] = PersonalDataProvider(key=key, export=export, erase=erase)


def providers() -> list[PersonalDataProvider]:
    """The registered providers, by key."""
    return [_PROVIDERS[key] for key in sorted(_PROVIDERS)]


def iso(value: datetime | date | None) -> str | None:
    """`value` as an ISO 8601 string (UTC offset kept), or None: for exporters."""
    return value.isoformat() if value is not None else None
