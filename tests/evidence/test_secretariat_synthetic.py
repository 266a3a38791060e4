"""The synthetic data command used by the benchmarks (run small here)."""

import pytest
from django.core.management import call_command

from evidence.enums import SubmissionStatus
from evidence.models import Answer, CallForEvidence, ReferenceCounter, Submission
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
