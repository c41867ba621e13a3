"""Random input to every form: never a server error.

The forms are found from the URL patterns: every URL in the permission table
(tests/test_permissions.py) whose view takes POST. Each is posted as the first role
that reaches it (staff first; the permission table says who), with the fields of the
forms its page shows (``<form method="post">``) and of the table's valid POST body.
Hypothesis replaces some of those values with hostile ones (huge and negative
numbers, year 1 and 9999 dates, long strings, control and invisible characters,
lists, nothing) and the answer must be below 500.

The defects the fuzz found keep their exact inputs as plain tests below.
"""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser
from typing import Any

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hanjari.core.forms import (
    YEAR_MAX,
    YEAR_MIN,
    BoundedDateField,
    BoundedDateTimeField,
    IdChoiceField,
    IdMultipleChoiceField,
)
from hanjari.registry.models import Council, Organization
from tests import test_permissions as permission_table
from tests.factories import CouncilFactory
from tests.test_permissions import (
    ADMIN_LOGIN,
    LOGIN,
    ROLES,
    TABLE,
    _news_world,
    _post_data,
    _url_arg,
)

# The permission table's objects and users (fixtures, used by name).
world = permission_table.world
member_b = permission_table.member_b

HUGE = "9" * 30


def _views(patterns: list[Any], namespace: str = "") -> dict[str, Any]:
    """URL name → view callable, over the whole resolver."""
    found: dict[str, Any] = {}
    for p in patterns:
        if isinstance(p, URLResolver):
            full = f"{namespace}{p.namespace}:" if p.namespace else namespace
            if full != "admin:":
                found.update(_views(p.url_patterns, full))
        elif isinstance(p, URLPattern) and p.name:
            found[f"{namespace}{p.name}"] = p.callback
    return found


def _takes_post(view: Any) -> bool:
    view_class = getattr(view, "view_class", None)
    if view_class is None:  # a function view: the table has a POST row when it takes POST
        return False
    return hasattr(view_class, "post")


def _reaches(method: str, expected: Any) -> bool:
    """Whether a role with this row's `expected` answer gets to the form: its page
    shows (GET 200) or its POST is taken (not refused, not a login redirect)."""
    if method == "get":
        return expected == 200
    status = expected[0] if isinstance(expected, tuple) else expected
    return expected not in (LOGIN, ADMIN_LOGIN) and status not in (403, 404, 405)


def _form_pages() -> list[tuple[str, dict[str, str], str]]:
    """(URL name, kwargs, role) for every URL that takes POST, with the first role
    (staff first) the permission table lets through."""
    views = _views(get_resolver().url_patterns)
    order = [ROLES.index("staff"), *range(len(ROLES) - 1)]
    pages: dict[str, tuple[str, dict[str, str], str]] = {}
    for method, name, kwargs, expected in TABLE:
        takes_post = method == "post" or _takes_post(views.get(name))
        if not takes_post or (name in pages and method != "post"):
            continue
        roles = [ROLES[i] for i in order if _reaches(method, expected[i])]
        if roles:
            pages[name] = (name, kwargs, roles[0])
    return sorted(pages.values())


FORM_PAGES = _form_pages()


