"""Review: phases, the rubric, the code frame, reviewers' conflicts and invitations, reviews
with scores, codings, excerpts, theme suggestions and campaign groups.

A `Review` is one reviewer's work on one response (HotCRP's and pretalx's review row): it is
created when the reviewer is assigned, so assignment and review are one row.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from evidence.enums import (
    CodingSource,
    OthersScoresVisibility,
    ReviewFlag,
    ReviewState,
    SuggestionStatus,
)
from levelup.models import TimeStampedModel

from .calls import CallForEvidence
from .responding import Answer, Attachment, Submission

SCORE_MIN, SCORE_MAX = 1, 5


class ReviewPhase(TimeStampedModel):
    """A stage of review (e.g. "first sift", "full review"): what reviewers may do and see.

    One phase of a call is active at a time; permissions read the active phase, so moving
    between phases changes what reviewers can do without code changes (pretalx's model).
    """

    call = models.ForeignKey(
        CallForEvidence, on_delete=models.CASCADE, related_name="review_phases"
    )
    name = models.CharField(_("name"), max_length=120)
    position = models.PositiveIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=False)
    may_score = models.BooleanField(_("reviewers may score"), default=True)
    may_code = models.BooleanField(
        _("reviewers may code with themes and mark excerpts"), default=True
    )
    others_scores = models.CharField(
        _("reviewers see other reviewers' scores"),
        max_length=20,
        choices=OthersScoresVisibility.choices,
        default=OthersScoresVisibility.AFTER_OWN,
    )
    may_see_identity = models.BooleanField(
        _("reviewers see who responded"),
        default=True,
        help_text=_("Ignored when the call runs anonymised review: then reviewers never do."),
    )
    due_on = models.DateField(_("reviews due on"), null=True, blank=True)

    class Meta:
        ordering = ["call", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["call"],
                condition=Q(is_active=True),
                name="review_phase_one_active_per_call",
                violation_error_message=_("Only one review phase can be active at a time."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Criterion(TimeStampedModel):
    """One line of the call's rubric, scored 1–5; each point has a label and a description.

    Removing a criterion keeps it (`removed_at`) so scores already given stay readable and the
    totals stay explainable.
    """

    call = models.ForeignKey(CallForEvidence, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        default=1,
        validators=[MinValueValidator(0)],
    )
    # [{"value": 1, "label": "Not relevant", "description": "..."}, ... up to 5]
    levels = models.JSONField(_("scale points"), default=list, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)

    class Meta:
        ordering = ["call", "position", "pk"]
        verbose_name_plural = _("criteria")
        constraints = [
            models.CheckConstraint(
                name="criterion_weight_not_negative", condition=Q(weight__gte=0)
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Theme(TimeStampedModel):
    """A code in the call's code frame: two levels at most (a theme and its sub-themes)."""

    call = models.ForeignKey(CallForEvidence, on_delete=models.CASCADE, related_name="themes")
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    # A merged theme is kept for the record; its codings and excerpts moved to `merged_into`.
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_from"
    )

    class Meta:
        ordering = ["call", "position", "name"]
        constraints = [
            models.CheckConstraint(name="theme_not_own_parent", condition=~Q(parent=F("pk"))),
            models.UniqueConstraint(
                fields=["call", "parent", "name"],
                condition=Q(merged_into__isnull=True),
                nulls_distinct=False,
                name="theme_name_unique_per_level",
                violation_error_message=_("There is already a theme with this name here."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ReviewerConflict(TimeStampedModel):
    """An organisation a reviewer is connected to: they never review its responses.

    Responses name their organisation in free text, so a conflict matches on the name
    compared case-insensitively, trimmed (`name_key`).
    """

    call = models.ForeignKey(
        CallForEvidence, on_delete=models.CASCADE, related_name="reviewer_conflicts"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_conflicts"
    )
    organisation_name = models.CharField(_("organisation"), max_length=300)
    name_key = models.CharField(max_length=300, editable=False)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["call", "reviewer", "name_key"], name="reviewer_conflict_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.organisation_name


class ReviewerInvitation(TimeStampedModel):
    """An emailed, single-use link that makes whoever accepts it a reviewer of the call."""

    call = models.ForeignKey(
        CallForEvidence, on_delete=models.CASCADE, related_name="reviewer_invitations"
    )
    email = models.EmailField(_("email address"))
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(_("expires at"))
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    def __str__(self) -> str:
        return self.email


class CampaignGroup(TimeStampedModel):
    """Near-identical responses (a campaign), read and coded once through one representative."""

    call = models.ForeignKey(
        CallForEvidence, on_delete=models.CASCADE, related_name="campaign_groups"
    )
    representative = models.ForeignKey(
        Submission, on_delete=models.PROTECT, related_name="represented_groups"
    )
    label = models.CharField(_("label"), max_length=200, blank=True)
    similarity = models.FloatField(_("similarity threshold"), default=0.8)
    size = models.PositiveIntegerField(_("responses"), default=0)

    def __str__(self) -> str:
        return self.label or str(self.representative)


class Review(TimeStampedModel):
    """One reviewer's review of one response, from assignment to "reviewed"."""

    call = models.ForeignKey(CallForEvidence, on_delete=models.CASCADE, related_name="reviews")
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews"
    )
    state = models.CharField(
        _("state"), max_length=20, choices=ReviewState.choices, default=ReviewState.ASSIGNED
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    confidence = models.PositiveSmallIntegerField(
        _("confidence"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
    )
    notes = models.TextField(_("notes"), blank=True)
    flags = ArrayField(
        models.CharField(max_length=20, choices=ReviewFlag.choices),
        default=list,
        blank=True,
        verbose_name=_("flags"),
    )
    # The aggregate of this review's scores by the call's rubric; stored for sorting and spread.
    total = models.DecimalField(_("total"), max_digits=5, decimal_places=2, null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    # Optimistic concurrency: a save must name the version it started from.
    version = models.PositiveIntegerField(default=1)
    # The response's reference number, copied by the database when the review is written
    # (trigger `evidence_review_number`, migration 0019; numbers never change once sent), so
    # a reviewer's queue is read in reference order from the index below, not by joining
    # every review to its response.
    number = models.PositiveIntegerField(_("reference number"), null=True, editable=False)

    class Meta:
        ordering = ["call", "submission", "pk"]
        indexes = [
            models.Index(fields=["reviewer", "call", "state"], name="review_queue"),
            models.Index(
                fields=["reviewer", "call", "number", "id"],
                include=["submission"],
                name="review_queue_number",
            ),
            models.Index(fields=["call", "state"], name="review_call_state"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "reviewer"],
                name="review_one_per_reviewer_and_response",
                violation_error_message=_("This reviewer is already assigned this response."),
            ),
            models.CheckConstraint(
                name="review_reviewed_has_time",
                condition=~Q(state=ReviewState.REVIEWED) | Q(reviewed_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.submission} / {self.reviewer}"


class Score(TimeStampedModel):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    value = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)]
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="score_one_per_criterion"),
            models.CheckConstraint(
                name="score_in_scale", condition=Q(value__gte=SCORE_MIN, value__lte=SCORE_MAX)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.value}"


class Coding(TimeStampedModel):
    """A theme applied to a response. Removing one keeps the row (`removed_at`) for history.

    `source` records whether a person chose the theme or accepted a suggestion.
    """

    call = models.ForeignKey(CallForEvidence, on_delete=models.CASCADE, related_name="codings")
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="codings")
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="codings")
    source = models.CharField(
        _("source"), max_length=20, choices=CodingSource.choices, default=CodingSource.MANUAL
    )
    coded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(
                fields=["theme", "submission"],
                condition=Q(removed_at__isnull=True),
                name="coding_theme_current",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "theme"],
                condition=Q(removed_at__isnull=True),
                name="coding_one_current_per_theme",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.submission} → {self.theme}"


