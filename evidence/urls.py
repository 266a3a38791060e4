from django.urls import path

from .views import (
    calls,
    exports,
    followup,
    imports,
    open_data,
    oral_evidence,
    public,
    publishing,
    report,
    report_pdf,
    responding,
    responses,
    review,
    review_setup,
)

app_name = "evidence"

urlpatterns = [
    path("calls/", public.CallListView.as_view(), name="call-list"),
    path("calls/<slug:slug>/", public.CallDetailView.as_view(), name="call-detail"),
    path(
        "calls/<slug:slug>/evidence/",
        report.EvidenceIndexView.as_view(),
        name="evidence-index",
    ),
    path(
        "calls/<slug:slug>/evidence/<str:reference>/",
        report.EvidenceDetailView.as_view(),
        name="evidence-detail",
    ),
    path(
        "calls/<slug:slug>/evidence/<str:reference>/files/<int:pk>/",
        report.EvidenceFileView.as_view(),
        name="evidence-file",
    ),
    path(
        "calls/<slug:slug>/excerpts/<str:anchor>/",
        report.ExcerptAnchorView.as_view(),
        name="excerpt-anchor",
    ),
    path("calls/<slug:slug>/respond/", responding.RespondStartView.as_view(), name="respond-start"),
    path(
        "calls/<slug:slug>/late/<str:token>/", responding.LateStartView.as_view(), name="late-start"
    ),
    path("responses/", responding.MyResponsesView.as_view(), name="my-responses"),
    path("responses/continue/<str:token>/", responding.ContinueView.as_view(), name="continue"),
    path(
        "responses/<uuid:public_id>/details/",
        responding.ResponseDetailsView.as_view(),
        name="response-details",
    ),
    path(
        "responses/<uuid:public_id>/page/<int:number>/",
        responding.ResponseSectionView.as_view(),
        name="response-section",
    ),
    path(
        "responses/<uuid:public_id>/saved/",
        responding.ResponseSavedView.as_view(),
        name="response-saved",
    ),
    path(
        "responses/<uuid:public_id>/check/",
        responding.ResponseCheckView.as_view(),
        name="response-check",
    ),
    path(
        "responses/<uuid:public_id>/receipt/",
        responding.ResponseReceiptView.as_view(),
        name="response-receipt",
    ),
    path(
        "responses/<uuid:public_id>/withdraw/",
        responding.ResponseWithdrawView.as_view(),
        name="response-withdraw",
    ),
    path(
        "responses/<uuid:public_id>/files/<int:pk>/",
        responding.AttachmentDownloadView.as_view(),
        name="attachment-download",
    ),
    path(
        "responses/<uuid:public_id>/files/<int:pk>/remove/",
        responding.AttachmentRemoveView.as_view(),
        name="attachment-remove",
    ),
]

