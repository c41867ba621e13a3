"""The permission table: every URL pattern × role × method → status.

One row per (role, method, URL name). `kwargs` name objects of the `world` fixture
(resolved at run time); `location` says where a redirect must go:

- ``"login"``: the login page with ``next`` = the requested path;
- ``"admin_login"``: the Django admin login page with ``next``;
- any other string: a URL name (or literal path starting with "/").

`test_every_url_pattern_has_a_row` walks the URL resolver and fails when a named
pattern has no row, so a new URL cannot ship without deciding who may use it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from hanjari.registry.models import ImportRun, MergeCandidate, Organization
from tests.accounts.permission_cases_accounts import ACCOUNTS_TABLE, accounts_post_data
from tests.claims.permission_cases_claims import CLAIMS_TABLE, claims_post_data, claims_world
from tests.core.picture_files import picture_bytes
from tests.events.permission_cases_pages import PAGES_TABLE, pages_post_data, pages_world
from tests.events.permission_cases_registration import (
    REGISTRATION_TABLE,
    registration_post_data,
    registration_url_arg,
    registration_world,
)
from tests.factories import (
    CouncilFactory,
    CouncilMembershipFactory,
    DesignationFactory,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
)
from tests.membership.permission_cases_members import (
    MEMBERS_TABLE,
    members_post_data,
    members_world,
)
from tests.recognition.permission_cases_staff import STAFF_TABLE, staff_post_data, staff_url_arg
from tests.registry.permission_cases_profile import (
    PROFILE_TABLE,
    profile_post_data,
    profile_world,
)
from tests.registry.permission_cases_tasks import TASKS_TABLE, tasks_post_data, tasks_world

ROLES = ("anonymous", "plain_user", "member_a", "council_admin_a", "member_b", "staff")

# Statuses per role in ROLES order: anonymous, plain_user, member_a, council_admin_a,
# member_b, staff. A status may be a (status, location) pair.
LOGIN = (302, "login")
ADMIN_LOGIN = (302, "admin_login")

TABLE: list[tuple[str, str, dict[str, str], tuple[Any, ...]]] = [
    # public pages
    ("get", "home", {}, (200, 200, 200, 200, 200, 200)),
    ("get", "registry:directory", {}, (200, 200, 200, 200, 200, 200)),
    ("get", "registry:directory-export", {}, (200, 200, 200, 200, 200, 200)),
    ("get", "registry:organization", {"pk": "org_a"}, (200, 200, 200, 200, 200, 200)),
    ("get", "registry:councils", {}, (200, 200, 200, 200, 200, 200)),
    ("get", "registry:council", {"pk": "council"}, (200, 200, 200, 200, 200, 200)),
    # council member list: staff and that council's admin (council_admin_a administers
    # another council, the one org_a belongs to)
    (
        "post",
        "registry:council-members",
        {"pk": "council"},
        (LOGIN, 403, 403, 403, 403, (303, "/councils/council")),
    ),
    # profile edit: staff and org_a's editor. Not the admin of a council org_a belongs
    # to: council admins choose their members, so membership must not grant edit rights.
    (
        "get",
        "registry:organization-edit",
        {"pk": "org_a"},
        (LOGIN, 403, 200, 403, 403, 200),
    ),
    (
        "post",
        "registry:organization-edit",
        {"pk": "org_a"},
        (
            LOGIN,
            403,
            (302, "profile_a"),
            403,
            403,
            (302, "profile_a"),
        ),
    ),
    # staff only
    (
        "get",
        "registry:organization-history",
        {"pk": "org_a"},
        (LOGIN, 403, 403, 403, 403, 200),
    ),
    ("get", "registry:import", {}, (LOGIN, 403, 403, 403, 403, 200)),
    # staff POST without a file: the form's 400, not a 500
    ("post", "registry:import", {}, (LOGIN, 403, 403, 403, 403, 400)),
    ("get", "registry:import-run", {"pk": "run"}, (LOGIN, 403, 403, 403, 403, 200)),
    ("get", "registry:import-run-csv", {"pk": "run"}, (LOGIN, 403, 403, 403, 403, 200)),
    ("get", "registry:merge-queue", {}, (LOGIN, 403, 403, 403, 403, 200)),
    (
        "post",
        "registry:merge-decide",
        {"pk": "candidate"},
        (LOGIN, 403, 403, 403, 403, (303, "registry:merge-queue")),
    ),
    # accounts
    (
        "get",
        "accounts:login",
        {},
        (200, (302, "home"), (302, "home"), (302, "home"), (302, "home"), (302, "home")),
    ),
    (
        "post",
        "accounts:logout",
        {},
        ((302, "home"),) * 6,
    ),
    ("get", "accounts:logout", {}, (405,) * 6),
    # language switch (POST with next)
    ("post", "set_language", {}, ((302, "registry:directory"),) * 6),
    # Django admin: staff only, everyone else to the admin login
    (
        "get",
        "admin:index",
        {},
        (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 200),
    ),
    # uploaded media (served by Django on one-machine installs): no such file → 404
    ("get", "media", {"path": "logos/none.png"}, (404,) * 6),
    # news (소식): readers
    ("get", "news:list", {}, (200,) * 6),
    ("get", "news:section", {"slug": "section"}, (200,) * 6),
    ("get", "news:photos", {}, (200,) * 6),
    ("get", "news:most-viewed", {}, (200,) * 6),
    ("get", "news:feed-rss", {}, (200,) * 6),
    ("get", "news:feed-atom", {}, (200,) * 6),
    ("get", "news:article", {"pk": "article"}, (200,) * 6),
    # article photo files: public once the article is; a draft's only for its author
    # (staff) — anyone else gets 404, as if there were no such photo
    ("get", "news:photo", {"pk": "photo"}, (200,) * 6),
    ("get", "news:photo", {"pk": "draft_photo"}, (404, 404, 404, 404, 404, 200)),
    # a draft is not public, whoever asks (its writers see it on the desk)
    ("get", "news:article", {"pk": "draft"}, (404,) * 6),
    # comments: signed-in users (guest comments are off by default)
    (
        "post",
        "news:comment-create",
        {"pk": "article"},
        (403, *((303, "article*"),) * 5),
    ),
    # only the comment's author (plain_user) may edit it
    (
        "post",
        "news:comment-edit",
        {"pk": "comment"},
        (403, (303, "article*"), 403, 403, 403, 403),
    ),
    # the author may not report their own comment (403 with a message)
    ("post", "news:comment-report", {"pk": "comment"}, (403, 403, *((303, "article*"),) * 4)),
    # moderation: editors (centre staff)
    (
        "post",
        "news:comment-moderate",
        {"pk": "comment"},
        (403, 403, 403, 403, 403, (303, "article*")),
    ),
    ("get", "news:moderation", {}, (LOGIN, 403, 403, 403, 403, 200)),
    # the desk: reporters, editors and organisation members write
    ("get", "news:desk", {}, (LOGIN, 403, 200, 403, 200, 200)),
    ("get", "news:article-new", {}, (LOGIN, 403, 200, 403, 200, 200)),
    (
        "post",
        "news:article-new",
        {},
        (LOGIN, 403, (302, "/news/desk/*"), 403, (302, "/news/desk/*"), (302, "/news/desk/*")),
    ),
    ("get", "news:import", {}, (LOGIN, 403, 403, 403, 403, 200)),
    # a draft by staff: its author (and editors) only
    ("get", "news:article-preview", {"pk": "draft"}, (LOGIN, 403, 403, 403, 403, 200)),
    ("get", "news:article-edit", {"pk": "draft"}, (LOGIN, 403, 403, 403, 403, 200)),
    ("get", "news:photo-add", {"pk": "draft"}, (LOGIN, 403, 403, 403, 403, 200)),
    (
        "post",
        "news:article-transition",
        {"pk": "submitted", "action": "approve"},
        (LOGIN, 403, 403, 403, 403, (302, "preview_submitted")),
    ),
    # search (검색): public; POST is not an action here
    ("get", "search:search", {}, (200,) * 6),
    ("get", "search:suggest", {}, (200,) * 6),
    ("post", "search:search", {}, (405,) * 6),
]
# Events (행사) and recognition (포상·기부): rows kept next to their tests, merged here.
TABLE += PAGES_TABLE + REGISTRATION_TABLE
# Background imports and merge confirmation / undo / proposal: tests/registry.
TABLE += TASKS_TABLE
# Accounts (django-allauth's pages and ours): tests/accounts.
TABLE += ACCOUNTS_TABLE
# Recognition staff pages and the organisation picker: tests/recognition.
TABLE += STAFF_TABLE
# The organisation's photo pages: tests/registry.
TABLE += PROFILE_TABLE
# Members, invitations, council join requests, "내 조직": tests/membership.
TABLE += MEMBERS_TABLE
# Claims and proposals of organisations, endorsement, staff review: tests/claims.
TABLE += CLAIMS_TABLE

CASES = [
    pytest.param(
        role,
        method,
        name,
        kwargs,
        expected[i],
        id=f"{role}-{method}-{name}-{'-'.join(kwargs.values())}",
    )
    for method, name, kwargs, expected in TABLE
    for i, role in enumerate(ROLES)
]


@pytest.fixture
def member_b(db, org_b):
    """An editor member of org_b (another organisation)."""
    return MembershipFactory(user=UserFactory(username="member_b"), organization=org_b).user


@pytest.fixture
def world(db, org_a, org_b, staff, plain_user, member_a, council_admin_a):
    """Objects the table's URLs point at."""
    DesignationFactory(organization=org_a)
    council = CouncilFactory()
    CouncilMembershipFactory(council=council, organization=org_b)
    run = ImportRun.objects.create(
        file_name="self_sufficiency.csv",
        sha256="0" * 64,
        status=ImportRun.Status.FAILED,
        report={
            "errors": [{"row": 3, "column": "자활기업", "value": "", "reason": "이름이 없습니다."}]
        },
    )
    left = OrganizationFactory(name="한마음마을협동조합")
    right = OrganizationFactory(name="한마음 마을 협동조합")
    candidate = MergeCandidate.objects.create(
        left=left,
        right=right,
        left_name=left.name,
        right_name=right.name,
        score=96.0,
        reason="같은 시군구에 이름이 매우 비슷한 조직이 있습니다.",
    )
    objects = {
        "org_a": org_a,
        "org_b": org_b,
        "council": council,
        "run": run,
        "candidate": candidate,
    }
    # The registration rows' open event also serves the event-page rows ("event").
    objects["draft_event"] = pages_world(staff)["draft_event"]
    objects.update(registration_world(staff=staff, plain_user=plain_user))
    objects.update(tasks_world(staff))
    objects.update(profile_world(org_a, staff))
    objects.update(
        members_world(
            staff=staff,
            plain_user=plain_user,
            member_a=member_a,
            council_admin_a=council_admin_a,
            org_a=org_a,
            council=council,
        )
    )
    objects.update(claims_world(plain_user, org_a))
    cache.clear()  # guest registration rate limits live in the default cache
    return objects