class Excerpt(TimeStampedModel):
    """A quoted span of one answer or of one attachment's extracted text.

    `number` is per response, so an excerpt has a stable citable anchor: `PTF0042-E3`.
    `text` keeps the quoted words as they were when selected.
    """

    call = models.ForeignKey(CallForEvidence, on_delete=models.CASCADE, related_name="excerpts")
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="excerpts")
    answer = models.ForeignKey(
        Answer, on_delete=models.CASCADE, null=True, blank=True, related_name="excerpts"
    )
    attachment = models.ForeignKey(
        Attachment, on_delete=models.CASCADE, null=True, blank=True, related_name="excerpts"
    )
    number = models.PositiveIntegerField(_("number"))
    start = models.PositiveIntegerField(_("start"))
    end = models.PositiveIntegerField(_("end"))
    text = models.TextField(_("quoted text"))
    theme = models.ForeignKey(
        Theme, on_delete=models.PROTECT, null=True, blank=True, related_name="excerpts"
    )
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["submission", "number"]
        constraints = [
            models.CheckConstraint(
                name="excerpt_one_source",
                condition=Q(answer__isnull=False, attachment__isnull=True)
                | Q(answer__isnull=True, attachment__isnull=False),
            ),
            models.CheckConstraint(name="excerpt_span_not_empty", condition=Q(end__gt=F("start"))),
            models.UniqueConstraint(
                fields=["submission", "number"], name="excerpt_number_unique_per_response"
            ),
        ]

    def __str__(self) -> str:
        return self.anchor

    @property
    def anchor(self) -> str:
        return f"{self.submission.reference}-E{self.number}"


class ThemeSuggestion(TimeStampedModel):
    """A theme the server suggests for an uncoded response, with the words that made it."""

    call = models.ForeignKey(
        CallForEvidence, on_delete=models.CASCADE, related_name="theme_suggestions"
    )
    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="theme_suggestions"
    )
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="suggestions")
    score = models.FloatField(_("strength"))
    words = models.JSONField(_("words that made the suggestion"), default=list)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=SuggestionStatus.choices,
        default=SuggestionStatus.PENDING,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "theme"], name="theme_suggestion_one_per_theme"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.submission} ? {self.theme}"


class ReviewSpread(models.Model):
    """One response's spread of review totals, as the progress page's disagreement table
    shows it: rewritten for the whole call by the background agreement job, so the page
    reads a page of rows by index instead of grouping every review on each load."""

    call = models.ForeignKey(CallForEvidence, on_delete=models.CASCADE, related_name="+")
    submission = models.OneToOneField(Submission, on_delete=models.CASCADE, related_name="+")
    public_id = models.UUIDField()
    reference = models.CharField(max_length=20)
    number = models.PositiveIntegerField()
    total_count = models.PositiveIntegerField()
    low = models.DecimalField(max_digits=5, decimal_places=2)
    high = models.DecimalField(max_digits=5, decimal_places=2)
    mean = models.DecimalField(max_digits=7, decimal_places=4)
    spread = models.DecimalField(max_digits=5, decimal_places=2)
    deviation = models.DecimalField(max_digits=7, decimal_places=4, null=True)

    class Meta:
        indexes = [
            # One per sort of the table (see `DISAGREEMENT_ORDER`).
            models.Index(F("call"), F("spread").desc(), F("reference"), name="spread_by_spread"),
            models.Index(F("call"), F("spread"), F("reference"), name="spread_by_spread_asc"),
            models.Index(F("call"), F("number"), name="spread_by_number"),
            models.Index(F("call"), F("mean").desc(), F("reference"), name="spread_by_mean"),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.low}–{self.high}"
