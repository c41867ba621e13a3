"""Search pages (검색): the results page and the typeahead under the search boxes.

Both are public. The results page answers htmx with its results partial (filters and
pagination swap in place); the typeahead answers with a short list of links. Any
query string gets a normal page: unknown kinds and regions are ignored, page numbers
are clamped, text is cleaned and cut (see `hanjari.search.query`).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views import View

from hanjari.core import regions
from hanjari.core.http import is_htmx
from hanjari.registry.models import SECTORS, SIDO_CHOICES, DesignationKind

from . import registry, selectors
from .backends import COUNT_CAP
from .query import clean_text

_SECTOR_OF = {kind: key for key, (_label, kinds) in SECTORS.items() for kind in kinds}


def _page_number(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), selectors.MAX_PAGE))
    except (TypeError, ValueError):
        return 1


def search_params(query: QueryDict) -> dict[str, Any]:
    """The page's parameters from a query string: `q` cleaned and cut, `kind` a
    registered kind or "", `sido` a canonical 시도 (aliases such as 전북 resolved) or "",
    `page` an int from 1."""
    kind = (query.get("kind") or "").strip()
    if kind not in {t.kind for t in registry.kinds()}:
        kind = ""
    sido = regions.resolve_sido(clean_text(query.get("sido"))[:40])
    return {
        "q": clean_text(query.get("q")),
        "kind": kind,
        "sido": sido.name if sido else "",
        "page": _page_number(query.get("page")),
    }


def _query(params: dict[str, Any], **changes: Any) -> str:
    values = {**params, **changes}
    pairs = [(k, values[k]) for k in ("q", "kind", "sido") if values.get(k)]
    if values.get("page", 1) > 1:
        pairs.append(("page", values["page"]))
    return urlencode(pairs)


def count_text(n: int) -> str:
    """A count as shown: ``1,234``, or ``1,000+`` when counting stopped at the cap."""
    return f"{n:,}+" if n >= COUNT_CAP else f"{n:,}"


def _decorate(result: selectors.Result) -> selectors.Result:
    """Add what the result line shows besides title and snippet (`badges`, `when`,
    `place`) from the document's meta."""
    meta = result.meta
    badges: list[tuple[str, str]] = []
    for code in meta.get("kinds", []):
        if code in DesignationKind.values:
            badges.append((str(DesignationKind(code).label), _SECTOR_OF.get(code, "")))
    extra: Any = result
    extra.badges = badges
    extra.place = regions.region_text_label(meta.get("region") or "")
    published = meta.get("published")
    extra.when = parse_datetime(published) if isinstance(published, str) else None
    extra.section = meta.get("section") or ""
    return result


class SearchView(View):
    """The results page (`/search/?q=…&kind=…&sido=…&page=…`)."""

    template_name = "search/search.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        params = search_params(request.GET)
        page = selectors.search(
            params["q"], kind=params["kind"], sido=params["sido"], page=params["page"]
        )
        for group in page.groups:
            for result in group.results:
                _decorate(result)
        for result in [*page.results, *page.extra]:
            _decorate(result)
        kinds = registry.kinds()
        tabs = [
            {
                "key": "",
                "label": _("전체"),
                "count": count_text(page.total),
                "url": "?" + _query(params, kind="", page=1),
                "active": not params["kind"],
            }
        ] + [
            {
                "key": t.kind,
                "label": t.label,
                "count": count_text(page.counts.get(t.kind, 0)),
                "url": "?" + _query(params, kind=t.kind, page=1),
                "active": params["kind"] == t.kind,
            }
            for t in kinds
        ]
        page_obj = None
        if params["kind"] and page.num_pages > 1:
            paginator = Paginator(range(page.count), selectors.PER_PAGE)
            page_obj = paginator.get_page(page.page)
        context = {
            "params": params,
            "result": page,
            "tabs": tabs,
            "page_obj": page_obj,
            "querystring": _query(params, page=1),
            "kind_choices": [(t.kind, t.label) for t in kinds],
            "sido_choices": [(s, regions.sido_label(s)) for s, _label in SIDO_CHOICES],
            "groups": [
                {
                    "kind": g.kind,
                    "label": g.label,
                    "count": count_text(g.count),
                    "number": g.count,
                    "more": g.count > len(g.results),
                    "results": g.results,
                    "more_url": "?" + _query(params, kind=g.kind, page=1),
                }
                for g in page.groups
            ],
            "suggestion_url": "?" + _query(params, q=page.suggestion, page=1)
            if page.suggestion
            else "",
            "count_text": count_text(page.count),
            "breadcrumbs": [(_("검색"), None)],
        }
        if is_htmx(request):
            response = render(request, "search/partials/_results.html", context)
        else:
            response = render(request, self.template_name, context)
        patch_vary_headers(response, ("HX-Request",))
        return response


class SuggestView(View):
    """Typeahead (`/search/suggest/?q=…`): up to eight titles matching what has been
    typed, as links, for the list under a search box (htmx). Empty text gives an
    empty list."""

    def get(self, request: HttpRequest) -> HttpResponse:
        text = clean_text(request.GET.get("q"))
        items = selectors.suggest(text) if text else []
        context = {"items": items, "q": text}
        response = render(request, "search/partials/_suggest.html", context)
        patch_vary_headers(response, ("HX-Request",))
        return response
