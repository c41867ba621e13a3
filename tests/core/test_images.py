"""`hanjari.core.images.check_picture`: what a picture upload may be, and every refusal
as a message (never an exception other than ValidationError)."""

from __future__ import annotations

import warnings

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from hanjari.core.images import LOGO_MESSAGES, check_picture

from .picture_files import (
    big_png_bytes,
    mpo_bytes,
    picture_bytes,
    png_header_bytes,
    upload,
)

MB = 1024 * 1024
LIMITS = {"max_bytes": 5 * MB, "max_pixels": 40_000_000}
NOT_ALLOWED = "PNG, JPG, WebP 사진만 올릴 수 있습니다."
UNREADABLE = "사진 파일을 읽을 수 없습니다. 손상되었거나 사진이 아닌 파일입니다."
TOO_MANY_PIXELS = (
    "사진의 화소 수가 너무 많습니다 (최대 40메가픽셀). 가로·세로 크기를 줄여서 올려 주세요."
)


def refusal(file, **kwargs) -> tuple[str, list[str]]:
    """The code and messages of the ValidationError `check_picture` raises."""
    with pytest.raises(ValidationError) as caught:
        check_picture(file, **{**LIMITS, **kwargs})
    return caught.value.code or "", caught.value.messages


@pytest.mark.parametrize(
    ("name", "data", "fmt"),
    [
        ("photo.png", picture_bytes("PNG"), "PNG"),
        ("photo.jpg", picture_bytes("JPEG"), "JPEG"),
        ("PHOTO.JPEG", picture_bytes("JPEG"), "JPEG"),
        ("photo.webp", picture_bytes("WEBP"), "WEBP"),
        ("사진.PNG", picture_bytes("PNG"), "PNG"),
        # a camera's multi-picture JPEG: Pillow says "MPO", it is a JPEG
        ("camera.jpg", mpo_bytes(), "JPEG"),
        ("camera.JPEG", mpo_bytes(), "JPEG"),
    ],
)
def test_accepted_pictures_return_their_format(name, data, fmt):
    file = upload(name, data)
    file.read(3)
    assert check_picture(file, **LIMITS) == fmt
    assert file.tell() == 0  # ready to be stored


@pytest.mark.parametrize(
    ("name", "data", "code", "message"),
    [
        ("photo.gif", picture_bytes("GIF"), "not_allowed", NOT_ALLOWED),
        ("photo", picture_bytes("PNG"), "not_allowed", NOT_ALLOWED),
        ("photo.png.exe", picture_bytes("PNG"), "not_allowed", NOT_ALLOWED),
        (".png", picture_bytes("PNG"), "not_allowed", NOT_ALLOWED),
        ("photo.png", picture_bytes("GIF"), "not_allowed", NOT_ALLOWED),
        ("photo.png", picture_bytes("BMP"), "not_allowed", NOT_ALLOWED),
        ("photo.webp", picture_bytes("TIFF"), "not_allowed", NOT_ALLOWED),
        ("photo.png", b"not a picture at all", "unreadable", UNREADABLE),
        ("photo.png", picture_bytes("PNG")[:-20], "unreadable", UNREADABLE),
        (
            "photo.jpg",
            picture_bytes("PNG"),
            "wrong_extension",
            "파일 이름의 확장자(.jpg)가 사진 형식(PNG)과 다릅니다.",
        ),
        (
            "photo.png",
            picture_bytes("JPEG"),
            "wrong_extension",
            "파일 이름의 확장자(.png)가 사진 형식(JPEG)과 다릅니다.",
        ),
        (
            "camera.png",
            mpo_bytes(),
            "wrong_extension",
            "파일 이름의 확장자(.png)가 사진 형식(JPEG)과 다릅니다.",
        ),
        (
            "photo.jpeg",
            picture_bytes("WEBP"),
            "wrong_extension",
            "파일 이름의 확장자(.jpeg)가 사진 형식(WEBP)과 다릅니다.",
        ),
    ],
)
def test_refusals_have_a_code_and_a_message(name, data, code, message):
    file = upload(name, data)
    assert refusal(file) == (code, [message])
    assert file.tell() == 0


