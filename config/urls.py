"""Root URL configuration."""

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponseBase
from django.urls import include, path, re_path
from django.views.static import serve

from hanjari.registry.views import HomeView

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("", include("hanjari.registry.urls")),
    path("", include("hanjari.news.urls")),
    path("accounts/", include("hanjari.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]


def media(request: HttpRequest, path: str) -> HttpResponseBase:
    """Uploaded files (logos, photos) from MEDIA_ROOT, read at request time."""
    return serve(request, path, document_root=str(settings.MEDIA_ROOT))


if settings.HANJARI_SERVE_MEDIA:
    urlpatterns += [re_path(r"^media/(?P<path>.*)$", media, name="media")]
