"""Reads for the secretariat's review pages: reviewers, rubric, code frame, phases, progress.

Callers have already checked that the person runs the call (`evidence.manage_call`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

import krippendorff
import numpy as np
from django.contrib.contenttypes.models import ContentType
from django.db.models import Avg, Count, Q, QuerySet
from django.utils import timezone

from evidence.enums import ReviewState, SubmissionReviewState
from evidence.models import (
    CallForEvidence,
    Coding,
    Criterion,
    Excerpt,
    Review,
    ReviewerConflict,
    ReviewerInvitation,
    ReviewPhase,
    ReviewSpread,
    Score,
    Submission,
    Theme,
)
from evidence.selectors.review import reviewable_submissions
from levelup.enums import Role
from levelup.models import RoleGrant, User


def reviewers_for_call(*, call: CallForEvidence) -> QuerySet[User]:
    """The call's reviewers (active grants), by name."""
    grants = RoleGrant.objects.active().filter(
        role=Role.REVIEWER,
        content_type=ContentType.objects.get_for_model(CallForEvidence),
        object_id=call.pk,
    )
    return User.objects.filter(pk__in=grants.values("user_id")).order_by("name", "email")


def reviewer_rows(*, call: CallForEvidence) -> QuerySet[User]:
    """Reviewers with their workload: assigned, done, overdue against each review's due date."""
    today = timezone.localdate()
    in_call = Q(reviews__call=call)
    return reviewers_for_call(call=call).annotate(
        assigned=Count("reviews", filter=in_call),
        done=Count("reviews", filter=in_call & Q(reviews__state=ReviewState.REVIEWED)),
        overdue=Count(
            "reviews",
            filter=in_call & ~Q(reviews__state=ReviewState.REVIEWED) & Q(reviews__due_on__lt=today),
        ),
        mean_confidence=Avg("reviews__confidence", filter=in_call),
    )


def conflicts_for_call(*, call: CallForEvidence) -> QuerySet[ReviewerConflict]:
    return ReviewerConflict.objects.filter(call=call).select_related("reviewer", "declared_by")


def conflicts_of_reviewer(*, call: CallForEvidence, user: User) -> QuerySet[ReviewerConflict]:
    return ReviewerConflict.objects.filter(call=call, reviewer=user).order_by("organisation_name")


def invitations_pending(*, call: CallForEvidence) -> QuerySet[ReviewerInvitation]:
    return ReviewerInvitation.objects.filter(
        call=call,
        accepted_at__isnull=True,
        withdrawn_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).order_by("-created_at")


def criteria_for_call(*, call: CallForEvidence) -> QuerySet[Criterion]:
    """The rubric in order, with how many scores each criterion has."""
    return Criterion.objects.filter(call=call, removed_at__isnull=True).annotate(
        score_count=Count("scores")
    )


def criteria_removed(*, call: CallForEvidence) -> QuerySet[Criterion]:
    return Criterion.objects.filter(call=call, removed_at__isnull=False).annotate(
        score_count=Count("scores")
    )


@dataclass
class ThemeNode:
    theme: Theme
    children: list[Theme]


def theme_tree(*, call: CallForEvidence) -> list[ThemeNode]:
    """Themes with their sub-themes in order, each with its count of current codings (1 query)."""
    themes = list(
        Theme.objects.filter(call=call, merged_into__isnull=True)
        .annotate(coding_count=Count("codings", filter=Q(codings__removed_at__isnull=True)))
        .annotate(excerpt_count=Count("excerpts", distinct=True))
        .order_by("position", "name")
    )
    children: dict[int, list[Theme]] = defaultdict(list)
    for theme in themes:
        if theme.parent_id:
            children[theme.parent_id].append(theme)
    return [ThemeNode(t, children.get(t.pk, [])) for t in themes if t.parent_id is None]


def themes_merged(*, call: CallForEvidence) -> QuerySet[Theme]:
    return Theme.objects.filter(call=call, merged_into__isnull=False).select_related("merged_into")


def phases_for_call(*, call: CallForEvidence) -> QuerySet[ReviewPhase]:
    return ReviewPhase.objects.filter(call=call).order_by("position", "pk")


