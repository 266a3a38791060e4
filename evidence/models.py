import secrets
import uuid
from datetime import datetime

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from levelup.enums import BusinessSize, OrganisationType
from levelup.models import Body, Place, TimeStampedModel

from . import rules as perms
from .enums import (
    AttachmentKind,
    AttachmentStatus,
    CallStatus,
    ImportStatus,
    PublicationPreference,
    QuestionKind,
    RespondingAs,
    SubmissionChannel,
    SubmissionStatus,
)
from .storage import attachment_path, private_storage

CLOCK_STATUSES = (CallStatus.SCHEDULED, CallStatus.OPEN)


class CallForEvidence(TimeStampedModel):
    """A call for evidence run by a body. Questions, submissions and review build on it."""

    body = models.ForeignKey(
        Body, verbose_name=_("body"), on_delete=models.PROTECT, related_name="calls"
    )
    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), unique=True, max_length=120)
    summary = models.TextField(_("summary"), blank=True)
    background = models.TextField(
        _("background"),
        blank=True,
        help_text=_("Basic HTML (paragraphs, lists, links, emphasis). Anything else is removed."),
    )
    who_should_respond = models.TextField(_("who should respond"), blank=True)
    guidance = models.TextField(_("guidance for respondents"), blank=True)
    privacy_notice = models.TextField(_("privacy notice"), blank=True)
    privacy_notice_version = models.PositiveIntegerField(
        _("privacy notice version"),
        default=1,
        help_text=_("Goes up by one whenever the privacy notice is changed."),
    )
    publication_policy = models.TextField(
        _("how evidence will be published"),
        blank=True,
    )
    reference_prefix = models.CharField(_("reference prefix"), max_length=10)
    contact_email = models.EmailField(_("contact email"), blank=True)
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    anonymised_review = models.BooleanField(
        _("anonymised review"),
        default=False,
        help_text=_("Reviewers do not see who responded."),
    )
    word_limit = models.PositiveIntegerField(
        _("word limit per answer"),
        null=True,
        blank=True,
        help_text=_("Applies to long answers unless a question sets its own limit."),
    )
    max_attachments = models.PositiveSmallIntegerField(
        _("attachments allowed per response"), default=3
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=CallStatus.choices,
        default=CallStatus.DRAFT,
        db_index=True,
    )

    class Meta:
        ordering = ["-opens_at", "title"]
        verbose_name = _("call for evidence")
        verbose_name_plural = _("calls for evidence")
        constraints = [
            models.CheckConstraint(
                name="call_closes_after_opens",
                condition=Q(opens_at__isnull=True)
                | Q(closes_at__isnull=True)
                | Q(closes_at__gt=models.F("opens_at")),
                violation_error_message=_("A call must close after it opens."),
            ),
            models.CheckConstraint(
                name="call_scheduled_has_dates",
                condition=Q(status=CallStatus.DRAFT)
                | Q(opens_at__isnull=False, closes_at__isnull=False),
                violation_error_message=_("A call needs opening and closing times first."),
            ),
        ]
        rules_permissions = {
            "view": perms.can_view_call,
            "add": perms.is_site_admin,
            "change": perms.can_manage_call,
            "delete": perms.is_site_admin,
        }

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("evidence:call-detail", kwargs={"slug": self.slug})

    @property
    def is_public(self) -> bool:
        return self.status != CallStatus.DRAFT

    def status_at(self, now: datetime | None = None) -> str:
        """The status the clock gives, before the beat task has caught up with it."""
        if self.status not in CLOCK_STATUSES or not (self.opens_at and self.closes_at):
            return self.status
        now = now or timezone.now()
        if now >= self.closes_at:
            return CallStatus.CLOSED
        if now >= self.opens_at:
            return CallStatus.OPEN
        return CallStatus.SCHEDULED

    @property
    def current_status(self) -> str:
        return self.status_at()

    @property
    def current_status_label(self) -> str:
        return CallStatus(self.current_status).label

    @property
    def is_accepting_responses(self) -> bool:
        return self.current_status == CallStatus.OPEN


