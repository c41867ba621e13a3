"""The anonymous page cache (hanjari.core.pagecache): who is served from it, what is
stored, and that a change of content is visible at once."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from hanjari.core import pagecache
from hanjari.core.pagecache import HEADER
from hanjari.news.models import Article
from hanjari.registry import services as registry_services
from tests.factories import DesignationFactory, OrganizationFactory, UserFactory
from tests.news.reader_support import BROWSER_UA, published_article, user_in_group

pytestmark = pytest.mark.usefixtures("page_cache_on")


@pytest.fixture
def commits(django_capture_on_commit_callbacks):
    """Run on-commit callbacks (the generation bump) as a real commit would."""

    def run(fn):
        with django_capture_on_commit_callbacks(execute=True):
            return fn()

    return run


def test_anonymous_page_is_stored_then_served_from_the_cache(db, client):
    DesignationFactory(organization=OrganizationFactory(name="가나다협동조합"))
    url = reverse("registry:directory")
    first = client.get(url)
    second = client.get(url)
    assert first.status_code == second.status_code == 200
    assert first[HEADER] == "miss"
    assert second[HEADER] == "hit"
    assert second.content == first.content
    assert "가나다협동조합" in second.content.decode()
    # Headers the middleware adds on the way out are there on a hit too.
    assert "Content-Security-Policy" in second
    assert second["Content-Type"].startswith("text/html")
    assert "Cookie" in second["Vary"]


def test_logged_in_user_is_never_served_from_the_cache(db, client):
    client.get(reverse("home"))  # stored for anonymous visitors
    user = UserFactory(username="reader")
    client.force_login(user)
    response = client.get(reverse("home"))
    assert HEADER not in response
    assert "reader" in response.content.decode() or str(user) in response.content.decode()
    assert "로그아웃" in response.content.decode()


def test_a_change_of_content_is_visible_at_once(db, client, commits):
    org = commits(lambda: OrganizationFactory(name="처음이름협동조합"))
    url = reverse("registry:organization", args=[org.pk])
    assert client.get(url)[HEADER] == "miss"
    assert client.get(url)[HEADER] == "hit"
    staff = commits(lambda: UserFactory(username="staff", is_staff=True))
    commits(
        lambda: registry_services.organization_update(
            organization=org, by=staff, data={"name": "새이름협동조합"}
        )
    )
    response = client.get(url)
    assert response[HEADER] == "miss"
    assert "새이름협동조합" in response.content.decode()
    assert "처음이름협동조합" not in response.content.decode()


def test_a_change_not_yet_committed_keeps_the_cache(db, client):
    """The generation changes on commit, not before (a rolled-back edit changes nothing)."""
    before = pagecache.generation()
    OrganizationFactory(name="롤백될협동조합")  # inside the test's transaction, never committed
    assert pagecache.generation() == before


def test_each_language_has_its_own_page(db, client):
    ko = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="ko")
    en = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")
    assert ko[HEADER] == en[HEADER] == "miss"
    assert 'lang="ko"' in ko.content.decode()
    assert 'lang="en"' in en.content.decode()
    again_en = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")
    assert again_en[HEADER] == "hit"
    assert 'lang="en"' in again_en.content.decode()


def test_a_page_with_a_csrf_token_is_not_stored(db, client, settings, commits):
    """With guest comments on, the article page offers anonymous visitors the comment
    form, whose token belongs to one visitor: such a page is rendered every time."""
    settings.HANJARI_GUEST_COMMENTS = True
    editor = user_in_group("editor", "편집자")
    author = user_in_group("author", "기자")
    article = commits(lambda: published_article(author=author, editor=editor, headline="댓글"))
    url = reverse("news:article", args=[article.pk])
    first = client.get(url, HTTP_USER_AGENT=BROWSER_UA)
    assert first.status_code == 200
    assert "csrfmiddlewaretoken" in first.content.decode()
    assert HEADER not in first
    assert HEADER not in client.get(url, HTTP_USER_AGENT=BROWSER_UA)
    # With guest comments off the same page has no form, and is stored.
    settings.HANJARI_GUEST_COMMENTS = False
    assert client.get(url, HTTP_USER_AGENT=BROWSER_UA)[HEADER] == "miss"
    assert client.get(url, HTTP_USER_AGENT=BROWSER_UA)[HEADER] == "hit"


def test_layout_carries_no_csrf_token_for_anonymous_visitors(db, client):
    response = client.get(reverse("home"))
    html = response.content.decode()
    assert "csrfmiddlewaretoken" not in html
    assert "X-CSRFToken" not in html
    assert "csrftoken" not in response.cookies


def test_language_can_be_chosen_without_a_token(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/news/"})
    assert response.status_code == 302
    assert response["Location"] == "/news/"
    assert response.cookies["django_language"].value == "en"
    assert 'lang="en"' in client.get(reverse("home")).content.decode()


def test_visitor_with_pending_messages_or_session_bypasses_the_cache(db, client):
    url = reverse("news:list")
    client.get(url)
    client.cookies["messages"] = "anything"
    assert HEADER not in client.get(url)
    del client.cookies["messages"]
    client.cookies["sessionid"] = "no-such-session"
    assert HEADER not in client.get(url)


def test_missing_page_is_not_stored(db, client):
    url = reverse("registry:organization", args=[987654])
    assert client.get(url).status_code == 404
    response = client.get(url)
    assert response.status_code == 404
    assert HEADER not in response


def test_htmx_fragment_and_full_page_are_stored_apart(db, client):
    DesignationFactory(organization=OrganizationFactory(name="가나다협동조합"))
    url = reverse("registry:directory")
    full = client.get(url)
    fragment = client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="directory-results")
    assert fragment[HEADER] == "miss"
    assert fragment.content != full.content
    assert b"<!DOCTYPE html>" in full.content
    assert b"<!DOCTYPE html>" not in fragment.content


def test_article_views_are_counted_on_cache_hits(db, commits):
    editor = user_in_group("editor", "편집자")
    author = user_in_group("author", "기자")
    article = commits(lambda: published_article(author=author, editor=editor, headline="캐시 기사"))
    url = reverse("news:article", args=[article.pk])
    first = Client(HTTP_USER_AGENT=BROWSER_UA, REMOTE_ADDR="203.0.113.1").get(url)
    second = Client(HTTP_USER_AGENT=BROWSER_UA, REMOTE_ADDR="203.0.113.2").get(url)
    assert (first[HEADER], second[HEADER]) == ("miss", "hit")
    assert Article.objects.get(pk=article.pk).view_count == 2


def test_counting_a_view_does_not_empty_the_cache(db, commits):
    editor = user_in_group("editor", "편집자")
    author = user_in_group("author", "기자")
    article = commits(lambda: published_article(author=author, editor=editor, headline="조회"))
    url = reverse("news:article", args=[article.pk])
    before = pagecache.generation()
    commits(lambda: Client(HTTP_USER_AGENT=BROWSER_UA, REMOTE_ADDR="203.0.113.9").get(url))
    assert Article.objects.get(pk=article.pk).view_count == 1
    assert pagecache.generation() == before


def test_withdrawn_article_is_never_served_from_the_cache(db, client, commits):
    from hanjari.news import services as news_services

    editor = user_in_group("editor", "편집자")
    author = user_in_group("author", "기자")
    article = commits(lambda: published_article(author=author, editor=editor, headline="철회"))
    url = reverse("news:article", args=[article.pk])
    client.get(url, HTTP_USER_AGENT=BROWSER_UA)
    assert client.get(url, HTTP_USER_AGENT=BROWSER_UA)[HEADER] == "hit"
    commits(
        lambda: news_services.article_withdraw(article=article, by=editor, reason="사실과 다름")
    )
    assert client.get(url, HTTP_USER_AGENT=BROWSER_UA).status_code == 410


def test_page_cache_off_means_no_header(db, client, settings):
    settings.HANJARI_PAGE_CACHE_SECONDS = 0
    client.get(reverse("home"))
    assert HEADER not in client.get(reverse("home"))


def test_post_is_never_served_from_the_cache(db, client):
    client.get(reverse("search:search"), {"q": "협동조합"})
    response = client.post(reverse("search:search"), {"q": "협동조합"})
    assert HEADER not in response


def test_article_page_hit_needs_no_query_for_a_repeat_view(db, commits, django_assert_num_queries):
    """On a page-cache hit for a reader's repeat view nothing is read from the database:
    the article's state is kept for the generation and the view is known as seen."""
    editor = user_in_group("editor", "편집자")
    author = user_in_group("author", "기자")
    article = commits(lambda: published_article(author=author, editor=editor, headline="빠른"))
    url = reverse("news:article", args=[article.pk])
    reader = Client(HTTP_USER_AGENT=BROWSER_UA, REMOTE_ADDR="203.0.113.20")
    assert reader.get(url)[HEADER] == "miss"
    with django_assert_num_queries(0):
        assert reader.get(url)[HEADER] == "hit"
    assert Article.objects.get(pk=article.pk).view_count == 1
    # Another reader is still counted (and withdrawing still answers 410 at once).
    other = Client(HTTP_USER_AGENT=BROWSER_UA, REMOTE_ADDR="203.0.113.21")
    assert other.get(url)[HEADER] == "hit"
    assert Article.objects.get(pk=article.pk).view_count == 2
