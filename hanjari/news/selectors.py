"""News reads: lists, most viewed, related articles."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from hanjari.core.cache import cached

from .models import Article, ArticleHourlyViews, Comment

WINDOWS = {"24h": dt.timedelta(hours=24), "7d": dt.timedelta(days=7), "30d": dt.timedelta(days=30)}


def latest(*, section: Any = None, now: dt.datetime | None = None) -> QuerySet[Article]:
    """Published articles, newest first, with section and lead photo prefetched."""
    qs = Article.objects.published(now).select_related("section", "reporter")
    if section is not None:
        qs = qs.filter(section=section)
    return qs.order_by("-published_at", "-id").prefetch_related("photos")


def published_count(*, section: Any = None) -> int:
    """The number of published articles (in `section`), for the lists' pagination,
    from the aggregate cache (counting 100,000 articles takes ~20 ms per list page)."""
    section_id = getattr(section, "pk", None)
    return cached(f"news:published_count:{section_id}", latest(section=section).count)


def photo_news(*, now: dt.datetime | None = None) -> QuerySet[Article]:
    """Published articles that have at least one photo with an image file."""
    return latest(now=now).filter(photos__image__gt="").distinct()


def photo_news_ids(*, limit: int) -> list[int]:
    """Ids of the `limit` newest photo news (`photo_news`), newest first, from the
    aggregate cache (`hanjari.core.cache`) for the side column of every news page:
    when few photos have files, finding them walks every published article (~25 ms of
    SQL at 100,000 articles)."""
    return cached(
        f"news:photo_news_ids:{limit}",
        lambda: list(photo_news().values_list("pk", flat=True)[:limit]),
    )


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

    One aggregate over `ArticleHourlyViews` (hour ≥ now − window). Articles are
    annotated with `window_views`. Raises KeyError for an unknown window.

    Without an explicit `now` the ranking (ids and totals, not the articles) comes from
    the aggregate cache (`hanjari.core.cache`, a minute by default): summing a week of
    hourly rows costs ~50 ms at 1,000,000 view records, and the side column of every
    news page shows it. The articles are loaded fresh, so a withdrawn one drops out at
    once."""
    explicit = now is not None
    now = now or timezone.now()
    since = now - WINDOWS[window]
    section_id = getattr(section, "pk", None)
    organization_id = getattr(organization, "pk", None)

    def compute() -> list[tuple[int, int]]:
        return _top_viewed(
            since=since,
            now=now,
            section_id=section_id,
            organization_id=organization_id,
            limit=limit,
        )

    if explicit:
        top = compute()
    else:
        top = cached(f"news:most_viewed:{window}:{section_id}:{organization_id}:{limit}", compute)
    by_id = {
        a.pk: a
        for a in Article.objects.published(now)
        .filter(pk__in=[pk for pk, _total in top])
        .select_related("section", "reporter")
        .prefetch_related("photos")
    }
    result = []
    for pk, total in top:
        article = by_id.get(pk)
        if article is not None:  # withdrawn since the ranking was cached
            article.__dict__["window_views"] = total
            result.append(article)
    return result


def _top_viewed(
    *,
    since: dt.datetime,
    now: dt.datetime,
    section_id: int | None,
    organization_id: int | None,
    limit: int,
) -> list[tuple[int, int]]:
    """(article id, views) of the `limit` most viewed visible articles in [since, now].

    The window's rows are summed first (the `hourlyviews_hour_idx` range) and the
    visible articles kept from a pool of candidates: filtering by the visible articles
    inside the aggregate made the database probe every published article for its hours
    (300 ms at 100,000 articles). Falls back to that filtered aggregate when the pool
    holds too few visible articles (an organisation's articles are few and rarely on
    top)."""
    rows = ArticleHourlyViews.objects.filter(hour__gte=since, hour__lte=now)
    visible = Article.objects.published(now)
    if section_id is not None:
        visible = visible.filter(section_id=section_id)
    if organization_id is not None:
        visible = visible.filter(organizations=organization_id)

    def ranked(qs: QuerySet[ArticleHourlyViews], n: int) -> list[tuple[int, int]]:
        totals = qs.values("article").annotate(total=Sum("count")).order_by("-total", "-article")
        return [(r["article"], r["total"]) for r in totals[:n]]

    if organization_id is None:
        pool = limit * 4 + 20
        top = ranked(rows, pool)
        keep = set(visible.filter(pk__in=[pk for pk, _t in top]).values_list("pk", flat=True))
        found = [(pk, total) for pk, total in top if pk in keep]
        if len(found) >= limit or len(top) < pool:
            return found[:limit]
    return ranked(rows.filter(article__in=visible.values("pk")), limit)


RELATED_POOL = 100  # newest articles per shared tag or organisation that `related` ranks


def related(article: Article, *, limit: int = 5) -> list[Article]:
    """Other published articles sharing organisations or tags with `article` (most shared
    first, then newest), topped up with the newest of the same section."""
    qs = Article.objects.published().exclude(pk=article.pk)
    org_ids = list(article.organizations.values_list("pk", flat=True))
    tag_ids = list(article.tags.values_list("pk", flat=True))
    # Only the newest RELATED_POOL articles of each shared tag and organisation are
    # ranked: a tag like 사회적경제 is on thousands of articles, and counting shares
    # over all of them cost ~150 ms per article page at 100,000 articles.
    pool: set[int] = set()
    for through, column, ids in (
        (Article.organizations.through, "organization_id", org_ids),
        (Article.tags.through, "tag_id", tag_ids),
    ):
        for pk in ids:
            # Newest links first: the (tag_id, rowid) index gives them without a sort.
            newest = through.objects.filter(**{column: pk}).order_by("-pk")
            pool.update(newest.values_list("article_id", flat=True)[:RELATED_POOL])
    qs_shared = qs.filter(pk__in=pool)
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
            qs_shared.filter(match)
            .annotate(shared=shared)
            .order_by("-shared", "-published_at", "-id")
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
