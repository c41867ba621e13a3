"""Anonymous page cache (익명 페이지 캐시): whole public pages kept for visitors who are
not logged in.

Most visits to a directory and a news site are anonymous reads of the same few pages
(home, directory, a popular article). Rendering such a page costs 10–40 ms of CPU, most
of it Django's template engine; serving the stored bytes costs about what the middleware
stack itself costs (docs/benchmarks.md). So a public page answered to an anonymous
visitor is stored in Django's default cache and served from there to the next anonymous
visitor, under these rules:

* **Who.** Only GET and HEAD requests without a session cookie or a messages cookie, so a
  logged-in user, and anyone with a pending flash message, always gets a freshly rendered
  page. Other cookies cannot change a public page, except the language (part of the key).
* **What.** Only views that opt in (:func:`cache_anonymous_page` in the URL
  configuration, or :func:`serve` inside a view that must do per-request work first, as
  the article page counts a view), and of their answers only a 200 that sets no cookie,
  is not marked private / no-store, used no CSRF token (a form with a token is for one
  visitor only) and left no new message or session data. Anything else is answered as
  usual and not stored.
* **Key.** The content generation (below), the active language, scheme and host, the full
  path with its query string, and every htmx request header (a view may answer
  ``HX-Request`` with a fragment, but ``HX-Request`` + ``HX-Boosted`` with the page).
* **Freshness.** Every committed transaction that creates, changes or deletes rows of a
  content app (:data:`CONTENT_APPS`; view-count bookkeeping and a login's
  ``last_login`` excluded) replaces the content generation once, so the next request
  misses and renders anew: an edit is visible at once, in every worker process,
  because the generation lives in the shared default cache. The search index, brought
  up to date after the commit, replaces it once more when it is written
  (``hanjari.search.registry.flush``), so no search answered in between stays stored.
  Changes made without model signals (``QuerySet.update``, bulk operations) and changes
  of time (a scheduled article's hour arriving, an event starting) are bounded by
  ``HANJARI_PAGE_CACHE_SECONDS`` (default 60; 0 turns the page cache off, as the test
  settings do).

Two caches, both shared by all worker processes (settings ``CACHES``): ``default`` holds
the generation (and the guest rate limits), small and never crowded out; ``pages``
(:data:`PAGES`) holds the stored pages (and the aggregates of ``hanjari.core.cache``),
which anyone can multiply by asking for distinct URLs and which may be culled at any
time. Responses carry ``X-Hanjari-Cache: hit`` or ``miss`` (never for requests the cache
does not apply to), which tests and the benchmark read.

Like any shared cache, a stored page tells that someone asked for the same URL within
the lifetime (a search or typeahead query, for example); nothing tells who.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
import time
from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.apps import apps
from django.conf import settings
from django.core.cache import cache, caches
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

PREFIX = "hanjari:page:"
# The cache alias of stored pages (and aggregates): see the module docstring.
PAGES = "pages"
GENERATION_KEY = PREFIX + "generation"
HEADER = "X-Hanjari-Cache"
# Apps whose models appear on public pages: a change to any of their rows replaces the
# generation. (Sessions, the audit log, login attempts and the search index are not
# content; the search index changes only when content does.)
CONTENT_APPS = frozenset({"registry", "news", "events", "recognition", "accounts"})
# Rows written by reading a page, not by changing content: counting a view must not
# empty the cache it is served from. Most viewed may lag by the cache lifetime.
IGNORED_MODELS = frozenset({"news.viewerhit", "news.articlehourlyviews"})
# Saves that touch only these fields change nothing public (a login sets last_login).
IGNORED_UPDATES = {"accounts.user": frozenset({"last_login"})}
# Cookies that mean the visitor may see something personal (Django's names).
MESSAGES_COOKIE = "messages"
# Headers a view may answer differently to: every header htmx sends with a request
# (https://htmx.org/reference/#request_headers) but HX-Current-URL, which only says
# where the visitor is (keying on it would store a page per referring page).
KEY_HEADERS = (
    "HX-Request",
    "HX-Boosted",
    "HX-History-Restore-Request",
    "HX-Prompt",
    "HX-Target",
    "HX-Trigger",
    "HX-Trigger-Name",
)

View = Callable[..., HttpResponseBase]
T = TypeVar("T")


def page_cache_seconds() -> int:
    """Lifetime of a stored page in seconds (``HANJARI_PAGE_CACHE_SECONDS``; 0 = off)."""
    return int(getattr(settings, "HANJARI_PAGE_CACHE_SECONDS", 0))


def applies_to(request: HttpRequest) -> bool:
    """Whether `request` may be answered from, and stored in, the page cache: the cache
    is on, the method is GET or HEAD, and the visitor has no session and no pending
    messages (so is anonymous and sees nothing personal)."""
    if page_cache_seconds() <= 0 or request.method not in ("GET", "HEAD"):
        return False
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and MESSAGES_COOKIE not in cookies


def generation() -> str:
    """The current content generation (a token replaced by :func:`bump`). Should the
    token vanish from the cache, a new one starts: pages stored before are never
    served again."""
    value = cache.get(GENERATION_KEY)
    if value is None:
        new = _new_generation()
        if cache.add(GENERATION_KEY, new, timeout=None):
            return new
        value = cache.get(GENERATION_KEY)
        return new if value is None else str(value)
    return str(value)


def bump() -> None:
    """Start a new content generation: every stored page becomes unreachable."""
    cache.set(GENERATION_KEY, _new_generation(), timeout=None)


def request_generation(request: HttpRequest) -> str:
    """The generation as `request` first saw it: read from the cache once per request,
    so a page and the values kept for it (:func:`memo`) belong to one generation."""
    value = request.META.get("hanjari.page_generation")
    if value is None:
        value = request.META["hanjari.page_generation"] = generation()
    return str(value)


def _new_generation() -> str:
    return f"{time.time_ns():x}{secrets.token_hex(4)}"


def page_key(request: HttpRequest) -> str:
    """The cache key of `request`'s page (see the module docstring for its parts)."""
    parts = [
        request_generation(request),
        get_language() or "",
        request.scheme or "",
        request.get_host(),
        request.get_full_path(),
        *(request.headers.get(name, "") for name in KEY_HEADERS),
    ]
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()
    return PREFIX + digest


