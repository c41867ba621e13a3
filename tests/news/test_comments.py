"""Comments (댓글): XSS payloads stored as text and rendered inert, the rate limit, the
edit window, reports (once per reader), moderation with a reason ("삭제된 댓글입니다"),
and the htmx / plain answers (4xx with a Korean message, never a 500)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from hanjari.news import rules, services
from hanjari.news.models import Comment, CommentReport
from hanjari.news.sanitize import plain_text
from tests.factories import UserFactory
from tests.news.reader_support import (
    XSS_PAYLOADS,
    parse_html,
    published_article,
    squash,
)

pytestmark = [pytest.mark.django_db]
HTMX = {"HX-Request": "true"}


@pytest.fixture
def article(reporter, editor):
    return published_article(author=reporter, editor=editor, headline="댓글 받는 기사")


@pytest.fixture
def reader(db):
    return UserFactory(username="reader", display_name="독자")


@pytest.fixture
def other_reader(db):
    return UserFactory(username="reader2")


def create_url(article):
    return reverse("news:comment-create", args=[article.pk])


def comments_section(client, article):
    doc = parse_html(client.get(article.get_absolute_url()).content)
    return doc.find(id="comments")


def assert_inert(node):
    """No element that could run script: no script/iframe/svg/img/object elements, no
    on* attributes, no javascript: URLs."""
    for el in node.iter():
        assert el.tag not in {"script", "iframe", "svg", "img", "object", "embed"}, el.tag
        for name, value in el.attrs.items():
            assert not name.lower().startswith("on"), (el.tag, name)
            assert not value.strip().lower().startswith("javascript:"), (el.tag, name)


# --- stored as text, rendered escaped -------------------------------------------------------


def test_plain_text_strips_tags_and_keeps_text_unescaped():
    """Regression: nh3 returns HTML (``&gt;``); stored as is, the page escaped it again and
    readers saw ``3 &gt; 2``."""
    assert plain_text("3 > 2 & 1") == "3 > 2 & 1"
    assert plain_text("<b>굵게</b> 좋아요") == "굵게 좋아요"
    assert plain_text("<img src=x onerror=alert(1)>") == ""
    assert plain_text("<script>alert(1)</script>") == ""
    assert plain_text('"><svg onload=alert(1)>') == '">'


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_xss_payloads_are_stored_as_text_and_rendered_inert(client, article, reader, payload):
    client.force_login(reader)
    response = client.post(create_url(article), {"body": payload}, headers=HTMX)
    assert response.status_code in (201, 400)
    comment = Comment.objects.filter(article=article).first()
    if response.status_code == 400:  # nothing left once the markup is removed
        assert comment is None
        assert "댓글 내용을 적어 주세요." in response.content.decode()
        return
    if "&lt;" not in payload:  # tags are gone (unless typed as entities: then it is text)
        assert re.search(r"<[a-zA-Z/!]", comment.body) is None
    assert "onerror" not in comment.body and "onload" not in comment.body
    for markup in (response.content, client.get(article.get_absolute_url()).content):
        section = parse_html(markup).find(id="comments")
        assert_inert(section)
        shown = section.find("li", id=f"comment-{comment.pk}").find(class_="hj-comment-body")
        assert squash(shown.text()) == squash(comment.body)


def test_text_with_markup_characters_is_shown_once_escaped(client, article, reader):
    client.force_login(reader)
    client.post(create_url(article), {"body": "3 < 5 & 7 > 2 &lt;b&gt;"})
    comment = Comment.objects.get()
    assert comment.body == "3 < 5 & 7 > 2 <b>"
    html = client.get(article.get_absolute_url()).content.decode()
    assert "3 &lt; 5 &amp; 7 &gt; 2 &lt;b&gt;" in html
    assert "&amp;lt;" not in html and "&amp;gt;" not in html


def test_javascript_url_is_not_linked(client, article, reader):
    client.force_login(reader)
    client.post(create_url(article), {"body": "javascript:alert(1) https://example.com"})
    section = comments_section(client, article)
    assert section.find("a", href="javascript:alert(1)") is None
    assert "javascript:alert(1)" in section.text()


# --- posting -------------------------------------------------------------------------------


def test_plain_post_redirects_to_the_comment(client, article, reader):
    client.force_login(reader)
    response = client.post(create_url(article), {"body": "좋은 소식입니다."})
    comment = Comment.objects.get()
    assert response.status_code == 303
    assert response["Location"] == f"{article.get_absolute_url()}#comment-{comment.pk}"
    assert comment.user == reader
    item = comments_section(client, article).find("li", id=f"comment-{comment.pk}")
    assert "좋은 소식입니다." in item.text() and "독자" in item.text()


def test_htmx_post_answers_with_the_comments_block(client, article, reader):
    client.force_login(reader)
    response = client.post(create_url(article), {"body": "응원합니다"}, headers=HTMX)
    assert response.status_code == 201
    doc = parse_html(response.content)
    assert doc.find("html") is None
    section = doc.find(id="comments")
    assert "댓글을 올렸습니다." in section.text()
    assert "응원합니다" in section.find("ol").text()
    assert section.find("form", class_="hj-comment-form").find("textarea").text().strip() == ""


def test_anonymous_cannot_comment_and_sees_a_login_link(client, article):
    response = client.post(create_url(article), {"body": "익명 댓글"}, headers=HTMX)
    assert response.status_code == 403
    assert "로그인한 사람만 댓글을 쓸 수 있습니다." in response.content.decode()
    response = client.post(create_url(article), {"body": "익명 댓글"})
    assert response.status_code == 403
    assert "로그인한 사람만 댓글을 쓸 수 있습니다." in response.content.decode()
    assert not Comment.objects.exists()
    section = comments_section(client, article)
    assert section.find("form") is None
    assert section.find("a", class_="hj-link").attrs["href"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("body", ["", "   ", "<b></b>", "가" * 2001])
def test_empty_or_too_long_comment_is_400_with_message(client, article, reader, body):
    client.force_login(reader)
    response = client.post(create_url(article), {"body": body}, headers=HTMX)
    assert response.status_code == 400
    assert response["X-Hanjari-Partial"] == "1"
    section = parse_html(response.content).find(id="comments")
    assert section.find(class_="hj-message-error") is not None
    assert not Comment.objects.exists()


def test_comment_on_unpublished_or_unknown_article_is_404(client, reporter, editor, reader):
    draft = services.article_create(by=reporter, data={"headline": "초안"})
    client.force_login(reader)
    assert client.post(create_url(draft), {"body": "x"}).status_code == 404
    assert (
        client.post(reverse("news:comment-create", args=[999999]), {"body": "x"}).status_code == 404
    )
    withdrawn = published_article(author=reporter, editor=editor)
    services.article_withdraw(article=withdrawn, by=editor, reason="오보")
    assert client.post(create_url(withdrawn), {"body": "x"}).status_code == 404


def test_rate_limit_sixth_comment_in_ten_minutes_is_429(client, article, reader):
    client.force_login(reader)
    start = timezone.now() + dt.timedelta(days=1)
    with time_machine.travel(start, tick=False) as traveller:
        for n in range(5):
            assert client.post(create_url(article), {"body": f"댓글 {n}"}).status_code == 303
            traveller.shift(dt.timedelta(minutes=1))
        response = client.post(create_url(article), {"body": "여섯째"}, headers=HTMX)
        assert response.status_code == 429
        assert "댓글을 너무 자주 쓰고 있습니다" in response.content.decode()
        assert response["Retry-After"] == "600"
        plain = client.post(create_url(article), {"body": "여섯째"})
        assert plain.status_code == 429
        assert "댓글을 너무 자주 쓰고 있습니다" in plain.content.decode()
        assert Comment.objects.count() == 5
        # ten minutes after the first one, a slot is free again
        traveller.shift(dt.timedelta(minutes=6))
        assert client.post(create_url(article), {"body": "다시"}).status_code == 303
    assert Comment.objects.count() == 6


def test_rate_limit_is_per_user(client, article, reader, other_reader):
    client.force_login(reader)
    for n in range(5):
        client.post(create_url(article), {"body": f"댓글 {n}"})
    assert client.post(create_url(article), {"body": "초과"}).status_code == 429
    client.force_login(other_reader)
    assert client.post(create_url(article), {"body": "다른 사람"}).status_code == 303


def test_guest_comments_need_a_name_and_the_check_answer(client, article, settings):
    settings.HANJARI_GUEST_COMMENTS = True
    section = comments_section(client, article)
    token = section.find("input", name="check_token").attrs["value"]
    question = section.find(id="id_check_answer_help").text()
    a, b = (int(n) for n in re.findall(r"\d+", question))
    wrong = {"body": "비회원 댓글", "guest_name": "손님", "check_token": token}
    response = client.post(create_url(article), {**wrong, "check_answer": a + b + 1})
    assert response.status_code == 400
    assert "확인 질문의 답이 맞지 않습니다." in response.content.decode()
    response = client.post(create_url(article), {**wrong, "check_answer": a + b})
    assert response.status_code == 303
    comment = Comment.objects.get()
    assert (comment.user, comment.guest_name) == (None, "손님")
    assert "(비회원)" in comments_section(client, article).text()


def test_guest_name_loses_invisible_characters(article, settings):
    """A right-to-left override (U+202E) or zero-width space would make a guest's name
    read as someone else's (hanjari.core.text.remove_invisible)."""
    settings.HANJARI_GUEST_COMMENTS = True
    comment = services.comment_create(
        article=article, body="안녕하세요", guest_name="\u202e자리한\u200b 손님"
    )
    assert comment.guest_name == "자리한 손님"
    with pytest.raises(ValidationError):
        services.comment_create(article=article, body="안녕하세요", guest_name="\u200b\u202e")