def _news_world(staff: Any, commenter: Any) -> dict[str, Any]:
    """A published article with a comment, a draft and a submitted story, by staff."""
    from hanjari.news import services as news
    from hanjari.news.models import Section

    def draft(headline: str) -> Any:
        return news.article_create(by=staff, data={"headline": headline, "body_source": "본문."})

    article = draft("한마음 워크숍 열려")
    article = news.article_submit(article=article, by=staff)
    article = news.article_approve(article=article, by=staff)
    article = news.article_publish(article=article, by=staff)
    submitted = news.article_submit(article=draft("제출한 기사"), by=staff)
    comment = news.comment_create(article=article, by=commenter, body="응원합니다")
    section = Section.objects.create(name="권한표 시험 분류", slug="permission-table")
    unpublished = draft("쓰는 중인 기사")

    def photo(of: Any) -> Any:
        image = SimpleUploadedFile("p.png", picture_bytes("PNG"), content_type="image/png")
        return news.article_add_photo(article=of, by=staff, image=image, alt_text="사진")

    return {
        "article": article,
        "photo": photo(article),
        "draft_photo": photo(unpublished),
        "draft": unpublished,
        "submitted": submitted,
        "comment": comment,
        "section": section,
    }


def _post_data(name: str, world: dict[str, Any]) -> dict[str, Any]:
    if name == "registry:organization-edit":
        org = world["org_a"]
        return {
            "name": org.name,
            "sido": org.sido,
            "sigungu": org.sigungu,
            "address": org.address,
            "industry": "음식점업",
            "status": org.status,
        }
    if name.startswith("events:"):
        return pages_post_data(name, world) or registration_post_data(name, world)
    if name == "registry:council-members":
        return {"action": "add", "organization": world["org_a"].pk}
    if name == "registry:merge-decide":
        return {"decision": "distinct"}
    accounts_data = accounts_post_data(name, world)
    if accounts_data is not None:
        return accounts_data
    members_data = members_post_data(name, world)
    if members_data is not None:
        return members_data
    tasks_data = tasks_post_data(name, world)
    if tasks_data is not None:
        return tasks_data
    staff_data = staff_post_data(name, world)
    if staff_data is not None:
        return staff_data
    profile_data = profile_post_data(name, world)
    if profile_data is not None:
        return profile_data
    claims_data = claims_post_data(name, world)
    if claims_data is not None:
        return claims_data
    if name == "set_language":
        return {"language": "ko", "next": reverse("registry:directory")}
    return {
        "news:comment-create": {"body": "응원합니다"},
        "news:comment-edit": {"body": "고쳤습니다"},
        "news:comment-report": {"reason": "광고"},
        "news:comment-moderate": {"action": "hide", "reason": "광고"},
        "news:article-new": {"headline": "새 기사", "body_source": "본문입니다."},
    }.get(name, {})


