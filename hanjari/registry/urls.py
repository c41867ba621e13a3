from django.urls import path

from hanjari.core.pagecache import cache_anonymous_page

from . import views

app_name = "registry"

# The profile and council pages (``registry:organization``, ``registry:council``) are
# served by hanjari.site, which adds them to this namespace (see hanjari.site.urls).

urlpatterns = [
    path("organizations/", cache_anonymous_page(views.DirectoryView.as_view()), name="directory"),
    path("organizations/export.csv", views.DirectoryExportView.as_view(), name="directory-export"),
    path(
        "organizations/picker/",
        views.OrganizationPickerView.as_view(),
        name="organization-picker",
    ),
    path(
        "organizations/<int:pk>/edit/",
        views.OrganizationEditView.as_view(),
        name="organization-edit",
    ),
    path(
        "organizations/<int:pk>/photos/",
        views.OrganizationPhotosView.as_view(),
        name="organization-photos",
    ),
    path(
        "organizations/<int:pk>/photos/<int:photo_pk>/",
        views.OrganizationPhotoView.as_view(),
        name="organization-photo",
    ),
    path(
        "organizations/<int:pk>/photos/<int:photo_pk>/delete/",
        views.OrganizationPhotoDeleteView.as_view(),
        name="organization-photo-delete",
    ),
    path(
        "organizations/<int:pk>/history/",
        views.OrganizationHistoryView.as_view(),
        name="organization-history",
    ),
    path("councils/", cache_anonymous_page(views.CouncilListView.as_view()), name="councils"),
    path("councils/<int:pk>/members/", views.CouncilMemberView.as_view(), name="council-members"),
    path("staff/imports/", views.ImportView.as_view(), name="import"),
    path("staff/imports/<int:pk>/", views.ImportRunView.as_view(), name="import-run"),
    path("staff/imports/jobs/<int:pk>/", views.ImportJobView.as_view(), name="import-job"),
    path(
        "staff/imports/<int:pk>/report.csv", views.ImportRunCsvView.as_view(), name="import-run-csv"
    ),
    path("staff/merge/", views.MergeQueueView.as_view(), name="merge-queue"),
    path("staff/merge/<int:pk>/", views.MergeDecisionView.as_view(), name="merge-decide"),
    path("staff/merges/<int:pk>/undo/", views.MergeUndoView.as_view(), name="merge-undo"),
    path("staff/merge/propose/<int:pk>/", views.MergeProposeView.as_view(), name="merge-propose"),
]
