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

`check_picture` decodes no pixels: Pillow reads the header (format and size) and
`Image.verify` checks the file's structure (for PNG every chunk's CRC), which costs
little memory whatever the picture declares.

`normalise_picture` then makes the copy that is stored in place of the upload (media
are public): turned the right way up (EXIF orientation), without metadata (EXIF with
the GPS position and the camera, XMP, comments, text chunks; an ICC colour profile is
kept), at most `PHOTO_MAX_SIDE` / `LOGO_MAX_SIDE` pixels on its longer side, and
re-encoded in the same format. It decodes the pixels, so it runs only on what
`check_picture` accepted (within its byte and pixel limits).
"""

from __future__ import annotations

import io
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageCms, ImageOps

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

__all__ = [
    "LOGO_MAX_SIDE",
    "LOGO_MESSAGES",
    "PHOTO_MAX_BYTES",
    "PHOTO_MAX_PIXELS",
    "PHOTO_MAX_SIDE",
    "PHOTO_MESSAGES",
    "WEB_PICTURE_FORMATS",
    "PictureMessages",
    "check_picture",
    "clean_photo",
    "clean_picture",
    "normalise_picture",
]

# Pillow's format names and the file-name extensions (lowercase, no dot) each may have.
WEB_PICTURE_FORMATS: Mapping[str, tuple[str, ...]] = {
    "PNG": ("png",),
    "JPEG": ("jpg", "jpeg"),
    "WEBP": ("webp",),
}
# Pillow's names for formats that are another one for our purposes.
_SAME_FORMAT = {"MPO": "JPEG"}  # a JPEG with extra pictures (Multi-Picture Format)

# Longest side, in pixels, of a stored picture (`normalise_picture` scales down to it).
# Photos fill at most a page's width, even on a high-density screen; a logo is shown
# a few hundred pixels wide at most.
PHOTO_MAX_SIDE = 2560
LOGO_MAX_SIDE = 1024
# A photo upload (article photos, event photos, posters, booth maps): at most 5 MB and
# 40 million pixels (width × height).
PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_MAX_PIXELS = 40_000_000
JPEG_QUALITY = 88
WEBP_QUALITY = 88
_CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


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


def normalise_picture(
    upload: Any,
    *,
    fmt: str,
    max_side: int,
    messages: PictureMessages = PHOTO_MESSAGES,
) -> SimpleUploadedFile:
    """The picture to store instead of `upload`: a new in-memory upload of the same
    name (so ``RandomName`` keeps the extension) and format, made to be published.

    Inputs: `upload`, a Django `File` that `check_picture` accepted (read whole into
    memory, so within its byte limit; its position is put back at 0); `fmt`, the format
    `check_picture` returned ("JPEG", "PNG" or "WEBP"; anything else is a `ValueError`);
    `max_side`, the longest side allowed in pixels (`PHOTO_MAX_SIDE`, `LOGO_MAX_SIDE`);
    `messages`, whose `unreadable` text refuses a file that cannot be decoded.

    The copy:

    - is turned the way the camera's EXIF orientation says (`ImageOps.exif_transpose`),
      so it still shows the right way up once the orientation tag is gone;
    - has no metadata: no EXIF (GPS position, camera, capture time), XMP, JPEG
      comments, PNG text chunks or resolution. An embedded ICC colour profile is kept
      (it is not personal and colours stay right); a CMYK JPEG is converted to RGB
      (through its profile to sRGB when it has one) and stored without a profile;
    - is scaled down, never up, so that its longer side is at most `max_side`
      (aspect ratio kept, Lanczos filter; a big JPEG is first decoded at 1/2, 1/4 or
      1/8 of its size with `Image.draft` when that is still at least the target size,
      which saves memory);
    - is encoded in the same format: JPEG at quality `JPEG_QUALITY`, progressive,
      optimised (a camera's multi-picture JPEG, "MPO", becomes a plain one-picture
      JPEG of its first picture); PNG optimised, keeping its transparency (a palette
      PNG stays a palette PNG unless it has to be scaled down: then it becomes RGB or
      RGBA, greyscale ones L or LA); WebP lossless when the upload is (a ``VP8L``
      bitstream), otherwise at quality `WEBP_QUALITY`, alpha kept. Of an animated WebP
      or PNG (APNG) only the first frame is kept.

    Every picture is re-encoded, even one that needs none of this (small, no
    metadata). Raises `django.core.exceptions.ValidationError` with
    `messages.unreadable` (code "unreadable") when Pillow fails while decoding or
    encoding — a truncated JPEG passes `check_picture` (Pillow's verify does not
    decode JPEG data) and fails here.
    """
    if fmt not in _CONTENT_TYPES:
        raise ValueError(f"Cannot normalise pictures to {fmt!r}")
    try:
        upload.seek(0)
        data = upload.read()
        with Image.open(io.BytesIO(data)) as source:
            body = _normalised_bytes(
                source, fmt=fmt, max_side=max_side, lossless=_webp_is_lossless(data)
            )
    except Exception:  # Pillow's decoders raise many kinds on malformed data
        raise ValidationError(messages.unreadable, code="unreadable") from None
    finally:
        upload.seek(0)
    name = str(getattr(upload, "name", "") or "")
    return SimpleUploadedFile(name, body, content_type=_CONTENT_TYPES[fmt])


def _fitted_size(size: tuple[int, int], max_side: int) -> tuple[int, int] | None:
    """`size` scaled down so that its longer side is `max_side` (the other rounded, at
    least 1), or None when it already fits."""
    width, height = size
    if max(width, height) <= max_side:
        return None
    if width >= height:
        return max_side, max(1, round(height * max_side / width))
    return max(1, round(width * max_side / height)), max_side


def _webp_is_lossless(data: bytes) -> bool:
    """Whether `data` is a WebP whose (first) picture is lossless: the first image
    bitstream among its RIFF chunks is ``VP8L`` (lossy is ``VP8 ``). Pillow does not
    say. Animation frames (``ANMF``) hold their bitstream after a 16-byte header."""
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        return False
    position = 12
    while position + 8 <= len(data):
        kind = data[position : position + 4]
        size = int.from_bytes(data[position + 4 : position + 8], "little")
        if kind == b"VP8L":
            return True
        if kind == b"VP8 ":
            return False
        if kind == b"ANMF":
            position += 8 + 16  # into the first frame's own chunks
        else:
            position += 8 + size + (size & 1)  # chunks are padded to an even size
    return False


def _resizable(picture: Image.Image, transparency: Any) -> Image.Image:
    """`picture` in a mode Lanczos scaling works in: palette and 1-bit pictures, and
    pictures with a transparent colour (PNG tRNS), become L, LA, RGB or RGBA."""
    mode = picture.mode
    if mode in ("L", "LA", "RGB", "RGBA", "I;16", "CMYK") and transparency is None:
        return picture
    if mode in ("1", "L"):
        return picture.convert("L" if transparency is None else "LA")
    has_alpha = transparency is not None or "A" in mode
    return picture.convert("RGBA" if has_alpha else "RGB")


def _cmyk_to_rgb(picture: Image.Image, icc: bytes | None) -> Image.Image:
    """A CMYK picture in RGB: through its ICC profile to sRGB when it has one that
    LittleCMS takes, else with Pillow's plain formula."""
    if icc:
        try:
            converted = ImageCms.profileToProfile(
                picture,
                ImageCms.ImageCmsProfile(io.BytesIO(icc)),
                ImageCms.createProfile("sRGB"),
                outputMode="RGB",
            )
        except Exception:  # a broken or unusual profile; LittleCMS missing
            converted = None
        if converted is not None:
            return converted
    return picture.convert("RGB")