# The secretariat's pages (calls they run). Kept together in one block.
_sec, _resp, _imp = calls, responses, imports
urlpatterns += [
    path("manage/calls/", _sec.ManagedCallListView.as_view(), name="manage-call-list"),
    path("manage/calls/new/", _sec.CallCreateView.as_view(), name="manage-call-create"),
    path("manage/calls/<slug:slug>/", _resp.CallDashboardView.as_view(), name="manage-call"),
    path(
        "manage/calls/<slug:slug>/moderation/",
        publishing.ModerationListView.as_view(),
        name="manage-moderation",
    ),
    path(
        "manage/calls/<slug:slug>/moderation/<uuid:public_id>/",
        publishing.ModerationDetailView.as_view(),
        name="manage-moderation-detail",
    ),
    path(
        "manage/calls/<slug:slug>/findings/",
        publishing.FindingListView.as_view(),
        name="manage-findings",
    ),
    path(
        "manage/calls/<slug:slug>/findings/<int:pk>/",
        publishing.FindingDetailView.as_view(),
        name="manage-finding",
    ),
    path(
        "manage/calls/<slug:slug>/findings/<int:pk>/themes/<int:theme>/",
        publishing.FindingPickView.as_view(),
        name="manage-finding-pick",
    ),
    path(
        "manage/calls/<slug:slug>/recommendations/",
        publishing.RecommendationListView.as_view(),
        name="manage-recommendations",
    ),
    path(
        "manage/calls/<slug:slug>/publish/",
        publishing.ReportPublishView.as_view(),
        name="manage-report-publish",
    ),
    path("manage/calls/<slug:slug>/edit/", _sec.CallUpdateView.as_view(), name="manage-call-edit"),
    path(
        "manage/calls/<slug:slug>/preview/",
        _sec.CallPreviewView.as_view(),
        name="manage-call-preview",
    ),
    path(
        "manage/calls/<slug:slug>/status/",
        _sec.CallTransitionView.as_view(),
        name="manage-call-transition",
    ),
    path(
        "manage/calls/<slug:slug>/questions/",
        _sec.QuestionsView.as_view(),
        name="manage-questions",
    ),
    path(
        "manage/calls/<slug:slug>/sections/new/",
        _sec.SectionCreateView.as_view(),
        name="manage-section-create",
    ),
    path(
        "manage/calls/<slug:slug>/sections/<int:pk>/edit/",
        _sec.SectionUpdateView.as_view(),
        name="manage-section-edit",
    ),
    path(
        "manage/calls/<slug:slug>/sections/<int:pk>/delete/",
        _sec.SectionDeleteView.as_view(),
        name="manage-section-delete",
    ),
    path(
        "manage/calls/<slug:slug>/sections/<int:pk>/move/",
        _sec.SectionMoveView.as_view(),
        name="manage-section-move",
    ),
    path(
        "manage/calls/<slug:slug>/questions/new/",
        _sec.QuestionCreateView.as_view(),
        name="manage-question-create",
    ),
    path(
        "manage/calls/<slug:slug>/questions/<int:pk>/edit/",
        _sec.QuestionUpdateView.as_view(),
        name="manage-question-edit",
    ),
    path(
        "manage/calls/<slug:slug>/questions/<int:pk>/delete/",
        _sec.QuestionDeleteView.as_view(),
        name="manage-question-delete",
    ),
    path(
        "manage/calls/<slug:slug>/questions/<int:pk>/move/",
        _sec.QuestionMoveView.as_view(),
        name="manage-question-move",
    ),
    path(
        "manage/calls/<slug:slug>/responses/",
        _resp.SubmissionListView.as_view(),
        name="manage-submissions",
    ),
    path(
        "manage/calls/<slug:slug>/responses/new/",
        _resp.SubmissionEnterView.as_view(),
        name="manage-submission-enter",
    ),
    path(
        "manage/calls/<slug:slug>/responses/<uuid:public_id>/",
        _resp.SubmissionDetailView.as_view(),
        name="manage-submission",
    ),
    path(
        "manage/calls/<slug:slug>/responses/<uuid:public_id>/files/<int:pk>/",
        _resp.SubmissionAttachmentView.as_view(),
        name="manage-submission-file",
    ),
    path(
        "manage/calls/<slug:slug>/late-links/",
        _resp.LateLinksView.as_view(),
        name="manage-late-links",
    ),
    path(
        "manage/calls/<slug:slug>/late-links/<int:pk>/revoke/",
        _resp.LateLinkRevokeView.as_view(),
        name="manage-late-link-revoke",
    ),
    path(
        "manage/calls/<slug:slug>/imports/new/",
        _imp.ImportUploadView.as_view(),
        name="manage-import-upload",
    ),
    path(
        "manage/calls/<slug:slug>/imports/<int:pk>/columns/",
        _imp.ImportMapView.as_view(),
        name="manage-import-map",
    ),
    path(
        "manage/calls/<slug:slug>/imports/<int:pk>/check/",
        _imp.ImportCheckView.as_view(),
        name="manage-import-check",
    ),
    path(
        "manage/calls/<slug:slug>/imports/<int:pk>/",
        _imp.ImportProgressView.as_view(),
        name="manage-import-progress",
    ),
    path(
        "manage/calls/<slug:slug>/imports/<int:pk>/retry/",
        _imp.ImportRetryView.as_view(),
        name="manage-import-retry",
    ),
]

