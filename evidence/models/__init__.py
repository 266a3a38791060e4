"""The evidence app's models, one module per area; import them from here."""

from .calls import CLOCK_STATUSES, CallForEvidence, Question, ReferenceCounter, Section
from .findings import Finding, FindingExcerpt, Recommendation
from .followup import ImplementationUpdate, RecommendationFollowUp, ReportChange
from .imports import ImportJob, import_file_path
from .publishing import CallReport, Moderation, OralEvidence, Redaction, ReportNotification
from .responding import Answer, Attachment, LateSubmissionLink, Submission
from .review import (
    CampaignGroup,
    Coding,
    Criterion,
    Excerpt,
    Review,
    ReviewerConflict,
    ReviewerInvitation,
    ReviewPhase,
    ReviewSpread,
    Score,
    Theme,
    ThemeSuggestion,
)

__all__ = [
    "CLOCK_STATUSES",
    "Answer",
    "Attachment",
    "CallForEvidence",
    "CallReport",
    "CampaignGroup",
    "Coding",
    "Criterion",
    "Excerpt",
    "Finding",
    "FindingExcerpt",
    "ImplementationUpdate",
    "ImportJob",
    "LateSubmissionLink",
    "Moderation",
    "OralEvidence",
    "Question",
    "Recommendation",
    "RecommendationFollowUp",
    "Redaction",
    "ReferenceCounter",
    "ReportChange",
    "ReportNotification",
    "Review",
    "ReviewPhase",
    "ReviewSpread",
    "ReviewerConflict",
    "ReviewerInvitation",
    "Score",
    "Section",
    "Submission",
    "Theme",
    "ThemeSuggestion",
    "import_file_path",
]
