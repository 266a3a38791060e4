"""Responding to a call: a response (submission), its answers and attachments, and the
personal links that let one respondent submit late."""

import uuid
from datetime import datetime

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import CharField, F, Func, Q
from django.db.models.functions import Lower, Trim, Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evidence import rules as perms
from evidence.enums import (
    AttachmentKind,
    AttachmentStatus,
    PublicationPreference,
    RespondingAs,
    SubmissionChannel,
    SubmissionReviewState,
    SubmissionStatus,
)
from evidence.storage import attachment_path, private_storage
from levelup.enums import BusinessSize, OrganisationType
from levelup.models import Place, TimeStampedModel

from .calls import CallForEvidence, Question


class _CollapseSpaces(Func):
    function = "regexp_replace"
    template = r"%(function)s(%(expressions)s, '\s+', ' ', 'g')"
    output_field = CharField()


def organisation_key(field="organisation_name"):
    """An organisation's name as reviewers' conflicts compare it: trimmed, spaces collapsed,
    lower case (`evidence.selectors.review.conflict_key` is the Python side)."""
    return Lower(_CollapseSpaces(Trim(field)))


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
    wants_report = models.BooleanField(
        _("tell me when the report is published"), default=False, db_default=False
    )
    consent_version = models.PositiveIntegerField(
        _("privacy notice version agreed"), null=True, blank=True
    )
    consented_at = models.DateTimeField(_("privacy notice agreed at"), null=True, blank=True)
    continue_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    # Set by the one request that sends the private link by email: one email per response.
    continue_link_sent_at = models.DateTimeField(
        _("private link emailed at"), null=True, blank=True
    )
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
    # Review: where the response stands across its reviewers, kept by the review services.
    review_state = models.CharField(
        _("review state"),
        max_length=20,
        choices=SubmissionReviewState.choices,
        default=SubmissionReviewState.NEW,
        # Bulk loads (COPY) that name their columns get the same default from the database.
        db_default=SubmissionReviewState.NEW,
    )
    campaign_group = models.ForeignKey(
        "evidence.CampaignGroup",
        verbose_name=_("campaign group"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
    )
    # Taken out of its campaign group by a person: grouping leaves it out from then on.
    campaign_split_at = models.DateTimeField(_("taken out of its campaign"), null=True, blank=True)
    # Moderation approved it for publication (with or without redactions): a copy of
    # `Moderation.state` kept by `Moderation.save()`, so the public evidence index reads one
    # partial index in number order. Public reads still check the moderation itself: a stale
    # copy can only hide a response, never publish one.
    moderation_approved = models.BooleanField(
        _("approved for publication"), default=False, db_default=False, editable=False
    )
    # Full-text search over answers and attachments' text (English stemming), kept by the
    # services that change them; identity is searched separately (anonymised review).
    search_vector = SearchVectorField(null=True, editable=False)

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
            GinIndex(fields=["search_vector"], name="submission_search_vector"),
            # Exact lookups of an email address or a reference: a B-tree probe, not the
            # trigram index above.
            models.Index(F("call"), Upper("respondent_email"), name="submission_call_email"),
            models.Index(F("call"), Upper("reference"), name="submission_call_reference"),
            models.Index(fields=["call", "review_state"], name="submission_call_review_state"),
            # A reviewer's declared conflicts, found among the call's responses by the same
            # expression the queue compares, without reading every response.
            models.Index(F("call"), organisation_key(), name="submission_call_organisation"),
            # The public evidence index: a call's sent responses whose respondent allowed
            # publication and moderation approved, in reference order; any page is read by
            # number from this index, each row's moderation then checked by its unique key
            # (docs/benchmarks.md).
            models.Index(
                fields=["call", "number"],
                condition=Q(
                    moderation_approved=True,
                    status=SubmissionStatus.SUBMITTED,
                    publication_preference__in=[
                        PublicationPreference.NAMED,
                        PublicationPreference.ANONYMOUS,
                    ],
                ),
                name="submission_call_publishable",
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