class ReferenceCounter(models.Model):
    """The last reference number handed out in a call; its row lock serialises submits."""

    call = models.OneToOneField(
        CallForEvidence, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("reference counter")

    def __str__(self) -> str:
        return f"{self.call_id}: {self.last_number}"


class Section(TimeStampedModel):
    call = models.ForeignKey(
        CallForEvidence, verbose_name=_("call"), on_delete=models.CASCADE, related_name="sections"
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["call", "position", "pk"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        rules_permissions = {
            "view": perms.can_view_section,
            "change": perms.can_manage_section,
        }

    def __str__(self) -> str:
        return self.title


class Question(TimeStampedModel):
    call = models.ForeignKey(
        CallForEvidence, verbose_name=_("call"), on_delete=models.CASCADE, related_name="questions"
    )
    section = models.ForeignKey(
        Section, verbose_name=_("section"), on_delete=models.CASCADE, related_name="questions"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=QuestionKind.choices)
    text = models.TextField(_("question"))
    help_text = models.TextField(_("help text"), blank=True)
    required = models.BooleanField(_("required"), default=False)
    position = models.PositiveIntegerField(_("position"), default=0)
    word_limit = models.PositiveIntegerField(
        _("word limit"),
        null=True,
        blank=True,
        help_text=_("For long answers. Leave empty to use the call's limit."),
    )
    choices = models.JSONField(
        _("choices"), default=list, blank=True, help_text=_("For single and multiple choice.")
    )

    class Meta:
        ordering = ["section__position", "position", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.CheckConstraint(
                name="question_word_limit_positive",
                condition=Q(word_limit__isnull=True) | Q(word_limit__gt=0),
                violation_error_message=_("A word limit must be more than zero."),
            ),
        ]
        rules_permissions = {
            "view": perms.can_view_section,
            "change": perms.can_manage_section,
        }

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def limit(self) -> int | None:
        """The word limit that applies (long answers only). Needs `call` loaded."""
        if self.kind != QuestionKind.LONG_TEXT:
            return None
        return self.word_limit or self.call.word_limit

    @property
    def has_choices(self) -> bool:
        return self.kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE)


class LateSubmissionLink(TimeStampedModel):
    """A personal link that lets one respondent submit after the call has closed."""

    call = models.ForeignKey(CallForEvidence, on_delete=models.CASCADE, related_name="late_links")
    email = models.EmailField(_("respondent's email"))
    reason = models.TextField(_("reason"), blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(_("expires at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("late-submission link")
        verbose_name_plural = _("late-submission links")

    def __str__(self) -> str:
        return f"{self.call} – {self.email}"

    def is_usable(self, now: datetime | None = None) -> bool:
        return self.revoked_at is None and (now or timezone.now()) < self.expires_at


class Submission(TimeStampedModel):
    """One respondent's response to one call: a draft until submitted."""

    call = models.ForeignKey(
        CallForEvidence,
        verbose_name=_("call"),
        on_delete=models.PROTECT,
        related_name="submissions",
    )
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=SubmissionStatus.choices,
        default=SubmissionStatus.DRAFT,
        db_index=True,
    )
    reference = models.CharField(_("reference"), max_length=20, blank=True)
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="submissions",
    )
    respondent_name = models.CharField(_("full name"), max_length=200, blank=True)
    respondent_email = models.EmailField(_("email address"), blank=True)
    responding_as = models.CharField(
        _("responding as"), max_length=20, choices=RespondingAs.choices, blank=True
    )
    organisation_name = models.CharField(_("organisation name"), max_length=300, blank=True)
    organisation_type = models.CharField(
        _("organisation type"), max_length=30, choices=OrganisationType.choices, blank=True
    )
    organisation_size = models.CharField(
        _("business size"), max_length=10, choices=BusinessSize.choices, blank=True
    )
    place = models.ForeignKey(
        Place,
        verbose_name=_("place"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="submissions",
    )
    publication_preference = models.CharField(
        _("publication preference"),
        max_length=20,
        choices=PublicationPreference.choices,
        blank=True,
    )
    consent_version = models.PositiveIntegerField(
        _("privacy notice version agreed"), null=True, blank=True
    )
    consented_at = models.DateTimeField(_("privacy notice agreed at"), null=True, blank=True)
    continue_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    channel = models.CharField(
        _("how it arrived"),
        max_length=10,
        choices=SubmissionChannel.choices,
        default=SubmissionChannel.ONLINE,
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered on the respondent's behalf by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    import_key = models.CharField(max_length=100, blank=True)
    late_link = models.ForeignKey(
        LateSubmissionLink,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="submissions",
    )

    class Meta:
        ordering = ["-submitted_at", "-created_at"]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        indexes = [
            models.Index(fields=["call", "status", "-submitted_at"], name="submission_call_list"),
            # The dashboard's "who responded, from where" counts: an index-only scan of the
            # call's sent responses instead of reading every row (docs/benchmarks.md).
            models.Index(
                fields=["call", "responding_as", "organisation_type", "place"],
                condition=Q(number__isnull=False),
                name="submission_call_who",
            ),
            # The secretariat's search: the same expressions `icontains`/`iexact` produce,
            # so the OR of the four is a BitmapOr of this one index (pg_trgm).
            GinIndex(
                OpClass(Upper("respondent_name"), name="gin_trgm_ops"),
                OpClass(Upper("organisation_name"), name="gin_trgm_ops"),
                OpClass(Upper("respondent_email"), name="gin_trgm_ops"),
                OpClass(Upper("reference"), name="gin_trgm_ops"),
                name="submission_search_trgm",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="submission_submitted_has_reference_and_time",
                condition=Q(status=SubmissionStatus.DRAFT)
                | (Q(submitted_at__isnull=False, number__isnull=False) & ~Q(reference="")),
                violation_error_message=_("A submitted response has a reference and a time."),
            ),
            models.CheckConstraint(
                name="submission_withdrawn_has_time",
                condition=~Q(status=SubmissionStatus.WITHDRAWN) | Q(withdrawn_at__isnull=False),
            ),
            models.CheckConstraint(
                name="submission_size_only_for_business",
                condition=Q(organisation_type=OrganisationType.BUSINESS) | Q(organisation_size=""),
                violation_error_message=_("Only a business has a size."),
            ),
            models.CheckConstraint(
                name="submission_consent_has_version",
                condition=Q(consented_at__isnull=True) | Q(consent_version__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["call", "reference"],
                condition=~Q(reference=""),
                name="submission_reference_unique_per_call",
                violation_error_message=_("This reference is already used in this call."),
            ),
            models.UniqueConstraint(
                fields=["call", "number"],
                condition=Q(number__isnull=False),
                name="submission_number_unique_per_call",
            ),
            models.UniqueConstraint(
                fields=["call", "import_key"],
                condition=~Q(import_key=""),
                name="submission_import_key_unique_per_call",
            ),
            models.UniqueConstraint(
                fields=["late_link"],
                condition=Q(late_link__isnull=False),
                name="submission_one_per_late_link",
                violation_error_message=_("A late-submission link is for one response."),
            ),
        ]
        rules_permissions = {
            "view": perms.can_view_submission,
            "change": perms.can_manage_submission,
        }

    def __str__(self) -> str:
        return self.reference or str(_("Draft response"))

    @property
    def is_draft(self) -> bool:
        return self.status == SubmissionStatus.DRAFT

    def may_take_responses(self, now: datetime | None = None) -> bool:
        """Whether answers may still change: the call is open, or its late link still works.
        A response the secretariat entered (not online) is not held to the call's dates."""
        if self.channel != SubmissionChannel.ONLINE:
            return True
        if self.call.is_accepting_responses:
            return True
        link = self.late_link
        return link is not None and link.is_usable(now)

    @property
    def respondent_label(self) -> str:
        if self.responding_as == RespondingAs.ORGANISATION and self.organisation_name:
            return self.organisation_name
        return self.respondent_name


class Answer(TimeStampedModel):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    text = models.TextField(_("answer"), blank=True)
    values = models.JSONField(_("chosen options"), default=list, blank=True)

    class Meta:
        ordering = ["question__section__position", "question__position", "question_id"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "question"], name="answer_one_per_question"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def is_empty(self) -> bool:
        return not self.text.strip() and not self.values


class Attachment(TimeStampedModel):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="attachments")
    question = models.ForeignKey(
        Question, on_delete=models.SET_NULL, null=True, blank=True, related_name="attachments"
    )
    file = models.FileField(_("file"), storage=private_storage, upload_to=attachment_path)
    original_name = models.CharField(_("file name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=10, choices=AttachmentKind.choices)
    size_bytes = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    status = models.CharField(
        _("text extraction"),
        max_length=20,
        choices=AttachmentStatus.choices,
        default=AttachmentStatus.PENDING,
    )
    extracted_text = models.TextField(_("extracted text"), blank=True)
    flag_reason = models.CharField(_("why it was flagged"), max_length=300, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        constraints = [
            models.CheckConstraint(name="attachment_not_empty", condition=Q(size_bytes__gt=0)),
            models.CheckConstraint(
                name="attachment_unreadable_has_reason",
                condition=~Q(status=AttachmentStatus.UNREADABLE) | ~Q(flag_reason=""),
            ),
        ]

    def __str__(self) -> str:
        return self.original_name


def import_file_path(instance, filename: str) -> str:
    """A random name in the private store; the suffix is the format we read it as."""
    return f"imports/{secrets.token_urlsafe(24)}.{instance.file_format}"


class ImportJob(TimeStampedModel):
    """A CSV or XLSX file of responses from another survey tool, on its way into a call.

    The secretariat maps columns, checks the file (a dry run that lists every row's
    problems), then a Celery task imports every row or none. Progress is stored here.
    """

    call = models.ForeignKey(CallForEvidence, on_delete=models.CASCADE, related_name="import_jobs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    file = models.FileField(_("file"), storage=private_storage, upload_to=import_file_path)
    file_format = models.CharField(_("format"), max_length=4)
    original_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(max_length=64)
    columns = models.JSONField(_("columns"), default=list)
    mapping = models.JSONField(_("what each column holds"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows done"), default=0)
    created_count = models.PositiveIntegerField(_("responses added"), default=0)
    skipped_count = models.PositiveIntegerField(_("rows imported before"), default=0)
    errors = models.JSONField(_("problems"), default=list, blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import of responses")
        verbose_name_plural = _("imports of responses")
        constraints = [
            models.CheckConstraint(
                name="importjob_format_known",
                condition=Q(file_format__in=["csv", "xlsx"]),
            ),
            models.CheckConstraint(
                name="importjob_progress_within_total",
                condition=Q(processed_rows__lte=models.F("total_rows")),
            ),
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def percent_done(self) -> int:
        if not self.total_rows:
            return 100 if self.status == ImportStatus.DONE else 0
        return int(100 * self.processed_rows / self.total_rows)

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)
