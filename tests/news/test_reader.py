"""Reader pages: the article page (reference page parts), 404 / 410, lists with "더보기",
photo news, most viewed page, and the news on the home page and organisation profiles."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from hanjari.news import selectors, services
from hanjari.news.models import Article, Section
from tests.factories import OrganizationFactory
from tests.news.reader_support import (
    REFERENCE_BYLINE,
    parse_html,
    publish,
    publish_reference_article,
    published_article,
    reference_page,
    section,
    squash,
    user_in_group,
)

pytestmark = [pytest.mark.django_db]


def png_upload(name: str = "photo.png") -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (30, 20), (37, 110, 244)).save(buf, format="PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


@pytest.fixture
def reference(reporter, editor, org_a):
    return publish_reference_article(author=reporter, editor=editor, organizations=[org_a])


# --- the article page -----------------------------------------------------------------------


def test_reference_article_page_has_every_part(client, reference, org_a):
    page = reference_page()
    response = client.get(reference.get_absolute_url())
    assert response.status_code == 200
    doc = parse_html(response.content)

    article = doc.find("article")
    assert article is not None
    assert squash(article.find("h1").text()) == page.headline
    assert squash(doc.find(class_="hj-byline").text()) == REFERENCE_BYLINE
    assert squash(doc.find(class_="hj-article-subtitle").text()) == page.subtitle

    # text size (-, +), print and copy-link tools next to the byline
    tools = doc.find(class_="hj-article-tools")
    assert tools.find("button", data_hj_text_step="-1") is not None
    assert tools.find("button", data_hj_text_step="1") is not None
    assert tools.find("button", data_hj_print="") is not None
    assert tools.find("button", data_hj_copy_link="") is not None

    # the photo has no file (imported caption only): no empty figure with its caption
    assert article.find("figure") is None
    assert squash(page.caption) not in squash(article.text())

    body = squash(doc.find(id="article-body").text())
    assert body.startswith("[뉴스스텝] 사회적기업과 마을기업, 자활기업, 협동조합 등")
    assert body.endswith("계기가 되길 바란다”고 말했다.")
    assert squash(doc.find(class_="hj-article-copyright").text()) == page.copyright_line

    # linked organisation, comments, side lists, feed links
    orgs = doc.find(class_="hj-article-orgs")
    assert orgs.find("a", href=org_a.get_absolute_url()).text() == org_a.name
    assert "뉴스댓글" in doc.find(id="comments").text()
    side = squash(doc.find(class_="hj-news-side").text())
    for heading in ("최신뉴스", "PHOTO NEWS", "많이 본 기사"):
        assert heading in side
    assert doc.find("a", href=reverse("news:photos")) is not None
    assert doc.find("link", rel="alternate", href=reverse("news:feed-rss")) is not None
    assert doc.find("link", rel="alternate", href=reverse("news:feed-atom")) is not None

    # none of the reference page's chrome or other teasers
    text = response.content.decode()
    for chrome in ("철원군", "태백교육지원청", "청도군", "뉴스댓글 >"):
        assert chrome not in text


def test_caption_marker_is_not_doubled(client, reporter, editor):
    article = services.article_create(by=reporter, data={"headline": "사진 기사"})
    services.article_add_photo(
        article=article, by=reporter, image=png_upload(), caption="한마음 워크숍", credit="전주시"
    )
    publish(article, author=reporter, editor=editor)
    doc = parse_html(client.get(article.get_absolute_url()).content)
    figure = doc.find("figure", class_="hj-article-photo")
    assert squash(figure.find("figcaption").text()) == "▲ 한마음 워크숍 (전주시)"
    img = figure.find("img")
    photo = article.photos.get()
    assert img.attrs["src"] == reverse("news:photo", args=[photo.pk]) == photo.image_url
    assert img.attrs["alt"] == "한마음 워크숍"


def test_byline_shows_outlet_without_a_person_and_revision_time(client, staff, editor):
    article = published_article(
        author=staff,
        editor=editor,
        outlet="뉴스스텝",
        at=dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.UTC),
    )
    assert article.reporter_id == staff.pk  # staff are reporters: clear it for this case
    Article.objects.filter(pk=article.pk).update(reporter=None)
    byline = parse_html(client.get(article.get_absolute_url()).content).find(class_="hj-byline")
    assert squash(byline.text()) == "뉴스스텝 / 기사승인 : 2024-01-02 12:04:05"

    with time_machine.travel(dt.datetime(2024, 1, 3, 0, 0, 0, tzinfo=dt.UTC), tick=False):
        services.article_update(article=article, by=editor, data={"subtitle": "고친 부제"})
    byline = parse_html(client.get(article.get_absolute_url()).content).find(class_="hj-byline")
    assert squash(byline.text()) == (
        "뉴스스텝 / 기사승인 : 2024-01-02 12:04:05 / 수정 : 2024-01-03 09:00:00"
    )


def test_reporter_account_byline(client, editor):
    person = user_in_group("choi", "기자", display_name="최선경")
    article = published_article(author=person, editor=editor)
    byline = parse_html(client.get(article.get_absolute_url()).content).find(class_="hj-byline")
    assert squash(byline.text()).startswith("최선경 기자 / 기사승인 : ")


def test_body_html_is_rendered_as_html_but_sanitised(client, reporter, editor):
    article = published_article(
        author=reporter,
        editor=editor,
        body_source="**굵게** <script>alert(1)</script> <a href='javascript:alert(1)'>x</a>",
    )
    response = client.get(article.get_absolute_url())
    body = parse_html(response.content).find(id="article-body")
    assert body.find("strong").text() == "굵게"
    assert body.find("script") is None
    assert all(not a.attrs.get("href", "").startswith("javascript") for a in body.find_all("a"))


@pytest.mark.parametrize("state", ["draft", "submitted", "approved"])
def test_unpublished_article_is_404_for_readers(client, reporter, editor, state):
    article = services.article_create(by=reporter, data={"headline": "준비 중인 기사"})
    if state in ("submitted", "approved"):
        article = services.article_submit(article=article, by=reporter)
    if state == "approved":
        article = services.article_approve(article=article, by=editor)
    for who in (None, reporter, editor):
        if who:
            client.force_login(who)
        assert client.get(reverse("news:article", args=[article.pk])).status_code == 404


def test_scheduled_article_is_404_until_its_time(client, reporter, editor):
    article = services.article_create(by=reporter, data={"headline": "예약 기사"})
    article = services.article_submit(article=article, by=reporter)
    article = services.article_approve(article=article, by=editor)
    later = timezone.now() + dt.timedelta(hours=2)
    services.article_publish(article=article, by=editor, at=later)
    assert client.get(article.get_absolute_url()).status_code == 404
    assert article not in selectors.latest()
    with time_machine.travel(later + dt.timedelta(minutes=1)):
        assert client.get(article.get_absolute_url()).status_code == 200


def test_withdrawn_article_is_410_with_notice_and_reason(client, reporter, editor):
    article = published_article(author=reporter, editor=editor, headline="잘못 실린 기사")
    services.article_withdraw(article=article, by=editor, reason="사실과 다른 내용이 있어")
    response = client.get(article.get_absolute_url())
    assert response.status_code == 410
    text = response.content.decode()
    assert "게재가 취소된 기사입니다" in text
    assert "사실과 다른 내용이 있어" in text
    assert "잘못 실린 기사" not in text  # the withdrawn headline is not repeated
    assert client.get(reverse("news:article", args=[999999])).status_code == 404


def test_related_articles_share_organisations_or_tags(client, reporter, editor, org_a, org_b):
    main = published_article(
        author=reporter, editor=editor, headline="본 기사", organizations=[org_a]
    )
    same_org = published_article(
        author=reporter, editor=editor, headline="같은 조직 기사", organizations=[org_a]
    )
    other = published_article(
        author=reporter, editor=editor, headline="다른 조직 기사", organizations=[org_b]
    )
    related = selectors.related(main)
    assert same_org in related and other not in related
    doc = parse_html(client.get(main.get_absolute_url()).content)
    block = doc.find(class_="hj-related")
    assert "같은 조직 기사" in block.text()
    assert "다른 조직 기사" not in block.text()


def test_related_scores_shared_links_not_join_rows(reporter, editor, org_a, org_b):
    """Regression: a plain Count over both joins multiplied one shared organisation by
    every unrelated tag, ranking it above an article sharing two organisations."""
    main = published_article(
        author=reporter, editor=editor, headline="본", organizations=[org_a, org_b]
    )
    two_orgs = published_article(
        author=reporter, editor=editor, headline="둘", organizations=[org_a, org_b]
    )
    many_tags = services.article_create(
        by=reporter,
        data={"headline": "태그 많음"},
        organizations=[org_a],
        tag_names=["가", "나", "다", "라", "마"],
    )
    many_tags = publish(many_tags, author=reporter, editor=editor)
    assert selectors.related(main)[:2] == [two_orgs, many_tags]


# --- lists ------------------------------------------------------------------------------------


def test_list_newest_first_and_section_filter(client, reporter, editor):
    press, centre = section("press"), section("centre")
    old = published_article(
        author=reporter,
        editor=editor,
        headline="지난 소식",
        section=press,
        at=timezone.now() - dt.timedelta(days=2),
    )
    new = published_article(author=reporter, editor=editor, headline="새 소식", section=centre)
    draft = services.article_create(by=reporter, data={"headline": "작성 중 기사"})

    response = client.get(reverse("news:list"))
    assert response.status_code == 200
    titles = [
        squash(n.text()) for n in parse_html(response.content).find_all(class_="hj-news-title")
    ]
    assert titles == [new.headline, old.headline]
    assert draft.headline not in response.content.decode()

    response = client.get(reverse("news:section", args=["press"]))
    titles = [
        squash(n.text()) for n in parse_html(response.content).find_all(class_="hj-news-title")
    ]
    assert titles == [old.headline]
    assert client.get(reverse("news:section", args=["no-such"])).status_code == 404


def test_more_button_htmx_appends_next_page_and_pagination_without_js(client, reporter, editor):
    base = timezone.now() - dt.timedelta(days=1)
    for i in range(25):
        published_article(
            author=reporter,
            editor=editor,
            headline=f"기사 {i:02d}",
            at=base + dt.timedelta(minutes=i),
        )
    url = reverse("news:list")
    doc = parse_html(client.get(url).content)
    assert len(doc.find(id="news-list").find_all("li")) == 20
    more = doc.find(id="news-more").find("a")
    assert more.attrs["href"] == "?page=2"
    assert more.attrs["hx-get"] == f"{url}?page=2"
    assert more.attrs["hx-target"] == "#news-list"
    assert more.attrs["hx-swap"] == "beforeend"
    assert "더보기" in more.text()
    # plain pagination links (no scripts needed)
    assert doc.find("nav", class_="krds-pagination").find("a", href="?page=2") is not None

    # the htmx answer: only the next items, then the button and pagination out of band
    response = client.get(url + "?page=2", headers={"HX-Request": "true"})
    assert response.status_code == 200
    part = parse_html(response.content)
    assert part.find("html") is None
    items = [n for n in part.children if getattr(n, "tag", None) == "li"]
    assert [squash(i.find("h2").text()) for i in items] == [
        f"기사 {i:02d}" for i in range(4, -1, -1)
    ]
    assert "data-hj-page-start" in items[0].attrs
    oob_more = part.find(id="news-more")
    assert oob_more.attrs["hx-swap-oob"] == "true" and oob_more.find("a") is None
    assert part.find(id="news-pages").attrs["hx-swap-oob"] == "true"

    # without scripts, page 2 is a whole page
    page2 = parse_html(client.get(url + "?page=2").content)
    assert len(page2.find(id="news-list").find_all("li")) == 5
    assert client.get(url + "?page=abc").status_code == 200


def test_photo_news_lists_only_articles_with_image_files(client, reporter, editor):
    with_photo = services.article_create(by=reporter, data={"headline": "사진 있는 기사"})
    services.article_add_photo(article=with_photo, by=reporter, image=png_upload(), caption="현장")
    publish(with_photo, author=reporter, editor=editor)
    caption_only = services.article_create(by=reporter, data={"headline": "설명만 있는 기사"})
    services.article_add_photo(article=caption_only, by=reporter, caption="▲ 설명만")
    publish(caption_only, author=reporter, editor=editor)
    published_article(author=reporter, editor=editor, headline="사진 없는 기사")

    response = client.get(reverse("news:photos"))
    assert response.status_code == 200
    grid = parse_html(response.content).find(class_="hj-photo-grid")
    assert [squash(n.text()) for n in grid.find_all(class_="hj-photo-card-title")] == [
        "사진 있는 기사"
    ]
    assert grid.find("img").attrs["alt"] == "현장"


def test_most_viewed_page_windows_and_filters(client, reporter, editor, org_a):
    press = section("press")
    a = published_article(
        author=reporter, editor=editor, headline="조직 기사", organizations=[org_a], section=press
    )
    b = published_article(author=reporter, editor=editor, headline="다른 기사")
    for n in range(3):
        services.view_record(article=b, ident=f"r{n}", user_agent="Mozilla/5.0")
    services.view_record(article=a, ident="r0", user_agent="Mozilla/5.0")

    url = reverse("news:most-viewed")
    doc = parse_html(client.get(url).content)
    ranked = doc.find("ol", class_="hj-ranked-list")
    assert [squash(li.find("a").text()) for li in ranked.find_all("li")] == [
        "다른 기사",
        "조직 기사",
    ]
    assert "조회 3회" in ranked.text()
    tabs = doc.find("nav", class_="hj-news-tabs")
    assert [squash(t.text()) for t in tabs.find_all("a")] == [
        "최근 24시간",
        "최근 7일",
        "최근 30일",
    ]
    assert tabs.find("a", aria_current="page").attrs["href"] == "?window=24h"

    doc = parse_html(client.get(url, {"section": "press", "window": "7d"}).content)
    ranked = doc.find("ol", class_="hj-ranked-list")
    assert [squash(li.find("a").text()) for li in ranked.find_all("li")] == ["조직 기사"]
    doc = parse_html(client.get(url, {"organization": org_a.pk}).content)
    assert [
        squash(li.find("a").text())
        for li in doc.find_all("li")
        if li.find("a") and "조회" in li.text()
    ] == ["조직 기사"]

    assert client.get(url, {"window": "1y"}).status_code == 200  # falls back to 24 h
    assert client.get(url, {"section": "nope"}).status_code == 404
    assert client.get(url, {"organization": "x"}).status_code == 404
    assert client.get(url, {"organization": "999999"}).status_code == 404


# --- integrations -----------------------------------------------------------------------------


def test_home_shows_latest_five_news(client, reporter, editor):
    base = timezone.now() - dt.timedelta(hours=10)
    for i in range(7):
        published_article(
            author=reporter, editor=editor, headline=f"홈 기사 {i}", at=base + dt.timedelta(hours=i)
        )
    response = client.get(reverse("home"))
    assert response.status_code == 200
    text = response.content.decode()
    shown = [f"홈 기사 {i}" for i in range(7) if f"홈 기사 {i}<" in text]
    assert shown == [f"홈 기사 {i}" for i in range(2, 7)]
    assert reverse("news:list") in text


def test_organisation_profile_lists_its_published_articles(client, reporter, editor, org_a):
    published_article(author=reporter, editor=editor, headline="가나다 소식", organizations=[org_a])
    services.article_create(by=reporter, data={"headline": "가나다 초안"}, organizations=[org_a])
    published_article(author=reporter, editor=editor, headline="남의 소식")
    text = client.get(org_a.get_absolute_url()).content.decode()
    assert "가나다 소식" in text
    assert "가나다 초안" not in text
    assert "남의 소식" not in text


def test_header_has_news_item(client):
    doc = parse_html(client.get(reverse("news:list")).content)
    nav = doc.find("nav", class_="krds-main-menu")
    link = nav.find("a", href=reverse("news:list"))
    assert squash(link.text()) == "소식"
    assert link.attrs.get("aria-current") == "page"


def test_sections_exist_for_new_installs():
    assert set(Section.objects.values_list("slug", flat=True)) >= {"centre", "enterprises", "press"}


def test_organisation_in_directory_links_most_viewed(client, reporter, editor):
    org = OrganizationFactory(name="더불어락두부마을협동조합")
    published_article(author=reporter, editor=editor, organizations=[org])
    response = client.get(reverse("news:most-viewed"), {"organization": org.pk})
    assert "더불어락두부마을협동조합 관련 기사만 보고 있습니다." in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/news/99999999999999999999999/",
        "/news/photo/99999999999999999999999/",
        "/news/most-viewed/?organization=99999999999999999999999",
        "/news/most-viewed/?organization=-1",
        "/news/section/%EC%97%86%EC%9D%8C/",
    ],
)
def test_out_of_range_or_unknown_ids_are_404_not_500(client, url):
    assert client.get(url).status_code == 404


def test_list_answers_vary_on_htmx(client):
    response = client.get(reverse("news:list"))
    assert "HX-Request" in response["Vary"]


def test_section_with_a_korean_slug(client, reporter, editor):
    """Regression: Section slugs allow Unicode but the URL used the ASCII `slug`
    converter, so a section like "마을" broke every page listing the sections."""
    village = Section.objects.create(name="마을 소식", slug="마을", order=9)
    published_article(author=reporter, editor=editor, headline="마을 기사", section=village)
    assert client.get(reverse("news:list")).status_code == 200
    response = client.get(reverse("news:section", args=["마을"]))
    assert response.status_code == 200
    assert "마을 기사" in response.content.decode()


def test_standard_section_names_follow_the_language(client, db):
    """The three sections every installation starts with are shown translated; a
    section staff named themselves keeps its name in every language."""
    own = Section.objects.create(name="마을 이야기", slug="village-stories", order=9)
    ko = client.get("/news/", HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    en = client.get("/news/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for korean, english in [
        ("센터 소식", "Centre news"),
        ("기업 소식", "Enterprise news"),
        ("언론 보도", "Press coverage"),
    ]:
        assert f">{korean}</a>" in ko and f">{english}</a>" in en
        assert f">{korean}</a>" not in en
    assert ">마을 이야기</a>" in ko and ">마을 이야기</a>" in en
    section = client.get(
        f"/news/section/{Section.objects.get(slug='press').slug}/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert '<h1 class="hj-page-title">Press coverage</h1>' in section
    assert own.label == "마을 이야기"
