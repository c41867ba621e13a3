"""Event photos (행사 사진), posters and floor plans against
`hanjari.core.images.check_picture`, through the service and the staff page: camera
multi-picture JPEGs, the pixel limit, the extension, decompression-bomb headers; and
what is stored (`normalise_picture`: upright, without metadata, at most 2,560 pixels a
side)."""

from __future__ import annotations

from contextlib import nullcontext

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from PIL import Image

from hanjari.events import services
from hanjari.events.models import Event, EventPhoto
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
from tests.events.pages_support import make_event

pytestmark = pytest.mark.django_db

TOO_MANY_PIXELS = (
    "사진의 화소 수가 너무 많습니다 (최대 40메가픽셀). 가로·세로 크기를 줄여서 올려 주세요."
)


def refused(image) -> dict[str, list[str]]:
    """The errors of `event_photo_add` refusing `image`; nothing is stored."""
    with pytest.raises(ValidationError) as caught:
        services.event_photo_add(event=make_event(), image=image, by=None)
    assert not EventPhoto.objects.exists()
    return caught.value.message_dict


@pytest.mark.parametrize("name", ["camera.jpg", "camera.jpeg"])
def test_service_accepts_a_camera_multi_picture_jpeg(name, settings):
    """Bug: a phone's multi-picture JPEG (Pillow's format "MPO") was refused as
    "JPEG, PNG, WebP 사진만 올릴 수 있습니다."."""
    photo = services.event_photo_add(
        event=make_event(), image=upload(name, mpo_bytes(), "image/jpeg"), by=None
    )
    assert photo.image.name.endswith("." + name.rpartition(".")[2])
    stored = opened(settings.MEDIA_ROOT / photo.image.name)  # a plain one-picture JPEG
    assert (stored.format, getattr(stored, "n_frames", 1), stored.size) == ("JPEG", 1, (8, 6))


def test_staff_page_accepts_a_camera_multi_picture_jpeg(client, staff):
    event = make_event()
    client.force_login(staff)
    response = client.post(
        reverse("events:event-edit", args=[event.pk]),
        {"form": "photo", "image": upload("camera.jpg", mpo_bytes(), "image/jpeg")},
    )
    assert response.status_code == 302
    assert EventPhoto.objects.filter(event=event).count() == 1


def test_service_refuses_a_photo_over_40_megapixels():
    """Bug: event photos had no pixel limit (news photos had 40 million): a 5 KB PNG of
    8,000 × 5,001 pixels was stored, to be decoded by whoever resizes it."""
    assert services.event_photo_add(
        event=make_event(), image=upload("ok.png", big_png_bytes(8000, 5000)), by=None
    )
    EventPhoto.objects.all().delete()
    assert refused(upload("wide.png", big_png_bytes(8000, 5001))) == {"image": [TOO_MANY_PIXELS]}


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "photo.jpg",
            picture_bytes("PNG"),
            "파일 이름의 확장자(.jpg)가 사진 형식(PNG)과 다릅니다.",
        ),
        (
            "photo.png",
            picture_bytes("JPEG"),
            "파일 이름의 확장자(.png)가 사진 형식(JPEG)과 다릅니다.",
        ),
        ("photo.webp", mpo_bytes(), "파일 이름의 확장자(.webp)가 사진 형식(JPEG)과 다릅니다."),
        (
            "photo.png",
            picture_bytes("WEBP"),
            "파일 이름의 확장자(.png)가 사진 형식(WEBP)과 다릅니다.",
        ),
        ("photo.gif", picture_bytes("GIF"), "PNG, JPG, WebP 사진만 올릴 수 있습니다."),
        ("photo", picture_bytes("PNG"), "PNG, JPG, WebP 사진만 올릴 수 있습니다."),
    ],
)
def test_service_refuses_an_extension_that_is_not_the_real_format(name, data, message):
    """Bug: a PNG named photo.jpg was stored as a .jpg (only the extension list of the
    model field was checked, not that it names the real format)."""
    assert refused(upload(name, data)) == {"image": [message]}


def test_service_refuses_a_decompression_bomb_header_with_a_message():
    """A 60-byte PNG declaring 20,000 × 20,000 pixels makes Pillow raise
    DecompressionBombError: a refusal with a message, not a server error."""
    assert refused(upload("bomb.png", png_header_bytes(20_000, 20_000))) == {
        "image": [TOO_MANY_PIXELS]
    }


