"""Unguessable names for uploaded files (`upload_to` of file and image fields).

Media are served straight from ``MEDIA_ROOT`` at ``/media/`` (by Django or by a
proxy), without any permission check. A file stored under the name it was uploaded
with could be found by guessing (``/media/news/2026/IMG_0001.jpg`` of a photo of a
draft article) and its name may carry personal data (``홍길동_주민등록증.jpg``).
`RandomName` stores every new upload as ``<folder>/<year>/<32 random hex digits>.<ext>``
instead: 128 random bits from `secrets`, the Asia/Seoul (``TIME_ZONE``) year of the
upload, and the original extension lowercased — nothing else of the original name.

Files stored before fields used `RandomName` keep their names.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from django.utils import timezone
from django.utils.deconstruct import deconstructible

__all__ = ["RandomName", "safe_extension"]

# At most 8 ASCII letters or digits: "jpg", "jpeg", "webp", "png"... An extension with
# anything else (spaces, Hangul, punctuation) is dropped rather than cleaned up.
_EXTENSION = re.compile(r"[a-z0-9]{1,8}", re.ASCII)
_FOLDER = re.compile(r"[a-z0-9_-]+(/[a-z0-9_-]+)*", re.ASCII)


def safe_extension(filename: str) -> str:
    """The extension of `filename` lowercased, without the dot, or "" when it has none or
    it is not 1–8 ASCII letters or digits. Only the last path component counts
    (``"../../etc/passwd.jpg"`` → ``"jpg"``, ``"photo.tar.gz"`` → ``"gz"``)."""
    base = re.split(r"[/\\]", filename or "")[-1]
    _stem, dot, extension = base.rpartition(".")
    if not dot:
        return ""
    extension = extension.strip().lower()
    return extension if _EXTENSION.fullmatch(extension) else ""


@deconstructible(path="hanjari.core.uploads.RandomName")
class RandomName:
    """An ``upload_to`` callable: ``RandomName("news")`` stores an upload named
    ``행사.JPG`` as ``news/2026/3f9c…e1.jpg`` (year of the upload in Asia/Seoul,
    `secrets.token_hex(16)`, the lowercased extension — see `safe_extension`).

    `folder` is one or more lowercase ASCII path segments without leading or trailing
    slashes. Deconstructible, so migrations record it as ``RandomName("news")``.
    """

    def __init__(self, folder: str) -> None:
        if not _FOLDER.fullmatch(folder):
            raise ValueError(f"Not a plain relative folder: {folder!r}")
        self.folder = folder

    def __call__(self, instance: Any, filename: str) -> str:
        extension = safe_extension(filename)
        name = secrets.token_hex(16) + (f".{extension}" if extension else "")
        return f"{self.folder}/{timezone.localdate().year}/{name}"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RandomName) and other.folder == self.folder

    def __hash__(self) -> int:
        return hash((RandomName, self.folder))

    def __repr__(self) -> str:
        return f"RandomName({self.folder!r})"
