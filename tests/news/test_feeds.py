"""RSS 2.0 and Atom feeds: well-formed XML with only published articles."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone

from hanjari.news import services
from tests.news.reader_support import (
    publish_reference_article,
    published_article,
)

pytestmark = [pytest.mark.django_db]
ATOM = "{http://www.w3.org/2005/Atom}"


def parse_xml(data: bytes) -> ET.Element:
    """Parse a feed this test just fetched from our own server."""
    return ET.fromstring(data)  # noqa: S314 - our own response, not untrusted input


@pytest.fixture
def articles(reporter, editor):
    reference = publish_reference_article(author=reporter, editor=editor)
    live = published_article(author=reporter, editor=editor, headline="실린 기사 <특집> & 소식")
    draft = services.article_create(by=reporter, data={"headline": "작성 중 기사"})
    submitted = services.article_submit(
        article=services.article_create(by=reporter, data={"headline": "승인 요청 기사"}),
        by=reporter,
    )
    scheduled = services.article_approve(
        article=services.article_submit(
            article=services.article_create(by=reporter, data={"headline": "예약 기사"}),
            by=reporter,
        ),
        by=editor,
    )
    services.article_publish(article=scheduled, by=editor, at=timezone.now() + dt.timedelta(days=1))
    withdrawn = published_article(author=reporter, editor=editor, headline="취소된 기사")
    services.article_withdraw(article=withdrawn, by=editor, reason="오보")
    return {
        "reference": reference,
        "live": live,
        "hidden": [draft, submitted, scheduled, withdrawn],
    }


def test_rss_parses_and_lists_only_published(client, articles):
    response = client.get(reverse("news:feed-rss"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = parse_xml(response.content)
    assert root.tag == "rss"
    channel = root.find("channel")
    assert channel.findtext("title") == "한자리 소식"
    titles = [item.findtext("title") for item in channel.findall("item")]
    assert titles == [articles["live"].headline, articles["reference"].headline]
    ref = channel.findall("item")[1]
    assert ref.findtext("link") == f"http://testserver{articles['reference'].get_absolute_url()}"
    assert ref.findtext("description") == articles["reference"].subtitle
    assert ref.findtext("category") == "언론 보도"
    assert ref.findtext("pubDate").endswith("+0000")
    for hidden in articles["hidden"]:
        assert hidden.headline.encode() not in response.content


def test_atom_parses_and_lists_only_published(client, articles):
    response = client.get(reverse("news:feed-atom"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = parse_xml(response.content)
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == [
        articles["live"].headline,
        articles["reference"].headline,
    ]
    ref = entries[1]
    assert ref.find(f"{ATOM}author").findtext(f"{ATOM}name") == "최선경"
    assert ref.findtext(f"{ATOM}published").startswith("2023-12-11T")
    link = ref.find(f"{ATOM}link").attrib["href"]
    assert link.endswith(articles["reference"].get_absolute_url())
    for hidden in articles["hidden"]:
        assert hidden.headline.encode() not in response.content


def test_empty_feeds_are_valid(client):
    for name in ("news:feed-rss", "news:feed-atom"):
        response = client.get(reverse(name))
        assert response.status_code == 200
        parse_xml(response.content)