class _FormFields(HTMLParser):
    """The fields (name → first value) of the POST forms whose action is `path`."""

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path
        self.inside = False
        self.fields: dict[str, str] = {}
        self.select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            action = (a.get("action") or "").split("?")[0]
            self.inside = (a.get("method") or "").lower() == "post" and action in ("", self.path)
        elif not self.inside or not a.get("name") or a["name"] == "csrfmiddlewaretoken":
            return
        elif tag in ("input", "textarea"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                self.fields.setdefault(a["name"] or "", "")
            else:
                self.fields.setdefault(a["name"] or "", a.get("value") or "")
        elif tag == "select":
            self.select = a["name"]
            self.fields.setdefault(self.select or "", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False


def _form_fields(client: Any, url: str) -> dict[str, str]:
    response = client.get(url)
    if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
        return {}
    parser = _FormFields(url)
    parser.feed(response.content.decode())
    return parser.fields


# Hostile values, one per field.
_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40).map(
    lambda s: s.replace("\x00", "\x00\x00")
)
HOSTILE = st.one_of(
    st.just(""),
    st.just(HUGE),
    st.just("-" + HUGE),
    st.just(str(2**63)),
    st.integers().map(str),
    st.just("0001-01-01"),
    st.just("0001-01-01T00:00"),
    st.just("9999-12-31"),
    st.just("9999-12-31T23:59"),
    st.just("x" * 5000),
    st.just("\x00"),
    st.just("\u200b\u2028\ufeff"),
    st.just("<script>alert(1)</script>"),
    _TEXT,
    st.lists(st.one_of(st.just(HUGE), st.integers().map(str), _TEXT), max_size=4),
)


# A formset's management form: counts from a short list, huge ones included (a count
# above the formset's `absolute_max` builds no form and is a 400: core.forms.BoundedFormSet).
MANAGEMENT = st.sampled_from(["", "-1", "x", "2", "\x00", "100000", HUGE])


def _hostile(field: str) -> st.SearchStrategy[Any]:
    return MANAGEMENT if field.endswith("_FORMS") else HOSTILE


@pytest.mark.parametrize(
    ("name", "kwargs", "role"), FORM_PAGES, ids=[f"{p[0]}-{p[2]}" for p in FORM_PAGES]
)
def test_random_values_never_give_a_server_error(
    request, client, world, plain_user, name, kwargs, role
):
    if name.startswith("news:"):
        world.update(_news_world(request.getfixturevalue("staff"), plain_user))
    user = request.getfixturevalue(role) if role != "anonymous" else None
    if user is not None:
        client.force_login(user)
    url = reverse(name, kwargs={k: _url_arg(k, v, world) for k, v in kwargs.items()})
    base = {**_form_fields(client, url), **_post_data(name, world)}
    fields = sorted(base) or ["q"]

    @settings(
        max_examples=20,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        st.fixed_dictionaries({f: st.one_of(st.just(base.get(f, "")), _hostile(f)) for f in fields})
    )
    def post(data: dict[str, Any]) -> None:
        cache.clear()  # rate limits must not hide the forms
        if user is not None and "_auth_user_id" not in client.session:
            client.force_login(user)  # signed out by an example (the logout form)
        response = client.post(url, data)
        assert response.status_code < 500, (url, data)

    post()


def test_every_form_page_is_fuzzed():
    """The forms the fuzz must reach (a change to the table must not drop them)."""
    names = {name for name, _kwargs, _role in FORM_PAGES}
    assert {
        "registry:organization-edit",
        "registry:organization-photos",
        "registry:organization-photo",
        "registry:organization-photo-delete",
        "registry:import",
        "registry:council-members",
        "news:article-new",
        "news:article-edit",
        "events:event-new",
        "events:event-edit",
        "events:register",
        "events:booths-edit",
        "events:programme-edit",
        "recognition:staff-new",
        "recognition:staff-edit",
        "recognition:staff-delete",
        "claims:claim-new",
        "claims:propose",
        "claims:reply",
        "claims:staff-decide",
        "claims:endorse",
    } <= names


# The defects, each with its exact input.


def _staff_client(client: Any, request: Any) -> Any:
    client.force_login(request.getfixturevalue("staff"))
    return client


def test_huge_council_id_on_the_event_form_is_a_400_with_a_message(client, request, world):
    from tests.events.permission_cases_pages import pages_post_data

    data = {**pages_post_data("events:event-edit", world), "organiser_councils": [HUGE]}
    url = reverse("events:event-edit", args=[world["event"].pk])
    response = _staff_client(client, request).post(url, data)
    assert response.status_code == 400
    assert f"&quot;{HUGE}&quot; 은/는 유효한 값이 아닙니다." in response.content.decode()


@pytest.mark.parametrize("value", [HUGE, str(2**63), "0", ["1", HUGE], "\x00"])
def test_odd_organiser_ids_on_the_event_form_are_a_400_with_a_message(
    client, request, world, value
):
    from tests.events.permission_cases_pages import pages_post_data

    data = {**pages_post_data("events:event-edit", world), "organiser_organizations": value}
    url = reverse("events:event-edit", args=[world["event"].pk])
    response = _staff_client(client, request).post(url, data)
    if value == "\x00":  # control characters are dropped: nothing chosen
        assert response.status_code == 302
        return
    assert response.status_code == 400
    assert "그런 번호의 조직이 없습니다." in response.content.decode()


def test_year_1_registration_window_is_a_400_with_a_message(client, request, world):
    from tests.events.permission_cases_pages import pages_post_data

    data = {
        **pages_post_data("events:event-edit", world),
        "registration_opens_at": "0001-01-01T00:00",
    }
    url = reverse("events:event-edit", args=[world["event"].pk])
    response = _staff_client(client, request).post(url, data)
    assert response.status_code == 400
    assert "1900년부터 2100년 사이의 날짜를 적어 주세요." in response.content.decode()


def test_huge_organisation_id_on_the_news_desk_is_a_400_with_a_message(client, request, db):
    data = {"headline": "새 기사", "body_source": "본문입니다.", "organizations": [HUGE]}
    response = _staff_client(client, request).post(reverse("news:article-new"), data)
    assert response.status_code == 400
    assert f"&quot;{HUGE}&quot; 은/는 유효한 값이 아닙니다." in response.content.decode()


def test_year_1_original_published_at_on_the_news_desk_is_a_400_with_a_message(client, request, db):
    data = {
        "headline": "새 기사",
        "body_source": "본문입니다.",
        "original_published_at": "0001-01-01T00:00",
    }
    response = _staff_client(client, request).post(reverse("news:article-new"), data)
    assert response.status_code == 400
    assert "1900년부터 2100년 사이의 날짜를 적어 주세요." in response.content.decode()


# The fields themselves.


@pytest.mark.parametrize("value", [HUGE, "-" + HUGE, str(2**63), str(-(2**63) - 1)])
def test_id_fields_refuse_ids_beyond_the_database_integers(db, value):
    council = CouncilFactory()
    many = IdMultipleChoiceField(queryset=Council.objects.all())
    with pytest.raises(ValidationError) as caught:
        many.clean([str(council.pk), value])
    assert caught.value.messages == [f'"{value}" 은/는 유효한 값이 아닙니다.']
    one = IdChoiceField(queryset=Organization.objects.all())
    with pytest.raises(ValidationError) as caught:
        one.clean(value)
    assert caught.value.code == "invalid_choice"
    assert many.clean([str(council.pk)]).get() == council


@pytest.mark.parametrize(
    ("field", "text", "expected"),
    [
        (BoundedDateField(), f"{YEAR_MIN}-01-01", dt.date(YEAR_MIN, 1, 1)),
        (BoundedDateField(), f"{YEAR_MAX}-12-31", dt.date(YEAR_MAX, 12, 31)),
        (BoundedDateTimeField(), "2026-12-07T09:30", dt.datetime(2026, 12, 7, 9, 30)),
    ],
)
def test_date_fields_take_years_in_range(field, text, expected):
    value = field.clean(text)
    assert (value.replace(tzinfo=None) if isinstance(value, dt.datetime) else value) == expected


@pytest.mark.parametrize(
    ("field", "text"),
    [
        (BoundedDateField(), "0001-01-01"),
        (BoundedDateField(), "9999-12-31"),
        (BoundedDateField(), f"{YEAR_MIN - 1}-12-31"),
        (BoundedDateTimeField(), "0001-01-01T00:00"),
        (BoundedDateTimeField(), f"{YEAR_MAX + 1}-01-01T00:00"),
    ],
)
def test_date_fields_refuse_years_out_of_range_with_a_message(field, text):
    with pytest.raises(ValidationError) as caught:
        field.clean(text)
    assert caught.value.messages == ["1900년부터 2100년 사이의 날짜를 적어 주세요."]
