from django.urls import path

from hanjari.core.pagecache import cache_anonymous_page

from .views import pages, registration

app_name = "events"

urlpatterns = [
    # public pages (views/pages.py)
    path("events/", cache_anonymous_page(pages.EventListView.as_view()), name="list"),
    path(
        "events/calendar.ics", cache_anonymous_page(pages.CalendarFeedView.as_view()), name="feed"
    ),
    path("events/<int:pk>/", cache_anonymous_page(pages.EventView.as_view()), name="event"),
    path(
        "events/<int:pk>/event.ics", cache_anonymous_page(pages.EventIcsView.as_view()), name="ics"
    ),
    # staff: events, programme, booths (views/pages.py)
    path("events/new/", pages.EventCreateView.as_view(), name="event-new"),
    path("events/<int:pk>/edit/", pages.EventEditView.as_view(), name="event-edit"),
    path("events/<int:pk>/programme/", pages.ProgrammeEditView.as_view(), name="programme-edit"),
    path("events/<int:pk>/booths/", pages.BoothEditView.as_view(), name="booths-edit"),
    path("events/<int:pk>/attendance/", pages.AttendanceView.as_view(), name="attendance"),
    # registration and check-in (views/registration.py)
    path("events/<int:pk>/register/", registration.RegisterView.as_view(), name="register"),
    path(
        "events/registrations/<str:token>/",
        registration.RegistrationView.as_view(),
        name="registration",
    ),
    path(
        "events/registrations/<str:token>/qr.svg",
        registration.RegistrationQrView.as_view(),
        name="registration-qr",
    ),
    path(
        "events/registrations/<str:token>/confirm/",
        registration.GuestConfirmView.as_view(),
        name="registration-confirm",
    ),
    path(
        "events/registrations/<str:token>/cancel/",
        registration.CancelView.as_view(),
        name="registration-cancel",
    ),
    path("events/<int:pk>/manage/", registration.ManageView.as_view(), name="manage"),
    path(
        "events/<int:pk>/manage/registrations.csv",
        registration.RegistrationsCsvView.as_view(),
        name="registrations-csv",
    ),
    path("events/<int:pk>/manage/badges/", registration.BadgesView.as_view(), name="badges"),
    path(
        "events/<int:pk>/manage/<int:registration_pk>/<str:action>/",
        registration.DecideView.as_view(),
        name="registration-decide",
    ),
    path("events/<int:pk>/checkin/", registration.CheckInView.as_view(), name="checkin"),
    path(
        "events/<int:pk>/checkin/counts/",
        registration.CheckInCountsView.as_view(),
        name="checkin-counts",
    ),
]