# --- editing -------------------------------------------------------------------------------


def edit_url(comment):
    return reverse("news:comment-edit", args=[comment.pk])


def test_author_edits_within_fifteen_minutes(client, article, reader):
    start = timezone.now() + dt.timedelta(days=1)
    with time_machine.travel(start, tick=False) as traveller:
        comment = services.comment_create(article=article, by=reader, body="처음 쓴 글")
        client.force_login(reader)
        item = comments_section(client, article).find("li", id=f"comment-{comment.pk}")
        assert item.find("form", action=edit_url(comment)) is not None

        traveller.shift(dt.timedelta(minutes=14))
        response = client.post(edit_url(comment), {"body": "<b>고친</b> 글"}, headers=HTMX)
        assert response.status_code == 200
        part = parse_html(response.content)
        assert part.find("li", id=f"comment-{comment.pk}") is not None
        assert "댓글을 고쳤습니다." in part.text()
        comment.refresh_from_db()
        assert comment.body == "고친 글" and comment.edited_at is not None

        traveller.shift(dt.timedelta(minutes=2))  # 16 minutes after writing
        item = comments_section(client, article).find("li", id=f"comment-{comment.pk}")
        assert item.find("form", action=edit_url(comment)) is None
        response = client.post(edit_url(comment), {"body": "늦게 고침"}, headers=HTMX)
        assert response.status_code == 400
        assert "15분 안에만 고칠 수 있습니다" in response.content.decode()
        response = client.post(edit_url(comment), {"body": "늦게 고침"})
        assert response.status_code == 400
        assert "15분 안에만 고칠 수 있습니다" in response.content.decode()
    comment.refresh_from_db()
    assert comment.body == "고친 글"


