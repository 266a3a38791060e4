"""The evidence app's models, one module per area; import them from here."""

from .calls import CLOCK_STATUSES, CallForEvidence, Question, ReferenceCounter, Section
from .findings import Finding, FindingExcerpt, Recommendation
from .imports import ImportJob, import_file_path
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
    Score,
    Theme,
    ThemeSuggestion,
)

__all__ = [
    "CLOCK_STATUSES",
    "Answer",
    "Attachment",
    "CallForEvidence",
    "CampaignGroup",
    "Coding",
    "Criterion",
    "Excerpt",
    "Finding",
    "FindingExcerpt",
    "ImportJob",
    "LateSubmissionLink",
    "Question",
    "Recommendation",
    "ReferenceCounter",
    "Review",
    "ReviewPhase",
    "ReviewerConflict",
    "ReviewerInvitation",
    "Score",
    "Section",
    "Submission",
    "Theme",
    "ThemeSuggestion",
    "import_file_path",
]
