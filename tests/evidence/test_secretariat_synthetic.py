"""The synthetic data command used by the benchmarks (run small here)."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import F

from evidence.enums import ModerationState, PublicationPreference, SubmissionStatus
from evidence.models import (
    Answer,
    CallForEvidence,
    Coding,
    Excerpt,
    Finding,
    FindingExcerpt,
    Moderation,
    RecommendationFollowUp,
    ReferenceCounter,
    Review,
    Submission,
    Theme,
)
from evidence.services.search import submission_search_backfill
from evidence.synthetic import SYNTHETIC_SLUG

pytestmark = pytest.mark.django_db


def test_generate_synthetic_evidence_writes_responses_in_batches():
    call_command("generate_synthetic_evidence", submissions=45, batch_size=20, seed=1)

    call = CallForEvidence.objects.get(slug=SYNTHETIC_SLUG)
    submissions = Submission.objects.filter(call=call)
    sent = submissions.exclude(status=SubmissionStatus.DRAFT)
    assert submissions.count() == 45
    assert Answer.objects.filter(submission__call=call).count() == 45 * 3
    assert sorted(sent.values_list("number", flat=True)) == list(range(1, sent.count() + 1))
    assert ReferenceCounter.objects.get(call=call).last_number == sent.count()
    assert call.questions.count() == 6
    assert call.is_accepting_responses


def test_generate_synthetic_evidence_twice_replaces_the_call():
    call_command("generate_synthetic_evidence", submissions=5, batch_size=5)
    call_command("generate_synthetic_evidence", submissions=7, batch_size=5)

    assert CallForEvidence.objects.filter(slug=SYNTHETIC_SLUG).count() == 1
    assert Submission.objects.count() == 7


def test_generate_synthetic_evidence_adds_review_and_publishing_data():
    call_command("generate_synthetic_evidence", submissions=60, batch_size=25, seed=3)

    call = CallForEvidence.objects.get(slug=SYNTHETIC_SLUG)
    sent = Submission.objects.filter(call=call, status=SubmissionStatus.SUBMITTED)
    approved = Moderation.objects.filter(call=call, state=ModerationState.APPROVED)
    assert Review.objects.filter(call=call).count() == 3 * sent.count()
    assert Review.objects.filter(call=call).values("reviewer").distinct().count() == 40
    # Each review's copy of its response's number, filled by the database even though the
    # rows are copied with the foreign-key checks (and ordinary triggers) off.
    assert not Review.objects.filter(call=call).exclude(number=F("submission__number")).exists()
    assert Coding.objects.filter(call=call).count() == 3 * sent.count()
    assert Theme.objects.filter(call=call).count() == 40
    assert Excerpt.objects.filter(call=call).count() == (sent.count() + 1) // 2
    assert 0 < approved.count() < sent.count()
    assert not approved.filter(
        submission__publication_preference=PublicationPreference.CONFIDENTIAL
    ).exists()
    assert call.findings.count() == 6
    assert call.recommendations.count() == 12
    assert RecommendationFollowUp.objects.filter(recommendation__call=call).count() == 12
    quoted = FindingExcerpt.objects.filter(finding__call=call, quoted=True)
    assert quoted.count() == approved.filter(submission__excerpts__isnull=False).count()
    assert not quoted.exclude(excerpt__submission__moderation__state=ModerationState.APPROVED)
    assert call.report.published_at is not None
    assert call.report.figures["published_count"] == approved.count()
    # The evidence index reads the copy of the decision on the response.
    assert set(sent.filter(moderation_approved=True).values_list("pk", flat=True)) == set(
        approved.values_list("submission_id", flat=True)
    )


def test_generate_synthetic_evidence_writes_search_vectors_as_the_search_does():
    call_command("generate_synthetic_evidence", submissions=12, batch_size=5, without_review=True)

    call = CallForEvidence.objects.get(slug=SYNTHETIC_SLUG)
    written = dict(Submission.objects.filter(call=call).values_list("pk", "search_vector"))
    submission_search_backfill(call_id=call.pk, only_missing=False)
    recomputed = dict(Submission.objects.filter(call=call).values_list("pk", "search_vector"))
    assert written == recomputed
    assert Submission.objects.filter(call=call, search_vector="lighthouse").count() == 10
    assert not Review.objects.exists()


def test_generate_synthetic_evidence_with_review_twice_replaces_everything():
    call_command("generate_synthetic_evidence", submissions=10, batch_size=5)
    call_command("generate_synthetic_evidence", submissions=8, batch_size=5)

    call = CallForEvidence.objects.get(slug=SYNTHETIC_SLUG)
    sent = Submission.objects.filter(call=call, status=SubmissionStatus.SUBMITTED).count()
    assert Submission.objects.count() == 8
    assert Review.objects.count() == 3 * sent
    assert Theme.objects.count() == 40
    assert Finding.objects.count() == 6


def test_generate_synthetic_evidence_leaves_key_checks_on_afterwards():
    call_command("generate_synthetic_evidence", submissions=5, batch_size=5)

    with connection.cursor() as cursor:
        cursor.execute("SHOW session_replication_role")
        assert cursor.fetchone()[0] == "origin"
