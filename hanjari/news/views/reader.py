"""Reader pages of the news desk (소식): lists, the article page, feeds and comments.

Lists answer htmx with their partials (the "더보기" button appends the next page);
every comment action answers htmx with the changed part of the page and plain form
posts with a redirect, and refuses with a Korean message and a 4xx status — a wrong
input is never a 500.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.syndication.views import Feed
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.feedgenerator import Atom1Feed
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from hanjari.accounts.actors import acting_user
from hanjari.core import pagecache
from hanjari.core.http import client_ip, is_htmx, rate_allows
from hanjari.core.identifiers import is_object_id
from hanjari.core.mixins import ObjectPermissionMixin
from hanjari.events import selectors as events_selectors
from hanjari.registry import selectors as registry_selectors

from .. import permissions, rules, selectors, services
from ..forms import CommentEditForm, CommentForm, CommentModerateForm, CommentReportForm
from ..models import Article, Comment, CommentReport, Section
from ..templatetags.news_reader import excerpt

LIST_PAGE_SIZE = 20
PHOTO_PAGE_SIZE = 12
SIDE_LIST_SIZE = 5
FEED_SIZE = 30
MOST_VIEWED_SIZE = 20
SIDE_WINDOW = "7d"
WINDOW_LABELS = {
    "24h": gettext_lazy("24시간"),
    "7d": gettext_lazy("7일"),
    "30d": gettext_lazy("30일"),
}


def _page(request: HttpRequest, items: Any, size: int, count: int | None = None) -> Page:
    """The requested page (`?page=`); a wrong number gives the nearest valid page.
    `count`, when given, is the number of items (e.g. from the aggregate cache)."""
    paginator = Paginator(items, size)
    if count is not None:
        paginator.count = count
    return paginator.get_page(request.GET.get("page"))


def side_lists(*, exclude: Article | None = None) -> dict[str, Any]:
    """The side column (최신뉴스, PHOTO NEWS, 많이 본 기사) shown beside articles and lists."""
    latest = selectors.latest()
    # The newest photo news by cached ids (finding them scans the articles; see
    # selectors.photo_news_ids), loaded fresh with their photos.
    photos = selectors.latest().filter(pk__in=selectors.photo_news_ids(limit=5))
    if exclude is not None:
        latest = latest.exclude(pk=exclude.pk)
        photos = photos.exclude(pk=exclude.pk)
    return {
        "side_latest": list(latest[:SIDE_LIST_SIZE]),
        "side_photos": list(photos[:4]),
        "side_most_viewed": selectors.most_viewed(window=SIDE_WINDOW, limit=SIDE_LIST_SIZE),
        "side_window_label": WINDOW_LABELS[SIDE_WINDOW],
    }


# --- lists ----------------------------------------------------------------------------------


class ArticleListView(View):
    """Latest news (최신뉴스), optionally one section (`news:section`, by slug).

    Plain pagination links work without scripts; the "더보기" button (htmx) appends the
    next page's items to the list and replaces itself and the pagination."""

    template_name = "news/list.html"

    def get(self, request: HttpRequest, slug: str | None = None) -> HttpResponse:
        section = get_object_or_404(Section, slug=slug) if slug else None
        page = _page(
            request,
            selectors.latest(section=section),
            LIST_PAGE_SIZE,
            count=selectors.published_count(section=section),
        )
        context: dict[str, Any] = {
            "page_obj": page,
            "articles": page.object_list,
            "section": section,
            "sections": Section.objects.all(),
            "querystring": "",
            "list_url": request.path,
        }
        if is_htmx(request):
            response = render(request, "news/partials/_list_page.html", context)
        else:
            context.update(side_lists())
            context["breadcrumbs"] = _list_breadcrumbs(section)
            response = render(request, self.template_name, context)
        # The same URL answers with a page or a fragment: caches must keep both apart.
        patch_vary_headers(response, ("HX-Request",))
        return response


