"""Reviewers' writes: saving a review, concurrency, phases, codings, excerpts."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from evidence.enums import CodingSource, ReviewState, ScoreAggregate, SubmissionReviewState
from evidence.models import Coding, Excerpt, Review, Score
from evidence.services.review import (
    ReviewInput,
    StaleReview,
    excerpt_create,
    excerpt_remove,
    find_quote,
    review_save,
    submission_code,
)
from levelup.models import AuditEntry
from tests.factories.review import ReviewPhaseFactory

pytestmark = pytest.mark.django_db


def scores_for(setup, *values) -> dict[int, int]:
    return {c.pk: v for c, v in zip(setup["criteria"], values, strict=True)}


def test_review_save_stores_scores_total_and_state(review_setup, reviewer):
    review = review_setup["reviews"][0]
    data = ReviewInput(scores=scores_for(review_setup, 4, 2), confidence=3, notes="Good", flags=[])

    saved = review_save(actor=reviewer, review=review, version=1, data=data)

    assert (saved.state, saved.total, saved.version, saved.confidence) == (
        ReviewState.IN_PROGRESS,
        Decimal("3.00"),
        2,
        3,
    )
    assert sorted(Score.objects.filter(review=review).values_list("value", flat=True)) == [2, 4]
    saved.submission.refresh_from_db()
    assert saved.submission.review_state == SubmissionReviewState.IN_REVIEW
    assert AuditEntry.objects.filter(action="evidence.review.save").count() == 1


def test_review_save_weighted_mean_and_median(review_setup, reviewer):
    first, second = review_setup["criteria"]
    first.weight = 3
    first.save()
    review = review_setup["reviews"][0]

    saved = review_save(
        actor=reviewer,
        review=review,
        version=1,
        data=ReviewInput(scores={first.pk: 5, second.pk: 1}, confidence=None, notes="", flags=[]),
    )
    assert saved.total == Decimal("4.00")

    call = review_setup["call"]
    call.score_aggregate = ScoreAggregate.MEDIAN
    call.save()
    saved = review_save(
        actor=reviewer,
        review=Review.objects.get(pk=review.pk),
        version=saved.version,
        data=ReviewInput(scores={first.pk: 5, second.pk: 2}, confidence=None, notes="", flags=[]),
    )
    assert saved.total == Decimal("3.50")


def test_review_save_twice_is_idempotent(review_setup, reviewer):
    review = review_setup["reviews"][0]
    data = ReviewInput(scores=scores_for(review_setup, 3, 3), confidence=2, notes="Same", flags=[])

    first = review_save(actor=reviewer, review=review, version=1, data=data)
    second = review_save(actor=reviewer, review=review, version=1, data=data)

    assert (first.version, second.version) == (2, 2)
    assert AuditEntry.objects.filter(action="evidence.review.save").count() == 1


def test_review_save_stale_version_refuses_and_keeps_the_saved_one(review_setup, reviewer):
    review = review_setup["reviews"][0]
    review_save(
        actor=reviewer,
        review=review,
        version=1,
        data=ReviewInput(
            scores=scores_for(review_setup, 5, 5), confidence=4, notes="Tab A", flags=[]
        ),
    )

    with pytest.raises(StaleReview) as caught:
        review_save(
            actor=reviewer,
            review=review,
            version=1,
            data=ReviewInput(
                scores=scores_for(review_setup, 1, 1), confidence=1, notes="Tab B", flags=[]
            ),
        )

    assert caught.value.current.notes == "Tab A"
    assert sorted(caught.value.current_scores.values()) == [5, 5]
    review.refresh_from_db()
    assert (review.notes, review.version) == ("Tab A", 2)


def test_review_save_mark_reviewed_needs_every_score(review_setup, reviewer):
    review = review_setup["reviews"][0]
    first = review_setup["criteria"][0]

    with pytest.raises(ValidationError) as caught:
        review_save(
            actor=reviewer,
            review=review,
            version=1,
            data=ReviewInput(
                scores={first.pk: 4}, confidence=3, notes="", flags=[], mark_reviewed=True
            ),
        )

    assert caught.value.messages == [
        "Score every criterion before marking the review done: Strength of evidence."
    ]


def test_review_save_mark_reviewed_sets_time_and_response_state(review_setup, reviewer):
    review = review_setup["reviews"][0]

    saved = review_save(
        actor=reviewer,
        review=review,
        version=1,
        data=ReviewInput(
            scores=scores_for(review_setup, 4, 4),
            confidence=3,
            notes="",
            flags=["legal_risk"],
            mark_reviewed=True,
        ),
    )

    assert saved.state == ReviewState.REVIEWED
    assert saved.reviewed_at is not None
    assert saved.flags == ["legal_risk"]
    saved.submission.refresh_from_db()
    assert saved.submission.review_state == SubmissionReviewState.REVIEWED


def test_review_save_refused_when_phase_forbids_scoring(review_setup, reviewer):
    ReviewPhaseFactory(call=review_setup["call"], may_score=False)
    review = review_setup["reviews"][0]

    with pytest.raises(ValidationError) as caught:
        review_save(
            actor=reviewer,
            review=review,
            version=1,
            data=ReviewInput(
                scores=scores_for(review_setup, 4, 4), confidence=None, notes="", flags=[]
            ),
        )

    assert caught.value.messages == ["Scoring is not open in this review phase."]


def test_review_save_refused_for_someone_elses_review(review_setup):
    review = review_setup["reviews"][0]

    with pytest.raises(ValidationError) as caught:
        review_save(
            actor=review_setup["other_reviewer"],
            review=review,
            version=1,
            data=ReviewInput(scores={}, confidence=None, notes="Mine now", flags=[]),
        )

    assert caught.value.messages == ["This is not your review."]


def test_submission_code_adds_and_removes_with_history(review_setup, reviewer):
    submission = review_setup["submissions"][0]
    skills, procurement = review_setup["themes"]

    submission_code(actor=reviewer, submission=submission, add=[skills, procurement])
    submission_code(actor=reviewer, submission=submission, remove=[procurement])

    rows = sorted(
        Coding.objects.filter(submission=submission).values_list("theme__name", "removed_at"),
        key=lambda row: row[0],
    )
    assert [(name, removed is not None) for name, removed in rows] == [
        ("Procurement", True),
        ("Skills", False),
    ]
    assert set(Coding.objects.values_list("source", "coded_by")) == {
        (CodingSource.MANUAL, reviewer.pk)
    }


def test_submission_code_refused_when_phase_forbids_coding(review_setup, reviewer):
    ReviewPhaseFactory(call=review_setup["call"], may_code=False)

    with pytest.raises(ValidationError) as caught:
        submission_code(
            actor=reviewer, submission=review_setup["submissions"][0], add=review_setup["themes"]
        )

    assert caught.value.messages == ["Coding is not open in this review phase."]


def test_excerpt_create_from_offsets(review_setup, reviewer):
    review = review_setup["reviews"][0]
    answer = review.submission.answers.get()

    excerpt = excerpt_create(
        actor=reviewer,
        review=review,
        answer=answer,
        start=4,
        end=10,
        quote="bakery",
        theme=review_setup["themes"][0],
    )

    assert (excerpt.number, excerpt.text, excerpt.anchor) == (1, "bakery", "TST0001-E1")


def test_excerpt_create_from_pasted_quote_exact(review_setup, reviewer):
    review = review_setup["reviews"][0]
    answer = review.submission.answers.get()

    excerpt = excerpt_create(actor=reviewer, review=review, answer=answer, quote="six apprentices")

    assert (excerpt.start, excerpt.end, excerpt.text) == (18, 33, "six apprentices")


def test_excerpt_create_from_pasted_quote_whitespace_differs(review_setup, reviewer):
    review = review_setup["reviews"][0]
    answer = review.submission.answers.get()

    excerpt = excerpt_create(
        actor=reviewer, review=review, answer=answer, quote="  six\n   apprentices a\tyear "
    )

    assert excerpt.text == "six apprentices a year"


def test_excerpt_create_offsets_that_disagree_fall_back_to_the_quote(review_setup, reviewer):
    review = review_setup["reviews"][0]
    answer = review.submission.answers.get()

    excerpt = excerpt_create(
        actor=reviewer, review=review, answer=answer, start=0, end=3, quote="flour"
    )

    assert excerpt.text == "flour"


def test_excerpt_create_quote_not_found(review_setup, reviewer):
    review = review_setup["reviews"][0]
    answer = review.submission.answers.get()

    with pytest.raises(ValidationError) as caught:
        excerpt_create(actor=reviewer, review=review, answer=answer, quote="nine apprentices")

    assert caught.value.message_dict == {
        "quote": ["We could not find those words in that answer. Copy them again exactly."]
    }
    assert Excerpt.objects.count() == 0


def test_excerpt_create_refuses_another_responses_answer(review_setup, reviewer):
    review = review_setup["reviews"][0]
    answer = review_setup["other"].answers.get()

    with pytest.raises(ValidationError) as caught:
        excerpt_create(actor=reviewer, review=review, answer=answer, quote="Apprentices")

    assert caught.value.messages == ["That text is not part of this response."]


def test_excerpt_numbers_follow_on_and_remove(review_setup, reviewer):
    review = review_setup["reviews"][0]
    answer = review.submission.answers.get()
    first = excerpt_create(actor=reviewer, review=review, answer=answer, quote="bakery")
    second = excerpt_create(actor=reviewer, review=review, answer=answer, quote="mill")

    excerpt_remove(actor=reviewer, review=review, excerpt=first)

    assert [e.number for e in Excerpt.objects.all()] == [second.number] == [2]


@pytest.mark.parametrize(
    ("text", "quote", "span"),
    [
        ("one two three", "two", (4, 7)),
        ("one  two\nthree", "two three", (5, 14)),
        ("one two", "four", None),
        ("one two", "   ", None),
    ],
)
def test_find_quote(text, quote, span):
    assert find_quote(text, quote) == span