def _expected_location(target: str, path: str, world: dict[str, Any]) -> str:
    if target == "login":
        return f"{reverse('accounts:login')}?next={quote(path)}"
    if target == "admin_login":
        return f"{reverse('admin:login')}?next={quote(path)}"
    if target == "/councils/council":
        return reverse("registry:council", args=[world["council"].pk])
    if target in world and isinstance(world[target], str):
        return world[target]
    if target == "profile_a":
        return world["org_a"].get_absolute_url()
    if target == "preview_submitted":
        return reverse("news:article-preview", args=[world["submitted"].pk])
    if target.endswith("*"):  # a prefix: the rest names an object made by the request
        prefix = target[:-1]
        return world[prefix].get_absolute_url() if prefix in world else prefix
    return target if target.startswith("/") else reverse(target)


def _url_arg(key: str, value: str, world: dict[str, Any]) -> Any:
    staff_record = staff_url_arg(value, world)
    if staff_record is not None:
        return staff_record
    if value not in world:
        return value
    if key == "slug":
        return world[value].slug
    return registration_url_arg(key, value, world)


@pytest.mark.parametrize(("role", "method", "name", "kwargs", "expected"), CASES)
def test_permission_table(request, client, world, plain_user, role, method, name, kwargs, expected):
    if name.startswith("news:"):
        world.update(_news_world(request.getfixturevalue("staff"), plain_user))
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    url = reverse(name, kwargs={k: _url_arg(k, v, world) for k, v in kwargs.items()})
    status, location = expected if isinstance(expected, tuple) else (expected, None)
    before = Organization.objects.get(pk=world["org_a"].pk).industry

    if method == "post":
        response = client.post(url, _post_data(name, world))
    else:
        response = client.get(url)

    assert response.status_code == status, (role, method, url, response.status_code)
    if location is not None:
        expected_location = _expected_location(location, url, world)
        if location.endswith("*"):
            assert response["Location"].startswith(expected_location), response["Location"]
        else:
            assert response["Location"] == expected_location
    if status == 403:
        # A page that says why (news answers with its own wording, e.g. 로그인한 사람만 …).
        html = response.content.decode()
        assert "<h1" in html
        if not name.startswith("news:"):
            assert "권한이 없습니다" in html
    if name == "registry:organization-edit" and method == "post":
        # Refused writes change nothing; accepted ones change the field.
        after = Organization.objects.get(pk=world["org_a"].pk).industry
        assert after == ("음식점업" if status == 302 and location != "login" else before)


