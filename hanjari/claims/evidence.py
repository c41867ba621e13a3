"""Checks of uploaded evidence files (증빙 서류): PDF, PNG or JPEG.

A certificate or designation letter (인증서, 지정서, 설립신고필증) arrives as a scanned
PDF or a photo. `check_evidence` refuses, with a Korean message, a name whose extension
is not ``.pdf``, ``.png``, ``.jpg`` or ``.jpeg``, an empty file, a file over
``settings.HANJARI_EVIDENCE_MAX_BYTES``, a ``.pdf`` whose content does not start with the
PDF header (``%PDF-`` and a version digit, ISO 32000-1 §7.5.2) or has no end-of-file
marker (``%%EOF``) in its last kilobyte (§7.5.5), and a picture that
`hanjari.core.images.check_picture` refuses (unreadable, a format other than PNG or
JPEG, more than `PHOTO_MAX_PIXELS` pixels, an extension that is not its format's).

The file is stored as uploaded (it is never public, so it is not re-encoded), under a
random name, and served with the content type found here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from hanjari.core.images import PHOTO_MAX_PIXELS, PictureMessages, check_picture
from hanjari.core.uploads import safe_extension

__all__ = ["EVIDENCE_EXTENSIONS", "CheckedEvidence", "check_evidence", "evidence_max_bytes"]

EVIDENCE_EXTENSIONS = ("pdf", "png", "jpg", "jpeg")
_PICTURE_FORMATS = {"PNG": ("png",), "JPEG": ("jpg", "jpeg")}
_CONTENT_TYPES = {"PDF": "application/pdf", "PNG": "image/png", "JPEG": "image/jpeg"}
_PDF_HEADER = re.compile(rb"%PDF-\d")
_PDF_TAIL_BYTES = 1024

_NOT_ALLOWED = _("증빙 서류는 PDF, PNG, JPG 파일만 올릴 수 있습니다.")
_TOO_BIG = _("파일이 너무 큽니다 (최대 %(mb)s MB).")
EVIDENCE_PICTURE_MESSAGES = PictureMessages(
    not_allowed=_NOT_ALLOWED,
    too_big=_TOO_BIG,
    unreadable=_("그림 파일을 읽을 수 없습니다. 손상되었거나 그림이 아닌 파일입니다."),
    too_many_pixels=_(
        "그림의 화소 수가 너무 많습니다 (최대 %(megapixels)s메가픽셀). "
        "가로·세로 크기를 줄여서 올려 주세요."
    ),
    wrong_extension=_("파일 이름의 확장자(.%(ext)s)가 그림 형식(%(format)s)과 다릅니다."),
)


@dataclass(frozen=True)
class CheckedEvidence:
    """What `check_evidence` found: the format ("PDF", "PNG", "JPEG") and the content
    type the file is served with."""

    format: str
    content_type: str


def evidence_max_bytes() -> int:
    """The largest evidence file, in bytes (``settings.HANJARI_EVIDENCE_MAX_BYTES``,
    10 MB by default)."""
    return int(getattr(settings, "HANJARI_EVIDENCE_MAX_BYTES", 10 * 1024 * 1024))


def _mb(limit: int) -> str:
    return f"{limit / 2**20:,.2f}".rstrip("0").rstrip(".")


def check_evidence(upload: Any) -> CheckedEvidence:
    """Check an uploaded evidence file (a Django `UploadedFile`: its `name`, `size` and
    content are read; its position is put back at 0) and return its format and content
    type.

    Raises `django.core.exceptions.ValidationError` with one message and a code:
    ``not_allowed`` (extension), ``empty``, ``too_big`` (over `evidence_max_bytes`),
    ``not_pdf`` (a ``.pdf`` without the PDF header or end marker), or the codes of
    `check_picture` for pictures. Nothing else is raised.
    """
    extension = safe_extension(str(getattr(upload, "name", "") or ""))
    if extension not in EVIDENCE_EXTENSIONS:
        raise ValidationError(_NOT_ALLOWED, code="not_allowed")
    size = getattr(upload, "size", None)
    if not size:
        raise ValidationError(_("빈 파일입니다."), code="empty")
    limit = evidence_max_bytes()
    if size > limit:
        raise ValidationError(_TOO_BIG, code="too_big", params={"mb": _mb(limit)})
    if extension != "pdf":
        fmt = check_picture(
            upload,
            max_bytes=limit,
            max_pixels=PHOTO_MAX_PIXELS,
            formats=_PICTURE_FORMATS,
            messages=EVIDENCE_PICTURE_MESSAGES,
        )
        return CheckedEvidence(fmt, _CONTENT_TYPES[fmt])
    try:
        upload.seek(0)
        head = upload.read(8)
        upload.seek(max(0, size - _PDF_TAIL_BYTES))
        tail = upload.read(_PDF_TAIL_BYTES)
    except (OSError, ValueError):
        head, tail = b"", b""
    finally:
        upload.seek(0)
    if not _PDF_HEADER.match(head or b"") or b"%%EOF" not in (tail or b""):
        raise ValidationError(
            _("PDF 파일이 아니거나 손상된 파일입니다. 스캔한 PDF나 사진(PNG, JPG)을 올려 주세요."),
            code="not_pdf",
        )
    return CheckedEvidence("PDF", _CONTENT_TYPES["PDF"])