def _encodable(
    picture: Image.Image, fmt: str, icc: bytes | None
) -> tuple[Image.Image, bytes | None]:
    """`picture` in a mode `fmt` stores, and the ICC profile that still fits it."""
    mode = picture.mode
    if fmt == "JPEG":
        if mode == "CMYK":
            return _cmyk_to_rgb(picture, icc), None
        if mode not in ("L", "RGB"):
            return picture.convert("RGB"), icc
    elif fmt == "PNG":
        if mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I;16"):
            return picture.convert("RGBA" if "A" in mode else "RGB"), icc
    elif mode not in ("RGB", "RGBA"):  # WEBP
        has_alpha = "A" in mode or "transparency" in picture.info
        return picture.convert("RGBA" if has_alpha else "RGB"), icc
    return picture, icc


def _normalised_bytes(source: Any, *, fmt: str, max_side: int, lossless: bool) -> bytes:
    """The bytes of `normalise_picture`'s copy of the opened picture `source` (its
    first frame)."""
    target = _fitted_size(source.size, max_side)
    box = None
    if target and source.format in ("JPEG", "MPO"):
        drafted = source.draft(None, target)  # decodes at 1/2, 1/4 or 1/8 size
        if drafted is not None:
            box = drafted[1]
    source.load()
    info = dict(source.info)  # after load: a PNG's eXIf chunk may follow the pixels
    icc = info.get("icc_profile") or None
    transparency = info.get("transparency")
    picture: Image.Image = source
    if target:
        picture = _resizable(picture, transparency)
        picture = picture.resize(target, Image.Resampling.LANCZOS, box=box, reducing_gap=3.0)
    picture, icc = _encodable(picture, fmt, icc)
    picture.info = info  # the orientation, for exif_transpose
    ImageOps.exif_transpose(picture, in_place=True)
    keeps_transparency = picture.mode == source.mode and transparency is not None
    picture.info = {}  # no metadata: savers read some of it (comment, ICC, tRNS)
    params: dict[str, Any] = {}
    if icc:
        params["icc_profile"] = icc
    if fmt == "JPEG":
        params.update(quality=JPEG_QUALITY, optimize=True, progressive=True)
    elif fmt == "PNG":
        params["optimize"] = True
        if keeps_transparency:
            params["transparency"] = transparency
    elif lossless:
        params["lossless"] = True
    else:
        params["quality"] = WEBP_QUALITY
    out = io.BytesIO()
    picture.save(out, format=fmt, **params)
    return out.getvalue()


def clean_picture(
    upload: Any,
    *,
    max_bytes: int,
    max_pixels: int,
    max_side: int,
    messages: PictureMessages = PHOTO_MESSAGES,
) -> SimpleUploadedFile:
    """The copy to store for an uploaded picture: `check_picture` (PNG / JPEG / WebP,
    at most `max_bytes` bytes and `max_pixels` pixels), then `normalise_picture` to
    `max_side` pixels a side, both with `messages`. Raises
    `django.core.exceptions.ValidationError` as those do."""
    fmt = check_picture(upload, max_bytes=max_bytes, max_pixels=max_pixels, messages=messages)
    return normalise_picture(upload, fmt=fmt, max_side=max_side, messages=messages)


def clean_photo(upload: Any) -> SimpleUploadedFile:
    """The copy to store for a photo upload (사진: article photos, event photos, posters,
    booth maps): `clean_picture` with `PHOTO_MAX_BYTES`, `PHOTO_MAX_PIXELS`,
    `PHOTO_MAX_SIDE` and `PHOTO_MESSAGES`."""
    return clean_picture(
        upload, max_bytes=PHOTO_MAX_BYTES, max_pixels=PHOTO_MAX_PIXELS, max_side=PHOTO_MAX_SIDE
    )
