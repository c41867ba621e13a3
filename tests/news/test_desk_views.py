"""Desk pages: article and photo forms, the workflow actions as HTTP, the preview,
and the press import page (paste or upload → side by side → draft)."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from hanjari.core.models import AuditEntry
from hanjari.news import services
from hanjari.news.models import Article, ArticlePhoto, Tag
from hanjari.news.press import markdown_paragraph, suggest_organizations
from tests.factories import OrganizationFactory, UserFactory
from tests.news.desk_fixtures import advance, make_article

pytestmark = pytest.mark.django_db

KST = ZoneInfo("Asia/Seoul")
NEWS = Path(__file__).resolve().parents[2] / "data" / "news"
REFERENCE = NEWS / "jeonju_workshop_2023-12-11.txt"
FIRST = (
    "[뉴스스텝] 사회적기업과 마을기업, 자활기업, 협동조합 등 ‘강한 경제’ 전주의 한 축을 담당하는 "
    "사회적경제기업 임직원과 활동가들이 한자리에 모여 활동 성과를 공유했다."
)
LAST = (
    "전주시 관계자는 “이번 사회적경제기업 한마음 워크숍을 통해 사회적경제기업간 정보 공유로 "
    "사회적경제조직의 효율적 협력을 활성화 하고 사회적경제의 가치가 널리 알려지는 계기가 되길 "
    "바란다”고 말했다."
)
CHROME = (
    "뉴스댓글",
    "최신뉴스",
    "철원군",
    "태백교육지원청",
    "청도군",
    "PHOTO NEWS",
    "더보기",
    "많이 본 기사",
)


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def image_file(name: str = "photo.png", fmt: str = "PNG", size: tuple[int, int] = (40, 30)) -> Any:
    buf = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buf, fmt)
    return SimpleUploadedFile(name, buf.getvalue(), content_type=f"image/{fmt.lower()}")


def form_post_data(form: Any) -> dict[str, Any]:
    """What a browser submits for `form` as rendered (its bound or initial values)."""
    data: dict[str, Any] = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        if isinstance(value, dt.datetime):
            if timezone.is_aware(value):
                value = timezone.localtime(value, KST)
            value = value.strftime("%Y-%m-%dT%H:%M:%S")
        if name == "organizations":
            value = [str(v) for v in value]
        data[name] = value
    return data


# --- article form ---------------------------------------------------------------------


def test_reporter_writes_a_draft_with_tags_and_organisations(client, reporter, org_a):
    client.force_login(reporter)
    response = client.get(reverse("news:article-new"))
    assert response.status_code == 200
    assert "byline_name" not in response.context["form"].fields  # press fields: editors only
    response = client.post(
        reverse("news:article-new"),
        {
            "headline": "  협동조합 한마음 워크숍  ",
            "subtitle": "첫 줄\n둘째 줄",
            "body_source": "첫 문단.\n\n**둘째** 문단 <script>alert(1)</script>",
            "tags": "워크숍, 전주,워크숍",
            "organizations": [str(org_a.pk)],
        },
    )
    article = Article.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("news:article-preview", args=[article.pk])
    assert article.headline == "협동조합 한마음 워크숍"
    assert article.status == Article.Status.DRAFT and article.reporter == reporter
    assert "<script" not in article.body_html and "<strong>둘째</strong>" in article.body_html
    assert sorted(t.name for t in article.tags.all()) == ["워크숍", "전주"]
    assert list(article.organizations.all()) == [org_a]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"headline": ""}, "headline"),
        ({"headline": "제목", "subtitle": "1\n2\n3"}, "subtitle"),
        ({"headline": "제목", "organizations": ["999999"]}, "organizations"),
        ({"headline": "제목", "tags": ",".join(f"t{i}" for i in range(25))}, "tags"),
    ],
)
def test_invalid_article_form_is_400(client, reporter, data, field):
    client.force_login(reporter)
    response = client.post(reverse("news:article-new"), data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Article.objects.exists()


def test_editor_form_has_press_fields(client, editor, press_section):
    client.force_login(editor)
    response = client.get(reverse("news:article-new") + "?press=1")
    form = response.context["form"]
    assert {"byline_name", "outlet", "original_url", "copyright_line"} <= set(form.fields)
    assert form["section"].value() == press_section.pk
    response = client.post(
        reverse("news:article-new"),
        {
            "headline": "보도 기사",
            "byline_name": "최선경",
            "outlet": "뉴스스텝",
            "original_url": "https://www.newsstep.co.kr/news/1",
            "original_published_at": "2023-12-11T17:40:25",
            "copyright_line": "[저작권자ⓒ 뉴스스텝. 무단전재-재배포 금지]",
        },
    )
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.byline == "최선경" and article.reporter is None
    assert article.original_published_at == dt.datetime(2023, 12, 11, 17, 40, 25, tzinfo=KST)


def test_organisation_search_htmx_and_without_js(client, reporter, org_a, org_b):
    client.force_login(reporter)
    url = reverse("news:article-new")
    response = client.get(url, {"org_q": "가나다"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.content.decode()
    assert org_a.name in body and org_b.name not in body
    assert "<html" not in body  # a partial
    # ticked organisations stay in the list
    response = client.get(
        url, {"org_q": "라마바", "organizations": [org_a.pk]}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert re.search(rf'value="{org_a.pk}"[^>]*checked', body)
    assert org_b.name in body
    # without JavaScript: the "찾기" button re-shows the form with matches, saves nothing
    response = client.post(url, {"headline": "쓰던 제목", "org_q": "라마바", "_org_search": "1"})
    assert response.status_code == 200
    body = response.content.decode()
    assert org_b.name in body and "쓰던 제목" in body
    assert not Article.objects.exists()


def test_organisation_search_ignores_control_characters(client, reporter, org_a):
    """A NUL in the search box was a 500 on PostgreSQL (found by the form fuzz)."""
    client.force_login(reporter)
    url = reverse("news:article-new")
    response = client.get(url, {"org_q": "\x00\x00"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    response = client.get(url, {"org_q": "가나\x00다"}, headers={"HX-Request": "true"})
    assert org_a.name in response.content.decode()


def test_organisation_picker_never_lists_every_organisation(client, reporter):
    for i in range(30):
        OrganizationFactory(name=f"목록에없어야할조합{i}")
    client.force_login(reporter)
    body = client.get(reverse("news:article-new")).content.decode()
    assert "목록에없어야할조합" not in body


def test_edit_published_article_keeps_revision(client, author, editor):
    article = advance(
        make_article(author, headline="처음"), "published", author=author, editor=editor
    )
    client.force_login(editor)
    response = client.get(reverse("news:article-edit", args=[article.pk]))
    assert response.status_code == 200
    assert response.context["form"]["headline"].value() == "처음"
    response = client.post(
        reverse("news:article-edit", args=[article.pk]), {"headline": "고친 제목"}
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.headline == "고친 제목" and article.revised_at is not None
    assert article.revisions.get().headline == "처음"


def test_author_cannot_edit_after_submitting(client, author):
    article = services.article_submit(article=make_article(author), by=author)
    client.force_login(author)
    response = client.post(reverse("news:article-edit", args=[article.pk]), {"headline": "x"})
    assert response.status_code == 403
    assert "권한이 없습니다" in response.content.decode()


# --- photos ---------------------------------------------------------------------------


def test_photo_upload(client, author):
    article = make_article(author)
    client.force_login(author)
    url = reverse("news:photo-add", args=[article.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "image": image_file("행사.jpg", "JPEG"),
            "caption": "▲ 워크숍",
            "credit": "전주시 제공",
            "alt_text": "참석자들이 모여 있는 모습",
        },
    )
    assert response.status_code == 302
    photo = ArticlePhoto.objects.get()
    assert photo.caption == "▲ 워크숍" and photo.image.name.endswith(".jpg")
    assert AuditEntry.objects.filter(action="news.article.photo_added").exists()


def test_photo_of_a_draft_is_stored_under_a_random_name(client, author, settings):
    """Bug: a photo kept its uploaded name, so a draft's photo could be found by guessing
    /media/news/<year>/IMG_0001.jpg, and a name could carry personal data."""
    article = make_article(author)
    client.force_login(author)
    url = reverse("news:photo-add", args=[article.pk])
    for _ in range(2):
        data = {"image": image_file("홍길동_IMG_0001.JPG", "JPEG"), "alt_text": "사진"}
        assert client.post(url, data).status_code == 302
    first, second = (p.image.name for p in ArticlePhoto.objects.order_by("pk"))
    year = timezone.localdate().year
    assert re.fullmatch(rf"news/{year}/[0-9a-f]{{32}}\.jpg", first)
    assert re.fullmatch(rf"news/{year}/[0-9a-f]{{32}}\.jpg", second)
    assert first != second
    stored = sorted(
        str(p.relative_to(settings.MEDIA_ROOT)) for p in settings.MEDIA_ROOT.rglob("*.*")
    )
    assert stored == sorted([first, second])
    html = client.get(reverse("news:photo-add", args=[article.pk])).content.decode()
    photo = ArticlePhoto.objects.order_by("pk").first()
    assert f'src="{reverse("news:photo", args=[photo.pk])}"' in html and "IMG_0001" not in html


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("x.png", b"not an image at all", content_type="image/png"),
            "읽을 수 없습니다",
        ),
        (SimpleUploadedFile("x.gif", b"GIF89a...", content_type="image/gif"), "PNG, JPG, WebP"),
        (
            SimpleUploadedFile(
                "x.png", b"\x89PNG" + b"0" * (5 * 1024 * 1024), content_type="image/png"
            ),
            "너무 큽니다",
        ),
        ("png-named-jpg", "확장자"),
        ("bmp", "PNG, JPG, WebP"),
        ("svg", "PNG, JPG, WebP"),
    ],
    ids=["not-image", "gif-extension", "too-big", "wrong-extension", "bmp-as-png", "svg"],
)
def test_bad_photo_upload_is_400_with_message(client, author, upload, message):
    if upload == "png-named-jpg":
        upload = image_file("x.jpg", "PNG")
    elif upload == "bmp":
        upload = image_file("x.png", "BMP")
    elif upload == "svg":
        upload = SimpleUploadedFile(
            "x.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
        )
    article = make_article(author)
    client.force_login(author)
    response = client.post(
        reverse("news:photo-add", args=[article.pk]),
        {"image": upload, "caption": "c", "alt_text": "설명"},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ArticlePhoto.objects.exists()


def test_photo_needs_alt_text(client, author):
    article = make_article(author)
    client.force_login(author)
    response = client.post(
        reverse("news:photo-add", args=[article.pk]), {"image": image_file(), "caption": "c"}
    )
    assert response.status_code == 400
    assert "alt_text" in response.context["form"].errors


# --- preview and actions --------------------------------------------------------------


def test_preview_shows_state_and_allowed_actions(client, author, editor):
    article = make_article(author)
    client.force_login(author)
    response = client.get(reverse("news:article-preview", args=[article.pk]))
    assert response.status_code == 200
    assert response.context["actions"]["submit"] and not response.context["actions"]["approve"]
    body = response.content.decode()
    assert (
        "작성 중" in body
        and reverse("news:article-transition", args=[article.pk, "submit"]) in body
    )

    services.article_submit(article=article, by=author)
    client.force_login(editor)
    response = client.get(reverse("news:article-preview", args=[article.pk]))
    actions = response.context["actions"]
    assert actions["approve"] and actions["return"] and not actions["publish"]
    assert "승인 요청" in response.content.decode()


def test_transition_views(client, author, editor):
    article = make_article(author)
    client.force_login(author)
    url = lambda action: reverse("news:article-transition", args=[article.pk, action])  # noqa: E731
    response = client.post(url("submit"))
    assert response.status_code == 302
    assert response["Location"] == reverse("news:article-preview", args=[article.pk])
    # the author may not approve: 403 with a message
    response = client.post(url("approve"))
    assert response.status_code == 403
    assert "권한이 없습니다" in response.content.decode()

    client.force_login(editor)
    # publish before approval: 409 with a message, nothing changes
    response = client.post(url("publish"))
    assert response.status_code == 409
    assert "할 수 없는 작업" in response.content.decode()
    assert client.post(url("approve")).status_code == 302
    assert client.post(url("publish"), {"at": ""}).status_code == 302
    article.refresh_from_db()
    assert article.status == "published"
    # withdraw needs a reason: 400 with a message
    response = client.post(url("withdraw"), {"reason": " "})
    assert response.status_code == 400
    assert "이유" in response.content.decode()
    assert client.post(url("withdraw"), {"reason": "사실과 다름"}).status_code == 302
    article.refresh_from_db()
    assert article.status == "withdrawn" and article.withdrawn_reason == "사실과 다름"


def test_transition_unknown_action_and_get(client, author, editor):
    article = make_article(author)
    client.force_login(editor)
    assert (
        client.post(reverse("news:article-transition", args=[article.pk, "delete"])).status_code
        == 404
    )
    assert (
        client.get(reverse("news:article-transition", args=[article.pk, "submit"])).status_code
        == 405
    )
    assert (
        client.post(reverse("news:article-transition", args=[99999, "submit"])).status_code == 404
    )


def test_scheduled_publish_through_the_view(client, author, editor):
    start = dt.datetime(2025, 3, 1, 0, 0, tzinfo=dt.UTC)  # 09:00 KST
    with time_machine.travel(start, tick=False):
        article = advance(make_article(author), "approved", author=author, editor=editor)
        client.force_login(editor)
        url = reverse("news:article-transition", args=[article.pk, "publish"])
        assert client.post(url, {"at": "2025-03-01T08:00"}).status_code == 400  # past
        assert client.post(url, {"at": "내일 아침"}).status_code == 400  # unreadable
        response = client.post(url, {"at": "2025-03-01T11:30"}, follow=True)
        assert response.status_code == 200
        assert "예약" in response.content.decode()
        article.refresh_from_db()
        assert article.published_at == dt.datetime(2025, 3, 1, 11, 30, tzinfo=KST)
        assert not Article.objects.published().filter(pk=article.pk).exists()
    with time_machine.travel(dt.datetime(2025, 3, 1, 2, 31, tzinfo=dt.UTC), tick=False):
        assert Article.objects.published().filter(pk=article.pk).exists()


def test_desk_lists_queues_for_editors(client, author, editor):
    submitted = services.article_submit(
        article=make_article(author, headline="대기 기사"), by=author
    )
    client.force_login(editor)
    response = client.get(reverse("news:desk"))
    assert response.status_code == 200
    assert submitted in response.context["submitted"]
    client.force_login(author)
    response = client.get(reverse("news:desk"))
    assert "submitted" not in response.context
    assert submitted in response.context["mine"]


# --- press import ---------------------------------------------------------------------


def _extract(client, **data: Any) -> Any:
    return client.post(reverse("news:import"), {"step": "extract", **data})


def test_import_round_trip_with_the_reference_page(client, editor, press_section):
    centre = OrganizationFactory(name="(사)전주시사회적경제지원센터")
    OrganizationFactory(name="한자리")  # in the text, but shorter than 4 characters
    OrganizationFactory(name="마을기업 주식회사")  # only a kind of organisation (real row)
    OrganizationFactory(name="서울두레협동조합")  # not in the text
    client.force_login(editor)
    assert client.get(reverse("news:import")).status_code == 200

    page = REFERENCE.read_text(encoding="utf-8")
    response = _extract(client, text=page, original_url="https://www.newsstep.co.kr/news/1")
    assert response.status_code == 200
    form = response.context["form"]
    assert form["headline"].value() == "‘강한 경제 전주’의 한 축, 사회적경제기업 ‘한 자리에!’"
    assert form["byline_name"].value() == "최선경"
    assert form["outlet"].value() == "뉴스스텝"
    assert [int(v) for v in form["organizations"].value()] == [centre.pk]  # preselected
    body = response.content.decode()
    assert "원문" in body and "많이 본 기사" in body  # the source is shown beside the form
    assert re.search(rf'value="{centre.pk}"[^>]*checked', body)

    response = client.post(reverse("news:import"), {**form_post_data(form), "step": "save"})
    assert response.status_code == 302, response.context and response.context["form"].errors
    article = Article.objects.get()
    assert response["Location"] == reverse("news:article-preview", args=[article.pk])
    assert article.status == Article.Status.DRAFT
    assert article.headline == "‘강한 경제 전주’의 한 축, 사회적경제기업 ‘한 자리에!’"
    assert (
        article.subtitle == "다양한 사회적경제기업의 활동 내용과 성과를 공유하는 화합의 장 펼쳐져"
    )
    assert (article.byline_name, article.byline, article.outlet) == ("최선경", "최선경", "뉴스스텝")
    assert article.reporter is None and article.created_by == editor
    assert article.original_published_at == dt.datetime(2023, 12, 11, 17, 40, 25, tzinfo=KST)
    assert article.dateline_prefix == "[뉴스스텝]"
    assert article.copyright_line == "[저작권자ⓒ 뉴스스텝. 무단전재-재배포 금지]"
    assert article.original_url == "https://www.newsstep.co.kr/news/1"
    assert article.section == press_section
    assert list(article.organizations.all()) == [centre]
    text = text_of(article.body_html)
    assert text.startswith(FIRST) and text.endswith(LAST)
    for chrome in CHROME:
        assert chrome not in text, chrome
    assert "저작권자" not in text and "기사승인" not in text
    assert [p.caption for p in article.photos.all()] == [
        "▲ ‘강한 경제 전주’의 한 축, 사회적경제기업 ‘한 자리에!’"
    ]
    assert not article.photos.get().image
    assert article.source_hash == services.source_hash(page)
    assert AuditEntry.objects.filter(action="news.article.imported", user=editor).exists()

    # the preview shows the byline like the reference page
    preview = client.get(reverse("news:article-preview", args=[article.pk])).content.decode()
    assert "최선경 기자 / 기사승인 : " in preview and "2023-12-11 17:40:25" in preview

    # the same page again: refused with a message, nothing new
    response = _extract(client, text=page)
    assert response.context["duplicate"] == article
    html = response.content.decode()
    assert "초안으로 저장" not in html  # no save button for a known article
    assert reverse("news:article-preview", args=[article.pk]) in html
    response = client.post(
        reverse("news:import"), {**form_post_data(response.context["form"]), "step": "save"}
    )
    assert response.status_code == 400
    assert "이미 가져온 기사" in response.content.decode()
    assert Article.objects.count() == 1


def test_import_upload_cp949_text_file(client, editor):
    client.force_login(editor)
    # the page as an older Korean site would serve it (characters CP949 lacks replaced)
    data = REFERENCE.read_text(encoding="utf-8").replace("•", "·").replace("․", "·")
    upload = SimpleUploadedFile("page.txt", data.encode("cp949"), content_type="text/plain")
    response = _extract(client, file=upload)
    assert response.status_code == 200
    assert response.context["form"]["byline_name"].value() == "최선경"
    assert response.context["file_name"] == "page.txt"


def test_import_html_upload(client, editor):
    client.force_login(editor)
    html = (
        "<!doctype html><html><head><title>전주 협동조합 박람회 열려 - 전북일보</title>"
        '<meta property="og:site_name" content="전북일보"></head><body><article>'
        "<h1>전주 협동조합 박람회 열려</h1><p>홍길동 기자 / 입력 2024-05-02 10:00</p>"
        "<p>전주시는 2일 협동조합 박람회를 열었다고 밝혔다. 올해로 다섯 번째다.</p>"
        "<p>박람회에는 협동조합 40곳이 참여해 제품을 선보였다.</p>"
        "</article></body></html>"
    )
    upload = SimpleUploadedFile("page.html", html.encode(), content_type="text/html")
    response = _extract(client, file=upload)
    assert response.status_code == 200
    assert "박람회" in response.context["form"]["body_source"].value()
    # the source column shows the page's text, a line per block, not its markup
    assert response.context["source"].splitlines()[:2] == [
        "전주 협동조합 박람회 열려",
        "홍길동 기자 / 입력 2024-05-02 10:00",
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "붙여 넣거나"),
        ({"file": SimpleUploadedFile("page.pdf", b"%PDF-1.4")}, ".txt 또는 .html"),
        ({"file": SimpleUploadedFile("page.txt", b"a" * (2 * 1024 * 1024 + 1))}, "너무 큽니다"),
        ({"file": SimpleUploadedFile("page.txt", b"\x00\x01\x02binary")}, "글자 파일이 아닙니다"),
        ({"file": SimpleUploadedFile("page.txt", b"\xff\xfe\xfa\xfb\x80\x81")}, "CP949"),
        ({"file": SimpleUploadedFile("page.txt", "글".encode()), "text": "글"}, "한 가지만"),
        ({"file": SimpleUploadedFile("page.txt", b"  \n ")}, "빈 파일"),
    ],
    ids=["nothing", "pdf", "too-big", "binary", "undecodable", "both", "empty"],
)
def test_bad_import_source_is_400_with_message(client, editor, data, message):
    client.force_login(editor)
    response = _extract(client, **data)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_import_save_validates(client, editor):
    client.force_login(editor)
    response = client.post(
        reverse("news:import"),
        {"step": "save", "headline": "", "outlet": "", "body_source": "", "source_text": "x"},
    )
    assert response.status_code == 400
    assert {"headline", "outlet", "body_source"} <= set(response.context["form"].errors)
    assert not Article.objects.exists()


def test_import_page_is_for_editors_only(client, reporter):
    client.force_login(reporter)
    assert client.get(reverse("news:import")).status_code == 403
    assert _extract(client, text="x").status_code == 403


# --- helpers ----------------------------------------------------------------------------


def test_suggestions_prefer_the_longest_name(db):
    council = OrganizationFactory(name="전주시협동조합협의회")
    OrganizationFactory(name="전주시협동조합")  # only inside the longer name
    standalone = OrganizationFactory(name="주식회사 라한호텔")
    found = suggest_organizations("전주시협동조합협의회 회원 등이 라한호텔 전주에서 모였다.")
    assert found == [council, standalone]


def test_markdown_paragraph_keeps_text_literal():
    from hanjari.news.sanitize import article_html

    for text in [
        "[뉴스스텝] *별표* _밑줄_ <b>태그</b>",
        "1. 목록 아님",
        "# 제목 아님",
        "[링크](http://x)",
    ]:
        assert text_of(article_html(markdown_paragraph(text))) == text_of(
            text.replace("<", "&lt;").replace(">", "&gt;")
        )
    assert markdown_paragraph("[뉴스스텝] 전주시는") == "[뉴스스텝] 전주시는"


def test_tag_names_are_cleaned(db):
    assert services.clean_tag_names("a, #b , A,,  c  d ") == ["a", "b", "c d"]
    assert not Tag.objects.exists()


# --- admin ----------------------------------------------------------------------------


def test_admin_pages_and_edit_through_the_service(client, author, editor, org_a):
    staff = UserFactory(username="admin", is_staff=True, is_superuser=True)
    article = advance(make_article(author, orgs=[org_a]), "published", author=author, editor=editor)
    services.article_add_photo(article=article, by=editor, caption="▲ 캡션")
    client.force_login(staff)
    for name in ("article", "section", "tag", "comment"):
        assert client.get(reverse(f"admin:news_{name}_changelist")).status_code == 200
    url = reverse("admin:news_article_change", args=[article.pk])
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k in form.fields}
    data.update(
        headline="관리자가 고친 제목",
        tags=[],
        organizations=[org_a.pk],
        **{
            "photos-TOTAL_FORMS": "1",
            "photos-INITIAL_FORMS": "1",
            "photos-0-id": str(article.photos.get().pk),
            "photos-0-article": str(article.pk),
            "photos-0-order": "0",
            "photos-0-caption": "▲ 캡션",
            "revisions-TOTAL_FORMS": "0",
            "revisions-INITIAL_FORMS": "0",
        },
    )
    data["section"] = ""
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    assert article.headline == "관리자가 고친 제목" and article.status == "published"
    assert article.revisions.get().headline == "한마음 워크숍 열려"
    assert AuditEntry.objects.filter(action="news.article.updated", user=staff).exists()


def test_headline_with_a_line_break_is_refused(client, author):
    """A headline is one line (it goes into <title>, feeds and e-mail subjects):
    hanjari.core.text.no_control_characters."""
    client.force_login(author)
    response = client.post(
        reverse("news:article-new"), {"headline": "첫 줄\r\n둘째 줄", "body_source": "본문."}
    )
    assert response.status_code == 400
    assert "줄바꿈이나 제어 문자는 넣을 수 없습니다." in response.content.decode()
    assert not Article.objects.exists()
