"""What a reviewer may open: their assigned responses, minus conflicts, while a phase is active.

`submissions_for_reviewer` is the one place that decides it; every reviewer page (queue,
search, a response, its files, bulk actions) starts from it, and `reviewer_may_open` is the
same rule for one response.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import CharField, Func, QuerySet
from django.db.models.functions import Lower, Trim

from evidence.enums import SubmissionStatus
from evidence.models import CallForEvidence, ReviewerConflict, ReviewPhase, Submission
from levelup.models import User


def conflict_key(name: str) -> str:
    """An organisation's name as conflicts compare it: trimmed, spaces collapsed, lower case.

    The database side (`organisation_key`) must give the same answer.
    """
    return " ".join(name.split()).lower()


class _CollapseSpaces(Func):
    function = "regexp_replace"
    template = r"%(function)s(%(expressions)s, '\s+', ' ', 'g')"
    output_field = CharField()


def organisation_key(field: str = "organisation_name"):
    """The database side of `conflict_key`, for annotating responses."""
    return Lower(_CollapseSpaces(Trim(field)))


def active_phase(*, call: CallForEvidence) -> ReviewPhase | None:
    return ReviewPhase.objects.filter(call=call, is_active=True).first()


def reviewable_submissions(*, call: CallForEvidence) -> QuerySet[Submission]:
    """Responses that can be reviewed at all: sent (have a reference) and not withdrawn."""
    return Submission.objects.filter(call=call, number__isnull=False).exclude(
        status=SubmissionStatus.WITHDRAWN
    )


def conflicted_submission_ids(
    *,
    call: CallForEvidence,
    reviewer: User | None = None,
    keys: Iterable[str] | None = None,
    among: Iterable[int] | None = None,
) -> set[int]:
    """Ids of the call's responses from organisations the reviewer (or `keys`) conflict with."""
    if keys is None:
        keys = list(
            ReviewerConflict.objects.filter(call=call, reviewer=reviewer).values_list(
                "name_key", flat=True
            )
        )
    keys = list(keys)
    if not keys:
        return set()
    found = (
        Submission.objects.filter(call=call)
        .exclude(organisation_name="")
        .annotate(org_key=organisation_key())
        .filter(org_key__in=keys)
    )
    if among is not None:
        found = found.filter(pk__in=list(among))
    return set(found.values_list("pk", flat=True))


def submissions_for_reviewer(*, user: User, call: CallForEvidence) -> QuerySet[Submission]:
    """The responses `user` may open as a reviewer of `call`.

    All three must hold: the person reviews the call (an active grant) and is assigned the
    response; the response is not from an organisation they declared a conflict with; and
    the call has an active review phase (with none active, review is paused: nothing).
    Drafts and withdrawn responses never appear. Site admins and the secretariat use their
    own selectors, not this one.
    """
    if not (user and user.is_authenticated) or call.pk not in user.reviewer_call_ids:
        return Submission.objects.none()
    if not ReviewPhase.objects.filter(call=call, is_active=True).exists():
        return Submission.objects.none()
    queryset = reviewable_submissions(call=call).filter(reviews__reviewer=user)
    conflicts = ReviewerConflict.objects.filter(call=call, reviewer=user).values("name_key")
    return queryset.annotate(org_key=organisation_key()).exclude(
        org_key__in=conflicts, organisation_name__gt=""
    )


def reviewer_may_open(*, user: User, submission: Submission) -> bool:
    """Whether `user`, as a reviewer, may open this one response (same rule as above)."""
    return (
        submissions_for_reviewer(user=user, call=submission.call).filter(pk=submission.pk).exists()
    )