def _named_patterns(patterns: list[Any], namespace: str = "") -> set[str]:
    names: set[str] = set()
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or ""
            full = f"{namespace}{ns}:" if ns else namespace
            if full == "admin:":
                names.add("admin:index")  # the admin's own views are Django's
                continue
            names |= _named_patterns(p.url_patterns, full)
        elif isinstance(p, URLPattern) and p.name:
            if p.name in ("static",):
                continue
            names.add(f"{namespace}{p.name}")
    return names


def test_every_url_pattern_has_a_row():
    in_table = {name for _method, name, _kwargs, _expected in TABLE}
    patterns = _named_patterns(get_resolver().url_patterns)
    missing = patterns - in_table
    assert not missing, f"URL patterns without a row in the permission table: {sorted(missing)}"
    # And the table names no URL that no longer exists.
    assert in_table <= patterns, sorted(in_table - patterns)


def test_every_role_is_in_every_row():
    for _method, name, _kwargs, expected in TABLE:
        assert len(expected) == len(ROLES), name


def _succeeds(expected: Any) -> bool:
    """Whether a row's expected answer lets the role in (2xx, or a redirect that is
    not to a login page)."""
    status, location = expected if isinstance(expected, tuple) else (expected, None)
    if 200 <= status < 300:
        return True
    return status in (301, 302, 303) and location not in ("login", "admin_login")


