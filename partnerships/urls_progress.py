"""URLs of progress over years, part of the `partnerships` namespace."""

from django.urls import path

from .views import progress

urlpatterns = [
    path("<slug:slug>/progress/", progress.ProgressDashboardView.as_view(), name="progress"),
    path(
        "<slug:slug>/progress/commitments/<uuid:key>/update/",
        progress.CommitmentUpdateCreateView.as_view(),
        name="commitment-update-create",
    ),
    path(
        "<slug:slug>/progress/indicators/<int:pk>/reading/",
        progress.IndicatorReadingCreateView.as_view(),
        name="indicator-reading-create",
    ),
    path(
        "<slug:slug>/progress/export/",
        progress.ProgressExportView.as_view(),
        name="progress-export",
    ),
    path(
        "<slug:slug>/prospectus/progress/",
        progress.ProgressPublicView.as_view(),
        name="progress-public",
    ),
    path(
        "<slug:slug>/prospectus/commitments/<uuid:key>/",
        progress.CommitmentPublicView.as_view(),
        name="commitment-public",
    ),
]
