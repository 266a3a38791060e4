"""The demo's closed call is under review: rubric, code frame, phases, reviewers, scores."""

from collections import Counter

import pytest
from django.core.management import call_command

from evidence.demo import DEMO_CODE_FRAME
from evidence.models import (
    CallForEvidence,
    Criterion,
    Review,
    ReviewerConflict,
    ReviewPhase,
    Score,
    Theme,
)
from evidence.selectors.review import submissions_for_reviewer
from evidence.selectors.review_setup import disagreement_rows, reviewers_for_call
from levelup.demo import demo_user

pytestmark = pytest.mark.django_db


def _load():
    with open("/dev/null", "w") as sink:
        call_command("load_demo", stdout=sink)


def test_demo_review_setup_is_complete_and_idempotent():
    _load()
    call = CallForEvidence.objects.get(slug="role-of-business-in-place-based-regeneration")
    first = (
        Review.objects.filter(call=call).count(),
        Score.objects.filter(review__call=call).count(),
        Theme.objects.filter(call=call).count(),
    )

    _load()

    assert (
        Review.objects.filter(call=call).count(),
        Score.objects.filter(review__call=call).count(),
        Theme.objects.filter(call=call).count(),
    ) == first
    assert list(Criterion.objects.filter(call=call).values_list("name", flat=True)) == [
        "Relevance",
        "Strength of evidence",
        "Originality",
    ]
    # The set-up's code frame (the report's demo may add themes of its own beside it).
    tops = Theme.objects.filter(call=call, parent=None, name__in=[n for n, _, _ in DEMO_CODE_FRAME])
    assert tops.count() == 8
    assert all(t.children.exists() for t in tops)
    assert list(ReviewPhase.objects.filter(call=call).values_list("name", "is_active")) == [
        ("First sift", False),
        ("Full review", True),
    ]
    reviewers = list(reviewers_for_call(call=call))
    assert len(reviewers) == 3
    per_response = Counter(Review.objects.filter(call=call).values_list("submission", flat=True))
    assert set(per_response.values()) == {2, 3}
    assert len(per_response) == 55
    conflict = ReviewerConflict.objects.get(call=call)
    assert not Review.objects.filter(
        reviewer=conflict.reviewer, submission__organisation_name__iexact=conflict.organisation_name
    ).exists()
    assert disagreement_rows(call=call)[0].spread >= 3
    assert submissions_for_reviewer(user=demo_user("reviewer"), call=call).count() > 20
