"""Checks of uploaded pictures (사진, 로고): one checker for every upload form and service.

`check_picture` refuses, with a clear Korean message, what a picture upload must not
be: a file whose name does not end in an allowed extension, a file over a byte limit,
a file Pillow cannot read, a format other than the allowed ones (as Pillow reads it,
not as the name or the content type says), a picture over a pixel limit (a small file
can declare 20,000 × 20,000 pixels: a "decompression bomb" for whoever decodes it
later), and a name whose extension is not the real format's (a GIF named ``.png``
would be stored and served as a PNG).

Camera and phone JPEGs with extra pictures (Multi-Picture Format) are JPEGs: Pillow
names their format "MPO"; here they count as "JPEG" everywhere.

Nothing here decodes the pixels: Pillow reads the header (format and size) and
`Image.verify` checks the file's structure (for PNG every chunk's CRC), which costs
little memory whatever the picture declares.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

__all__ = [
    "LOGO_MESSAGES",
    "PHOTO_MESSAGES",
    "WEB_PICTURE_FORMATS",
    "PictureMessages",
    "check_picture",
]

# Pillow's format names and the file-name extensions (lowercase, no dot) each may have.
WEB_PICTURE_FORMATS: Mapping[str, tuple[str, ...]] = {
    "PNG": ("png",),
    "JPEG": ("jpg", "jpeg"),
    "WEBP": ("webp",),
}
# Pillow's names for formats that are another one for our purposes.
_SAME_FORMAT = {"MPO": "JPEG"}  # a JPEG with extra pictures (Multi-Picture Format)


@dataclass(frozen=True)
class PictureMessages:
    """The refusal messages of one kind of picture (lazy translations).

    Placeholders: `too_big` gets ``%(mb)s`` (the byte limit in MB of 1,048,576 bytes,
    e.g. "5" or "1.5"); `too_many_pixels` gets ``%(megapixels)s`` (the pixel limit in
    millions, e.g. "40"); `wrong_extension` gets ``%(ext)s`` (the extension given,
    lowercase, no dot) and ``%(format)s`` (the real format, e.g. "PNG"). The
    `not_allowed` texts below name PNG, JPG and WebP: callers allowing other formats
    pass their own messages.
    """

    not_allowed: StrOrPromise
    too_big: StrOrPromise
    unreadable: StrOrPromise
    too_many_pixels: StrOrPromise
    wrong_extension: StrOrPromise


PHOTO_MESSAGES = PictureMessages(
    not_allowed=_("PNG, JPG, WebP 사진만 올릴 수 있습니다."),
    too_big=_("사진이 너무 큽니다 (최대 %(mb)s MB)."),
    unreadable=_("사진 파일을 읽을 수 없습니다. 손상되었거나 사진이 아닌 파일입니다."),
    too_many_pixels=_(
        "사진의 화소 수가 너무 많습니다 (최대 %(megapixels)s메가픽셀). "
        "가로·세로 크기를 줄여서 올려 주세요."
    ),
    wrong_extension=_("파일 이름의 확장자(.%(ext)s)가 사진 형식(%(format)s)과 다릅니다."),
)
LOGO_MESSAGES = PictureMessages(
    not_allowed=_("로고는 PNG, JPG, WebP 그림만 올릴 수 있습니다."),
    too_big=_("로고 파일이 너무 큽니다 (최대 %(mb)s MB)."),
    unreadable=_("로고 파일을 읽을 수 없습니다. 손상되었거나 그림이 아닌 파일입니다."),
    too_many_pixels=_(
        "로고의 화소 수가 너무 많습니다 (최대 %(megapixels)s메가픽셀). "
        "가로·세로 크기를 줄여서 올려 주세요."
    ),
    wrong_extension=_("로고 파일 이름의 확장자(.%(ext)s)가 그림 형식(%(format)s)과 다릅니다."),
)


def _number(value: float) -> str:
    """`value` with thousands separators and at most two decimals: 5.0 → "5", 1.5 → "1.5"."""
    text = f"{value:,.2f}"
    return text.rstrip("0").rstrip(".")


def _extension(name: str) -> str:
    """The extension of the last path component of `name`, lowercase, without the dot
    ("" when there is none)."""
    base = name.replace("\\", "/").rpartition("/")[2]
    stem, dot, extension = base.rpartition(".")
    return extension.strip().lower() if dot and stem else ""


def check_picture(
    upload: Any,
    *,
    max_bytes: int,
    max_pixels: int,
    formats: Mapping[str, Collection[str]] = WEB_PICTURE_FORMATS,
    messages: PictureMessages = PHOTO_MESSAGES,
) -> str:
    """Check an uploaded picture and return its format as Pillow names it ("PNG",
    "JPEG", "WEBP"…; a multi-picture JPEG, Pillow's "MPO", is returned as "JPEG").

    Inputs: `upload` is a Django `File` (an `UploadedFile` from a form): its `name`,
    `size` (bytes) and content are read, and its position is put back at 0 whatever
    happens. `max_bytes` is the largest file size in bytes; `max_pixels` the largest
    width × height in pixels (keep it at most `PIL.Image.MAX_IMAGE_PIXELS`, 89,478,485
    by default: Pillow warns above that and refuses to open twice that); `formats`
    maps each allowed Pillow format to the file-name extensions it may have
    (lowercase, no dot); `messages` the texts of the refusals.

    Checked in this order, each refusal a `django.core.exceptions.ValidationError`
    (the class `forms.ValidationError` names) with one message and a `code`:
    the name's extension is one of `formats`' ("not_allowed"); the size is known and
    at most `max_bytes` ("too_big"); Pillow opens the file and `Image.verify` passes
    ("unreadable"); the real format is one of `formats` ("not_allowed"); width ×
    height is at most `max_pixels` ("too_many_pixels" — also when Pillow itself
    raises `DecompressionBombError`, or `DecompressionBombWarning` where warnings are
    errors); the name's extension is one the real format may have
    ("wrong_extension"). Nothing else is raised: any error Pillow raises while reading
    a malformed file is refused as unreadable.
    """
    name = str(getattr(upload, "name", "") or "")
    extension = _extension(name)
    allowed = {ext for extensions in formats.values() for ext in extensions}
    if extension not in allowed:
        raise ValidationError(messages.not_allowed, code="not_allowed")
    size = getattr(upload, "size", None)
    if size is None or size > max_bytes:
        raise ValidationError(
            messages.too_big, code="too_big", params={"mb": _number(max_bytes / 2**20)}
        )
    too_many_pixels = ValidationError(
        messages.too_many_pixels,
        code="too_many_pixels",
        params={"megapixels": _number(max_pixels / 1_000_000)},
    )
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            fmt = str(image.format or "")
            width, height = image.size
            image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_many_pixels from None
    except Exception:  # Pillow's plugins raise many kinds on malformed files
        raise ValidationError(messages.unreadable, code="unreadable") from None
    finally:
        upload.seek(0)
    fmt = _SAME_FORMAT.get(fmt, fmt)
    if fmt not in formats:
        raise ValidationError(messages.not_allowed, code="not_allowed")
    if width * height > max_pixels:
        raise too_many_pixels
    if extension not in formats[fmt]:
        raise ValidationError(
            messages.wrong_extension,
            code="wrong_extension",
            params={"ext": extension, "format": fmt},
        )
    return fmt
