"""Permission rows for every news-desk URL (role × method × URL → status), to be merged
into the global permission table (tests/test_permissions.py).

`kwargs` values naming an object of `desk_world` (``"draft"``, ``"submitted"``, …) are
replaced by its pk; other values are used as they are. A 302 for ``anonymous`` is the
login redirect; for other roles it is the redirect to the article's preview after a
successful action. POST bodies: `desk_post_data`.

Roles: anonymous, plain_user, reporter (group 기자, the author of the world's
articles), member_a (member of org_a, which the articles are about), member_b (member
of org_b), editor (group 편집자), staff (centre staff).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.news.desk_fixtures import advance, make_article

ROLES = ("anonymous", "plain_user", "reporter", "member_a", "member_b", "editor", "staff")


def _row(method: str, name: str, kwargs: dict[str, str], statuses: tuple[int, ...]) -> list:
    assert len(statuses) == len(ROLES), name
    return [
        (role, method, name, kwargs, status) for role, status in zip(ROLES, statuses, strict=True)
    ]


WRITERS = (302, 403, 200, 200, 200, 200, 200)  # GET for anyone who may write
EDITORS_GET = (302, 403, 403, 403, 403, 200, 200)
EDITORS_ACT = (302, 403, 403, 403, 403, 302, 302)
AUTHOR_OR_EDITOR = (302, 403, 200, 403, 403, 200, 200)

DESK_CASES: list[tuple[str, str, str, dict[str, str], int]] = [
    *_row("get", "news:desk", {}, WRITERS),
    *_row("get", "news:article-new", {}, WRITERS),
    # an empty form: 400 from the form for writers, never a 500
    *_row("post", "news:article-new", {}, (302, 403, 400, 400, 400, 400, 400)),
    *_row("get", "news:import", {}, EDITORS_GET),
    *_row("post", "news:import", {}, (302, 403, 403, 403, 403, 400, 400)),
    # the author's draft: preview, edit, photos
    *_row("get", "news:article-preview", {"pk": "draft"}, AUTHOR_OR_EDITOR),
    *_row("get", "news:article-preview", {"pk": "published"}, AUTHOR_OR_EDITOR),
    *_row("get", "news:article-edit", {"pk": "draft"}, AUTHOR_OR_EDITOR),
    *_row("post", "news:article-edit", {"pk": "draft"}, (302, 403, 400, 403, 403, 400, 400)),
    # once submitted the author may no longer edit
    *_row("get", "news:article-edit", {"pk": "submitted"}, EDITORS_GET),
    *_row("get", "news:photo-add", {"pk": "draft"}, AUTHOR_OR_EDITOR),
    *_row("post", "news:photo-add", {"pk": "draft"}, (302, 403, 400, 403, 403, 400, 400)),
    # workflow actions (POST only)
    *_row(
        "post",
        "news:article-transition",
        {"pk": "draft", "action": "submit"},
        (302, 403, 302, 403, 403, 302, 302),
    ),
    # a member submits their own story about their organisation; another org's member may not
    *_row(
        "post",
        "news:article-transition",
        {"pk": "member_draft", "action": "submit"},
        (302, 403, 403, 302, 403, 302, 302),
    ),
    *_row("post", "news:article-transition", {"pk": "submitted", "action": "approve"}, EDITORS_ACT),
    *_row("post", "news:article-transition", {"pk": "submitted", "action": "return"}, EDITORS_ACT),
    *_row("post", "news:article-transition", {"pk": "approved", "action": "publish"}, EDITORS_ACT),
    *_row(
        "post", "news:article-transition", {"pk": "published", "action": "withdraw"}, EDITORS_ACT
    ),
    # a transition the state does not allow: 409 for editors
    *_row(
        "post",
        "news:article-transition",
        {"pk": "draft", "action": "publish"},
        (302, 403, 403, 403, 403, 409, 409),
    ),
    *_row(
        "get",
        "news:article-transition",
        {"pk": "draft", "action": "submit"},
        (302, 405, 405, 405, 405, 405, 405),
    ),
]


@pytest.fixture
def desk_world(db, org_a, reporter, editor, member_a):
    """Articles in every state, written by `reporter` about org_a, and a draft by
    member_a about org_a."""
    articles = {
        state: advance(
            make_article(reporter, orgs=[org_a], headline=f"{state} 기사"),
            state,
            author=reporter,
            editor=editor,
        )
        for state in ("draft", "submitted", "approved", "published")
    }
    articles["member_draft"] = make_article(member_a, orgs=[org_a], headline="우리 조합 소식")
    return articles


def desk_post_data(name: str, kwargs: dict[str, Any]) -> dict[str, Any]:
    """The POST body of a row: empty forms (their 400 is the point), a reason for
    withdraw."""
    if name == "news:article-transition" and kwargs.get("action") == "withdraw":
        return {"reason": "사실과 달라 게재를 취소합니다."}
    return {}


def resolve_kwargs(kwargs: dict[str, str], world: dict[str, Any]) -> dict[str, Any]:
    return {k: (world[v].pk if v in world else v) for k, v in kwargs.items()}