def test_only_the_author_edits(client, article, reader, other_reader, editor):
    comment = services.comment_create(article=article, by=reader, body="내 글")
    for who, status in ((None, 403), (other_reader, 403), (editor, 403)):
        if who:
            client.force_login(who)
        response = client.post(edit_url(comment), {"body": "남이 고침"}, headers=HTMX)
        assert response.status_code == status
        assert (
            "권한이 없습니다" in response.content.decode() or "로그인" in response.content.decode()
        )
    comment.refresh_from_db()
    assert comment.body == "내 글"
    assert (
        client.post(reverse("news:comment-edit", args=[999999]), {"body": "x"}).status_code == 404
    )


def test_hidden_comment_cannot_be_edited(article, reader, editor):
    comment = services.comment_create(article=article, by=reader, body="문제 글")
    services.comment_moderate(comment=comment, by=editor, hide=True, reason="욕설")
    with pytest.raises(ValidationError):
        services.comment_edit(comment=comment, by=reader, body="슬쩍 고침")


# --- reports and moderation ----------------------------------------------------------------


def report_url(comment):
    return reverse("news:comment-report", args=[comment.pk])


def moderate_url(comment):
    return reverse("news:comment-moderate", args=[comment.pk])


def test_report_once_per_user(client, article, reader, other_reader):
    comment = services.comment_create(article=article, by=reader, body="신고될 글")
    client.force_login(other_reader)
    response = client.post(report_url(comment), {"reason": "광고"}, headers=HTMX)
    assert response.status_code == 200
    part = parse_html(response.content)
    assert "신고했습니다" in part.text()
    assert part.find("form", action=report_url(comment)) is None
    assert "신고한 댓글" in part.text()
    response = client.post(report_url(comment), {"reason": "또"}, headers=HTMX)
    assert response.status_code == 400
    assert "이미 신고한 댓글입니다." in response.content.decode()
    assert CommentReport.objects.filter(comment=comment).count() == 1
    assert CommentReport.objects.get().reason == "광고"


