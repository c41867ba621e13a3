"""Root URL configuration."""

import posixpath

from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import TemplateView
from django.views.i18n import set_language
from django.views.static import serve

from hanjari.news.models import PHOTO_FOLDER
from hanjari.site import urls as site_urls

admin.site.site_header = _("한자리 관리")
admin.site.site_title = _("한자리 관리")
admin.site.index_title = _("센터 관리자 화면")
# The admin signs in through the site's login page (allauth: two-factor, lockout), never
# with its own form, which would skip the second factor.
# method-assign: AdminSite has no setting for its login view; wrapping the default
# site's bound method is the one place it changes.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("", include(site_urls)),
    # The registry's namespace, with the profile and council pages hanjari.site serves.
    path("", site_urls.registry_urls),
    path("", include("hanjari.news.urls")),
    path("", include("hanjari.events.urls")),
    path("", include("hanjari.recognition.urls")),
    path("", include("hanjari.membership.urls")),
    path("", include("hanjari.claims.urls")),
    path("", include("hanjari.search.urls")),
    # Our account pages first (accounts:login and accounts:logout are allauth's views
    # under the names the site uses), then django-allauth's: sign-up, e-mail,
    # password, two-factor (2fa/) and sessions (sessions/).
    path("accounts/", include("hanjari.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    # Choosing the language only sets the visitor's own language cookie, so the form
    # carries no CSRF token: a token would make every page personal, and no anonymous
    # page could be served from the page cache (hanjari.core.pagecache). The worst a
    # forged request can do is switch a visitor's language.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]


# Media folders whose files are served by their app's own view after a permission
# check, never from MEDIA_URL: article photos (news:photo; a draft's photo is private).
GUARDED_MEDIA_FOLDERS = (PHOTO_FOLDER,)


def media(request: HttpRequest, path: str) -> HttpResponseBase:
    """Uploaded files (logos, photos) from MEDIA_ROOT, read at request time; 404 for
    files under `GUARDED_MEDIA_FOLDERS` (the path is normalised first, so
    ``logos/../news/…`` is refused too)."""
    folder = posixpath.normpath(path).lstrip("/").split("/", 1)[0]
    if folder in GUARDED_MEDIA_FOLDERS:
        raise Http404
    return serve(request, path, document_root=str(settings.MEDIA_ROOT))


if settings.HANJARI_SERVE_MEDIA:
    urlpatterns += [re_path(r"^media/(?P<path>.*)$", media, name="media")]


def bench_ok(request: HttpRequest) -> HttpResponseBase:
    """The benchmark's baseline (bench/run): "ok" through the whole middleware stack."""
    return HttpResponse("ok", content_type="text/plain")


# Only when a benchmark run asks for it (HANJARI_BENCH=true): never in the test suite.
if settings.HANJARI_BENCH:
    urlpatterns += [
        path("bench/ok/", bench_ok, name="bench-ok"),
        # The site layout alone (header, footer, no query): the floor of every page.
        path("bench/layout/", TemplateView.as_view(template_name="base.html")),
    ]
