"""View counting (조회 수): one count per reader per article per hour, no bots, no raw
IP stored; "most viewed" over 24 h / 7 d / 30 d with a frozen clock, per section and per
organisation."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from hanjari.news import selectors, services
from hanjari.news.models import Article, ArticleHourlyViews, ViewerHit
from tests.news.reader_support import (
    BROWSER_UA,
    parse_html,
    published_article,
    section,
    squash,
)

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def article(reporter, editor):
    return published_article(author=reporter, editor=editor, headline="조회되는 기사")


def views(article: Article) -> int:
    return Article.objects.get(pk=article.pk).view_count


def read(client, article, ua=BROWSER_UA, **extra):
    response = client.get(article.get_absolute_url(), headers={"User-Agent": ua}, **extra)
    assert response.status_code == 200
    return response


def test_reload_in_the_same_hour_counts_once_and_a_new_hour_again(client, article):
    start = timezone.now().replace(minute=5, second=0, microsecond=0) + dt.timedelta(hours=1)
    with time_machine.travel(start, tick=False) as traveller:
        read(client, article)
        read(client, article)
        traveller.shift(dt.timedelta(minutes=50))  # still the same hour
        read(client, article)
        assert views(article) == 1
        traveller.shift(dt.timedelta(minutes=10))  # the next hour
        read(client, article)
        read(client, article)
    assert views(article) == 2
    hourly = list(
        ArticleHourlyViews.objects.filter(article=article).values_list("count", flat=True)
    )
    assert hourly == [1, 1]


@pytest.mark.parametrize(
    "ua",
    [
        "",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; Yeti/1.1; +https://naver.me/spd)",
        "Mozilla/5.0 (compatible; Daum/4.1; +http://cs.daum.net/faq/15/4118.html?faqId=28966)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "python-requests/2.32.3",
        "curl/8.5.0",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 HeadlessChrome/130.0.0.0",
    ],
)
def test_bots_do_not_count(client, article, ua):
    read(client, article, ua=ua)
    assert views(article) == 0
    assert not ViewerHit.objects.exists()


def test_daum_app_readers_count(client, article):
    """Regression: the pattern "daum" also refused readers in the Daum app's browser."""
    ua = BROWSER_UA + " DaumApps/6.7.0 DaumDevice/mobile"
    read(client, article, ua=ua)
    assert views(article) == 1


def test_different_readers_each_count(client, article):
    read(client, article, REMOTE_ADDR="10.0.0.1")
    read(client, article, REMOTE_ADDR="10.0.0.2")
    read(client, article, REMOTE_ADDR="10.0.0.2", ua=BROWSER_UA + " Edg/130.0")
    assert views(article) == 3


def test_no_raw_ip_is_stored(client, article):
    read(client, article, REMOTE_ADDR="203.0.113.77")
    hit = ViewerHit.objects.get()
    assert len(hit.viewer) == 64 and int(hit.viewer, 16) >= 0
    assert "203.0.113.77" not in hit.viewer


def test_a_made_up_session_cookie_does_not_make_a_new_reader(client, article):
    """A client that sends a new (unknown) session key on each request is still one
    reader (its address)."""
    for n in range(3):
        client.cookies["sessionid"] = f"madeupsessionkey{n:020d}"
        read(client, article)
    assert views(article) == 1


def test_logged_in_reader_is_counted_by_session(client, article, reporter):
    client.force_login(reporter)
    read(client, article)
    read(client, article)
    assert views(article) == 1
    assert ViewerHit.objects.count() == 1


def test_head_prefetch_preview_and_withdrawn_do_not_count(client, article, editor):
    client.head(article.get_absolute_url(), headers={"User-Agent": BROWSER_UA})
    client.get(
        article.get_absolute_url(), headers={"User-Agent": BROWSER_UA, "Sec-Purpose": "prefetch"}
    )
    client.force_login(editor)
    preview = client.get(
        reverse("news:article-preview", args=[article.pk]), headers={"User-Agent": BROWSER_UA}
    )
    assert preview.status_code == 200
    assert views(article) == 0
    services.article_withdraw(article=article, by=editor, reason="오보")
    response = client.get(article.get_absolute_url(), headers={"User-Agent": BROWSER_UA})
    assert response.status_code == 410
    assert views(article) == 0


