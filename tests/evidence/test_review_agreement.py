"""Agreement between reviewers is worked out in the background and shown with its time."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from evidence.models import ReviewSpread
from evidence.selectors.review_setup import (
    agreement_latest,
    confidence_counts,
    criterion_progress,
    progress_counts,
    reviewer_rows,
)
from evidence.services.agreement import AGREEMENT_JOB, agreement_refresh
from evidence.services.review import ReviewInput, review_save
from evidence.services.review_setup import review_assign
from evidence.tasks import review_agreement_task
from levelup.enums import JobStatus, Role
from levelup.models import Job
from tests.factories import RoleGrantFactory, SubmissionFactory
from tests.factories.review import CriterionFactory, ReviewFactory, ScoreFactory

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")


def progress_url(call) -> str:
    return reverse("evidence:manage-review-progress", kwargs={"slug": call.slug})


@pytest.fixture
def agreeing_call(call):
    criterion = CriterionFactory(call=call, name="Relevance")
    for value in (1, 3, 5, 2):
        submission = SubmissionFactory(call=call, submitted=True)
        for _ in range(2):
            review = ReviewFactory(call=call, submission=submission, done=True)
            ScoreFactory(review=review, criterion=criterion, value=value)
    return call


def agreement_jobs(call):
    return Job.objects.filter(kind=AGREEMENT_JOB, object_id=call.pk)


def test_progress_without_figures_says_they_are_not_worked_out(client, agreeing_call, secretariat):
    client.force_login(secretariat)

    response = client.get(progress_url(agreeing_call))

    body = response.content.decode()
    assert "The agreement figures have not been worked out yet." in body
    assert "Agreement as of" not in body
    assert response.context["agreement_criteria"] == []


def test_progress_shows_figures_with_the_time_they_were_worked_out(
    client, agreeing_call, secretariat
):
    job = agreement_refresh(actor=secretariat, call=agreeing_call)
    review_agreement_task.run(job_id=job.pk)
    job.refresh_from_db()
    read_at = datetime(2026, 11, 30, 10, 42, tzinfo=LONDON)
    assert (
        abs((datetime.fromisoformat(job.result["computed_at"]) - job.started_at).total_seconds())
        < 60
    )
    Job.objects.filter(pk=job.pk).update(result={**job.result, "computed_at": read_at.isoformat()})
    client.force_login(secretariat)

    response = client.get(progress_url(agreeing_call))

    body = response.content.decode()
    assert "Agreement as of 10:42am on 30 November 2026." in body
    (row,) = response.context["agreement_criteria"]
    assert (row.label, row.alpha, row.units, row.reading) == ("Relevance", 1.0, 4, "good")


def test_progress_says_newer_figures_are_on_their_way(client, agreeing_call, secretariat):
    review_agreement_task.run(job_id=agreement_refresh(actor=secretariat, call=agreeing_call).pk)
    agreement_refresh(actor=secretariat, call=agreeing_call)
    client.force_login(secretariat)

    response = client.get(progress_url(agreeing_call))

    assert "Newer figures are being worked out" in response.content.decode()
    assert response.context["agreement"].pending is True


def test_recalculate_queues_one_job(client, agreeing_call, secretariat):
    client.force_login(secretariat)

    first = client.post(progress_url(agreeing_call))
    client.post(progress_url(agreeing_call))

    assert first["Location"] == progress_url(agreeing_call)
    assert list(agreement_jobs(agreeing_call).values_list("status", flat=True)) == [
        JobStatus.QUEUED
    ]


def test_review_changes_queue_one_job_at_a_time(agreeing_call):
    criterion = agreeing_call.criteria.get()
    reviews = [
        ReviewFactory(call=agreeing_call, submission=SubmissionFactory(call=agreeing_call))
        for _ in range(2)
    ]

    for review in reviews:
        review_save(
            actor=review.reviewer,
            review=review,
            version=review.version,
            data=ReviewInput(scores={criterion.pk: 4}, confidence=3, notes="", flags=[]),
        )
    queued = list(agreement_jobs(agreeing_call))
    review_agreement_task.run(job_id=queued[0].pk)
    review = reviews[0]
    review.refresh_from_db()
    review_save(
        actor=review.reviewer,
        review=review,
        version=review.version,
        data=ReviewInput(scores={criterion.pk: 5}, confidence=3, notes="", flags=[]),
    )

    assert len(queued) == 1
    assert list(agreement_jobs(agreeing_call).order_by("pk").values_list("status", flat=True)) == [
        JobStatus.DONE,
        JobStatus.QUEUED,
    ]


@pytest.mark.parametrize("who", ["anonymous", "reviewer", "other_secretariat"])
def test_recalculate_refused_to_others(client, agreeing_call, reviewer, who):
    from tests.factories import BodyFactory, UserFactory

    if who == "reviewer":
        client.force_login(reviewer)
    elif who == "other_secretariat":
        other = UserFactory()
        RoleGrantFactory(user=other, role=Role.SECRETARIAT, target=BodyFactory())
        client.force_login(other)

    response = client.post(progress_url(agreeing_call))

    expected = {"anonymous": 302, "reviewer": 403, "other_secretariat": 404}[who]
    assert response.status_code == expected
    assert not agreement_jobs(agreeing_call).exists()


def test_job_stores_the_progress_figures_the_selectors_compute(agreeing_call, reviewer):
    late = ReviewFactory(
        call=agreeing_call,
        submission=SubmissionFactory(call=agreeing_call, submitted=True),
        reviewer=reviewer,
        due_on=datetime(2020, 1, 6).date(),
        confidence=3,
    )
    counts = progress_counts(call=agreeing_call)
    expected_reviewers = [
        (r.name, r.assigned, r.done, r.overdue) for r in reviewer_rows(call=agreeing_call)
    ]
    expected_criteria = [
        (c.name, c.score_count, float(c.mean), c.distribution)
        for c in criterion_progress(call=agreeing_call)
    ]
    expected_confidence = confidence_counts(call=agreeing_call)

    review_agreement_task.run(job_id=agreement_refresh(actor=None, call=agreeing_call).pk)

    progress = agreement_latest(call=agreeing_call).progress
    assert progress["reviews"] == counts["reviews"]
    assert progress["responses"] == counts["responses"]
    assert [
        (r["name"], r["assigned"], r["done"], r["overdue"]) for r in progress["reviewers"]
    ] == expected_reviewers
    assert expected_reviewers == [(late.reviewer.name, 1, 0, 1)]
    assert [
        (c["name"], c["score_count"], c["mean"], c["distribution"]) for c in progress["criteria"]
    ] == expected_criteria
    assert expected_criteria == [("Relevance", 8, 2.75, [2, 2, 2, 0, 2])]
    assert [tuple(pair) for pair in progress["confidence"]] == expected_confidence


def test_job_rewrites_the_spread_rows_in_one_transaction(agreeing_call, monkeypatch):
    for totals in ((1, 5), (2, 3)):
        submission = SubmissionFactory(call=agreeing_call, submitted=True)
        for total in totals:
            ReviewFactory(call=agreeing_call, submission=submission, done=True, total=total)
    review_agreement_task.run(job_id=agreement_refresh(actor=None, call=agreeing_call).pk)
    assert ReviewSpread.objects.count() == 2
    ReviewSpread.objects.update(spread=9)
    before = sorted(ReviewSpread.objects.values_list("reference", "spread"))

    def broken(*, call):
        raise RuntimeError("stopped half way")

    monkeypatch.setattr("evidence.services.agreement.progress_figures", broken)
    job = agreement_refresh(actor=None, call=agreeing_call)
    review_agreement_task.run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status != JobStatus.DONE
    assert sorted(ReviewSpread.objects.values_list("reference", "spread")) == before
    assert [spread for _ref, spread in before] == [9, 9]


def test_assigning_a_review_queues_the_figures_again(call, reviewer, secretariat):
    submission = SubmissionFactory(call=call, submitted=True)

    review_assign(actor=secretariat, call=call, submission=submission, reviewer=reviewer)

    assert list(agreement_jobs(call).values_list("status", flat=True)) == [JobStatus.QUEUED]