# The secretariat sets up and watches review; a reviewer's invitation and own conflicts.
_rv = review_setup
_review = "manage/calls/<slug:slug>/review/"
urlpatterns += [
    path(_review, _rv.ReviewOverviewView.as_view(), name="manage-review"),
    path(f"{_review}reviewers/", _rv.ReviewersView.as_view(), name="manage-reviewers"),
    path(
        f"{_review}reviewers/<int:user_id>/remove/",
        _rv.ReviewerRemoveView.as_view(),
        name="manage-reviewer-remove",
    ),
    path(
        f"{_review}invitations/<int:pk>/withdraw/",
        _rv.InvitationWithdrawView.as_view(),
        name="manage-reviewer-invitation-withdraw",
    ),
    path(
        f"{_review}conflicts/<int:pk>/remove/",
        _rv.ConflictRemoveView.as_view(),
        name="manage-conflict-remove",
    ),
    path(f"{_review}rubric/", _rv.RubricView.as_view(), name="manage-rubric"),
    path(
        f"{_review}rubric/new/", _rv.CriterionCreateView.as_view(), name="manage-criterion-create"
    ),
    path(
        f"{_review}rubric/<int:pk>/edit/",
        _rv.CriterionUpdateView.as_view(),
        name="manage-criterion-edit",
    ),
    path(
        f"{_review}rubric/<int:pk>/remove/",
        _rv.CriterionRemoveView.as_view(),
        name="manage-criterion-remove",
    ),
    path(
        f"{_review}rubric/<int:pk>/move/",
        _rv.CriterionMoveView.as_view(),
        name="manage-criterion-move",
    ),
    path(f"{_review}themes/", _rv.ThemesView.as_view(), name="manage-themes"),
    path(f"{_review}themes/import/", _rv.ThemeImportView.as_view(), name="manage-theme-import"),
    path(
        f"{_review}themes/<int:pk>/edit/", _rv.ThemeUpdateView.as_view(), name="manage-theme-edit"
    ),
    path(
        f"{_review}themes/<int:pk>/merge/", _rv.ThemeMergeView.as_view(), name="manage-theme-merge"
    ),
    path(f"{_review}themes/<int:pk>/move/", _rv.ThemeMoveView.as_view(), name="manage-theme-move"),
    path(f"{_review}phases/", _rv.PhasesView.as_view(), name="manage-phases"),
    path(
        f"{_review}phases/<int:pk>/edit/", _rv.PhaseUpdateView.as_view(), name="manage-phase-edit"
    ),
    path(
        f"{_review}phases/<int:pk>/activate/",
        _rv.PhaseActivateView.as_view(),
        name="manage-phase-activate",
    ),
    path(f"{_review}assignment/", _rv.AssignmentListView.as_view(), name="manage-assignment"),
    path(f"{_review}assignment/bulk/", _rv.BulkAssignView.as_view(), name="manage-assign-bulk"),
    path(
        f"{_review}assignment/automatic/",
        _rv.AutoAssignView.as_view(),
        name="manage-assign-auto",
    ),
    path(
        f"{_review}responses/<uuid:public_id>/",
        _rv.SubmissionReviewersView.as_view(),
        name="manage-submission-reviewers",
    ),
    path(f"{_review}progress/", _rv.ProgressView.as_view(), name="manage-review-progress"),
    path(
        "reviews/invitation/<str:token>/",
        _rv.ReviewerInvitationAcceptView.as_view(),
        name="reviewer-invitation",
    ),
    path(
        "reviews/<slug:slug>/conflicts/",
        _rv.MyConflictsView.as_view(),
        name="review-conflicts",
    ),
]

# Reviewers' pages (calls they review).
urlpatterns += [
    path("reviews/", review.MyReviewsView.as_view(), name="my-reviews"),
    path("reviews/<slug:slug>/", review.ReviewQueueView.as_view(), name="review-queue"),
    path("reviews/<slug:slug>/bulk/", review.ReviewBulkView.as_view(), name="review-bulk"),
    path("bulk-actions/<int:pk>/", review.BulkJobView.as_view(), name="bulk-job"),
    path(
        "manage/calls/<slug:slug>/responses/bulk/",
        review.SubmissionBulkView.as_view(),
        name="manage-submissions-bulk",
    ),
    path(
        "reviews/<slug:slug>/<uuid:public_id>/",
        review.ReviewResponseView.as_view(),
        name="review-response",
    ),
    path(
        "reviews/<slug:slug>/<uuid:public_id>/excerpts/",
        review.ExcerptCreateView.as_view(),
        name="review-excerpt-create",
    ),
    path(
        "reviews/<slug:slug>/<uuid:public_id>/excerpts/<int:pk>/remove/",
        review.ExcerptRemoveView.as_view(),
        name="review-excerpt-remove",
    ),
    path(
        "reviews/<slug:slug>/<uuid:public_id>/campaign/leave/",
        review.CampaignSplitView.as_view(),
        name="review-campaign-split",
    ),
    path(
        "reviews/<slug:slug>/<uuid:public_id>/suggestions/<int:pk>/",
        review.SuggestionDecideView.as_view(),
        name="review-suggestion-decide",
    ),
    path(
        "manage/calls/<slug:slug>/campaigns/",
        review.CampaignsView.as_view(),
        name="manage-campaigns",
    ),
    path(
        "reviews/<slug:slug>/<uuid:public_id>/files/<int:pk>/",
        review.ReviewAttachmentView.as_view(),
        name="review-file",
    ),
]