def assignment_rows(*, call: CallForEvidence, submissions: QuerySet[Submission]):
    """The responses of one page with their reviewers, in two queries."""
    rows = list(submissions)
    by_submission: dict[int, list[Review]] = defaultdict(list)
    for review in (
        Review.objects.filter(submission__in=[s.pk for s in rows])
        .select_related("reviewer")
        .order_by("reviewer__name")
    ):
        by_submission[review.submission_id].append(review)
    for submission in rows:
        submission.review_list = by_submission.get(submission.pk, [])
    return rows


def reviews_of_submission(*, submission: Submission) -> QuerySet[Review]:
    return Review.objects.filter(submission=submission).select_related("reviewer")


# ----------------------------------------------------------------------------------- progress


def progress_counts(*, call: CallForEvidence) -> dict:
    """Reviews by state and responses by review state (two queries)."""
    reviews = dict(
        Review.objects.filter(call=call)
        .values_list("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    responses = dict(
        reviewable_submissions(call=call)
        .values_list("review_state")
        .annotate(n=Count("pk"))
        .values_list("review_state", "n")
    )
    return {
        "reviews": [(s, label, reviews.get(s, 0)) for s, label in ReviewState.choices],
        "reviews_total": sum(reviews.values()),
        "responses": [
            (s, label, responses.get(s, 0)) for s, label in SubmissionReviewState.choices
        ],
        "responses_total": sum(responses.values()),
    }


def criterion_progress(*, call: CallForEvidence) -> list[Criterion]:
    """Per criterion: how many scores, their mean, and the count at each point (one query)."""
    criteria = Criterion.objects.filter(call=call, removed_at__isnull=True).annotate(
        score_count=Count("scores"),
        mean=Avg("scores__value"),
        **{f"at_{v}": Count("scores", filter=Q(scores__value=v)) for v in range(1, 6)},
    )
    rows = list(criteria)
    for criterion in rows:
        criterion.distribution = [getattr(criterion, f"at_{v}") for v in range(1, 6)]
    return rows


def confidence_counts(*, call: CallForEvidence) -> list[tuple[int, int]]:
    found = dict(
        Review.objects.filter(call=call, confidence__isnull=False)
        .values_list("confidence")
        .annotate(n=Count("pk"))
        .values_list("confidence", "n")
    )
    return [(level, found.get(level, 0)) for level in range(1, 5)]


DISAGREEMENT_ORDER = {
    "spread": ("-spread", "reference"),
    "-spread": ("spread", "reference"),
    "reference": ("number",),
    "mean": ("-mean", "reference"),
}


def disagreement_rows(*, call: CallForEvidence, order: str = "spread") -> QuerySet[ReviewSpread]:
    """Responses with at least two totals, with the spread (highest − lowest) of them, as
    the agreement job last wrote them (`ReviewSpread`); each sort is served by an index.

    Sorted by spread first, so split reviews are not hidden by their average.
    """
    return ReviewSpread.objects.filter(call=call).order_by(
        *DISAGREEMENT_ORDER.get(order, DISAGREEMENT_ORDER["spread"])
    )


@dataclass
class Agreement:
    label: str
    alpha: float | None
    units: int  # responses with at least two ratings: the ones alpha can use

    def as_dict(self) -> dict:
        return {"label": self.label, "alpha": self.alpha, "units": self.units}

    @property
    def reading(self) -> str:
        if self.alpha is None:
            return "none"
        if self.alpha >= 0.8:
            return "good"
        if self.alpha >= 0.667:
            return "tentative"
        return "low"


def _alpha(value_counts: np.ndarray, level: str) -> tuple[float | None, int]:
    usable = value_counts[value_counts.sum(axis=1) >= 2] if len(value_counts) else value_counts
    if len(usable) < 2 or (usable.sum(axis=0) > 0).sum() < 2:
        return None, len(usable)
    try:
        alpha = krippendorff.alpha(
            value_counts=usable, level_of_measurement=level, value_domain=None
        )
    except (ValueError, ZeroDivisionError):
        return None, len(usable)
    if alpha is None or np.isnan(alpha):
        return None, len(usable)
    return float(alpha), len(usable)


def agreement_by_criterion(*, call: CallForEvidence) -> list[Agreement]:
    """Krippendorff's alpha (ordinal) per criterion across the call's reviewed responses.

    Each response is a unit, each reviewer's score a rating; one query for all criteria.
    """
    counts: dict[int, dict[int, np.ndarray]] = defaultdict(dict)
    rows = (
        Score.objects.filter(review__call=call, criterion__removed_at__isnull=True)
        .values_list("criterion_id", "review__submission_id", "value")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for criterion_id, submission_id, value, n in rows:
        unit = counts[criterion_id].setdefault(submission_id, np.zeros(5))
        unit[value - 1] += n
    result = []
    for criterion in Criterion.objects.filter(call=call, removed_at__isnull=True):
        units = counts.get(criterion.pk, {})
        matrix = np.array(list(units.values())) if units else np.zeros((0, 5))
        alpha, used = _alpha(matrix, "ordinal")
        result.append(Agreement(criterion.name, alpha, used))
    return result


def agreement_by_theme(*, call: CallForEvidence) -> list[Agreement]:
    """Krippendorff's alpha (nominal) per theme: did each reviewer who finished a response
    apply the theme to it (a coding or an excerpt they made) or not.
    """
    reviewed: dict[int, set[int]] = defaultdict(set)
    for submission_id, reviewer_id in Review.objects.filter(
        call=call, state=ReviewState.REVIEWED
    ).values_list("submission_id", "reviewer_id"):
        reviewed[submission_id].add(reviewer_id)
    multi = {s: r for s, r in reviewed.items() if len(r) >= 2}
    applied: dict[int, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
    if multi:
        codings = Coding.objects.filter(
            call=call, removed_at__isnull=True, submission_id__in=list(multi)
        ).values_list("theme_id", "submission_id", "coded_by_id")
        excerpts = Excerpt.objects.filter(
            call=call, theme__isnull=False, submission_id__in=list(multi)
        ).values_list("theme_id", "submission_id", "created_by_id")
        for theme_id, submission_id, user_id in [*codings, *excerpts]:
            if user_id in multi[submission_id]:
                applied[theme_id][submission_id].add(user_id)
    result = []
    for theme in Theme.objects.filter(call=call, merged_into__isnull=True).select_related("parent"):
        matrix = []
        for submission_id, reviewers in multi.items():
            yes = len(applied[theme.pk].get(submission_id, ()))
            matrix.append([len(reviewers) - yes, yes])
        alpha, used = _alpha(np.array(matrix) if matrix else np.zeros((0, 2)), "nominal")
        label = f"{theme.parent.name} › {theme.name}" if theme.parent else theme.name
        result.append(Agreement(label, alpha, used))
    return result


@dataclass
class AgreementReport:
    """The latest agreement figures of a call and when their data was read; `pending` when
    a newer calculation is queued or running."""

    computed_at: datetime | None
    criteria: list[Agreement]
    themes: list[Agreement]
    pending: bool
    progress: dict | None = None  # see `evidence.services.agreement.progress_figures`


def agreement_latest(*, call: CallForEvidence) -> AgreementReport:
    """The figures the last agreement job stored, and whether a newer one is on its way:
    two queries, whatever the call's size."""
    from levelup.enums import JobStatus
    from levelup.models import Job

    jobs = Job.objects.filter(
        kind="evidence.review_agreement",
        content_type=ContentType.objects.get_for_model(CallForEvidence),
        object_id=call.pk,
    )
    latest = jobs.filter(status=JobStatus.DONE).order_by("-pk").only("result").first()
    pending = jobs.filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING])
    if latest is not None:
        pending = pending.filter(pk__gt=latest.pk)
    result = latest.result if latest is not None else {}

    def rows(key: str) -> list[Agreement]:
        return [Agreement(r["label"], r["alpha"], r["units"]) for r in result.get(key, [])]

    computed_at = result.get("computed_at")
    return AgreementReport(
        computed_at=datetime.fromisoformat(computed_at) if computed_at else None,
        criteria=rows("criteria"),
        themes=rows("themes"),
        pending=pending.exists(),
        progress=_progress(result.get("progress")),
    )


def _progress(stored: dict | None) -> dict | None:
    """The stored progress figures with the labels of today's language (None before the
    first job that stored them)."""
    if stored is None:
        return None
    reviews, responses = dict(stored["reviews"]), dict(stored["responses"])
    return {
        "reviews": [(s, label, reviews.get(s, 0)) for s, label in ReviewState.choices],
        "responses": [
            (s, label, responses.get(s, 0)) for s, label in SubmissionReviewState.choices
        ],
        "reviewers": stored["reviewers"],
        "criteria": stored["criteria"],
        "confidence": stored["confidence"],
        "spread_rows": stored.get("spread_rows"),
    }
