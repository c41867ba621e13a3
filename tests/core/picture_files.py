"""Picture files for upload tests, all built in memory and cheap.

- `picture_bytes`: a real picture in any format Pillow writes.
- `mpo_bytes`: a camera-style multi-picture JPEG (Pillow's "MPO", two frames).
- `big_png_bytes`: a real, valid PNG of many pixels that weighs a few kilobytes
  (1 bit per pixel while being built: 40 million pixels cost 5 MB of memory once).
- `png_header_bytes`: a PNG that declares any size but holds no pixel data, as a
  decompression bomb's header does (a few dozen bytes).
- `phone_jpeg_bytes`: a phone-style JPEG: EXIF with GPS position, camera, capture time
  and an orientation, XMP, a comment and an ICC profile; a marked top-left corner
  (`MARK`) shows where it ends up once turned.
- `cmyk_jpeg_bytes`, `transparent_png_bytes`: a CMYK JPEG; an RGBA PNG whose left half
  is transparent.
- `opened`: a stored picture read back (from a path or bytes), loaded; `metadata`: what
  of its metadata Pillow sees.
"""

from __future__ import annotations

import functools
import io
import struct
import zlib
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image, ImageCms

MARK = (20, 200, 40)  # the colour of `phone_jpeg_bytes`' top-left corner
BACKGROUND = (200, 40, 40)
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description '
    b'xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="37,33.98N"/>'
    b"</rdf:RDF></x:xmpmeta>"
)


def picture_bytes(fmt: str, size: tuple[int, int] = (8, 6)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (37, 110, 244)).save(buf, format=fmt)
    return buf.getvalue()


def mpo_bytes(size: tuple[int, int] = (8, 6)) -> bytes:
    buf = io.BytesIO()
    first = Image.new("RGB", size, (200, 30, 30))
    second = Image.new("RGB", size, (30, 30, 200))
    first.save(buf, format="MPO", save_all=True, append_images=[second])
    data = buf.getvalue()
    with Image.open(io.BytesIO(data)) as check:  # what the test relies on
        assert (check.format, getattr(check, "n_frames", 1)) == ("MPO", 2)
    return data


def big_png_bytes(width: int, height: int) -> bytes:
    buf = io.BytesIO()
    Image.new("1", (width, height)).save(buf, format="PNG")
    return buf.getvalue()


def png_header_bytes(width: int, height: int) -> bytes:
    """A PNG signature, an IHDR declaring `width` × `height` RGB pixels, an empty IDAT
    and IEND, every CRC right: Pillow opens and verifies it without decoding."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b""))
        + chunk(b"IEND", b"")
    )


def upload(name: str, data: bytes, content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


@functools.cache
def srgb_profile() -> bytes:
    """One sRGB ICC profile for the whole run: LittleCMS writes the creation time into
    the profile's header, so two profiles made a second apart differ in their bytes."""
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def phone_exif(orientation: int) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "samsung"
    exif[ExifTags.Base.Model] = "Galaxy S24"
    exif[ExifTags.Base.DateTime] = "2026:03:14 10:21:07"
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (37.0, 33.0, 59.0),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (126.0, 58.0, 41.0),
    }
    return exif


def phone_jpeg_bytes(size: tuple[int, int] = (400, 300), orientation: int = 6) -> bytes:
    """A JPEG as a phone writes it: `BACKGROUND` with a `MARK` block in the top-left
    corner (a quarter of each side, as stored: before the orientation is applied)."""
    picture = Image.new("RGB", size, BACKGROUND)
    picture.paste(MARK, (0, 0, size[0] // 4, size[1] // 4))
    buf = io.BytesIO()
    picture.save(
        buf,
        format="JPEG",
        quality=95,
        exif=phone_exif(orientation),
        xmp=XMP,
        comment=b"IMG_20260314_102107 by Hong Gildong",
        icc_profile=srgb_profile(),
    )
    data = buf.getvalue()
    with Image.open(io.BytesIO(data)) as check:  # what the tests rely on
        exif = check.getexif()
        assert exif[ExifTags.Base.Orientation] == orientation
        assert exif.get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] == "N"
        assert {"exif", "xmp", "comment", "icc_profile"} <= set(check.info)
    return data


def cmyk_jpeg_bytes(size: tuple[int, int] = (40, 30), **params: Any) -> bytes:
    """A CMYK JPEG of pure red ink (0 % cyan, 100 % magenta and yellow, 0 % black)."""
    buf = io.BytesIO()
    Image.new("CMYK", size, (0, 255, 255, 0)).save(buf, format="JPEG", quality=95, **params)
    return buf.getvalue()


def transparent_png_bytes(size: tuple[int, int]) -> bytes:
    """An RGBA PNG: left half fully transparent, right half opaque blue."""
    picture = Image.new("RGBA", size, (0, 0, 0, 0))
    picture.paste((30, 60, 220, 255), (size[0] // 2, 0, size[0], size[1]))
    buf = io.BytesIO()
    picture.save(buf, format="PNG")
    return buf.getvalue()


def opened(source: Path | bytes) -> Image.Image:
    """The picture at `source` (a stored file's path, or bytes), opened and loaded
    (`format`, `n_frames` and `info` are those of the file)."""
    data = source if isinstance(source, bytes) else source.read_bytes()
    picture = Image.open(io.BytesIO(data))
    picture.load()
    return picture


def metadata(picture: Image.Image) -> dict[str, Any]:
    """What of `picture`'s metadata Pillow sees: its EXIF tags (empty when none), and
    which of the EXIF, XMP, comment, PNG text and ICC entries its `info` has."""
    keys = ("exif", "xmp", "XML:com.adobe.xmp", "comment", "Comment", "icc_profile")
    return {
        "exif": dict(picture.getexif()),
        "info": sorted(k for k in picture.info if k in keys),
    }