def _list_breadcrumbs(section: Section | None) -> list[tuple[str, str | None]]:
    if section is None:
        return [(_("소식"), None)]
    return [(_("소식"), reverse("news:list")), (section.label, None)]


class PhotoNewsView(View):
    """Photo news (포토뉴스): a grid of published articles that have a photo."""

    def get(self, request: HttpRequest) -> HttpResponse:
        page = _page(request, selectors.photo_news(), PHOTO_PAGE_SIZE)
        context = {
            "page_obj": page,
            "articles": page.object_list,
            "querystring": "",
            "breadcrumbs": [(_("소식"), reverse("news:list")), (_("포토뉴스"), None)],
        }
        return render(request, "news/photos.html", context)


class MostViewedView(View):
    """Most viewed (많이 본 기사) over the last 24 hours, 7 days or 30 days
    (`?window=24h|7d|30d`), optionally within a section (`?section=<slug>`) or about an
    organisation (`?organization=<id>`). An unknown window falls back to 24 hours; an
    unknown section or organisation is a 404."""

    def get(self, request: HttpRequest) -> HttpResponse:
        window = request.GET.get("window", "24h")
        if window not in selectors.WINDOWS:
            window = "24h"
        section = None
        if slug := request.GET.get("section", "").strip():
            section = get_object_or_404(Section, slug=slug)
        organization = None
        if org_id := request.GET.get("organization", "").strip():
            if not is_object_id(org_id):
                raise Http404(_("조직을 찾을 수 없습니다."))
            try:
                organization = registry_selectors.organization_profile(pk=int(org_id))
            except ObjectDoesNotExist as exc:
                raise Http404(_("조직을 찾을 수 없습니다.")) from exc
        filters: list[tuple[str, str]] = []
        if section is not None:
            filters.append(("section", section.slug))
        if organization is not None:
            filters.append(("organization", str(organization.pk)))
        tabs = [
            {
                "key": key,
                "label": label,
                "url": "?" + urlencode([("window", key), *filters]),
                "active": key == window,
            }
            for key, label in WINDOW_LABELS.items()
        ]
        articles = selectors.most_viewed(
            window=window, section=section, organization=organization, limit=MOST_VIEWED_SIZE
        )
        context = {
            "articles": articles,
            "window": window,
            "window_label": WINDOW_LABELS[window],
            "tabs": tabs,
            "section": section,
            "sections": Section.objects.all(),
            "organization": organization,
            "clear_organization_url": "?"
            + urlencode([("window", window)] + ([("section", section.slug)] if section else [])),
            "breadcrumbs": [(_("소식"), reverse("news:list")), (_("많이 본 기사"), None)],
        }
        return render(request, "news/most_viewed.html", context)


# --- feeds ----------------------------------------------------------------------------------


class LatestRssFeed(Feed):
    """RSS 2.0 feed of the latest published articles (scheduled and withdrawn ones are
    left out)."""

    def title(self) -> str:
        return _("%(site)s 소식") % {"site": settings.HANJARI_SITE_NAME}

    def description(self) -> str:
        return _("%(site)s에 새로 실린 사회적경제 소식") % {"site": settings.HANJARI_SITE_NAME}

    def link(self) -> str:
        return reverse("news:list")

    def items(self) -> list[Article]:
        return list(selectors.latest()[:FEED_SIZE])

    def item_title(self, item: Article) -> str:
        return item.headline

    def item_description(self, item: Article) -> str:
        return item.subtitle or excerpt(item.body_html, 300)

    def item_link(self, item: Article) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item: Article) -> dt.datetime | None:
        return item.published_at

    def item_updateddate(self, item: Article) -> dt.datetime | None:
        return item.revised_at or item.published_at

    def item_author_name(self, item: Article) -> str | None:
        return item.byline or item.outlet or None

    def item_categories(self, item: Article) -> list[str]:
        return [item.section.name] if item.section else []


class LatestAtomFeed(LatestRssFeed):
    """The same items as an Atom 1.0 feed."""

    feed_type = Atom1Feed

    def subtitle(self) -> str:
        return self.description()


