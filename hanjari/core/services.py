"""Helpers for services (the only code that writes business state)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models


def apply_fields(
    instance: models.Model, values: Mapping[str, Any], *, allowed: Iterable[str]
) -> list[str]:
    """Set the validated `values` on `instance` and return the names that changed.

    Inputs: a model instance, a mapping of field name → new value (already validated by
    a form or serializer) and the names a service allows to be set. Raises `TypeError`
    naming any key that is not allowed (a programming error, not user input). Does not
    save: the service calls ``full_clean()`` and ``save()`` afterwards. Many-to-many
    fields are not handled here.
    """
    allowed_set = set(allowed)
    unknown = sorted(set(values) - allowed_set)
    if unknown:
        raise TypeError(f"fields not allowed here: {', '.join(unknown)}")
    changed = []
    for name, value in values.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed.append(name)
    return changed
