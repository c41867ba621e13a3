"""Root URL configuration."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from hanjari.registry.views import HomeView

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("", include("hanjari.registry.urls")),
    path("accounts/", include("hanjari.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

if settings.HANJARI_SERVE_MEDIA:
    urlpatterns += [
        re_path(
            r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}, name="media"
        )
    ]