@pytest.mark.parametrize(
    ("size", "message"),
    [
        # Pillow only warns: Django's ImageField lets it through, the service refuses it
        ((10_000, 10_000), TOO_MANY_PIXELS),
        # Pillow refuses to open it: Django's ImageField says it is not an image
        ((20_000, 20_000), "올바른 이미지를 업로드하세요"),
        ((8000, 5001), TOO_MANY_PIXELS),
    ],
)
def test_staff_page_refuses_too_many_pixels_with_a_message(client, staff, size, message):
    event = make_event()
    client.force_login(staff)
    image = upload("bomb.png", png_header_bytes(*size))
    with pytest.warns(Image.DecompressionBombWarning) if size[0] == 10_000 else nullcontext():
        response = client.post(
            reverse("events:event-edit", args=[event.pk]), {"form": "photo", "image": image}
        )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not EventPhoto.objects.exists()


# --- posters and floor plans ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "name", "data", "message"),
    [
        ("poster", "poster.png", picture_bytes("GIF"), "PNG, JPG, WebP 사진만 올릴 수 있습니다."),
        ("booth_map", "plan.jpg", picture_bytes("BMP"), "PNG, JPG, WebP 사진만 올릴 수 있습니다."),
        (
            "poster",
            "poster.png",
            picture_bytes("JPEG"),
            "파일 이름의 확장자(.png)가 사진 형식(JPEG)과 다릅니다.",
        ),
        ("booth_map", "plan.png", big_png_bytes(8000, 5001), TOO_MANY_PIXELS),
    ],
    ids=["gif-poster", "bmp-floor-plan", "jpeg-poster-named-png", "floor-plan-40-mp"],
)
def test_poster_and_floor_plan_get_the_photo_check(field, name, data, message):
    """Bug: posters and floor plans had only Django's ImageField check and the extension
    list, so a GIF named poster.png, a BMP named plan.jpg, a JPEG named .png and a floor
    plan of any number of pixels (one of 144 million was stored, decoded by every
    browser showing the event page) were stored — docs/operations.md says they are
    checked like photos."""
    event = make_event()
    with pytest.raises(ValidationError) as caught:
        services.event_update(event=event, data={field: upload(name, data)}, by=None)
    assert caught.value.message_dict == {field: [message]}
    event.refresh_from_db()
    assert not getattr(event, field)
    with pytest.raises(ValidationError) as caught:
        services.event_create(
            data={
                "title": "새 행사",
                "kind": event.kind,
                "start_date": event.start_date,
                field: upload(name, data),
            },
            by=None,
        )
    assert caught.value.message_dict == {field: [message]}


def test_staff_page_refuses_a_poster_that_is_not_its_extension(client, staff, settings):
    event = make_event()
    client.force_login(staff)
    response = client.post(
        reverse("events:event-new"),
        {
            "title": "새 구매상담회",
            "kind": "consultation",
            "status": "draft",
            "start_date": "2031-04-01",
            "venue_name": "전주시청",
            "eligibility": "anyone",
            "poster": upload("poster.png", picture_bytes("GIF")),
            "booth_map": upload("plan.png", picture_bytes("PNG")),
        },
    )
    assert response.status_code == 400
    assert "PNG, JPG, WebP 사진만 올릴 수 있습니다." in response.content.decode()
    assert list(type(event).objects.values_list("title", flat=True)) == [event.title]
    services.event_update(
        event=event,
        data={
            "poster": upload("poster.jpeg", mpo_bytes(), "image/jpeg"),
            "booth_map": upload("plan.png", picture_bytes("PNG")),
        },
        by=None,
    )
    event.refresh_from_db()
    assert event.poster.name.endswith(".jpeg") and event.booth_map.name.endswith(".png")
    poster = opened(settings.MEDIA_ROOT / event.poster.name)
    assert (poster.format, getattr(poster, "n_frames", 1)) == ("JPEG", 1)


# --- what is stored --------------------------------------------------------------------------

UNREADABLE = "사진 파일을 읽을 수 없습니다. 손상되었거나 사진이 아닌 파일입니다."


def is_mark(pixel) -> bool:
    return max(abs(a - b) for a, b in zip(pixel, MARK, strict=True)) < 12


def assert_upright_phone_photo(path) -> None:
    """The stored `phone_jpeg_bytes((400, 300), 6)`: turned 90° clockwise, no EXIF."""
    stored = opened(path)
    assert (stored.format, stored.size) == ("JPEG", (300, 400))
    assert metadata(stored) == {"exif": {}, "info": ["icc_profile"]}
    assert is_mark(stored.getpixel((289, 10)))
    assert b"Galaxy" not in path.read_bytes()