def test_anonymous_cannot_report(client, article, reader):
    comment = services.comment_create(article=article, by=reader, body="글")
    assert client.post(report_url(comment), {}).status_code == 403
    assert not CommentReport.objects.exists()


def test_author_cannot_report_their_own_comment(client, article, reader):
    """Bug: a comment's author could report it (and the queue then listed it)."""
    comment = services.comment_create(article=article, by=reader, body="내 글")
    client.force_login(reader)
    item = comments_section(client, article).find("li", id=f"comment-{comment.pk}")
    assert item.find("form", action=report_url(comment)) is None

    response = client.post(report_url(comment), {"reason": "내가 신고"}, headers=HTMX)
    assert response.status_code == 403
    assert "자기 댓글은 신고할 수 없습니다." in parse_html(response.content).text()
    response = client.post(report_url(comment), {"reason": "내가 신고"})
    assert response.status_code == 403
    assert "자기 댓글은 신고할 수 없습니다." in response.content.decode()
    with pytest.raises(PermissionDenied):
        services.comment_report(comment=comment, by=reader, reason="x")
    assert not CommentReport.objects.exists()


def test_hidden_comment_cannot_be_reported(client, article, reader, other_reader, editor):
    """Bug: a hidden ("삭제된 댓글입니다") comment could still be reported, putting it
    back in the moderators' queue."""
    comment = services.comment_create(article=article, by=reader, body="숨길 글")
    services.comment_moderate(comment=comment, by=editor, hide=True, reason="욕설")
    client.force_login(other_reader)
    item = comments_section(client, article).find("li", id=f"comment-{comment.pk}")
    assert item.find("form", action=report_url(comment)) is None

    response = client.post(report_url(comment), {"reason": "광고"}, headers=HTMX)
    assert response.status_code == 400
    part = parse_html(response.content)
    assert "숨겨진 댓글은 신고할 수 없습니다." in part.text()
    assert part.find("form", action=report_url(comment)) is None
    response = client.post(report_url(comment), {"reason": "광고"})
    assert response.status_code == 400
    assert "숨겨진 댓글은 신고할 수 없습니다." in response.content.decode()
    # a stale copy (read before it was hidden) is checked against the stored status
    stale = Comment.objects.get(pk=comment.pk)
    stale.status = Comment.Status.VISIBLE
    with pytest.raises(ValidationError):
        services.comment_report(comment=stale, by=editor, reason="x")
    assert not CommentReport.objects.exists()


def test_moderator_hides_and_restores_with_a_reason(client, article, reader, other_reader, editor):
    comment = services.comment_create(article=article, by=reader, body="문제가 있는 댓글")
    services.comment_report(comment=comment, by=other_reader, reason="욕설")

    client.force_login(editor)
    response = client.post(moderate_url(comment), {"action": "hide", "reason": ""}, headers=HTMX)
    assert response.status_code == 400
    comment.refresh_from_db()
    assert comment.status == Comment.Status.VISIBLE

    response = client.post(
        moderate_url(comment), {"action": "hide", "reason": "욕설이 있어"}, headers=HTMX
    )
    assert response.status_code == 200
    assert "댓글을 숨겼습니다." in response.content.decode()
    comment.refresh_from_db()
    assert comment.status == Comment.Status.HIDDEN
    assert (comment.moderation_reason, comment.moderated_by) == ("욕설이 있어", editor)
    assert not CommentReport.objects.filter(resolved=False).exists()

    # readers see the placeholder, not the text
    client.logout()
    item = comments_section(client, article).find("li", id=f"comment-{comment.pk}")
    assert squash(item.text()) == "삭제된 댓글입니다"
    # the moderator can still read what was hidden, and why
    client.force_login(editor)
    item = comments_section(client, article).find("li", id=f"comment-{comment.pk}")
    assert "삭제된 댓글입니다" in item.text()
    assert "문제가 있는 댓글" in item.text() and "욕설이 있어" in item.text()

    response = client.post(moderate_url(comment), {"action": "restore", "reason": "오해였음"})
    assert response.status_code == 303
    comment.refresh_from_db()
    assert comment.status == Comment.Status.VISIBLE
    client.logout()
    item = comments_section(client, article).find("li", id=f"comment-{comment.pk}")
    assert "문제가 있는 댓글" in item.text()