def serve(request: HttpRequest, render: Callable[[], HttpResponseBase]) -> HttpResponseBase:
    """`render()`'s response for `request`, from the page cache when it applies and holds
    the page; otherwise rendered, and stored when it is storable (see the module
    docstring). `render` is called at most once."""
    if not applies_to(request):
        return render()
    key = page_key(request)
    pages = caches[PAGES]
    stored = pages.get(key)
    if stored is not None:
        status, headers, content = stored
        hit = HttpResponse(content, status=status)
        for name, value in headers:
            hit[name] = value
        hit[HEADER] = "hit"
        patch_vary_headers(hit, ("Cookie",))
        return hit
    response = render()
    if isinstance(response, HttpResponse) and hasattr(response, "render"):
        response.render()  # a TemplateResponse: its content is needed now
    if isinstance(response, HttpResponse) and _storable(request, response):
        headers = [(k, v) for k, v in response.headers.items() if k.lower() != HEADER.lower()]
        pages.set(key, (response.status_code, headers, response.content), page_cache_seconds())
        response[HEADER] = "miss"
    patch_vary_headers(response, ("Cookie",))
    return response


_MISSING = object()


def memo(request: HttpRequest, key: str, compute: Callable[[], T]) -> T:
    """`compute()`, kept in the pages cache for the current content generation when the
    page cache applies to `request` (so any committed content change computes it anew).
    For what a cached page needs on every request before it is served, such as whether
    an article exists and is published. `key` names the value within a generation; only
    plain data (not model instances) should be kept."""
    if not applies_to(request):
        return compute()
    named = f"{request_generation(request)}\x1f{key}"
    full = PREFIX + "memo:" + hashlib.sha256(named.encode()).hexdigest()
    pages = caches[PAGES]
    value = pages.get(full, _MISSING)
    if value is _MISSING:
        value = compute()
        pages.set(full, value, page_cache_seconds())
    return cast(T, value)


def _storable(request: HttpRequest, response: HttpResponse) -> bool:
    if response.status_code != 200 or response.cookies:
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if any(word in cache_control for word in ("private", "no-store", "no-cache")):
        return False
    # A CSRF token in the page (a form) belongs to one visitor.
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    session = getattr(request, "session", None)
    if session is not None and session.modified:
        return False
    messages = getattr(request, "_messages", None)
    return not getattr(messages, "_queued_messages", None)


def cache_anonymous_page(view: View) -> View:
    """Decorate a public view so that anonymous visitors are answered from the page
    cache (see :func:`serve`). Use in the URL configuration: ``path("…",
    cache_anonymous_page(SomeView.as_view()))``."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        return serve(request, lambda: view(request, *args, **kwargs))

    return wrapper


def _changed(sender: Any, **kwargs: Any) -> None:
    """A row of a content model changed: replace the generation when the transaction
    commits (at once outside a transaction), once per transaction however many rows."""
    if kwargs.get("action", "post_").startswith("pre_"):
        return  # m2m_changed fires before and after; the "post_" half is enough
    update_fields = kwargs.get("update_fields")
    ignored = IGNORED_UPDATES.get(sender._meta.label_lower)
    if update_fields and ignored and set(update_fields) <= ignored:
        return
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        isinstance(entry[1], _BumpOnCommit) and not entry[1].done
        for entry in connection.run_on_commit
    ):
        return  # already queued for this transaction
    transaction.on_commit(_BumpOnCommit(), robust=True)


class _BumpOnCommit:
    """The on-commit callback that replaces the generation (one per transaction; `done`
    once run, so a queue that keeps run callbacks, as in tests, is read right)."""

    done = False

    def __call__(self) -> None:
        self.done = True
        bump()


def content_models() -> list[Any]:
    """The models whose changes replace the generation: every model of the content apps
    (with the automatic many-to-many tables) but the ignored ones."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in CONTENT_APPS and model._meta.label_lower not in IGNORED_MODELS
    ]


def connect_signals() -> None:
    """Replace the generation after every committed change of content (called from
    ``CoreConfig.ready``, when every model is loaded). Receivers are connected per
    model: a receiver for all senders would make Django's deletion collector load and
    signal every row of every bulk delete (no fast deletes anywhere)."""
    for model in content_models():
        uid = f"hanjari.pagecache.{model._meta.label_lower}"
        post_save.connect(_changed, sender=model, dispatch_uid=uid + ".save")
        post_delete.connect(_changed, sender=model, dispatch_uid=uid + ".delete")
        m2m_changed.connect(_changed, sender=model, dispatch_uid=uid + ".m2m")