def test_old_viewer_hits_are_pruned(article):
    start = timezone.now().replace(minute=0, second=0, microsecond=0) - dt.timedelta(hours=10)
    services.view_record(article=article, ident="a", user_agent=BROWSER_UA, now=start)
    assert ViewerHit.objects.count() == 1
    # a view at minute 0 prunes rows older than the retention
    services.view_record(
        article=article, ident="b", user_agent=BROWSER_UA, now=start + dt.timedelta(hours=5)
    )
    assert ViewerHit.objects.count() == 1
    assert views(article) == 2  # pruning keeps the counts


# --- most viewed ------------------------------------------------------------------------------


def view_times(article: Article, when: dt.datetime, n: int) -> None:
    for i in range(n):
        assert services.view_record(article=article, ident=f"r{i}", user_agent=BROWSER_UA, now=when)


def test_most_viewed_windows_with_a_frozen_clock(reporter, editor, org_a):
    now = timezone.now().replace(minute=30, second=0, microsecond=0) + dt.timedelta(days=1)
    published = now - dt.timedelta(days=40)
    press, centre = section("press"), section("centre")
    old = published_article(
        author=reporter, editor=editor, headline="한 달 전 화제", at=published, section=press
    )
    week = published_article(
        author=reporter,
        editor=editor,
        headline="지난주 화제",
        at=published,
        section=centre,
        organizations=[org_a],
    )
    today = published_article(
        author=reporter,
        editor=editor,
        headline="오늘 화제",
        at=published,
        section=press,
        organizations=[org_a],
    )
    view_times(old, now - dt.timedelta(days=20), 9)
    view_times(week, now - dt.timedelta(days=3), 6)
    view_times(today, now - dt.timedelta(hours=2), 4)
    view_times(old, now - dt.timedelta(days=45), 50)  # outside every window

    with time_machine.travel(now, tick=False):
        assert selectors.most_viewed(window="24h") == [today]
        assert selectors.most_viewed(window="7d") == [week, today]
        assert selectors.most_viewed(window="30d") == [old, week, today]
        assert [a.window_views for a in selectors.most_viewed(window="30d")] == [9, 6, 4]
        # per section and per organisation
        assert selectors.most_viewed(window="30d", section=press) == [old, today]
        assert selectors.most_viewed(window="30d", organization=org_a) == [week, today]
        assert selectors.most_viewed(window="7d", section=press, organization=org_a) == [today]
        # a withdrawn article leaves the ranking
        services.article_withdraw(article=old, by=editor, reason="오보")
        assert selectors.most_viewed(window="30d") == [week, today]
        with pytest.raises(KeyError):
            selectors.most_viewed(window="1y")


def test_most_viewed_page_and_side_list_order(client, reporter, editor):
    now = timezone.now().replace(minute=30, second=0, microsecond=0) + dt.timedelta(days=1)
    a = published_article(
        author=reporter, editor=editor, headline="가장 많이", at=now - dt.timedelta(days=2)
    )
    b = published_article(
        author=reporter, editor=editor, headline="두 번째", at=now - dt.timedelta(days=2)
    )
    view_times(a, now - dt.timedelta(hours=3), 3)
    view_times(b, now - dt.timedelta(hours=3), 2)
    view_times(b, now - dt.timedelta(days=5), 5)
    with time_machine.travel(now, tick=False):
        doc = parse_html(client.get(reverse("news:most-viewed"), {"window": "24h"}).content)
        ranked = doc.find("ol", class_="hj-ranked-list")
        assert [squash(li.find("a").text()) for li in ranked.find_all("li")] == [
            "가장 많이",
            "두 번째",
        ]
        doc = parse_html(client.get(reverse("news:most-viewed"), {"window": "7d"}).content)
        ranked = doc.find("ol", class_="hj-ranked-list")
        assert [squash(li.find("a").text()) for li in ranked.find_all("li")] == [
            "두 번째",
            "가장 많이",
        ]
        # the side list on the list page uses the last 7 days
        doc = parse_html(client.get(reverse("news:list")).content)
        side = doc.find("ol", class_="hj-side-ranked")
        assert [squash(li.text()) for li in side.find_all("li")] == ["두 번째", "가장 많이"]
