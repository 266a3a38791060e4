"""The synthetic review data the review benchmark builds on (run small here)."""

import pytest
from django.core.management import call_command

from evidence.models import CallForEvidence, Coding, Excerpt, Review, Theme
from evidence.synthetic import SYNTHETIC_SLUG
from evidence.synthetic_review import generate_synthetic_review

# VACUUM, which the generator runs at the end, cannot run inside a test's transaction.
pytestmark = pytest.mark.django_db(transaction=True)


def test_generate_synthetic_review_adds_reviews_codings_and_excerpts():
    call_command("generate_synthetic_evidence", submissions=30, batch_size=30, seed=1)
    call = CallForEvidence.objects.get(slug=SYNTHETIC_SLUG)
    sent = call.submissions.filter(number__isnull=False).count()

    people = generate_synthetic_review(
        call=call, reviewers=4, per_response=2, themes=5, excerpts=10
    )

    assert len(people) == 4
    assert Review.objects.filter(call=call).count() == sent * 2
    assert Theme.objects.filter(call=call).count() == 5
    assert Coding.objects.filter(call=call).count() == sent * 3
    assert 0 < Excerpt.objects.filter(call=call).count() <= 10
