from django.urls import path

from . import views

app_name = "recognition"

urlpatterns = [
    path("recognition/", views.RecognitionIndexView.as_view(), name="index"),
    path("recognition/<int:year>/", views.RecognitionYearView.as_view(), name="year"),
]
