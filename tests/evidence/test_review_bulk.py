"""Bulk actions from a filtered list: reviewers within their queue, the secretariat on the call."""

import pytest
from django.urls import reverse

from evidence.enums import CodingSource, ReviewState, SubmissionReviewState
from evidence.models import Coding, Review, Submission
from evidence.services import bulk
from levelup.enums import JobStatus
from levelup.models import AuditEntry, Job

pytestmark = pytest.mark.django_db


def post_bulk(client, call, **data):
    return client.post(reverse("evidence:review-bulk", kwargs={"slug": call.slug}), data)


def test_reviewer_bulk_codes_the_filtered_queue_only(client, review_setup, reviewer):
    call = review_setup["call"]
    theme = review_setup["themes"][0]
    client.force_login(reviewer)

    response = post_bulk(client, call, query="q=council", action="code", value=theme.pk)

    assert (
        response["Location"]
        == reverse("evidence:review-queue", kwargs={"slug": call.slug}) + "?q=council"
    )
    assert list(Coding.objects.values_list("submission__reference", "source")) == [
        ("TST0002", CodingSource.BULK)
    ]
    assert AuditEntry.objects.get(action="evidence.bulk.code").changes["changed"] == 1


def test_reviewer_bulk_flag_and_state(client, review_setup, reviewer):
    call = review_setup["call"]
    client.force_login(reviewer)

    post_bulk(client, call, query="", action="flag", value="out_of_scope")
    post_bulk(client, call, query="", action="flag", value="out_of_scope")
    post_bulk(client, call, query="", action="state", value="in_progress")

    reviews = Review.objects.filter(reviewer=reviewer)
    assert {tuple(r.flags) for r in reviews} == {("out_of_scope",)}
    assert {r.state for r in reviews} == {ReviewState.IN_PROGRESS}
    assert set(
        Submission.objects.filter(reviews__reviewer=reviewer).values_list("review_state", flat=True)
    ) == {SubmissionReviewState.IN_REVIEW}
    other = Review.objects.get(submission=review_setup["other"])
    assert (other.flags, other.state) == ([], ReviewState.ASSIGNED)


def test_reviewer_bulk_mark_reviewed_refused_while_scoring(client, review_setup, reviewer):
    call = review_setup["call"]
    client.force_login(reviewer)

    response = post_bulk(client, call, query="", action="state", value="reviewed")

    assert not Review.objects.filter(state=ReviewState.REVIEWED).exists()
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == [
        "Mark responses reviewed one by one while scoring is open: each needs its scores."
    ]


def test_reviewer_bulk_with_a_foreign_theme_is_refused(client, review_setup, reviewer):
    from tests.factories.review import ThemeFactory

    foreign = ThemeFactory()
    client.force_login(reviewer)

    post_bulk(client, review_setup["call"], query="", action="code", value=foreign.pk)

    assert not Coding.objects.exists()


def test_secretariat_bulk_codes_the_whole_call(client, review_setup, secretariat):
    call = review_setup["call"]
    client.force_login(secretariat)

    client.post(
        reverse("evidence:manage-submissions-bulk", kwargs={"slug": call.slug}),
        {"query": "", "action": "code", "value": review_setup["themes"][1].pk},
    )

    assert Coding.objects.count() == 4


@pytest.mark.parametrize(
    ("role", "url_name", "status"),
    [
        ("respondent", "evidence:review-bulk", 403),
        ("secretariat", "evidence:review-bulk", 403),
        ("reviewer", "evidence:manage-submissions-bulk", 403),
        ("respondent", "evidence:manage-submissions-bulk", 403),
    ],
)
def test_bulk_endpoints_refused(
    client, review_setup, respondent, secretariat, reviewer, role, url_name, status
):
    people = {"respondent": respondent, "secretariat": secretariat, "reviewer": reviewer}
    client.force_login(people[role])

    response = client.post(
        reverse(url_name, kwargs={"slug": review_setup["call"].slug}),
        {"query": "", "action": "code", "value": review_setup["themes"][0].pk},
    )

    assert response.status_code == status
    assert not Coding.objects.exists()


def test_bulk_over_the_limit_runs_as_a_job(
    client, review_setup, reviewer, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr("evidence.views.review.BULK_INLINE_LIMIT", 2)
    client.force_login(reviewer)
    theme = review_setup["themes"][0]

    response = post_bulk(client, review_setup["call"], query="", action="code", value=theme.pk)

    job = Job.objects.get(kind=bulk.BULK_JOB)
    assert response["Location"] == reverse("evidence:bulk-job", kwargs={"pk": job.pk})
    assert (job.status, job.progress_total) == (JobStatus.QUEUED, 3)
    page = client.get(response["Location"])
    assert "0 of 3 responses" in page.content.decode()
    assert "Refresh" in page.content.decode()

    from evidence.tasks import review_bulk_task

    review_bulk_task.run(job_id=job.pk)

    job.refresh_from_db()
    assert (job.status, job.progress_done, job.result) == (
        JobStatus.DONE,
        3,
        {"rows": 3, "changed": 3},
    )
    assert Coding.objects.count() == 3


def test_bulk_job_page_is_only_for_its_owner(client, review_setup, reviewer, secretariat):
    job = bulk.bulk_start(
        actor=reviewer,
        call=review_setup["call"],
        action="flag",
        value="duplicate",
        query="",
        scope="reviewer",
        total=3,
    )
    client.force_login(secretariat)

    response = client.get(reverse("evidence:bulk-job", kwargs={"pk": job.pk}))

    assert response.status_code == 404