# --- the article page -----------------------------------------------------------------------


def viewer_ident(request: HttpRequest) -> str:
    """Who is reading, for counting one view per reader per hour: the session key when
    the browser brought a session, else the client IP (hashed by the service, never
    stored raw).

    No session is created just to count: a client that keeps no cookies would get a
    new session — and a new count — on every reload, which the IP prevents."""
    session = getattr(request, "session", None)
    key = session.session_key if session is not None else None
    if key and session is not None and session.exists(key):
        return f"session:{key}"
    return f"ip:{client_ip(request)}"


def _is_prefetch(request: HttpRequest) -> bool:
    purpose = request.headers.get("Sec-Purpose", "") or request.headers.get("Purpose", "")
    return "prefetch" in purpose.lower()


class ArticleView(View):
    """The article page (기사 보기). Published articles for everyone; scheduled, draft and
    other unpublished ones are 404 here (the desk has its own preview); withdrawn ones
    answer 410 with a notice and the reason. A GET counts a view (services.view_record)."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        # Only what decides the answer and the view count is read here (one query); the
        # rest of the article is loaded when the page is rendered, which a page-cache
        # hit skips.
        # For anonymous visitors (and a cached page) this answer is kept for the content
        # generation: publishing or withdrawing the article starts a new one.
        found = pagecache.memo(
            request,
            f"news:article-state:{pk}",
            lambda: Article.objects.filter(pk=pk).values("status", "published_at").first(),
        )
        if found is None:
            raise Http404(_("기사를 찾을 수 없습니다."))
        state = Article(pk=pk, status=found["status"], published_at=found["published_at"])
        if state.status == Article.Status.WITHDRAWN:
            return render(
                request,
                "news/withdrawn.html",
                {
                    "article": selectors.article_detail(pk=pk),
                    "breadcrumbs": [(_("소식"), reverse("news:list"))],
                },
                status=410,
            )
        now = timezone.now()
        if state.status != Article.Status.PUBLISHED or not (
            state.published_at and state.published_at <= now
        ):
            raise Http404(_("기사를 찾을 수 없습니다."))
        if request.method == "GET" and not _is_prefetch(request):
            services.view_record(
                article=state,
                ident=viewer_ident(request),
                user_agent=request.headers.get("User-Agent", ""),
            )

        def page() -> HttpResponse:
            article = selectors.article_detail(pk=pk)
            context = article_context(request, article)
            context.update(side_lists(exclude=article))
            return render(request, "news/article.html", context)

        # The view is counted above on every request; the page itself may come from the
        # anonymous page cache.
        return pagecache.serve(request, page)


def article_context(request: HttpRequest, article: Article) -> dict[str, Any]:
    """What the article page shows besides the side lists (also usable by a preview)."""
    url = request.build_absolute_uri(article.get_absolute_url())
    crumbs: list[tuple[str, str | None]] = [(_("소식"), reverse("news:list"))]
    if article.section:
        crumbs.append((article.section.label, reverse("news:section", args=[article.section.slug])))
    crumbs.append((article.headline, None))
    return {
        "article": article,
        "photos": list(article.photos.all()),
        "organizations": list(article.organizations.all()),
        "tags": list(article.tags.all()),
        "related": selectors.related(article),
        "events": events_selectors.events_for_article(article=article),
        "share_url": url,
        "jsonld": _jsonld(request, article, url),
        "breadcrumbs": crumbs,
        **comments_context(request, article),
    }


def _jsonld(request: HttpRequest, article: Article, url: str) -> str:
    """schema.org NewsArticle for the page, safe inside <script type="application/ld+json">."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.headline[:110],
        "mainEntityOfPage": url,
        "publisher": {"@type": "Organization", "name": settings.HANJARI_SITE_NAME},
    }
    shown = article.shown_at
    if isinstance(shown, dt.datetime):
        data["datePublished"] = shown.isoformat()
    if article.revised_at:
        data["dateModified"] = article.revised_at.isoformat()
    if article.byline:
        data["author"] = {"@type": "Person", "name": article.byline}
    elif article.outlet:
        data["author"] = {"@type": "Organization", "name": article.outlet}
    images = [request.build_absolute_uri(p.image_url) for p in article.photos.all() if p.image]
    if images:
        data["image"] = images
    return json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")


