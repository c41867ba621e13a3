"""News reads: lists, most viewed, related articles."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from .models import Article, ArticleHourlyViews, Comment

WINDOWS = {"24h": dt.timedelta(hours=24), "7d": dt.timedelta(days=7), "30d": dt.timedelta(days=30)}


def latest(*, section: Any = None, now: dt.datetime | None = None) -> QuerySet[Article]:
    """Published articles, newest first, with section and lead photo prefetched."""
    qs = Article.objects.published(now).select_related("section", "reporter")
    if section is not None:
        qs = qs.filter(section=section)
    return qs.order_by("-published_at", "-id").prefetch_related("photos")


def photo_news(*, now: dt.datetime | None = None) -> QuerySet[Article]:
    """Published articles that have at least one photo with an image file."""
    return latest(now=now).filter(photos__image__gt="").distinct()


def most_viewed(
    *,
    window: str = "24h",
    section: Any = None,
    organization: Any = None,
    now: dt.datetime | None = None,
    limit: int = 10,
) -> list[Article]:
    """Published articles ordered by counted views within `window` (`24h`, `7d`, `30d`),
    optionally within a section or about an organisation. Ties: newer first.

    One indexed aggregate over `ArticleHourlyViews` (hour ≥ now − window). Articles are
    annotated with `window_views`. Raises KeyError for an unknown window."""
    now = now or timezone.now()
    since = now - WINDOWS[window]
    rows = ArticleHourlyViews.objects.filter(hour__gte=since, hour__lte=now)
    visible = Article.objects.published(now)
    if section is not None:
        visible = visible.filter(section=section)
    if organization is not None:
        visible = visible.filter(organizations=organization)
    rows = rows.filter(article__in=visible.values("pk"))
    top = list(
        rows.values("article").annotate(total=Sum("count")).order_by("-total", "-article")[:limit]
    )
    by_id = {
        a.pk: a
        for a in Article.objects.filter(pk__in=[r["article"] for r in top])
        .select_related("section", "reporter")
        .prefetch_related("photos")
    }
    result = []
    for row in top:
        article = by_id[row["article"]]
        article.__dict__["window_views"] = row["total"]
        result.append(article)
    return result


def related(article: Article, *, limit: int = 5) -> list[Article]:
    """Other published articles sharing organisations or tags with `article` (most shared
    first, then newest), topped up with the newest of the same section."""
    qs = Article.objects.published().exclude(pk=article.pk)
    org_ids = list(article.organizations.values_list("pk", flat=True))
    tag_ids = list(article.tags.values_list("pk", flat=True))
    # Distinct counts per relation: a plain Count over both joins would multiply shared
    # organisations by unrelated tags. An empty id list is left out altogether: Django
    # compiles `Count(filter=Q(x__in=[]))` to 0 and then the whole sum to 0.
    parts = [
        Count(relation, filter=Q(**{f"{relation}__in": ids}), distinct=True)
        for relation, ids in (("organizations", org_ids), ("tags", tag_ids))
        if ids
    ]
    found: list[Article] = []
    if parts:
        match = Q()
        for relation, ids in (("organizations", org_ids), ("tags", tag_ids)):
            if ids:
                match |= Q(**{f"{relation}__in": ids})
        shared = parts[0] if len(parts) == 1 else parts[0] + parts[1]
        scored = (
            qs.filter(match).annotate(shared=shared).order_by("-shared", "-published_at", "-id")
        )
        found = list(scored[:limit])
    if len(found) < limit and article.section_id:
        more = qs.filter(section_id=article.section_id).exclude(pk__in=[a.pk for a in found])
        found += list(more.order_by("-published_at", "-id")[: limit - len(found)])
    return found


def article_detail(*, pk: int) -> Article:
    """One article with what its page shows (section, reporter, photos, organisations,
    tags). Any state: the caller decides who may see it. Raises Article.DoesNotExist."""
    return (
        Article.objects.select_related("section", "reporter")
        .prefetch_related("photos", "organizations", "tags")
        .get(pk=pk)
    )


def about_organization(*, organization: Any, now: dt.datetime | None = None) -> QuerySet[Article]:
    """Published articles linked to `organization`, newest first (for its profile)."""
    return latest(now=now).filter(organizations=organization)


def article_comments(*, article: Article) -> QuerySet[Comment]:
    """The comments of an article in writing order, with their authors."""
    return article.comments.select_related("user").order_by("created_at", "id")


def moderation_queue(*, show: str = "reported") -> QuerySet[Comment]:
    """Comments for moderators (댓글 관리): `reported` — with unresolved reports, most
    reported first; `hidden` — hidden ones, latest moderation first. Each comment is
    annotated with `open_reports`. Raises KeyError for another `show`."""
    qs = Comment.objects.select_related("article", "user", "moderated_by").annotate(
        open_reports=Count("reports", filter=Q(reports__resolved=False))
    )
    if show == "reported":
        return qs.filter(open_reports__gt=0).order_by("-open_reports", "-created_at", "-id")
    if show == "hidden":
        return qs.filter(status=Comment.Status.HIDDEN).order_by("-moderated_at", "-id")
    raise KeyError(show)
