from django.urls import path

from hanjari.core.pagecache import cache_anonymous_page

from . import views

app_name = "recognition"

urlpatterns = [
    path("recognition/", cache_anonymous_page(views.RecognitionIndexView.as_view()), name="index"),
    path(
        "recognition/<int:year>/",
        cache_anonymous_page(views.RecognitionYearView.as_view()),
        name="year",
    ),
]
