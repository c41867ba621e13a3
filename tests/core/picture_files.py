"""Picture files for upload tests, all built in memory and cheap.

- `picture_bytes`: a real picture in any format Pillow writes.
- `mpo_bytes`: a camera-style multi-picture JPEG (Pillow's "MPO", two frames).
- `big_png_bytes`: a real, valid PNG of many pixels that weighs a few kilobytes
  (1 bit per pixel while being built: 40 million pixels cost 5 MB of memory once).
- `png_header_bytes`: a PNG that declares any size but holds no pixel data, as a
  decompression bomb's header does (a few dozen bytes).
"""

from __future__ import annotations

import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


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
