"""Article photo uploads (news desk) against `hanjari.core.images.check_picture`:
camera multi-picture JPEGs, the pixel limit and decompression-bomb headers."""

from __future__ import annotations

import pytest
from django.urls import reverse

from hanjari.news.models import ArticlePhoto
from tests.core.picture_files import big_png_bytes, mpo_bytes, png_header_bytes, upload
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
    assert (settings.MEDIA_ROOT / photo.image.name).read_bytes() == mpo_bytes()


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
