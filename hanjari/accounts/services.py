"""Account writes (계정 쓰기).

Keyword-only, atomic, `full_clean()` before saving, audit log written. `by` is the
acting user: centre staff (센터 관리자), or None for system work (a management command);
anyone else gets `PermissionDenied`.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from hanjari.core.audit import log_action

from .actors import Actor
from .models import User

__all__ = ["staff_account_create"]


@transaction.atomic
def staff_account_create(
    *,
    username: str,
    password: str,
    display_name: str = "",
    superuser: bool = False,
    by: Actor,
) -> User:
    """Create a centre-staff account (센터 관리자: ``is_staff``; with `superuser`, every
    Django permission too) that signs in with `username` and `password`.

    Inputs: `password` in clear, stored hashed (Django's password hasher); the
    password validators are not run (callers choose the password: the demo command a
    random one). Returns the saved `User`. Raises `ValidationError` for a username that
    is taken or not valid, `PermissionDenied` when `by` is a signed-in user who is not
    centre staff. Audit: ``accounts.user.created`` (no password in the entry).
    """
    if by is not None and not by.is_centre_staff:
        raise PermissionDenied(_("센터 관리자만 관리자 계정을 만들 수 있습니다."))
    user = User(
        username=username,
        display_name=display_name,
        is_staff=True,
        is_superuser=superuser,
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    log_action(
        "accounts.user.created",
        user=by,
        target=user,
        data={"username": username, "is_staff": True, "is_superuser": superuser},
    )
    return user
