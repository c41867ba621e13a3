"""`hanjari.core.images`: `check_picture` (what a picture upload may be, and every
refusal as a message, never an exception other than ValidationError) and
`normalise_picture` (the copy stored instead: upright, without metadata, scaled down,
same format)."""

from __future__ import annotations

import io
import warnings

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from PIL import ExifTags, Image, JpegImagePlugin

from hanjari.core.images import (
    LOGO_MAX_SIDE,
    LOGO_MESSAGES,
    PHOTO_MAX_SIDE,
    check_picture,
    normalise_picture,
)

from .picture_files import (
    BACKGROUND,
    MARK,
    big_png_bytes,
    cmyk_jpeg_bytes,
    metadata,
    mpo_bytes,
    opened,
    phone_exif,
    phone_jpeg_bytes,
    picture_bytes,
    png_header_bytes,
    srgb_profile,
    transparent_png_bytes,
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


# --- normalise_picture -------------------------------------------------------------------

NO_METADATA = {"exif": {}, "info": []}


def close(pixel, colour, tolerance=12) -> bool:
    """Whether `pixel` is `colour` give or take JPEG's losses."""
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True))


def normalised(name, data, *, max_side=PHOTO_MAX_SIDE, **kwargs) -> Image.Image:
    """The picture `normalise_picture` makes of an upload `check_picture` accepts."""
    file = upload(name, data)
    fmt = check_picture(file, **LIMITS)
    copy = normalise_picture(file, fmt=fmt, max_side=max_side, **kwargs)
    assert isinstance(copy, UploadedFile)
    assert copy.name == name  # RandomName keeps the extension
    assert copy.content_type == Image.MIME[fmt]
    assert file.tell() == 0 and copy.tell() == 0
    return opened(copy.read())


@pytest.mark.parametrize(
    ("orientation", "size", "mark_at"),
    [
        (1, (400, 300), (10, 10)),  # as stored: top left
        (3, (400, 300), (389, 289)),  # turned 180°: bottom right
        (6, (300, 400), (289, 10)),  # turned 90° clockwise: top right
        (8, (300, 400), (10, 389)),  # turned 90° anticlockwise: bottom left
    ],
)
def test_phone_jpeg_is_turned_upright_and_loses_its_metadata(orientation, size, mark_at):
    """A phone JPEG's GPS position, camera, capture time, XMP and comment were published
    with it under /media/; its orientation tag is applied, not dropped."""
    picture = normalised("IMG_0001.jpg", phone_jpeg_bytes((400, 300), orientation))
    assert (picture.format, picture.mode, picture.size) == ("JPEG", "RGB", size)
    assert metadata(picture) == {"exif": {}, "info": ["icc_profile"]}
    assert picture.info["icc_profile"] == srgb_profile()  # the colour profile is kept
    assert picture.info.get("progressive") == 1
    assert close(picture.getpixel(mark_at), MARK)
    corner = (size[0] - 1 - mark_at[0], size[1] - 1 - mark_at[1])
    assert close(picture.getpixel(corner), BACKGROUND)


def test_no_personal_data_is_left_in_the_bytes():
    file = upload("IMG_0001.jpg", phone_jpeg_bytes())
    data = normalise_picture(file, fmt="JPEG", max_side=PHOTO_MAX_SIDE).read()
    for text in (b"Galaxy", b"samsung", b"2026:03:14", b"GPSLatitude", b"Hong Gildong", b"Exif"):
        assert text not in data


