"""The acting user's type, for every service signature (행위자)."""

from __future__ import annotations

from typing import TypeAlias

from .models import User

Actor: TypeAlias = User | None
"""Who does something: a signed-in `User`, or None for system work (a command-line
import without --user, a scheduled job). Anonymous visitors are passed as None."""
