"""Permission rows for the news reader URLs (to merge into the global permission table).

`READER_CASES`: ``(role, method, url_name, kwargs, expected)`` where
- role is one of `READER_ROLES`: anonymous, plain_user, reporter (group 기자), editor
  (group 편집자), staff (centre staff);
- kwargs map URL arguments to the name of an object of the world (see
  tests/news/test_reader_permissions.py: "article" — a published article, "comment" —
  a visible comment on it written by plain_user), or to a literal value ("press");
- expected is a status code, or ``(302, "login")`` for the login page with ``next``.

POSTs send `READER_POST_DATA[url_name]` (a valid form, so the status shows the
permission, not a validation error). Plain (non-htmx) requests: successful comment
actions redirect (303) back to the comment.
"""

from __future__ import annotations

from typing import Any

READER_ROLES = ("anonymous", "plain_user", "reporter", "editor", "staff")
LOGIN = (302, "login")

# (method, url_name, kwargs, statuses in READER_ROLES order)
_TABLE: list[tuple[str, str, dict[str, str], tuple[Any, ...]]] = [
    ("get", "news:list", {}, (200, 200, 200, 200, 200)),
    ("get", "news:section", {"slug": "press"}, (200, 200, 200, 200, 200)),
    ("get", "news:photos", {}, (200, 200, 200, 200, 200)),
    ("get", "news:most-viewed", {}, (200, 200, 200, 200, 200)),
    ("get", "news:feed-rss", {}, (200, 200, 200, 200, 200)),
    ("get", "news:feed-atom", {}, (200, 200, 200, 200, 200)),
    ("get", "news:article", {"pk": "article"}, (200, 200, 200, 200, 200)),
    ("post", "news:article", {"pk": "article"}, (405, 405, 405, 405, 405)),
    # a published article's photo file: everyone (a draft's: tests/news/test_photos.py)
    ("get", "news:photo", {"pk": "photo"}, (200, 200, 200, 200, 200)),
    # comments: logged-in readers (guests only when HANJARI_GUEST_COMMENTS is on)
    ("post", "news:comment-create", {"pk": "article"}, (403, 303, 303, 303, 303)),
    ("get", "news:comment-create", {"pk": "article"}, (405, 405, 405, 405, 405)),
    # editing: the author only (plain_user wrote the comment)
    ("post", "news:comment-edit", {"pk": "comment"}, (403, 303, 403, 403, 403)),
    ("get", "news:comment-edit", {"pk": "comment"}, (405, 405, 405, 405, 405)),
    # reporting: other logged-in readers; not the author (bug: plain_user could report
    # their own comment)
    ("post", "news:comment-report", {"pk": "comment"}, (403, 403, 303, 303, 303)),
    ("get", "news:comment-report", {"pk": "comment"}, (405, 405, 405, 405, 405)),
    # moderation: editors (group 편집자) and centre staff
    ("post", "news:comment-moderate", {"pk": "comment"}, (403, 403, 403, 303, 303)),
    ("get", "news:comment-moderate", {"pk": "comment"}, (405, 405, 405, 405, 405)),
    ("get", "news:moderation", {}, (LOGIN, 403, 403, 200, 200)),
]

READER_CASES: list[tuple[str, str, str, dict[str, str], Any]] = [
    (role, method, name, kwargs, statuses[i])
    for method, name, kwargs, statuses in _TABLE
    for i, role in enumerate(READER_ROLES)
]

READER_POST_DATA: dict[str, dict[str, str]] = {
    "news:comment-create": {"body": "권한 표 확인 댓글"},
    "news:comment-edit": {"body": "고친 댓글"},
    "news:comment-report": {"reason": "확인"},
    "news:comment-moderate": {"action": "hide", "reason": "확인"},
}
