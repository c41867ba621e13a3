"""Audit log helper: every service that writes business state calls `log_action`."""

from __future__ import annotations

from typing import Any

from django.db import models

from .models import AuditEntry


def log_action(
    action: str,
    *,
    user: Any = None,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Record that `user` did `action` (dotted name, e.g. ``registry.organization.merged``).

    Inputs: `user` — a saved user, an anonymous user or None (system work such as a
    command-line import without --user); `target` — the object acted on (optional);
    `data` — JSON-serialisable details. Returns the saved entry. Raises nothing beyond
    database errors.
    """
    real_user = user if getattr(user, "pk", None) else None
    entry = AuditEntry(action=action, user=real_user, data=data or {})
    if target is not None:
        entry.target_type = target._meta.label_lower
        entry.target_id = str(target.pk)
        entry.target_repr = str(target)[:300]
    entry.save()
    return entry


HISTORY_USER_ATTR = "_history_user"


def set_history_user(obj: models.Model, user: Any) -> None:
    """Attribute the next history entry (django-simple-history) of `obj` to `user`.

    Web requests are attributed by the history middleware; services and commands call
    this. A None or anonymous user leaves the entry unattributed (system change).
    """
    if getattr(user, "pk", None):
        setattr(obj, HISTORY_USER_ATTR, user)