def test_every_staff_or_council_page_needs_two_factor():
    """Every URL that only centre staff or council admins may use (by this table: in
    no row does a plain user or an organisation member get in, and in some row they are
    refused — 403 or the login page — while staff or a council admin get in) is a staff
    page for the two-factor requirement (hanjari.accounts.middleware), so a new staff
    page cannot ship reachable without an authenticator app. Rows where others get 404
    hide one object (a draft) on a public page: not a staff page by themselves."""
    from django.test import RequestFactory
    from django.urls import resolve

    from hanjari.accounts.middleware import is_staff_page

    index = {role: i for i, role in enumerate(ROLES)}
    others = ("plain_user", "member_a", "member_b")
    rows: dict[str, list[tuple[dict[str, str], tuple[Any, ...]]]] = {}
    for _method, name, kwargs, expected in TABLE:
        rows.setdefault(name, []).append((kwargs, expected))
    unguarded = []
    for name, found in rows.items():
        if any(_succeeds(exp[index[r]]) for _kw, exp in found for r in others):
            continue
        staff_only = [
            kwargs
            for kwargs, exp in found
            if (_succeeds(exp[index["staff"]]) or _succeeds(exp[index["council_admin_a"]]))
            and all(exp[index[r]] == 403 for r in others)
        ]
        if not staff_only:
            continue
        path = reverse(name, kwargs={key: "1" for key in staff_only[0]})
        request = RequestFactory().get(path)
        request.resolver_match = resolve(path)
        if not is_staff_page(request):
            unguarded.append(name)
    assert not unguarded, f"staff pages without the two-factor requirement: {sorted(unguarded)}"