# --- comments -------------------------------------------------------------------------------


def _guest_comments() -> bool:
    return bool(getattr(settings, "HANJARI_GUEST_COMMENTS", False))


def decorate_comments(
    request: HttpRequest, comments: list[Comment], *, now: dt.datetime | None = None
) -> list[Any]:
    """Set what the current reader may do with each comment (`can_edit`, `can_report`,
    `reported`) and whether they moderate (`can_moderate`): plain attributes for the
    template, so the comments are returned typed as Any."""
    user: Any = request.user
    now = now or timezone.now()
    moderator = permissions.can_moderate(user)
    authed = bool(user.is_authenticated)
    reported: set[int] = set()
    if authed and comments:
        reported = set(
            CommentReport.objects.filter(
                user=user, comment__in=[c.pk for c in comments]
            ).values_list("comment_id", flat=True)
        )
    c: Any
    for c in comments:
        visible = c.status == Comment.Status.VISIBLE
        own = authed and c.user_id == user.pk
        c.can_edit = rules.comment_edit_refusal(c, user, now=now) is None
        c.reported = c.pk in reported
        c.can_report = bool(authed and visible and not own and not c.reported)
        c.can_moderate = moderator
    return comments


def comments_context(
    request: HttpRequest, article: Article, *, form: CommentForm | None = None
) -> dict[str, Any]:
    """The comments block (뉴스댓글) of an article page."""
    user = request.user
    comments = decorate_comments(request, list(selectors.article_comments(article=article)))
    can_comment = bool(user.is_authenticated) or _guest_comments()
    if form is None and can_comment:
        form = CommentForm(guest=not user.is_authenticated)
    return {
        "article": article,
        "comments": comments,
        "comment_count": sum(1 for c in comments if c.status == Comment.Status.VISIBLE),
        "comment_form": form,
        "can_comment": can_comment,
    }


