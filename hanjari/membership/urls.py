from django.urls import path

from . import views

app_name = "membership"

urlpatterns = [
    path("organizations/<int:pk>/members/", views.MembersView.as_view(), name="members"),
    path("organizations/<int:pk>/members/invite/", views.InviteView.as_view(), name="invite"),
    path(
        "organizations/<int:pk>/members/<int:membership_pk>/role/",
        views.MemberRoleView.as_view(),
        name="member-role",
    ),
    path(
        "organizations/<int:pk>/members/<int:membership_pk>/remove/",
        views.MemberRemoveView.as_view(),
        name="member-remove",
    ),
    path("organizations/<int:pk>/members/leave/", views.LeaveView.as_view(), name="leave"),
    path(
        "invitations/<int:pk>/resend/",
        views.InvitationChangeView.as_view(action="resend"),
        name="invitation-resend",
    ),
    path(
        "invitations/<int:pk>/revoke/",
        views.InvitationChangeView.as_view(action="revoke"),
        name="invitation-revoke",
    ),
    path(
        "invitations/<int:pk>/accept/",
        views.InvitationAcceptView.as_view(),
        name="invitation-accept",
    ),
    path("invite/<str:token>/", views.InvitationView.as_view(), name="invitation"),
    path("councils/join/", views.JoinRequestView.as_view(), name="join-request"),
    path(
        "council-requests/<int:pk>/decide/",
        views.JoinDecisionView.as_view(),
        name="join-request-decide",
    ),
    path("staff/organizations/<int:pk>/owners/", views.OwnersView.as_view(), name="owners"),
]
