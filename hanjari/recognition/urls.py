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
    # staff: enter, correct and delete records (views.Staff*)
    path("staff/recognition/", views.StaffListView.as_view(), name="staff-list"),
    path("staff/recognition/<str:kind>/new/", views.StaffCreateView.as_view(), name="staff-new"),
    path(
        "staff/recognition/<str:kind>/<int:pk>/",
        views.StaffEditView.as_view(),
        name="staff-edit",
    ),
    path(
        "staff/recognition/<str:kind>/<int:pk>/delete/",
        views.StaffDeleteView.as_view(),
        name="staff-delete",
    ),
]
