"""Article photo uploads (news desk) against `hanjari.core.images.check_picture`:
camera multi-picture JPEGs, the pixel limit and decompression-bomb headers; and what is
stored (`normalise_picture`: upright, without metadata, at most 2,560 pixels a side)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from hanjari.news.models import ArticlePhoto
from tests.core.picture_files import (
    MARK,
    big_png_bytes,
    metadata,
    mpo_bytes,
    opened,
    phone_jpeg_bytes,
    picture_bytes,
    png_header_bytes,
    transparent_png_bytes,
    upload,
)
from tests.news.desk_fixtures import make_article

pytestmark = pytest.mark.django_db

TOO_MANY_PIXELS = (
    "사진의 화소 수가 너무 많습니다 (최대 40메가픽셀). 가로·세로 크기를 줄여서 올려 주세요."
)


def post_photo(client, author, image):
    article = make_article(author)
    client.force_login(author)
    return client.post(
        reverse("news:photo-add", args=[article.pk]),
        {"image": image, "caption": "c", "alt_text": "설명"},
    )


@pytest.mark.parametrize("name", ["camera.jpg", "camera.JPEG"])
def test_camera_multi_picture_jpeg_is_accepted(client, author, name, settings):
    """Bug: a phone's multi-picture JPEG (Pillow's format "MPO") was refused as
    "PNG, JPG, WebP 사진만 올릴 수 있습니다."."""
    response = post_photo(client, author, upload(name, mpo_bytes(), "image/jpeg"))
    assert response.status_code == 302
    photo = ArticlePhoto.objects.get()
    assert photo.image.name.lower().endswith((".jpg", ".jpeg"))
    stored = opened(settings.MEDIA_ROOT / photo.image.name)  # a plain one-picture JPEG
    assert (stored.format, getattr(stored, "n_frames", 1), stored.size) == ("JPEG", 1, (8, 6))


@pytest.mark.parametrize(
    ("image", "message"),
    [
        (lambda: upload("wide.png", big_png_bytes(8000, 5001)), TOO_MANY_PIXELS),
        # a decompression bomb's header: Pillow raises DecompressionBombError
        (lambda: upload("bomb.png", png_header_bytes(20_000, 20_000)), TOO_MANY_PIXELS),
        (
            lambda: upload("camera.png", mpo_bytes(), "image/png"),
            "파일 이름의 확장자(.png)가 사진 형식(JPEG)과 다릅니다.",
        ),
    ],
    ids=["over-40-megapixels", "bomb-header", "mpo-named-png"],
)
def test_refused_photo_is_400_with_message(client, author, image, message):
    response = post_photo(client, author, image())
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ArticlePhoto.objects.exists()


def stored_photo(settings):
    photo = ArticlePhoto.objects.get()
    return photo, opened(settings.MEDIA_ROOT / photo.image.name)


def test_phone_photo_is_stored_upright_without_exif_or_gps(client, author, settings):
    """Bug: a phone JPEG was stored byte for byte, its EXIF (GPS position, phone model,
    capture time) published under /media/ to everyone."""
    data = phone_jpeg_bytes((400, 300), orientation=6)
    response = post_photo(client, author, upload("IMG_0001.jpg", data, "image/jpeg"))
    assert response.status_code == 302
    photo, stored = stored_photo(settings)
    assert photo.image.name.startswith("news/") and photo.image.name.endswith(".jpg")
    assert (stored.format, stored.size) == ("JPEG", (300, 400))  # turned 90° clockwise
    assert metadata(stored) == {"exif": {}, "info": ["icc_profile"]}
    assert b"Galaxy" not in photo.image.read()
    assert max(abs(a - b) for a, b in zip(stored.getpixel((289, 10)), MARK, strict=True)) < 12


@pytest.mark.parametrize(
    ("name", "fmt", "size", "stored_size"),
    [
        ("big.jpg", "JPEG", (4000, 3000), (2560, 1920)),
        ("tall.png", "PNG", (1500, 3000), (1280, 2560)),
        ("small.webp", "WEBP", (640, 480), (640, 480)),  # not enlarged
    ],
)
def test_photo_is_stored_at_most_2560_pixels_a_side(
    client, author, settings, name, fmt, size, stored_size
):
    """Bug: a 4032 × 3024 phone photo was served as uploaded in pages and thumbnails."""
    assert post_photo(client, author, upload(name, picture_bytes(fmt, size))).status_code == 302
    _photo, stored = stored_photo(settings)
    assert (stored.format, stored.size) == (fmt, stored_size)


def test_png_photo_keeps_its_transparency(client, author, settings):
    data = transparent_png_bytes((3000, 1000))
    assert post_photo(client, author, upload("chart.png", data)).status_code == 302
    _photo, stored = stored_photo(settings)
    assert (stored.format, stored.mode, stored.size) == ("PNG", "RGBA", (2560, 853))
    assert stored.getpixel((10, 400))[3] == 0
    assert stored.getpixel((2500, 400)) == (30, 60, 220, 255)


def test_truncated_jpeg_is_400_with_message(client, author):
    """It passes the check (Pillow's verify does not decode JPEG data) and fails to
    decode: a refusal with the unreadable message, not a server error."""
    data = phone_jpeg_bytes()
    response = post_photo(client, author, upload("cut.jpg", data[: len(data) // 2], "image/jpeg"))
    assert response.status_code == 400
    assert "사진 파일을 읽을 수 없습니다. 손상되었거나 사진이 아닌 파일입니다." in (
        response.content.decode()
    )
    assert not ArticlePhoto.objects.exists()