@pytest.mark.parametrize("role", ["anonymous", "reader", "reporter"])
def test_non_editors_cannot_moderate(client, article, reader, reporter, role):
    comment = services.comment_create(article=article, by=reader, body="글")
    if role != "anonymous":
        client.force_login(reader if role == "reader" else reporter)
    response = client.post(moderate_url(comment), {"action": "hide", "reason": "x"}, headers=HTMX)
    assert response.status_code == 403
    assert "권한이 없습니다" in response.content.decode()
    comment.refresh_from_db()
    assert comment.status == Comment.Status.VISIBLE


def test_moderation_queue_lists_reported_and_hidden(client, article, reader, other_reader, editor):
    reported = services.comment_create(article=article, by=reader, body="신고된 글")
    services.comment_report(comment=reported, by=other_reader, reason="광고성")
    services.comment_create(article=article, by=reader, body="평범한 글")
    hidden = services.comment_create(article=article, by=other_reader, body="숨긴 글")
    services.comment_moderate(comment=hidden, by=editor, hide=True, reason="개인정보")

    client.force_login(editor)
    doc = parse_html(client.get(reverse("news:moderation")).content)
    items = doc.find("ol", class_="hj-moderation-list").find_all("li", class_="hj-comment")
    assert [i.attrs["id"] for i in items] == [f"comment-{reported.pk}"]
    assert "신고 1건: 광고성" in squash(items[0].text())
    assert items[0].find("a", href=f"{article.get_absolute_url()}#comment-{reported.pk}")

    doc = parse_html(client.get(reverse("news:moderation"), {"show": "hidden"}).content)
    items = doc.find("ol", class_="hj-moderation-list").find_all("li", class_="hj-comment")
    assert [i.attrs["id"] for i in items] == [f"comment-{hidden.pk}"]

    # hiding from the queue answers with the queue's version of the item
    response = client.post(
        moderate_url(reported),
        {"action": "hide", "reason": "광고", "context": "queue", "next": "/news/desk/comments/"},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "기사" in parse_html(response.content).find(class_="hj-comment-article").text()
    response = client.post(
        moderate_url(reported),
        {"action": "restore", "reason": "괜찮음", "next": "https://evil.example/"},
    )
    assert response.status_code == 303
    assert response["Location"].startswith(article.get_absolute_url())


def test_moderator_can_act_on_comments_of_withdrawn_articles(client, article, reader, editor):
    comment = services.comment_create(article=article, by=reader, body="글")
    services.article_withdraw(article=article, by=editor, reason="오보")
    client.force_login(editor)
    response = client.post(moderate_url(comment), {"action": "hide", "reason": "정리"})
    assert response.status_code == 303
    client.force_login(reader)
    assert client.post(edit_url(comment), {"body": "x"}).status_code == 404


def test_comment_count_counts_visible_comments(client, article, reader, editor):
    services.comment_create(article=article, by=reader, body="하나")
    hidden = services.comment_create(article=article, by=reader, body="둘")
    services.comment_moderate(comment=hidden, by=editor, hide=True, reason="중복")
    heading = comments_section(client, article).find("h2")
    assert squash(heading.text()) == "뉴스댓글 1개"


def test_edit_link_absent_for_other_readers(client, article, reader, other_reader):
    comment = services.comment_create(article=article, by=reader, body="글")
    client.force_login(other_reader)
    item = comments_section(client, article).find("li", id=f"comment-{comment.pk}")
    assert item.find("form", action=edit_url(comment)) is None
    assert item.find("form", action=report_url(comment)) is not None
    assert timezone.now() - comment.created_at < rules.COMMENT_EDIT_WINDOW