def _error_text(exc: ValidationError | PermissionDenied | Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(str(m) for m in exc.messages)
    return str(exc) or _("이 작업을 할 권한이 없습니다.")


def _form_error_text(form: forms.Form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def _partial(request: HttpRequest, template: str, context: dict[str, Any], status: int) -> Any:
    response = render(request, template, context, status=status)
    response["X-Hanjari-Partial"] = "1"  # news.js swaps 4xx answers only when marked
    return response


def _plain_error(request: HttpRequest, message: str, status: int, back: str | None) -> HttpResponse:
    return render(
        request,
        "news/comment_error.html",
        {"message": message, "back_url": back, "status": status},
        status=status,
    )


def _reader_article(pk: int) -> Article:
    """A published article that readers may comment on; 404 otherwise (410 is for the
    page itself)."""
    article = Article.objects.published().filter(pk=pk).first()
    if article is None:
        raise Http404(_("기사를 찾을 수 없습니다."))
    return article


def _comment_url(comment: Comment) -> str:
    return f"{comment.article.get_absolute_url()}#comment-{comment.pk}"


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


class CommentCreateView(View):
    """POST a comment (댓글 쓰기). htmx: the comments block again (201 with the new one;
    400/403/429 with the message and the text kept). Plain post: redirect to the comment
    (303), or a page with the message."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        article = _reader_article(pk)
        guest = not request.user.is_authenticated
        if guest and not _guest_comments():
            return self._refuse(
                request, article, None, _("로그인한 사람만 댓글을 쓸 수 있습니다."), 403
            )
        form = CommentForm(request.POST, guest=guest)
        if not form.is_valid():
            return self._refuse(request, article, form, _form_error_text(form), 400)
        if guest and not _guest_rate_ok(request):
            return self._refuse(
                request,
                article,
                form,
                _("댓글을 너무 자주 쓰고 있습니다. 잠시 뒤에 다시 써 주세요."),
                429,
            )
        try:
            comment = services.comment_create(
                article=article,
                by=acting_user(request.user),
                body=form.cleaned_data["body"],
                guest_name=form.cleaned_data.get("guest_name", ""),
            )
        except services.CommentRateLimited as exc:
            return self._refuse(request, article, form, str(exc), 429)
        except ValidationError as exc:
            for field, errors in getattr(exc, "error_dict", {}).items():
                if field in form.fields:
                    form.add_error(field, errors)
            return self._refuse(request, article, form, _error_text(exc), 400)
        except PermissionDenied as exc:
            return self._refuse(request, article, form, _error_text(exc), 403)
        if is_htmx(request):
            context = comments_context(request, article)
            context.update(notice=_("댓글을 올렸습니다."), new_comment_id=comment.pk)
            return _partial(request, "news/partials/_comments.html", context, 201)
        messages.success(request, _("댓글을 올렸습니다."))
        return HttpResponseRedirect(_comment_url(comment), status=303)

    def _refuse(
        self,
        request: HttpRequest,
        article: Article,
        form: CommentForm | None,
        message: str,
        status: int,
    ) -> HttpResponse:
        if is_htmx(request):
            context = comments_context(request, article, form=form)
            context["error"] = message
            response = _partial(request, "news/partials/_comments.html", context, status)
        else:
            response = _plain_error(
                request, message, status, f"{article.get_absolute_url()}#comments"
            )
        if status == 429:
            response["Retry-After"] = str(int(services.COMMENT_RATE[1].total_seconds()))
        return response


def _guest_rate_ok(request: HttpRequest) -> bool:
    """Guests (no account) share the per-user limit (`services.COMMENT_RATE`), counted
    per hashed address in the shared cache."""
    limit, window = services.COMMENT_RATE
    who = services.viewer_key(ident=client_ip(request), user_agent="")
    return rate_allows(
        f"news:guest-comments:{who}", limit=limit, window=int(window.total_seconds())
    )


class _CommentActionView(View):
    """Shared shape of the POST actions on one comment: answer htmx with the comment
    again (the change or the refusal in it), plain posts with a redirect or a message."""

    form_class: type[forms.Form] = forms.Form
    success_message: Any = ""  # a (lazy) translated string

    def get_comment(self, pk: int) -> Comment:
        return get_object_or_404(Comment.objects.select_related("article", "user"), pk=pk)

    def check_article(self, comment: Comment) -> None:
        """Readers act only on comments of published articles."""
        if not Article.objects.published().filter(pk=comment.article_id).exists():
            raise Http404(_("기사를 찾을 수 없습니다."))

    def act(self, request: HttpRequest, comment: Comment, data: dict[str, Any]) -> Comment:
        raise NotImplementedError

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        comment = self.get_comment(pk)
        self.check_article(comment)
        if not request.user.is_authenticated:
            return self.refuse(request, comment, _("로그인한 사람만 할 수 있습니다."), 403)
        form = self.form_class(request.POST)
        if not form.is_valid():
            return self.refuse(request, comment, _form_error_text(form), 400)
        try:
            comment = self.act(request, comment, form.cleaned_data)
        except ValidationError as exc:
            return self.refuse(request, comment, _error_text(exc), 400)
        except PermissionDenied as exc:
            return self.refuse(request, comment, _error_text(exc), 403)
        message = self.get_success_message(comment)
        if is_htmx(request):
            return self.render_comment(request, comment, 200, notice=message)
        messages.success(request, message)
        return HttpResponseRedirect(_safe_next(request, _comment_url(comment)), status=303)

    def get_success_message(self, comment: Comment) -> str:
        return str(self.success_message)

    def render_comment(
        self, request: HttpRequest, comment: Comment, status: int, **extra: Any
    ) -> HttpResponse:
        fresh = Comment.objects.select_related("article", "user").get(pk=comment.pk)
        item = decorate_comments(request, [fresh])[0]
        context = {"comment": item, "article": item.article, **extra}
        if request.POST.get("context") == "queue" and item.can_moderate:
            reasons = list(item.reports.filter(resolved=False).values_list("reason", flat=True))
            item.open_reports = len(reasons)
            item.reasons = reasons[:5]
            context["in_queue"] = True
        return _partial(request, "news/partials/_comment.html", context, status)

    def refuse(
        self, request: HttpRequest, comment: Comment, message: str, status: int
    ) -> HttpResponse:
        if is_htmx(request):
            return self.render_comment(request, comment, status, error=message)
        return _plain_error(request, message, status, _comment_url(comment))


class CommentEditView(_CommentActionView):
    """POST a new text for one's own comment within 15 minutes (댓글 고치기)."""

    form_class = CommentEditForm
    success_message = gettext_lazy("댓글을 고쳤습니다.")

    def act(self, request: HttpRequest, comment: Comment, data: dict[str, Any]) -> Comment:
        return services.comment_edit(
            comment=comment, by=acting_user(request.user), body=data["body"]
        )


class CommentReportView(_CommentActionView):
    """POST a report of a comment (댓글 신고), once per reader."""

    form_class = CommentReportForm
    success_message = gettext_lazy("신고했습니다. 편집자가 확인합니다.")

    def act(self, request: HttpRequest, comment: Comment, data: dict[str, Any]) -> Comment:
        services.comment_report(
            comment=comment, by=acting_user(request.user), reason=data.get("reason", "")
        )
        return comment


class CommentModerateView(_CommentActionView):
    """POST hide or restore a comment with a reason (댓글 숨기기·되살리기): editors."""

    form_class = CommentModerateForm

    def check_article(self, comment: Comment) -> None:
        """Moderators also act on comments of withdrawn articles."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not permissions.can_moderate(request.user):
            comment = self.get_comment(pk)
            return self.refuse(request, comment, _("이 작업을 할 권한이 없습니다."), 403)
        return super().post(request, pk)

    def act(self, request: HttpRequest, comment: Comment, data: dict[str, Any]) -> Comment:
        return services.comment_moderate(
            comment=comment,
            by=acting_user(request.user),
            hide=data["action"] == "hide",
            reason=data["reason"],
        )

    def get_success_message(self, comment: Comment) -> str:
        if comment.status == Comment.Status.HIDDEN:
            return _("댓글을 숨겼습니다.")
        return _("댓글을 되살렸습니다.")


class ModerationQueueView(ObjectPermissionMixin, View):
    """Comments for moderators (댓글 관리): reported ones (`?show=reported`, default) or
    hidden ones (`?show=hidden`), each with the hide / restore form. Editors only."""

    permission_predicate = staticmethod(permissions.can_moderate)

    def get(self, request: HttpRequest) -> HttpResponse:
        show = request.GET.get("show", "reported")
        if show not in ("reported", "hidden"):
            show = "reported"
        page = _page(request, selectors.moderation_queue(show=show), 30)
        comments = decorate_comments(request, list(page.object_list))
        for c in comments:
            c.reasons = list(c.reports.filter(resolved=False).values_list("reason", flat=True)[:5])
        tabs = [
            {
                "key": key,
                "label": label,
                "url": "?" + urlencode({"show": key}),
                "active": key == show,
            }
            for key, label in (("reported", _("신고된 댓글")), ("hidden", _("숨긴 댓글")))
        ]
        return render(
            request,
            "news/moderation.html",
            {
                "page_obj": page,
                "comments": comments,
                "show": show,
                "tabs": tabs,
                "querystring": urlencode({"show": show}),
                "breadcrumbs": [(_("소식"), reverse("news:list")), (_("댓글 관리"), None)],
            },
        )
