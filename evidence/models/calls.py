"""Calls for evidence and what they ask: the call, its sections and questions, and the
counter that hands out response references."""

from datetime import datetime

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evidence import rules as perms
from evidence.enums import CallStatus, QuestionKind, ScoreAggregate
from levelup.models import Body, TimeStampedModel

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
    score_aggregate = models.CharField(
        _("a review's total is the"),
        max_length=20,
        choices=ScoreAggregate.choices,
        default=ScoreAggregate.WEIGHTED_MEAN,
        db_default=ScoreAggregate.WEIGHTED_MEAN,
    )
    campaign_threshold = models.FloatField(
        _("campaign similarity threshold"),
        default=0.8,
        db_default=0.8,
        help_text=_("Responses at least this similar (0 to 1) are grouped as one campaign."),
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
    # Set when the question was added after responses had been sent: those sent before
    # this moment never saw it, and show it as "not asked".
    asked_from = models.DateTimeField(_("asked from"), null=True, blank=True)

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
