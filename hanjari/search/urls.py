from django.urls import path

from hanjari.core.pagecache import cache_anonymous_page

from . import views

app_name = "search"

urlpatterns = [
    path("search/", cache_anonymous_page(views.SearchView.as_view()), name="search"),
    path("search/suggest/", cache_anonymous_page(views.SuggestView.as_view()), name="suggest"),
]
