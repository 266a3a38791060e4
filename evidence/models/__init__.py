"""The evidence app's models, one module per area; import them from here."""

from .calls import CLOCK_STATUSES, CallForEvidence, Question, ReferenceCounter, Section
from .imports import ImportJob, import_file_path
from .responding import Answer, Attachment, LateSubmissionLink, Submission

__all__ = [
    "CLOCK_STATUSES",
    "Answer",
    "Attachment",
    "CallForEvidence",
    "ImportJob",
    "LateSubmissionLink",
    "Question",
    "ReferenceCounter",
    "Section",
    "Submission",
    "import_file_path",
]
