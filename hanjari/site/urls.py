"""URLs of the pages that combine apps.

`urlpatterns`: the home page (``home``). `registry_patterns`: the organisation profile
and council pages, which keep their names in the ``registry`` namespace
(``registry:organization``, ``registry:council``: models' ``get_absolute_url`` and
every template reverse them); `registry_urls` is that whole namespace, the registry's
own patterns included, for config.urls to include once.
"""

from django.urls import URLPattern, URLResolver, include, path

from hanjari.core.pagecache import cache_anonymous_page
from hanjari.registry import urls as registry_own_urls

from . import views

urlpatterns = [
    path("", cache_anonymous_page(views.HomeView.as_view()), name="home"),
    path("me/organizations/", views.MyOrganizationsView.as_view(), name="my-organizations"),
]

registry_patterns: list[URLPattern | URLResolver] = [
    path(
        "organizations/<int:pk>/",
        cache_anonymous_page(views.OrganizationView.as_view()),
        name="organization",
    ),
    path("councils/<int:pk>/", cache_anonymous_page(views.CouncilView.as_view()), name="council"),
]

registry_urls = include(
    (registry_own_urls.urlpatterns + registry_patterns, registry_own_urls.app_name)
)
