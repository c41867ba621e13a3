"""Recognition pages (포상·기부): the yearly page of commendations (표창), plaques of
appreciation (감사패) and the donation ledger (기부금), public."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from hanjari.events.selectors import today_in_seoul

from . import selectors

FIRST_YEAR = 1900
LAST_YEAR = 2100


class RecognitionIndexView(View):
    """포상·기부: redirects to the newest year with records; with none yet, shows this
    year's (empty) page."""

    def get(self, request: HttpRequest) -> HttpResponse:
        year = selectors.latest_year()
        if year is None:
            return render_year(request, today_in_seoul().year)
        return HttpResponseRedirect(reverse("recognition:year", args=[year]))


class RecognitionYearView(View):
    """One year's recognition: commendations (names only where public, else "N명"),
    plaques, and the donation ledger with its total of known amounts and the number of
    donations whose amount is not public (금액 알 수 없음). Years outside 1900–2100: 404."""

    def get(self, request: HttpRequest, year: int) -> HttpResponse:
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise Http404(_("그 해의 기록은 없습니다."))
        return render_year(request, year)


def render_year(request: HttpRequest, year: int) -> HttpResponse:
    years = selectors.years_with_data()
    context: dict[str, Any] = {
        "year": year,
        "years": years,
        "summary": selectors.year_summary(year=year),
        "breadcrumbs": [
            (_("포상·기부"), reverse("recognition:index")),
            (_("%(year)d년") % {"year": year}, None),
        ],
    }
    return render(request, "recognition/year.html", context)