@pytest.mark.parametrize(
    ("size", "max_side", "stored"),
    [
        ((4000, 3000), PHOTO_MAX_SIDE, (2560, 1920)),
        ((3000, 4000), PHOTO_MAX_SIDE, (1920, 2560)),
        ((2560, 1000), PHOTO_MAX_SIDE, (2560, 1000)),
        ((800, 600), PHOTO_MAX_SIDE, (800, 600)),  # never enlarged
        ((3000, 500), LOGO_MAX_SIDE, (1024, 171)),
        ((120, 60), LOGO_MAX_SIDE, (120, 60)),
    ],
)
@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_longer_side_is_scaled_down_to_max_side(fmt, size, max_side, stored):
    name = "photo." + {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}[fmt]
    picture = normalised(name, picture_bytes(fmt, size), max_side=max_side)
    assert (picture.format, picture.size) == (fmt, stored)
    assert close(picture.getpixel((stored[0] // 2, stored[1] // 2)), (37, 110, 244))


def test_phone_photo_of_4000_by_3000_turned_and_scaled():
    picture = normalised("IMG_0002.jpg", phone_jpeg_bytes((4000, 3000), 6))
    assert picture.size == (1920, 2560)
    assert metadata(picture) == {"exif": {}, "info": ["icc_profile"]}
    assert close(picture.getpixel((1900, 20)), MARK)


def test_big_jpeg_is_decoded_at_reduced_size(monkeypatch):
    """`Image.draft` makes libjpeg decode a 7000 × 5000 JPEG at half size (3500 × 2500,
    still more than 2560 wide): a quarter of the memory."""
    decoded = []
    draft = JpegImagePlugin.JpegImageFile.draft

    def spy(self, mode, size):
        result = draft(self, mode, size)
        decoded.append(self.size)
        return result

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "draft", spy)
    picture = normalised("big.jpg", picture_bytes("JPEG", (7000, 5000)))
    assert decoded == [(3500, 2500)]
    assert picture.size == (2560, 1829)
    assert close(picture.getpixel((0, 0)), (37, 110, 244))
    assert close(picture.getpixel((2559, 1828)), (37, 110, 244))


def test_png_transparency_survives_scaling():
    picture = normalised("logo.png", transparent_png_bytes((3000, 1000)), max_side=LOGO_MAX_SIDE)
    assert (picture.format, picture.mode, picture.size) == ("PNG", "RGBA", (1024, 341))
    assert picture.getpixel((100, 170))[3] == 0
    assert picture.getpixel((900, 170)) == (30, 60, 220, 255)
    assert metadata(picture) == NO_METADATA


def palette_png(size: tuple[int, int]) -> bytes:
    """A palette PNG: index 0 transparent (left half), index 1 opaque green."""
    picture = Image.new("P", size, 0)
    picture.putpalette([255, 0, 0, 0, 160, 0] + [0, 0, 0] * 254)
    picture.paste(1, (size[0] // 2, 0, size[0], size[1]))
    buf = io.BytesIO()
    picture.save(buf, format="PNG", transparency=0)
    return buf.getvalue()


def test_palette_png_stays_a_palette_png_when_small_enough():
    picture = normalised("logo.png", palette_png((300, 100)), max_side=LOGO_MAX_SIDE)
    assert (picture.mode, picture.size, picture.info["transparency"]) == ("P", (300, 100), 0)
    assert picture.convert("RGBA").getpixel((10, 50))[3] == 0
    assert picture.convert("RGBA").getpixel((290, 50)) == (0, 160, 0, 255)


def test_palette_png_scaled_down_becomes_rgba_with_its_transparency():
    picture = normalised("logo.png", palette_png((2048, 100)), max_side=LOGO_MAX_SIDE)
    assert (picture.format, picture.mode, picture.size) == ("PNG", "RGBA", (1024, 50))
    assert picture.getpixel((10, 25))[3] == 0
    assert picture.getpixel((1000, 25)) == (0, 160, 0, 255)


def test_png_metadata_is_dropped():
    from PIL import PngImagePlugin

    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "Hong Gildong's screenshot")
    text.add_itxt("XML:com.adobe.xmp", "<x:xmpmeta/>")
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(
        buf, format="PNG", pnginfo=text, exif=phone_exif(1), dpi=(300, 300)
    )
    assert metadata(opened(buf.getvalue()))["exif"]  # the source has them
    picture = normalised("shot.png", buf.getvalue())
    assert metadata(picture) == NO_METADATA
    assert "dpi" not in picture.info


def test_camera_multi_picture_jpeg_becomes_a_plain_jpeg():
    picture = normalised("camera.jpg", mpo_bytes((40, 30)))
    assert (picture.format, getattr(picture, "n_frames", 1), picture.size) == ("JPEG", 1, (40, 30))
    assert "mp" not in picture.info and "mpoffset" not in picture.info
    assert close(picture.getpixel((20, 15)), (200, 30, 30))  # the first picture


@pytest.mark.parametrize("profile", [None, "sRGB"])
def test_cmyk_jpeg_becomes_rgb(profile):
    """Without a usable CMYK profile (an sRGB one does not fit CMYK pixels) the plain
    conversion is used; the CMYK picture's profile is not kept on RGB pixels."""
    params = {"icc_profile": srgb_profile()} if profile else {}
    picture = normalised("print.jpg", cmyk_jpeg_bytes((40, 30), **params))
    assert (picture.format, picture.mode, picture.size) == ("JPEG", "RGB", (40, 30))
    assert close(picture.getpixel((20, 15)), (255, 0, 0))
    assert metadata(picture) == NO_METADATA


def webp_bitstream(data: bytes) -> bytes:
    """The kind of the first image chunk of a WebP: b"VP8 " (lossy) or b"VP8L"."""
    for kind in (b"VP8 ", b"VP8L"):
        if kind in data:
            return kind
    raise AssertionError("no image chunk")


@pytest.mark.parametrize("lossless", [True, False])
def test_webp_stays_lossless_or_lossy_and_keeps_alpha(lossless):
    source = Image.new("RGBA", (60, 40), (10, 120, 200, 255))
    source.paste((0, 0, 0, 0), (0, 0, 30, 40))
    buf = io.BytesIO()
    source.save(buf, format="WEBP", lossless=lossless, exif=phone_exif(1), xmp=b"<x:xmpmeta/>")
    assert metadata(opened(buf.getvalue()))["exif"]
    file = upload("photo.webp", buf.getvalue())
    data = normalise_picture(file, fmt="WEBP", max_side=PHOTO_MAX_SIDE).read()
    assert webp_bitstream(data) == (b"VP8L" if lossless else b"VP8 ")
    picture = opened(data)
    assert (picture.format, picture.mode, picture.size) == ("WEBP", "RGBA", (60, 40))
    assert metadata(picture) == NO_METADATA
    assert picture.getpixel((5, 20))[3] == 0
    assert close(picture.getpixel((50, 20)), (10, 120, 200, 255))


@pytest.mark.parametrize(("fmt", "name"), [("WEBP", "anim.webp"), ("PNG", "anim.png")])
def test_animation_keeps_its_first_frame_only(fmt, name):
    frames = [Image.new("RGB", (30, 20), colour) for colour in ("red", "blue", "green")]
    buf = io.BytesIO()
    frames[0].save(buf, format=fmt, save_all=True, append_images=frames[1:], lossless=True)
    assert opened(buf.getvalue()).n_frames == 3
    picture = normalised(name, buf.getvalue())
    assert (picture.format, getattr(picture, "n_frames", 1)) == (fmt, 1)
    assert close(picture.convert("RGB").getpixel((15, 10)), (255, 0, 0))


@pytest.mark.parametrize(
    ("messages", "message"),
    [
        ({}, UNREADABLE),
        (
            {"messages": LOGO_MESSAGES},
            "로고 파일을 읽을 수 없습니다. 손상되었거나 그림이 아닌 파일입니다.",
        ),
    ],
)
def test_truncated_jpeg_passes_the_check_and_is_refused_when_decoded(messages, message):
    """Pillow's verify does not decode JPEG data: a truncated JPEG passes
    `check_picture` and fails when decoded — a refusal, not a server error."""
    data = phone_jpeg_bytes((400, 300))
    file = upload("cut.jpg", data[: len(data) // 2])
    assert check_picture(file, **LIMITS) == "JPEG"
    with pytest.raises(ValidationError) as caught:
        normalise_picture(file, fmt="JPEG", max_side=PHOTO_MAX_SIDE, **messages)
    assert (caught.value.code, caught.value.messages) == ("unreadable", [message])
    assert file.tell() == 0


def test_unknown_format_is_a_programming_error():
    with pytest.raises(ValueError, match="GIF"):
        normalise_picture(upload("a.gif", picture_bytes("GIF")), fmt="GIF", max_side=10)


def test_orientation_in_exif_of_a_scaled_picture_is_applied_after_scaling():
    """The 90° turn is applied to the scaled copy: 5000 × 1000 with orientation 8
    (turned anticlockwise) is stored 512 × 2560."""
    picture = normalised("pano.jpg", phone_jpeg_bytes((5000, 1000), 8))
    assert picture.size == (512, 2560)
    assert close(picture.getpixel((20, 2540)), MARK)
    assert picture.getexif().get(ExifTags.Base.Orientation) is None
