"""Profile photos (조직 사진): upload through the picture checks with a required text
alternative, at most PHOTO_LIMIT, described, reordered and deleted by the
organisation's owners and editors; shown on the profile and in its JSON-LD; recorded
in the history and the audit log."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from hanjari.core.models import AuditEntry
from hanjari.registry import services
from hanjari.registry.models import PHOTO_LIMIT, OrganizationPhoto
from tests.core.picture_files import (
    metadata,
    opened,
    phone_jpeg_bytes,
    picture_bytes,
    upload,
)
from tests.registry.profile_support import jsonld, png_upload


def photos_url(org) -> str:
    return reverse("registry:organization-photos", args=[org.pk])


def add(org, by, alt: str = "두부를 만드는 조합원들", **kwargs):
    return services.organization_photo_add(
        organization=org, image=png_upload(), alt_text=alt, by=by, **kwargs
    )


def test_member_uploads_a_photo_with_its_text_alternative(client, org_a, member_a, settings):
    client.force_login(member_a)
    page = client.get(photos_url(org_a))
    assert page.status_code == 200
    assert "아직 올린 사진이 없습니다." in page.content.decode()
    response = client.post(
        photos_url(org_a),
        {
            "image": upload("공장.jpg", phone_jpeg_bytes((400, 300), 6), "image/jpeg"),
            "alt_text": "  두부를 만드는 조합원들 ",
            "caption": "2025년 김장 두부",
        },
    )
    assert response.status_code == 303
    assert response["Location"] == photos_url(org_a)
    [photo] = org_a.photos.all()
    assert (photo.alt_text, photo.caption, photo.position) == (
        "두부를 만드는 조합원들",
        "2025년 김장 두부",
        0,
    )
    # Stored under a random name, turned upright, without EXIF/GPS.
    assert photo.image.name.startswith("organizations/") and "공장" not in photo.image.name
    stored = opened(settings.MEDIA_ROOT / photo.image.name)
    assert stored.size == (300, 400)
    assert metadata(stored)["exif"] == {}
    entry = AuditEntry.objects.get(action="registry.organization.photo_added")
    assert (entry.user, entry.target_id) == (member_a, str(org_a.pk))
    assert photo.history.get().history_user == member_a


@pytest.mark.parametrize(
    ("image", "alt", "field", "message"),
    [
        (png_upload, "", "alt_text", "필수 항목입니다"),
        (png_upload, "   ", "alt_text", "필수 항목입니다"),
        (png_upload, "가" * 301, "alt_text", "최대 300 개의 글자"),
        (None, "사진", "image", "필수 항목입니다"),
        (lambda: upload("notes.png", b"not a picture"), "사진", "image", "올바른 이미지"),
        (
            lambda: upload("anim.png", picture_bytes("GIF"), "image/gif"),
            "사진",
            "image",
            "PNG, JPG, WebP 사진만 올릴 수 있습니다.",
        ),
        (
            lambda: upload("photo.jpg", picture_bytes("PNG")),
            "사진",
            "image",
            "파일 이름의 확장자(.jpg)가 사진 형식(PNG)과 다릅니다.",
        ),
        (
            lambda: upload("x.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>', "image/svg"),
            "사진",
            "image",
            "올바른 이미지",
        ),
    ],
)
def test_bad_uploads_are_form_errors(client, org_a, member_a, settings, image, alt, field, message):
    client.force_login(member_a)
    data = {"alt_text": alt, "caption": ""}
    if image is not None:
        data["image"] = image()
    response = client.post(photos_url(org_a), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert f'id="id_{field}_error"' in html
    assert not org_a.photos.exists()
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_a_photo_over_the_byte_limit_is_refused(client, org_a, member_a, monkeypatch):
    monkeypatch.setattr("hanjari.core.images.PHOTO_MAX_BYTES", 100)
    client.force_login(member_a)
    big = upload("big.png", picture_bytes("PNG", (200, 200)))
    response = client.post(photos_url(org_a), {"image": big, "alt_text": "사진"})
    assert response.status_code == 400
    assert "사진이 너무 큽니다" in response.content.decode()


def test_at_most_the_limit_of_photos(client, org_a, member_a):
    for n in range(PHOTO_LIMIT):
        add(org_a, member_a, alt=f"사진 {n}")
    client.force_login(member_a)
    page = client.get(photos_url(org_a)).content.decode()
    assert f"사진은 {PHOTO_LIMIT}장까지 올릴 수 있습니다" in page
    assert 'name="image"' not in page  # no upload form
    response = client.post(photos_url(org_a), {"image": png_upload(), "alt_text": "하나 더"})
    assert response.status_code == 400
    assert f"사진은 {PHOTO_LIMIT}장까지 올릴 수 있습니다" in response.content.decode()
    assert org_a.photos.count() == PHOTO_LIMIT


def test_uploads_are_rate_limited(client, org_a, member_a, monkeypatch):
    monkeypatch.setattr("hanjari.registry.views.PHOTO_UPLOADS_PER_HOUR", 1)
    client.force_login(member_a)
    first = client.post(photos_url(org_a), {"image": png_upload(), "alt_text": "첫 사진"})
    assert first.status_code == 303
    second = client.post(photos_url(org_a), {"image": png_upload(), "alt_text": "둘째 사진"})
    assert second.status_code == 429
    assert "사진을 너무 자주 올렸습니다" in second.content.decode()
    assert org_a.photos.count() == 1


def test_text_alternative_and_caption_can_be_changed(client, org_a, member_a):
    photo = add(org_a, member_a)
    client.force_login(member_a)
    url = reverse("registry:organization-photo", args=[org_a.pk, photo.pk])
    prefix = f"photo-{photo.pk}"
    response = client.post(url, {f"{prefix}-alt_text": "새 설명", f"{prefix}-caption": "캡션"})
    assert response.status_code == 303
    photo.refresh_from_db()
    assert (photo.alt_text, photo.caption) == ("새 설명", "캡션")
    blank = client.post(url, {f"{prefix}-alt_text": " ", f"{prefix}-caption": ""})
    assert blank.status_code == 400
    assert f'id="id_{prefix}-alt_text_error"' in blank.content.decode()
    photo.refresh_from_db()
    assert photo.alt_text == "새 설명"


def test_photos_are_reordered(client, org_a, member_a):
    first, second, third = (add(org_a, member_a, alt=a) for a in ("첫째", "둘째", "셋째"))
    client.force_login(member_a)

    def move(photo, direction):
        url = reverse("registry:organization-photo", args=[org_a.pk, photo.pk])
        return client.post(url, {"move": direction})

    assert move(third, "up").status_code == 303
    assert [p.alt_text for p in org_a.photos.all()] == ["첫째", "셋째", "둘째"]
    assert move(first, "down").status_code == 303
    assert [p.alt_text for p in org_a.photos.all()] == ["셋째", "첫째", "둘째"]
    assert move(third, "up").status_code == 303  # first already: nothing changes
    assert [p.alt_text for p in org_a.photos.all()] == ["셋째", "첫째", "둘째"]
    assert move(second, "sideways").status_code == 400
    page = client.get(photos_url(org_a)).content.decode()
    assert "1번 사진 앞으로" not in page and "1번 사진 뒤로" in page
    assert "3번 사진 앞으로" in page and "3번 사진 뒤로" not in page


def test_a_deleted_photo_is_gone_with_its_file(
    client, org_a, member_a, settings, django_capture_on_commit_callbacks
):
    photo = add(org_a, member_a)
    path = settings.MEDIA_ROOT / photo.image.name
    assert path.is_file()
    client.force_login(member_a)
    url = reverse("registry:organization-photo-delete", args=[org_a.pk, photo.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 303
    assert not OrganizationPhoto.objects.filter(pk=photo.pk).exists()
    assert not path.exists()
    assert AuditEntry.objects.filter(action="registry.organization.photo_deleted").count() == 1


def test_a_photo_of_another_organisation_is_not_reachable(client, org_a, org_b, member_a, staff):
    theirs = add(org_b, staff)
    client.force_login(member_a)
    # Through org_a's address (which member_a may edit): no such photo there.
    for name in ("registry:organization-photo-delete", "registry:organization-photo"):
        url = reverse(name, args=[org_a.pk, theirs.pk])
        assert client.post(url, {"move": "up"}).status_code == 404
    # Through org_b's own address: not member_a's organisation.
    url = reverse("registry:organization-photo-delete", args=[org_b.pk, theirs.pk])
    assert client.post(url).status_code == 403
    assert OrganizationPhoto.objects.filter(pk=theirs.pk).exists()


def test_services_refuse_who_may_not_edit(org_a, plain_user, council_admin_a):
    for user in (plain_user, council_admin_a, None):
        with pytest.raises(PermissionDenied):
            add(org_a, user)
    assert not org_a.photos.exists()


def test_profile_shows_the_photos_in_order_with_their_alternatives(client, org_a, member_a):
    add(org_a, member_a, alt="매장 모습", caption="전주 본점")
    second = add(org_a, member_a, alt="두부 상품")
    services.organization_photo_move(photo=second, direction="up", by=member_a)
    html = client.get(org_a.get_absolute_url()).content.decode()
    assert '<h2 id="org-photos-title">사진</h2>' in html
    assert html.index('alt="두부 상품"') < html.index('alt="매장 모습"')
    assert "<figcaption>전주 본점</figcaption>" in html
    images = jsonld(html)["image"]
    assert [url.rsplit("/", 1)[-1] for url in images] == [
        p.image.name.rsplit("/", 1)[-1] for p in org_a.photos.all()
    ]
    assert all(url.startswith("http://testserver/media/organizations/") for url in images)


def test_history_lists_photo_changes_in_words(client, org_a, member_a, staff):
    from tests.registry.test_views import table_rows

    photo = add(org_a, member_a, alt="매장 모습")
    add(org_a, member_a, alt="두부 상품")
    services.organization_photo_move(photo=photo, direction="down", by=member_a)
    services.organization_photo_update(photo=photo, alt_text="새 매장", caption="", by=member_a)
    services.organization_photo_delete(photo=photo, by=member_a)
    client.force_login(staff)
    html = client.get(reverse("registry:organization-history", args=[org_a.pk])).content.decode()
    kinds = [
        (row[1], row[2]) for row in table_rows(html, "hj-table")[1:] if row[1].startswith("사진")
    ]
    assert kinds == [
        ("사진: 새 매장", "사진 삭제"),
        ("사진: 새 매장", "사진 설명 변경"),
        ("사진: 매장 모습", "사진 순서 변경"),
        ("사진: 두부 상품", "사진 순서 변경"),
        ("사진: 두부 상품", "사진 추가"),
        ("사진: 매장 모습", "사진 추가"),
    ]
