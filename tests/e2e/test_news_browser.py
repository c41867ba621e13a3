"""The news pages in a real browser (Playwright, the system Chromium; nothing is
downloaded): the reference article's `+` text-size control (the size grows and
survives a reload), the print view without comments, XSS comments that stay inert,
"더보기" on the list, copy link, and axe-core on the article and the list.

Set HANJARI_E2E_SCREENSHOTS=/some/dir to keep screenshots of the pages. Uses
`chromium_path` and `axe_source` from tests/e2e/conftest.py (a missing Chromium fails
the run), with its own browser context (cookies, clipboard permission).
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image
from playwright import sync_api

from hanjari.news import services
from tests.news.reader_support import (
    REFERENCE_BYLINE,
    publish,
    publish_reference_article,
    published_article,
    user_in_group,
)

# serialized_rollback: the flush after each test would otherwise also remove what the
# data migrations made (sections, the 편집자 / 기자 groups) for the tests that follow.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

XSS = [
    "<img src=x onerror=alert(1)>이미지",
    "<script>alert(1)</script>스크립트",
    '"><svg onload=alert(1)>',
    "javascript:alert(1)",
    "<a href=\"javascript:alert('x')\" onmouseover=alert(1)>링크</a>",
]


@pytest.fixture(scope="module")
def browser(chromium_path):
    # Playwright's sync API runs an event loop in this thread; the ORM calls made by the
    # tests (set-up data) are still plain synchronous code.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_api.sync_playwright() as p:
        launched = p.chromium.launch(
            executable_path=str(chromium_path),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield launched
        launched.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def context(browser, live_server):
    ctx = browser.new_context(
        locale="ko-KR", reduced_motion="reduce", viewport={"width": 1280, "height": 900}
    )
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


@pytest.fixture
def js_errors(page):
    """Script errors and console errors (CSP refusals among them) seen by `page`."""
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    return errors


@pytest.fixture
def people(db):
    return {
        "reporter": user_in_group("reporter", "기자"),
        "editor": user_in_group("editor", "편집자"),
    }


def png(name: str, colour: tuple[int, int, int]) -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (600, 400), colour).save(buf, format="PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


@pytest.fixture
def reference(people, org_a):
    article = publish_reference_article(
        author=people["reporter"], editor=people["editor"], organizations=[org_a]
    )
    # a second story with a photo file, for the side lists
    other = services.article_create(
        by=people["reporter"],
        data={"headline": "전주시 사회적경제 제품 전시회 열려", "body_source": "전시회 소식."},
        organizations=[org_a],
    )
    services.article_add_photo(
        article=other,
        by=people["reporter"],
        image=png("showcase.png", (37, 110, 244)),
        caption="제품 전시 부스",
        credit="전주시 제공",
    )
    publish(other, author=people["reporter"], editor=people["editor"])
    return article


def screenshot(page: Any, name: str) -> None:
    folder = os.environ.get("HANJARI_E2E_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def login(context: Any, live_server: Any, user: Any) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


def body_font_size(page: Any) -> float:
    return float(
        page.eval_on_selector("#article-body p", "el => parseFloat(getComputedStyle(el).fontSize)")
    )


def font_size_changed(page: Any, previous: float) -> float:
    """The body's font size once it differs from `previous`: KRDS gives every element a
    transition (0.01 ms with reduced motion), so the computed size follows a frame later."""
    page.wait_for_function(
        "prev => parseFloat(getComputedStyle(document.querySelector('#article-body p')).fontSize)"
        " !== prev",
        arg=previous,
    )
    return body_font_size(page)


def run_axe(page: Any, source: str) -> list[dict[str, Any]]:
    # CSP blocks <script> injection (add_script_tag); evaluate runs outside the page's CSP.
    page.evaluate(source)
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ["violations"]});
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(" ")).slice(0, 5),
            }));
        }"""
    )
    return list(result)


def test_reference_article_text_size_persists_and_print_hides_comments(
    page, js_errors, live_server, reference
):
    page.goto(live_server.url + reference.get_absolute_url())
    assert page.locator("h1").inner_text() == reference.headline
    assert " ".join(page.locator(".hj-byline").inner_text().split()) == REFERENCE_BYLINE
    screenshot(page, "article")

    before = body_font_size(page)
    plus = page.locator("[data-hj-text-step='1']")
    plus.click()
    larger = font_size_changed(page, before)
    plus.click()
    grown = font_size_changed(page, larger)
    assert before < larger < grown
    assert page.evaluate("document.documentElement.getAttribute('data-text-size')") == "xlg"

    page.reload()
    assert body_font_size(page) == grown  # the choice persists (localStorage)
    page.locator("[data-hj-text-step='-1']").click()
    assert font_size_changed(page, grown) == larger
    # the header's KRDS control shows the same choice
    assert (
        page.locator("[data-hj-text-size] [data-text-size='lg']").get_attribute("aria-pressed")
        == "true"
    )

    page.emulate_media(media="print")
    display = "el => getComputedStyle(el).display"
    assert page.eval_on_selector("#comments", display) == "none"
    assert page.eval_on_selector(".hj-news-side", display) == "none"
    assert page.eval_on_selector(".hj-article-tools", display) == "none"
    assert page.eval_on_selector("#krds-header .krds-main-menu", display) == "none"
    assert page.eval_on_selector("#article-body", display) != "none"
    # print size is fixed (11 pt), whatever the screen size
    assert font_size_changed(page, larger) < larger
    screenshot(page, "article-print")
    page.emulate_media(media="screen")
    assert js_errors == []


