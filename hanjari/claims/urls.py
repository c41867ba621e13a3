from django.urls import path

from . import views

app_name = "claims"

urlpatterns = [
    path("organizations/<int:pk>/claim/", views.ClaimCreateView.as_view(), name="claim-new"),
    path("claims/", views.MyClaimsView.as_view(), name="mine"),
    path("claims/propose/", views.ProposalCreateView.as_view(), name="propose"),
    path("claims/endorsements/", views.EndorsementListView.as_view(), name="endorsements"),
    path("claims/evidence/<int:pk>/", views.EvidenceView.as_view(), name="evidence"),
    path("claims/<int:pk>/", views.ClaimDetailView.as_view(), name="detail"),
    path("claims/<int:pk>/reply/", views.ClaimReplyView.as_view(), name="reply"),
    path("claims/<int:pk>/withdraw/", views.ClaimWithdrawView.as_view(), name="withdraw"),
    path("claims/<int:pk>/endorse/", views.EndorseView.as_view(), name="endorse"),
    path("staff/claims/", views.StaffQueueView.as_view(), name="staff-queue"),
    path("staff/claims/<int:pk>/", views.StaffDetailView.as_view(), name="staff-detail"),
    path("staff/claims/<int:pk>/decide/", views.StaffDecideView.as_view(), name="staff-decide"),
]
