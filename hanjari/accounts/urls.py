"""Account pages (내 계정). The sign-in and sign-out names the site uses
(``accounts:login``, ``accounts:logout``) are allauth's views at allauth's addresses;
the rest of allauth's pages are included in config/urls.py under the same prefix."""

from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("", views.AccountHomeView.as_view(), name="home"),
    path("consents/", views.ConsentsView.as_view(), name="consents"),
    path(
        "consents/<slug:purpose>/withdraw/",
        views.ConsentWithdrawView.as_view(),
        name="consent-withdraw",
    ),
    path("consents/<slug:purpose>/agree/", views.ConsentAgreeView.as_view(), name="consent-agree"),
    path("data/", views.DataExportView.as_view(), name="data-export"),
    path("delete/", views.AccountDeleteView.as_view(), name="delete"),
]
