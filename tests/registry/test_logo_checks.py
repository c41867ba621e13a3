"""Logo uploads on the profile edit page against `hanjari.core.images.check_picture`:
camera multi-picture JPEGs, the pixel limit (25 million), decompression-bomb headers
and the byte limit."""

from __future__ import annotations

import io
import os
from contextlib import nullcontext

import pytest
from django.urls import reverse
from PIL import Image

from hanjari.registry.forms import LOGO_MAX_PIXELS
from hanjari.registry.models import Organization
from tests.core.picture_files import big_png_bytes, mpo_bytes, png_header_bytes, upload

pytestmark = pytest.mark.django_db

TOO_MANY_PIXELS = (
    "로고의 화소 수가 너무 많습니다 (최대 25메가픽셀). 가로·세로 크기를 줄여서 올려 주세요."
)


def edit_data(org: Organization, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        name: getattr(org, name)
        for name in (
            "name",
            "legal_form",
            "brn",
            "crn",
            "address",
            "sido",
            "sigungu",
            "industry",
            "products",
            "description",
            "website",
            "phone",
            "status",
        )
    }
    data["founded_on"] = org.founded_on.isoformat() if org.founded_on else ""
    data.update(changes)
    return data


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
    assert (settings.MEDIA_ROOT / org_a.logo.name).read_bytes() == mpo_bytes()


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
