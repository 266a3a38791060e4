"""What a reviewer may open (assignment, conflicts, phase), and the progress figures."""

import pytest
from django.db import connection
from django.utils import timezone

from evidence.models import Coding, Review, ReviewerConflict
from evidence.rules import can_review_submission
from evidence.selectors.review import (
    QueueFilters,
    queue_neighbours,
    review_queue,
    review_rules,
    reviewer_may_open,
    submissions_for_reviewer,
)
from evidence.selectors.review_setup import (
    agreement_by_criterion,
    agreement_by_theme,
    reviewer_rows,
)
from evidence.services.review_setup import conflict_declare
from levelup.enums import Role
from tests.factories import CallForEvidenceFactory, SubmissionFactory
from tests.factories.core import RoleGrantFactory
from tests.factories.review import (
    CriterionFactory,
    ReviewFactory,
    ReviewPhaseFactory,
    ScoreFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


def test_submissions_for_reviewer_only_assigned_without_conflicts_while_review_is_open(
    call, reviewer
):
    mine = ReviewFactory(call=call, reviewer=reviewer).submission
    conflicted = ReviewFactory(
        call=call, reviewer=reviewer, submission__organisation_name="Acme Ltd"
    ).submission
    someone_elses = ReviewFactory(call=call).submission
    withdrawn = ReviewFactory(
        call=call,
        reviewer=reviewer,
        submission__status="withdrawn",
        submission__withdrawn_at=timezone.now(),
    )
    # The conflict is recorded straight to the table so the assignment stays (as if it
    # had been made by hand before the reviewer declared it).
    from evidence.models import ReviewerConflict

    ReviewerConflict.objects.create(
        call=call, reviewer=reviewer, organisation_name="ACME  ltd", name_key="acme ltd"
    )
    # A call without phases is open to its reviewers; with phases, only while one is active.
    without_phases = list(submissions_for_reviewer(user=reviewer, call=call))
    phase = ReviewPhaseFactory(call=call, is_active=False)
    paused = list(submissions_for_reviewer(user=reviewer, call=call))
    phase.is_active = True
    phase.save()

    visible = list(submissions_for_reviewer(user=reviewer, call=call))

    assert without_phases == [mine]
    assert paused == []
    assert visible == [mine]
    assert reviewer_may_open(user=reviewer, submission=mine)
    assert not reviewer_may_open(user=reviewer, submission=conflicted)
    assert not reviewer_may_open(user=reviewer, submission=someone_elses)
    assert not reviewer_may_open(user=reviewer, submission=withdrawn.submission)
    assert can_review_submission.test(reviewer, mine)
    assert not can_review_submission.test(reviewer, conflicted)


def test_submissions_for_reviewer_empty_for_other_calls_and_removed_reviewers(call, reviewer):
    other_call = CallForEvidenceFactory(open=True)
    ReviewPhaseFactory(call=other_call)
    ReviewFactory(call=other_call, reviewer=reviewer)

    assert list(submissions_for_reviewer(user=reviewer, call=other_call)) == []


def test_conflict_declared_through_service_hides_the_response(call, reviewer):
    ReviewPhaseFactory(call=call)
    submission = SubmissionFactory(call=call, submitted=True, organisation_name="Acme")
    ReviewFactory(call=call, reviewer=reviewer, submission=submission)

    conflict_declare(actor=reviewer, call=call, reviewer=reviewer, organisation_name="acme")

    assert list(submissions_for_reviewer(user=reviewer, call=call)) == []


def test_agreement_by_criterion_is_one_when_reviewers_always_agree(call):
    criterion = CriterionFactory(call=call)
    for value in (1, 3, 5, 2):
        submission = SubmissionFactory(call=call, submitted=True)
        for _ in range(2):
            review = ReviewFactory(call=call, submission=submission, done=True)
            ScoreFactory(review=review, criterion=criterion, value=value)

    (row,) = agreement_by_criterion(call=call)

    assert row.alpha == pytest.approx(1.0)
    assert (row.units, row.reading) == (4, "good")


def test_agreement_by_criterion_below_zero_when_reviewers_contradict(call):
    criterion = CriterionFactory(call=call)
    for values in ((1, 5), (5, 1), (2, 4), (4, 2)):
        submission = SubmissionFactory(call=call, submitted=True)
        for value in values:
            review = ReviewFactory(call=call, submission=submission, done=True)
            ScoreFactory(review=review, criterion=criterion, value=value)

    (row,) = agreement_by_criterion(call=call)

    assert row.alpha < 0
    assert row.reading == "low"


def test_agreement_by_theme_counts_who_applied_it(call):
    theme = ThemeFactory(call=call)
    people = [RoleGrantFactory(role=Role.REVIEWER, target=call).user for _ in range(2)]
    for coded in (True, False, True, False):
        submission = SubmissionFactory(call=call, submitted=True)
        for person in people:
            ReviewFactory(call=call, submission=submission, reviewer=person, done=True)
        if coded:
            Coding.objects.create(call=call, submission=submission, theme=theme, coded_by=people[0])

    (row,) = agreement_by_theme(call=call)

    assert row.units == 4
    assert row.alpha < 0.5


def test_reviewer_rows_count_overdue_against_due_date(call, reviewer):
    ReviewFactory(call=call, reviewer=reviewer, due_on="2000-01-01")
    ReviewFactory(call=call, reviewer=reviewer, due_on="2000-01-01", done=True)
    ReviewFactory(call=call, reviewer=reviewer)

    (row,) = reviewer_rows(call=call)

    assert (row.assigned, row.done, row.overdue) == (3, 1, 1)


def test_review_number_is_copied_from_its_response_by_the_database(call, reviewer):
    submission = SubmissionFactory(call=call, submitted=True, number=41)
    other = SubmissionFactory(call=call, submitted=True, number=42)
    created = ReviewFactory(call=call, reviewer=reviewer, submission=submission)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO evidence_review (created_at, updated_at, call_id, submission_id, "
            "reviewer_id, state, notes, flags, version) "
            "VALUES (now(), now(), %s, %s, %s, 'assigned', '', '{}', 1) RETURNING number",
            [call.pk, other.pk, reviewer.pk],
        )
        (raw_number,) = cursor.fetchone()
    moved = ReviewFactory(call=call, submission=submission)
    Review.objects.filter(pk=moved.pk).update(submission=other)

    created.refresh_from_db()
    moved.refresh_from_db()

    assert created.number == 41
    assert raw_number == 42
    assert moved.number == 42


def _queue(reviewer, call, **filters):
    return review_queue(
        user=reviewer, call=call, rules=review_rules(call=call), filters=QueueFilters(**filters)
    )


@pytest.mark.parametrize("sort", ["", "-reference", "state"])
def test_queue_neighbours_follow_the_queue_order_in_one_query(
    call, reviewer, django_assert_num_queries, sort
):
    for number, state in [(3, "assigned"), (1, "reviewed"), (2, "in_progress"), (4, "in_progress")]:
        ReviewFactory(
            call=call,
            reviewer=reviewer,
            submission=SubmissionFactory(call=call, submitted=True, number=number),
            state=state,
            reviewed_at=timezone.now() if state == "reviewed" else None,
        )
    queue = _queue(reviewer, call, sort=sort)
    ordered = list(queue)  # as the database loads them, with their numbers

    with django_assert_num_queries(1):
        first = queue_neighbours(queue, review=ordered[0])
    middle = queue_neighbours(queue, review=ordered[2])
    last = queue_neighbours(queue, review=ordered[3])

    references = [r.submission.reference for r in ordered]
    assert (first[0], first[1].reference, first[2:]) == (None, references[1], (1, 4))
    assert (middle[0].reference, middle[1].reference, middle[2:]) == (
        references[1],
        references[3],
        (3, 4),
    )
    assert (last[0].reference, last[1], last[2:]) == (references[2], None, (4, 4))
    expected_order = {
        "": [1, 2, 3, 4],
        "-reference": [4, 3, 2, 1],
        "state": [3, 2, 4, 1],  # not started, in progress (by number), reviewed
    }[sort]
    assert [r.submission.number for r in ordered] == expected_order


@pytest.mark.parametrize("sort", ["", "state"])
def test_queue_neighbours_of_a_response_the_filter_leaves_out(call, reviewer, sort):
    ReviewFactory(call=call, reviewer=reviewer, state="in_progress")
    left_out = ReviewFactory(call=call, reviewer=reviewer, state="assigned")
    left_out.refresh_from_db()

    result = queue_neighbours(
        _queue(reviewer, call, state="in_progress", sort=sort), review=left_out
    )

    assert result == (None, None, 0, 1)


def test_queue_leaves_out_withdrawn_and_conflicting_responses_without_a_join(call, reviewer):
    mine = ReviewFactory(call=call, reviewer=reviewer, submission__organisation_name="Mill Co")
    ReviewFactory(
        call=call,
        reviewer=reviewer,
        submission__status="withdrawn",
        submission__withdrawn_at=timezone.now(),
    )
    ReviewFactory(call=call, reviewer=reviewer, submission__organisation_name="  ACME   Ltd ")
    ReviewerConflict.objects.create(
        call=call, reviewer=reviewer, organisation_name="Acme Ltd", name_key="acme ltd"
    )
    queue = _queue(reviewer, call)

    count_sql = str(queue.select_related(None).order_by().values("pk").query)

    assert list(queue) == [mine]
    assert queue.count() == 1
    assert 'JOIN "evidence_submission"' not in count_sql