def test_print_and_copy_link_buttons(context, page, live_server, reference):
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.goto(live_server.url + reference.get_absolute_url())
    page.evaluate("window.print = () => { window.__printed = true; }")
    page.locator("[data-hj-print]").click()
    assert page.evaluate("window.__printed === true")
    page.locator("[data-hj-copy-link]").click()
    status = page.locator("[data-hj-copy-status]")
    sync_api.expect(status).to_have_text("기사 주소를 복사했습니다.")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == live_server.url + reference.get_absolute_url()


def test_xss_comments_stay_inert(context, page, js_errors, live_server, reference, plain_user):
    login(context, live_server, plain_user)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(live_server.url + reference.get_absolute_url())
    for n, payload in enumerate(XSS, start=1):
        page.fill(".hj-comment-form textarea[name='body']", payload)
        page.locator(".hj-comment-form button[type='submit']").click()
        # wait for the swapped comments block (every payload leaves some text)
        sync_api.expect(page.locator("#comments li.hj-comment")).to_have_count(n)
        sync_api.expect(page.locator("#comments .hj-message-success")).to_be_focused()
    page.reload()
    page.locator("#comments li.hj-comment").last.hover()
    page.wait_for_timeout(300)
    assert dialogs == []
    found = page.evaluate(
        """() => {
            const bad = [];
            const active = ['SCRIPT', 'IFRAME', 'SVG', 'IMG', 'OBJECT', 'EMBED'];
            for (const el of document.querySelectorAll('#comments *')) {
                if (active.includes(el.tagName.toUpperCase())) bad.push(el.tagName);
                for (const attr of el.attributes) {
                    const where = el.tagName + '@' + attr.name;
                    if (attr.name.toLowerCase().startsWith('on')) bad.push(where);
                    if (/^\\s*javascript:/i.test(attr.value)) bad.push(where);
                }
            }
            return bad;
        }"""
    )
    assert found == []
    bodies = page.locator("#comments .hj-comment-body").all_inner_texts()
    assert "javascript:alert(1)" in bodies
    assert any("스크립트" in b for b in bodies)
    screenshot(page, "article-comments")
    assert js_errors == []


def test_more_button_appends_the_next_page(page, js_errors, live_server, people):
    for i in range(23):
        published_article(author=people["reporter"], editor=people["editor"], headline=f"소식 {i}")
    page.goto(live_server.url + "/news/")
    assert page.locator("#news-list > li").count() == 20
    page.locator("#news-more a").click()
    sync_api.expect(page.locator("#news-list > li")).to_have_count(23)
    sync_api.expect(page.locator("#news-more a")).to_have_count(0)
    # focus moves to the first new item (after htmx settles)
    page.wait_for_function("document.activeElement.matches('#news-list > li[data-hj-page-start]')")
    assert page.evaluate("document.activeElement.textContent").strip().startswith("소식 2")
    assert page.url.endswith("/news/")  # appended in place
    assert js_errors == []


def test_axe_clean_on_article_and_list(
    context, page, live_server, axe_source, reference, plain_user
):
    login(context, live_server, plain_user)
    services.comment_create(article=reference, by=plain_user, body="좋은 행사였습니다.")
    for name, path in (
        ("article-logged-in", reference.get_absolute_url()),
        ("list", "/news/"),
        ("photos", "/news/photos/"),
        ("most-viewed", "/news/most-viewed/"),
    ):
        page.goto(live_server.url + path)
        violations = run_axe(page, axe_source)
        assert violations == [], f"{path}: " + json.dumps(violations, ensure_ascii=False)
        screenshot(page, name)


def test_axe_clean_on_moderation_queue(
    context, page, live_server, axe_source, reference, people, plain_user
):
    comment = services.comment_create(article=reference, by=plain_user, body="광고 댓글입니다")
    services.comment_report(comment=comment, by=people["reporter"], reason="광고")
    hidden = services.comment_create(article=reference, by=plain_user, body="숨길 댓글")
    services.comment_moderate(comment=hidden, by=people["editor"], hide=True, reason="욕설")
    login(context, live_server, people["editor"])
    for name, path in (
        ("moderation", "/news/desk/comments/"),
        ("article-editor", reference.get_absolute_url()),
    ):
        page.goto(live_server.url + path)
        page.locator("details.hj-comment-action > summary").first.click()
        violations = run_axe(page, axe_source)
        assert violations == [], f"{path}: " + json.dumps(violations, ensure_ascii=False)
        screenshot(page, name)
