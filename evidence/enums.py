from django.db import models
from django.utils.translation import gettext_lazy as _


class CallStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SCHEDULED = "scheduled", _("Scheduled")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    ANALYSING = "analysing", _("Analysing")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


# The steps the secretariat takes by hand; opening and closing follow the clock.
CALL_MANUAL_TRANSITIONS: dict[str, list[str]] = {
    CallStatus.DRAFT: [CallStatus.SCHEDULED],
    CallStatus.SCHEDULED: [CallStatus.DRAFT],
    CallStatus.OPEN: [],
    CallStatus.CLOSED: [CallStatus.ANALYSING],
    # Publishing is its own step, with its confirmation page (`call_report_publish`).
    CallStatus.ANALYSING: [],
    CallStatus.PUBLISHED: [CallStatus.ARCHIVED],
    CallStatus.ARCHIVED: [],
}


class QuestionKind(models.TextChoices):
    LONG_TEXT = "long_text", _("Long text")
    SHORT_TEXT = "short_text", _("Short text")
    SINGLE_CHOICE = "single_choice", _("Single choice")
    MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")
    SCALE = "scale", _("Agree/disagree scale")
    NUMBER = "number", _("Number")
    FILE = "file", _("File upload")


class ScaleValue(models.TextChoices):
    STRONGLY_AGREE = "strongly_agree", _("Strongly agree")
    AGREE = "agree", _("Agree")
    NEITHER = "neither", _("Neither agree nor disagree")
    DISAGREE = "disagree", _("Disagree")
    STRONGLY_DISAGREE = "strongly_disagree", _("Strongly disagree")


class SubmissionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class RespondingAs(models.TextChoices):
    INDIVIDUAL = "individual", _("As an individual")
    ORGANISATION = "organisation", _("On behalf of an organisation")


class PublicationPreference(models.TextChoices):
    NAMED = "named", _("Publish my response with my name")
    ANONYMOUS = "anonymous", _("Publish my response without my name")
    CONFIDENTIAL = "confidential", _("Do not publish my response (confidential)")


class SubmissionChannel(models.TextChoices):
    ONLINE = "online", _("Online")
    PAPER = "paper", _("On paper")
    EMAIL = "email", _("By email")
    IMPORT = "import", _("Imported from another survey tool")


class AttachmentKind(models.TextChoices):
    PDF = "pdf", _("PDF")
    DOCX = "docx", _("Word document")
    ODT = "odt", _("OpenDocument text")
    TXT = "txt", _("Plain text")


class AttachmentStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for text extraction")
    EXTRACTED = "extracted", _("Text extracted")
    UNREADABLE = "unreadable", _("Could not be read")


class ImportStatus(models.TextChoices):
    """An import of responses from a CSV or XLSX file (the secretariat's pages)."""

    UPLOADED = "uploaded", _("Uploaded: choose what each column holds")
    CHECKED = "checked", _("Checked: ready to import")
    INVALID = "invalid", _("Checked: rows need fixing")
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed: nothing was imported")


class ReviewState(models.TextChoices):
    """One reviewer's review of one response."""

    ASSIGNED = "assigned", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    REVIEWED = "reviewed", _("Reviewed")


class SubmissionReviewState(models.TextChoices):
    """A response's place in review, across its reviewers."""

    NEW = "new", _("New")
    IN_REVIEW = "in_review", _("In review")
    REVIEWED = "reviewed", _("Reviewed")


class OthersScoresVisibility(models.TextChoices):
    NEVER = "never", _("Never")
    AFTER_OWN = "after_own", _("After their own review is in")
    ALWAYS = "always", _("Always")


class ScoreAggregate(models.TextChoices):
    WEIGHTED_MEAN = "weighted_mean", _("Weighted mean")
    MEDIAN = "median", _("Median")


class ReviewFlag(models.TextChoices):
    PERSONAL_DATA = "personal_data", _("Personal data")
    OFFENSIVE = "offensive", _("Offensive")
    LEGAL_RISK = "legal_risk", _("Legal risk")
    OUT_OF_SCOPE = "out_of_scope", _("Out of scope")
    DUPLICATE = "duplicate", _("Duplicate")


class CodingSource(models.TextChoices):
    MANUAL = "manual", _("Chosen by a person")
    SUGGESTION = "suggestion", _("Accepted suggestion")
    CAMPAIGN = "campaign", _("Coded through its campaign group")
    BULK = "bulk", _("Coded in bulk")


class SuggestionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class RecommendationAudience(models.TextChoices):
    BUSINESS = "business", _("Business")
    LOCAL_GOVERNMENT = "local_government", _("Local government")
    NATIONAL_GOVERNMENT = "national_government", _("National government")
    PARTNERSHIPS = "partnerships", _("Partnerships")
    OTHER = "other", _("Other")


class ModerationState(models.TextChoices):
    """Whether a response the respondent allowed to be published may be published."""

    PENDING = "pending", _("Waiting for moderation")
    APPROVED = "approved", _("Approved")
    APPROVED_REDACTED = "approved_redacted", _("Approved with redactions")
    WITHHELD = "withheld", _("Withheld")


PUBLISHABLE_MODERATION = (ModerationState.APPROVED, ModerationState.APPROVED_REDACTED)


class RedactionReason(models.TextChoices):
    PERSONAL_DATA = "personal_data", _("personal data")
    THIRD_PARTY = "third_party", _("third party")
    OFFENSIVE = "offensive", _("offensive")
    LEGAL = "legal", _("legal")


class OralEvidenceKind(models.TextChoices):
    ROUNDTABLE = "roundtable", _("Roundtable")
    HEARING = "hearing", _("Hearing")


class RecommendationResponseKind(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    PARTLY_ACCEPTED = "partly_accepted", _("Partly accepted")
    REJECTED = "rejected", _("Rejected")
    NO_RESPONSE = "no_response", _("No response")


class ImplementationStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