def test_size_limit_in_bytes():
    file = upload("photo.png", picture_bytes("PNG"))
    file.size = 3 * MB // 2
    assert check_picture(file, max_bytes=3 * MB // 2, max_pixels=100) == "PNG"
    file.size += 1
    assert refusal(file, max_bytes=3 * MB // 2) == (
        "too_big",
        ["사진이 너무 큽니다 (최대 1.5 MB)."],
    )
    file.size = None
    assert refusal(file)[0] == "too_big"


def test_pixel_limit_is_width_times_height():
    """40 million pixels pass, one row more does not (real PNGs of a few kilobytes)."""
    assert check_picture(upload("wide.png", big_png_bytes(8000, 5000)), **LIMITS) == "PNG"
    file = upload("wide.png", big_png_bytes(8000, 5001))
    assert len(file) < 10_000
    assert refusal(file) == ("too_many_pixels", [TOO_MANY_PIXELS])


def test_logo_messages():
    file = upload("logo.png", big_png_bytes(5001, 5000))
    assert refusal(file, max_pixels=25_000_000, messages=LOGO_MESSAGES) == (
        "too_many_pixels",
        ["로고의 화소 수가 너무 많습니다 (최대 25메가픽셀). 가로·세로 크기를 줄여서 올려 주세요."],
    )
    assert refusal(upload("logo.png", b"GIF89a"), messages=LOGO_MESSAGES) == (
        "unreadable",
        ["로고 파일을 읽을 수 없습니다. 손상되었거나 그림이 아닌 파일입니다."],
    )
    assert refusal(upload("logo.gif", b""), max_bytes=2 * MB, messages=LOGO_MESSAGES) == (
        "not_allowed",
        ["로고는 PNG, JPG, WebP 그림만 올릴 수 있습니다."],
    )
    big = upload("logo.png", b"")
    big.size = 2 * MB + 1
    assert refusal(big, max_bytes=2 * MB, messages=LOGO_MESSAGES) == (
        "too_big",
        ["로고 파일이 너무 큽니다 (최대 2 MB)."],
    )


def test_decompression_bomb_header_is_refused_with_a_message():
    """A 60-byte PNG declaring 20,000 × 20,000 pixels: Pillow raises
    DecompressionBombError on opening it; that is a refusal, not a server error."""
    data = png_header_bytes(20_000, 20_000)
    assert len(data) < 100
    with pytest.raises(Image.DecompressionBombError):
        Image.open(upload("bomb.png", data))
    assert refusal(upload("bomb.png", data)) == ("too_many_pixels", [TOO_MANY_PIXELS])


def test_decompression_bomb_warning_size_is_refused_with_a_message():
    """10,000 × 10,000 pixels: Pillow only warns (DecompressionBombWarning); the pixel
    limit refuses it — and so does the checker where warnings are errors."""
    file = upload("bomb.png", png_header_bytes(10_000, 10_000))
    with pytest.warns(Image.DecompressionBombWarning):
        assert refusal(file) == ("too_many_pixels", [TOO_MANY_PIXELS])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert refusal(file) == ("too_many_pixels", [TOO_MANY_PIXELS])
    assert file.tell() == 0


@pytest.mark.parametrize("error", [IndexError, EOFError, TypeError, ZeroDivisionError])
def test_any_error_from_pillow_is_unreadable(monkeypatch, error):
    """Pillow's plugins raise many kinds of exception on malformed files."""

    def broken(*args, **kwargs):
        raise error("malformed")

    monkeypatch.setattr(Image, "open", broken)
    file = upload("photo.png", picture_bytes("PNG"))
    assert refusal(file) == ("unreadable", [UNREADABLE])