def test_service_stores_a_phone_photo_upright_without_exif_or_gps(settings):
    """Bug: a phone JPEG was stored byte for byte, its EXIF (GPS position, phone model,
    capture time) published under /media/ to everyone."""
    image = upload("IMG_0001.jpg", phone_jpeg_bytes((400, 300), 6), "image/jpeg")
    photo = services.event_photo_add(event=make_event(), image=image, by=None)
    assert photo.image.name.startswith("events/") and photo.image.name.endswith(".jpg")
    assert_upright_phone_photo(settings.MEDIA_ROOT / photo.image.name)


def test_staff_page_stores_the_normalised_photo(client, staff, settings):
    """The page's form (Django's ImageField, which attaches the decoded `.image` to the
    upload) hands over the upload; what is saved is the normalised copy."""
    event = make_event()
    client.force_login(staff)
    image = upload("IMG_0001.jpg", phone_jpeg_bytes((400, 300), 6), "image/jpeg")
    response = client.post(
        reverse("events:event-edit", args=[event.pk]), {"form": "photo", "image": image}
    )
    assert response.status_code == 302
    photo = EventPhoto.objects.get(event=event)
    assert_upright_phone_photo(settings.MEDIA_ROOT / photo.image.name)


@pytest.mark.parametrize(
    ("name", "data", "size"),
    [
        ("big.jpg", picture_bytes("JPEG", (4000, 3000)), (2560, 1920)),
        ("small.png", picture_bytes("PNG", (1024, 768)), (1024, 768)),  # not enlarged
    ],
)
def test_service_stores_a_photo_of_at_most_2560_pixels_a_side(settings, name, data, size):
    photo = services.event_photo_add(event=make_event(), image=upload(name, data), by=None)
    assert opened(settings.MEDIA_ROOT / photo.image.name).size == size


def test_poster_and_floor_plan_are_stored_normalised(settings):
    event = make_event()
    services.event_update(
        event=event,
        data={
            "poster": upload("poster.jpg", phone_jpeg_bytes((400, 300), 6), "image/jpeg"),
            "booth_map": upload("plan.png", transparent_png_bytes((4000, 1000))),
        },
        by=None,
    )
    event.refresh_from_db()
    assert_upright_phone_photo(settings.MEDIA_ROOT / event.poster.name)
    plan = opened(settings.MEDIA_ROOT / event.booth_map.name)
    assert (plan.format, plan.mode, plan.size) == ("PNG", "RGBA", (2560, 640))
    assert plan.getpixel((10, 320))[3] == 0
    assert plan.getpixel((2500, 320)) == (30, 60, 220, 255)

    created = services.event_create(
        data={
            "title": "포스터 있는 행사",
            "kind": event.kind,
            "start_date": event.start_date,
            "poster": upload("poster.jpg", phone_jpeg_bytes((400, 300), 6), "image/jpeg"),
        },
        by=None,
    )
    assert_upright_phone_photo(settings.MEDIA_ROOT / created.poster.name)


def test_staff_page_stores_the_normalised_poster(client, staff, settings):
    client.force_login(staff)
    response = client.post(
        reverse("events:event-new"),
        {
            "title": "포스터 있는 구매상담회",
            "kind": "consultation",
            "status": "draft",
            "start_date": "2031-04-01",
            "venue_name": "전주시청",
            "eligibility": "anyone",
            "poster": upload("poster.jpg", phone_jpeg_bytes((400, 300), 6), "image/jpeg"),
        },
    )
    assert response.status_code == 302
    event = Event.objects.get(title="포스터 있는 구매상담회")
    assert_upright_phone_photo(settings.MEDIA_ROOT / event.poster.name)


def test_truncated_jpeg_is_refused_with_a_message():
    """It passes the check (Pillow's verify does not decode JPEG data) and fails to
    decode: a refusal, not a server error."""
    data = phone_jpeg_bytes()
    cut = data[: len(data) // 2]
    assert refused(upload("cut.jpg", cut, "image/jpeg")) == {"image": [UNREADABLE]}
    event = make_event()
    with pytest.raises(ValidationError) as caught:
        services.event_update(event=event, data={"poster": upload("cut.jpg", cut)}, by=None)
    assert caught.value.message_dict == {"poster": [UNREADABLE]}