# Following up a published report's recommendations.
urlpatterns += [
    path("calls/<slug:slug>/tracker/", followup.TrackerView.as_view(), name="call-tracker"),
    path(
        "manage/calls/<slug:slug>/follow-up/",
        followup.FollowUpListView.as_view(),
        name="manage-followup",
    ),
    path(
        "manage/calls/<slug:slug>/follow-up/<int:pk>/response/",
        followup.FollowUpResponseView.as_view(),
        name="manage-followup-response",
    ),
    path(
        "manage/calls/<slug:slug>/follow-up/<int:pk>/due/",
        followup.FollowUpDueView.as_view(),
        name="manage-followup-due",
    ),
    path(
        "manage/calls/<slug:slug>/follow-up/<int:pk>/update/",
        followup.ImplementationUpdateView.as_view(),
        name="manage-followup-update",
    ),
]

# Exports of a call's responses.
urlpatterns += [
    path(
        "manage/calls/<slug:slug>/export.csv",
        exports.ResponsesCsvExportView.as_view(),
        name="manage-export-csv",
    ),
    path(
        "manage/calls/<slug:slug>/export.xlsx",
        exports.ResponsesXlsxStartView.as_view(),
        name="manage-export-xlsx",
    ),
    path(
        "manage/calls/<slug:slug>/exports/<int:pk>/",
        exports.ResponsesXlsxJobView.as_view(),
        name="manage-export-job",
    ),
    path(
        "manage/calls/<slug:slug>/exports/<int:pk>/download/",
        exports.ResponsesXlsxDownloadView.as_view(),
        name="manage-export-download",
    ),
]

# Open data of a published call.
urlpatterns += [
    path("calls/<slug:slug>/data/", open_data.OpenDataIndexView.as_view(), name="open-data-index"),
    path(
        "calls/<slug:slug>/data/<slug:dataset>.<str:fmt>",
        open_data.OpenDataFileView.as_view(),
        name="open-data",
    ),
]

# The report's PDF, oral evidence, and editing findings and recommendations after publishing.
urlpatterns += [
    path("calls/<slug:slug>/report.pdf", report_pdf.ReportPdfView.as_view(), name="report-pdf"),
    path(
        "manage/calls/<slug:slug>/publish/pdf/retry/",
        report_pdf.ReportPdfRetryView.as_view(),
        name="manage-report-pdf-retry",
    ),
    path(
        "manage/calls/<slug:slug>/publish/summary/",
        publishing.ReportSummaryView.as_view(),
        name="manage-report-summary",
    ),
    path(
        "manage/calls/<slug:slug>/oral-evidence/",
        oral_evidence.OralEvidenceListView.as_view(),
        name="manage-oral-evidence",
    ),
    path(
        "manage/calls/<slug:slug>/oral-evidence/<int:pk>/",
        oral_evidence.OralEvidenceUpdateView.as_view(),
        name="manage-oral-evidence-edit",
    ),
    path(
        "manage/calls/<slug:slug>/oral-evidence/<int:pk>/remove/",
        oral_evidence.OralEvidenceRemoveView.as_view(),
        name="manage-oral-evidence-remove",
    ),
    path(
        "manage/calls/<slug:slug>/recommendations/<int:pk>/",
        publishing.RecommendationUpdateView.as_view(),
        name="manage-recommendation",
    ),
    path(
        "manage/calls/<slug:slug>/recommendations/<int:pk>/remove/",
        publishing.RecommendationRemoveView.as_view(),
        name="manage-recommendation-remove",
    ),
    path(
        "manage/calls/<slug:slug>/findings/<int:pk>/move/",
        publishing.FindingMoveView.as_view(),
        name="manage-finding-move",
    ),
]
