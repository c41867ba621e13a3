"""Logo uploads on the profile edit page against `hanjari.core.images.check_picture`:
camera multi-picture JPEGs, the pixel limit (25 million), decompression-bomb headers
and the byte limit; and what is stored (`normalise_picture`: upright, without
metadata, at most 1,024 pixels a side)."""

from __future__ import annotations

import io
import os
from contextlib import nullcontext

import pytest
from django.urls import reverse
from PIL import Image

from hanjari.registry.forms import LOGO_MAX_PIXELS
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
from tests.registry.profile_support import edit_data

pytestmark = pytest.mark.django_db

TOO_MANY_PIXELS = (
    "로고의 화소 수가 너무 많습니다 (최대 25메가픽셀). 가로·세로 크기를 줄여서 올려 주세요."
)


def post_logo(client, org, member, logo, **changes):
    client.force_login(member)
    return client.post(
        reverse("registry:organization-edit", args=[org.pk]), edit_data(org, logo=logo, **changes)
    )


def assert_nothing_saved(org, settings):
    org.refresh_from_db()
    assert not org.logo
    assert org.industry != "카페"
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


@pytest.mark.parametrize("name", ["logo.jpg", "LOGO.JPEG"])
def test_camera_multi_picture_jpeg_logo_is_accepted(client, org_a, member_a, settings, name):
    response = post_logo(client, org_a, member_a, upload(name, mpo_bytes(), "image/jpeg"))
    assert response.status_code == 302
    org_a.refresh_from_db()
    assert org_a.logo.name.startswith("logos/")
    stored = opened(settings.MEDIA_ROOT / org_a.logo.name)  # a plain one-picture JPEG
    assert (stored.format, getattr(stored, "n_frames", 1), stored.size) == ("JPEG", 1, (8, 6))


def test_logo_limit_is_25_million_pixels(client, org_a, member_a, settings):
    """Bug: logos had no pixel limit: a 5 KB PNG of any size was stored."""
    assert LOGO_MAX_PIXELS == 25_000_000
    response = post_logo(
        client, org_a, member_a, upload("logo.png", big_png_bytes(5001, 5000)), industry="카페"
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert TOO_MANY_PIXELS in html
    assert 'id="id_logo_error"' in html
    assert_nothing_saved(org_a, settings)

    response = post_logo(client, org_a, member_a, upload("logo.png", big_png_bytes(5000, 5000)))
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("size", "message"),
    [
        # Pillow only warns: Django's ImageField lets it through, the pixel limit does not
        ((10_000, 10_000), TOO_MANY_PIXELS),
        # Pillow refuses to open it: Django's ImageField says it is not an image
        ((20_000, 20_000), "올바른 이미지를 업로드하세요"),
    ],
)
def test_decompression_bomb_header_logo_is_refused_with_a_message(
    client, org_a, member_a, settings, size, message
):
    logo = upload("logo.png", png_header_bytes(*size))
    warns = size[0] == 10_000
    with pytest.warns(Image.DecompressionBombWarning) if warns else nullcontext():
        response = post_logo(client, org_a, member_a, logo, industry="카페")
    assert response.status_code == 400
    assert message in response.content.decode()
    assert_nothing_saved(org_a, settings)


def test_logo_byte_limit_is_stated_in_mb(client, org_a, member_a, settings):
    """The limit comes from HANJARI_LOGO_MAX_BYTES; half a megabyte used to read
    "(최대 0 MB)"."""
    settings.HANJARI_LOGO_MAX_BYTES = 512 * 1024
    noise = Image.frombytes("RGB", (450, 450), os.urandom(450 * 450 * 3))
    buf = io.BytesIO()
    noise.save(buf, format="PNG")
    assert len(buf.getvalue()) > 512 * 1024
    response = post_logo(
        client, org_a, member_a, upload("logo.png", buf.getvalue()), industry="카페"
    )
    assert response.status_code == 400
    assert "로고 파일이 너무 큽니다 (최대 0.5 MB)." in response.content.decode()
    assert_nothing_saved(org_a, settings)


def test_stored_logo_is_not_checked_again(client, org_a, member_a, settings):
    """A logo stored under an earlier, larger limit does not block later edits."""
    response = post_logo(client, org_a, member_a, upload("logo.png", big_png_bytes(400, 400)))
    assert response.status_code == 302
    settings.HANJARI_LOGO_MAX_BYTES = 10
    org_a.refresh_from_db()
    client.force_login(member_a)
    response = client.post(
        reverse("registry:organization-edit", args=[org_a.pk]), edit_data(org_a, industry="카페")
    )
    assert response.status_code == 302
    org_a.refresh_from_db()
    assert org_a.industry == "카페" and org_a.logo


def stored_logo(org, settings):
    org.refresh_from_db()
    return opened(settings.MEDIA_ROOT / org.logo.name)


def test_phone_photo_logo_is_stored_upright_without_exif_or_gps(client, org_a, member_a, settings):
    """Bug: a logo photographed with a phone was stored byte for byte, its EXIF (GPS
    position, phone model, capture time) published under /media/ to everyone."""
    logo = upload("logo.jpg", phone_jpeg_bytes((400, 300), 6), "image/jpeg")
    assert post_logo(client, org_a, member_a, logo).status_code == 302
    stored = stored_logo(org_a, settings)
    assert org_a.logo.name.endswith(".jpg")
    assert (stored.format, stored.size) == ("JPEG", (300, 400))  # turned 90° clockwise
    assert metadata(stored) == {"exif": {}, "info": ["icc_profile"]}
    assert max(abs(a - b) for a, b in zip(stored.getpixel((289, 10)), MARK, strict=True)) < 12
    assert b"Galaxy" not in (settings.MEDIA_ROOT / org_a.logo.name).read_bytes()


@pytest.mark.parametrize(
    ("name", "data", "size"),
    [
        ("wide.png", picture_bytes("PNG", (3000, 500)), (1024, 171)),
        ("tall.jpg", picture_bytes("JPEG", (600, 2048)), (300, 1024)),
        ("small.webp", picture_bytes("WEBP", (200, 80)), (200, 80)),  # not enlarged
    ],
)
def test_logo_is_stored_at_most_1024_pixels_a_side(
    client, org_a, member_a, settings, name, data, size
):
    assert post_logo(client, org_a, member_a, upload(name, data)).status_code == 302
    stored = stored_logo(org_a, settings)
    assert (stored.format, stored.size) == (Image.open(io.BytesIO(data)).format, size)


def test_png_logo_keeps_its_transparency(client, org_a, member_a, settings):
    logo = upload("logo.png", transparent_png_bytes((2048, 512)))
    assert post_logo(client, org_a, member_a, logo).status_code == 302
    stored = stored_logo(org_a, settings)
    assert (stored.format, stored.mode, stored.size) == ("PNG", "RGBA", (1024, 256))
    assert stored.getpixel((10, 128))[3] == 0
    assert stored.getpixel((1000, 128)) == (30, 60, 220, 255)


def test_truncated_jpeg_logo_is_refused_with_a_message(client, org_a, member_a, settings):
    """It passes the check (Pillow's verify does not decode JPEG data) and fails to
    decode: a refusal with the logo's unreadable message, not a server error."""
    data = phone_jpeg_bytes()
    logo = upload("logo.jpg", data[: len(data) // 2], "image/jpeg")
    response = post_logo(client, org_a, member_a, logo, industry="카페")
    assert response.status_code == 400
    assert "로고 파일을 읽을 수 없습니다. 손상되었거나 그림이 아닌 파일입니다." in (
        response.content.decode()
    )
    assert_nothing_saved(org_a, settings)
