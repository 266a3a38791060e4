"""Publishing a call: moderation of each response, redactions, oral evidence, the report and
the one email each respondent who asked to hear back gets when it is published.

The original answers and attachments are never changed: the published text is computed from
them and their `Redaction` spans.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from evidence.enums import (
    PUBLISHABLE_MODERATION,
    ModerationState,
    OralEvidenceKind,
    RedactionReason,
)
from levelup.models import TimeStampedModel
from levelup.storage import private_storage

from .calls import CallForEvidence
from .responding import Answer, Attachment, Submission


class Moderation(TimeStampedModel):
    """Whether one response may be published: a reviewer may propose, the secretariat decides."""

    call = models.ForeignKey(CallForEvidence, on_delete=models.CASCADE, related_name="moderations")
    submission = models.OneToOneField(
        Submission, on_delete=models.CASCADE, related_name="moderation"
    )
    state = models.CharField(
        _("decision"),
        max_length=20,
        choices=ModerationState.choices,
        default=ModerationState.PENDING,
    )
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    proposed_state = models.CharField(
        _("proposed decision"), max_length=20, choices=ModerationState.choices, blank=True
    )
    proposed_reason = models.TextField(_("reason for the proposal"), blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["call", "state"], name="moderation_call_state")]
        constraints = [
            models.CheckConstraint(
                name="moderation_decided_has_time",
                condition=Q(state=ModerationState.PENDING) | Q(decided_at__isnull=False),
            ),
            models.CheckConstraint(
                name="moderation_withheld_has_reason",
                condition=~Q(state=ModerationState.WITHHELD) | ~Q(reason=""),
                violation_error_message=_("Say why the response is withheld."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.submission_id}: {self.state}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self._copy_to_submission(approved=self.state in PUBLISHABLE_MODERATION)

    def delete(self, *args, **kwargs):
        self._copy_to_submission(approved=False)
        return super().delete(*args, **kwargs)

    def _copy_to_submission(self, *, approved: bool) -> None:
        """Keep `Submission.moderation_approved` (the evidence index's partial index)."""
        Submission.objects.filter(pk=self.submission_id).exclude(
            moderation_approved=approved
        ).update(moderation_approved=approved)


class Redaction(TimeStampedModel):
    """A span of one answer or one attachment's extracted text hidden from the public."""

    call = models.ForeignKey(CallForEvidence, on_delete=models.CASCADE, related_name="redactions")
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="redactions")
    answer = models.ForeignKey(
        Answer, on_delete=models.CASCADE, null=True, blank=True, related_name="redactions"
    )
    attachment = models.ForeignKey(
        Attachment, on_delete=models.CASCADE, null=True, blank=True, related_name="redactions"
    )
    start = models.PositiveIntegerField(_("start"))
    end = models.PositiveIntegerField(_("end"))
    reason = models.CharField(_("reason"), max_length=20, choices=RedactionReason.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["submission", "answer", "attachment", "start"]
        constraints = [
            models.CheckConstraint(
                name="redaction_one_source",
                condition=Q(answer__isnull=False, attachment__isnull=True)
                | Q(answer__isnull=True, attachment__isnull=False),
            ),
            models.CheckConstraint(
                name="redaction_span_not_empty", condition=Q(end__gt=F("start"))
            ),
        ]

    def __str__(self) -> str:
        return f"{self.submission_id} {self.start}–{self.end} ({self.reason})"


def report_pdf_path(instance, filename: str) -> str:
    return f"reports/{instance.call.slug}/{filename}"


class CallReport(TimeStampedModel):
    """The published report of a call: its summary and when it was published."""

    call = models.OneToOneField(CallForEvidence, on_delete=models.CASCADE, related_name="report")
    # Sanitised rich text (nh3 on save).
    summary = models.TextField(_("summary of the report"), blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Who responded and how often each theme came up, counted when the report is published:
    # the report states the figures it was published with, and its page stays cheap.
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    # Counts changes to what the report shows; the PDF is current when it was rendered from
    # the latest one (`pdf_version`). Each change after publication queues a new rendering.
    content_version = models.PositiveIntegerField(_("content version"), default=0)
    pdf = models.FileField(
        _("PDF"), storage=private_storage, upload_to=report_pdf_path, blank=True, max_length=300
    )
    pdf_version = models.PositiveIntegerField(_("PDF of content version"), null=True, blank=True)
    pdf_rendered_at = models.DateTimeField(_("PDF rendered at"), null=True, blank=True)
    pdf_bytes = models.PositiveIntegerField(_("PDF size in bytes"), default=0)

    def __str__(self) -> str:
        return str(self.call)

    @property
    def has_current_pdf(self) -> bool:
        """A PDF of what the report shows now (an older one may hold what is since withheld)."""
        return bool(self.pdf) and self.pdf_version == self.content_version


class OralEvidence(TimeStampedModel):
    """An event (roundtable, hearing) whose published note stands beside written evidence."""

    call = models.ForeignKey(
        CallForEvidence, on_delete=models.CASCADE, related_name="oral_evidence"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=OralEvidenceKind.choices)
    title = models.CharField(_("title"), max_length=300)
    held_on = models.DateField(_("held on"))
    hosts = models.CharField(_("hosted by"), max_length=500)
    speakers = models.TextField(_("speakers"), blank=True)
    note = models.TextField(_("published note"), blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    informed = models.ManyToManyField(
        Submission,
        blank=True,
        related_name="oral_evidence",
        verbose_name=_("written evidence it informed"),
    )

    class Meta:
        ordering = ["call", "held_on", "pk"]
        verbose_name_plural = _("oral evidence")

    def __str__(self) -> str:
        return self.title


class ReportNotification(TimeStampedModel):
    """The one email a respondent who asked to hear back gets when the report is published."""

    submission = models.OneToOneField(
        Submission, on_delete=models.CASCADE, related_name="report_notification"
    )
    email = models.ForeignKey(
        "levelup.OutboundEmail", on_delete=models.SET_NULL, null=True, related_name="+"
    )

    def __str__(self) -> str:
        return str(self.submission_id)
