"""Invitation link tokens (초대 토큰): random, sent once, stored only as a digest."""

from __future__ import annotations

import hashlib
import secrets


def new_token() -> str:
    """A new random link token: 32 bytes from `secrets`, URL-safe base64 (43 characters)."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """The SHA-256 hex digest of an invitation `token`, as `Invitation.token_hash`
    stores it (64 characters). Never raises."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()
