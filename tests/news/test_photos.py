"""Article photo files (news:photo): a draft's photo is not public, a published
article's is; the public media URL does not serve article photos at all; and a caption
kept without its picture (imported press articles) is not drawn as an empty figure."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from hanjari.news import services
from hanjari.news.models import ArticlePhoto
from tests.core.picture_files import picture_bytes, upload
from tests.news.desk_fixtures import advance, make_article
from tests.news.reader_support import parse_html

pytestmark = pytest.mark.django_db

PNG = picture_bytes("PNG")


def _photo(author: Any, **article: Any) -> ArticlePhoto:
    draft = make_article(author, **article)
    return services.article_add_photo(
        article=draft, by=author, image=upload("현장.png", PNG), caption="현장", alt_text="현장"
    )


def _get(client: Any, photo: ArticlePhoto, user: Any = None) -> Any:
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(reverse("news:photo", args=[photo.pk]))


def test_draft_photo_only_for_those_who_see_the_draft(client, author, editor, reporter):
    photo = _photo(author)
    assert _get(client, photo).status_code == 404  # anonymous
    assert _get(client, photo, reporter).status_code == 404  # another reporter
    for user in (author, editor):
        response = _get(client, photo, user)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == photo.image.open("rb").read()
        assert response["Content-Type"] == "image/png"
        cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"private", "no-store"} <= cache_control
        assert "public" not in cache_control
        assert "Cookie" in response["Vary"]


def test_photo_is_public_once_the_article_is_published(client, author, editor):
    photo = _photo(author)
    advance(photo.article, "published", author=author, editor=editor)
    response = _get(client, photo)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert cache_control == {"public", "max-age=600"}


def test_scheduled_and_withdrawn_photos_are_not_public(client, author, editor):
    scheduled = _photo(author)
    article = advance(scheduled.article, "approved", author=author, editor=editor)
    services.article_publish(article=article, by=editor, at=timezone.now() + dt.timedelta(days=1))
    assert _get(client, scheduled).status_code == 404
    assert _get(client, scheduled, editor).status_code == 200

    withdrawn = _photo(author, headline="취소될 기사")
    advance(withdrawn.article, "withdrawn", author=author, editor=editor)
    assert _get(client, withdrawn).status_code == 404
    assert _get(client, withdrawn, author).status_code == 200


def test_missing_file_or_caption_only_photo_is_404(client, author, editor):
    photo = _photo(author)
    Path(photo.image.path).unlink()
    assert _get(client, photo, editor).status_code == 404
    caption_only = services.article_add_photo(article=photo.article, by=author, caption="▲ 설명")
    assert caption_only.image_url == ""
    assert _get(client, caption_only, editor).status_code == 404


@pytest.mark.parametrize("prefix", ["", "logos/../", "./", "/"])
def test_media_url_does_not_serve_article_photos(client, author, editor, prefix):
    photo = _photo(author)
    advance(photo.article, "published", author=author, editor=editor)
    client.force_login(editor)
    assert photo.image.name.startswith("news/")
    response = client.get(f"{settings.MEDIA_URL}{prefix}{photo.image.name}")
    assert response.status_code == 404


def test_other_media_are_still_served(client):
    logo = Path(settings.MEDIA_ROOT) / "logos" / "2026" / "logo.png"
    logo.parent.mkdir(parents=True, exist_ok=True)
    logo.write_bytes(PNG)
    response = client.get(f"{settings.MEDIA_URL}logos/2026/logo.png")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG


def test_article_pages_point_at_the_checked_url(client, author, editor):
    photo = _photo(author)
    client.force_login(editor)
    preview = client.get(reverse("news:article-preview", args=[photo.article.pk]))
    assert f'src="{photo.image_url}"' in preview.content.decode()
    assert settings.MEDIA_URL + "news/" not in preview.content.decode()


def test_caption_without_its_picture_is_not_an_empty_figure(client, editor):
    """An imported press article whose page kept two captions but no picture files."""
    article = services.article_import(
        by=editor,
        data={
            "headline": "사회적경제 박람회 열려",
            "body_source": "전주에서 박람회가 열렸다.",
            "outlet": "한자리일보",
        },
        photo_captions=["▲ 박람회 개막식 모습", "▲ 참가 기업 부스"],
        publish=True,
    )
    assert article.photos.filter(image="").count() == 2
    page = client.get(article.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert "<figure" not in html
    assert "박람회 개막식 모습" not in html
    doc = parse_html(page.content)
    assert doc.find("figure", class_="hj-article-photo") is None
    # the desk still shows them to editors, so a picture can be added later
    client.force_login(editor)
    form = client.get(reverse("news:photo-add", args=[article.pk])).content.decode()
    assert "박람회 개막식 모습" in form and "사진 파일 없음 (설명만)" in form
