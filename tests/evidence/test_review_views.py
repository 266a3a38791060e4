"""The reviewer's pages: queue with search and filters, a response with the review form."""

from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from evidence.enums import AttachmentKind, AttachmentStatus, OthersScoresVisibility, ReviewState
from evidence.models import Attachment, Coding, Excerpt, Review
from evidence.services.search import submission_search_refresh
from levelup.enums import Role
from tests.factories import CallForEvidenceFactory, RoleGrantFactory, SubmissionFactory
from tests.factories.review import ReviewFactory, ReviewPhaseFactory

pytestmark = pytest.mark.django_db


def queue_url(call) -> str:
    return reverse("evidence:review-queue", kwargs={"slug": call.slug})


def response_url(call, submission) -> str:
    return reverse(
        "evidence:review-response", kwargs={"slug": call.slug, "public_id": submission.public_id}
    )


def test_my_reviews_lists_calls_with_progress(client, review_setup, reviewer):
    client.force_login(reviewer)

    response = client.get(reverse("evidence:my-reviews"))

    assert [c.title for c in response.context["calls"]] == [review_setup["call"].title]
    assert "0 of 3 responses reviewed" in response.content.decode()


@pytest.mark.parametrize("calls", [1, 3])
def test_my_reviews_counts_in_constant_queries(
    client, call, reviewer, django_assert_num_queries, calls
):
    others = [CallForEvidenceFactory(open=True) for _ in range(calls - 1)]
    for other in others:
        RoleGrantFactory(user=reviewer, role=Role.REVIEWER, target=other)
    for each in [call, *others]:
        ReviewFactory.create_batch(2, call=each, reviewer=reviewer)
        ReviewFactory(
            call=each, reviewer=reviewer, state=ReviewState.REVIEWED, reviewed_at=timezone.now()
        )
        ReviewFactory(
            call=each,
            reviewer=reviewer,
            submission__status="withdrawn",
            submission__withdrawn_at=timezone.now(),
        )
        ReviewFactory(call=each)  # someone else's review is not counted
    client.force_login(reviewer)
    url = reverse("evidence:my-reviews")
    client.get(url)

    # session, user, grants, the calls with both counts
    with django_assert_num_queries(4):
        response = client.get(url)

    counts = [(c.assigned_count, c.done_count) for c in response.context["calls"]]
    assert counts == [(3, 1)] * calls
    assert response.content.decode().count("1 of 3 responses reviewed") == calls


def test_queue_lists_only_assigned_responses(client, review_setup, reviewer):
    client.force_login(reviewer)

    response = client.get(queue_url(review_setup["call"]))

    assert [r.submission.reference for r in response.context["reviews"]] == [
        "TST0001",
        "TST0002",
        "TST0003",
    ]


def test_queue_search_with_snippets(client, review_setup, reviewer):
    client.force_login(reviewer)

    response = client.get(queue_url(review_setup["call"]), {"q": "apprentice"})

    assert [r.submission.reference for r in response.context["reviews"]] == ["TST0001"]
    assert "six <mark>apprentices</mark> a year" in response.content.decode()


def test_queue_filters_state_and_theme(client, review_setup, reviewer):
    reviews = review_setup["reviews"]
    Review.objects.filter(pk=reviews[1].pk).update(state=ReviewState.IN_PROGRESS)
    Coding.objects.create(
        call=review_setup["call"], submission=reviews[2].submission, theme=review_setup["themes"][1]
    )
    client.force_login(reviewer)

    by_state = client.get(queue_url(review_setup["call"]), {"state": "in_progress"})
    by_theme = client.get(queue_url(review_setup["call"]), {"theme": review_setup["themes"][1].pk})

    assert [r.submission.reference for r in by_state.context["reviews"]] == ["TST0002"]
    assert [r.submission.reference for r in by_theme.context["reviews"]] == ["TST0003"]


def test_queue_sort_newest_first(client, review_setup, reviewer):
    client.force_login(reviewer)

    response = client.get(queue_url(review_setup["call"]), {"sort": "-reference"})

    assert [r.submission.reference for r in response.context["reviews"]] == [
        "TST0003",
        "TST0002",
        "TST0001",
    ]


@pytest.mark.parametrize("rows", [1, 3])
def test_queue_query_count_is_constant(
    client, review_setup, reviewer, django_assert_num_queries, rows
):
    Review.objects.filter(pk__in=[r.pk for r in review_setup["reviews"][rows:]]).delete()
    client.force_login(reviewer)
    url = queue_url(review_setup["call"])
    client.get(url)

    # session, user, grants, call, phases, the code frame (read once for the filters and the
    # bulk form), places, questions, campaign groups, count, the page's ids, the page's rows
    with django_assert_num_queries(12):
        client.get(url)


@pytest.mark.parametrize("rows", [1, 3])
def test_queue_search_query_count_is_constant(
    client, review_setup, reviewer, django_assert_num_queries, rows
):
    for review in review_setup["reviews"]:
        review.submission.answers.update(text=review.submission.answers.get().text + " town")
    submission_search_refresh(submission_ids=[r.submission_id for r in review_setup["reviews"]])
    Review.objects.filter(pk__in=[r.pk for r in review_setup["reviews"][rows:]]).delete()
    client.force_login(reviewer)
    url = queue_url(review_setup["call"])

    # The same as the list, and one query for the page's snippets.
    with django_assert_num_queries(13):
        response = client.get(url, {"q": "town"})
    assert len(response.context["reviews"]) == rows


def test_response_page_shows_answer_form_and_neighbours_keeping_filters(
    client, review_setup, reviewer
):
    call = review_setup["call"]
    client.force_login(reviewer)

    response = client.get(
        response_url(call, review_setup["submissions"][1]), {"sort": "-reference"}
    )

    body = response.content.decode()
    assert "publish its procurement pipeline" in body
    assert response.context["position"] == 2
    assert response.context["previous_url"] == (
        response_url(call, review_setup["submissions"][2]) + "?sort=-reference"
    )
    assert response.context["next_url"] == (
        response_url(call, review_setup["submissions"][0]) + "?sort=-reference"
    )
    assert "4 – Strong" in body
    assert "Relevance" in body


@pytest.mark.parametrize("rows", [1, 3])
def test_response_page_query_count(client, review_setup, reviewer, django_assert_num_queries, rows):
    Review.objects.filter(pk__in=[r.pk for r in review_setup["reviews"][rows:]]).delete()
    client.force_login(reviewer)
    url = response_url(review_setup["call"], review_setup["submissions"][0])
    client.get(url)

    # The code frame is read once for both forms, the rubric with this review's scores, the
    # neighbours with their place in the queue in one query.
    with django_assert_num_queries(14):
        response = client.get(url)

    assert response.context["queue_length"] == rows


@pytest.mark.parametrize("others", [1, 3])
def test_response_page_query_count_with_other_reviewers_totals(
    client, review_setup, reviewer, django_assert_num_queries, others
):
    call, submission = review_setup["call"], review_setup["submissions"][0]
    ReviewPhaseFactory(call=call, is_active=True, others_scores=OthersScoresVisibility.ALWAYS)
    for n in range(others):
        ReviewFactory(
            submission=submission,
            reviewer=RoleGrantFactory(role=Role.REVIEWER, target=call).user,
            state=ReviewState.REVIEWED,
            reviewed_at=timezone.now(),
            total=Decimal("2.50") + n,
        )
    client.force_login(reviewer)
    url = response_url(call, submission)
    client.get(url)

    # The same as without them, and one query for the other reviews' states and totals.
    with django_assert_num_queries(15):
        response = client.get(url)

    assert [other.total for other in response.context["page"].others] == [
        Decimal("2.50") + n for n in range(others)
    ]
    assert "Reviewer 1 (Reviewed)" in response.content.decode()


def review_post(setup, *, version=1, action="save", **extra) -> dict:
    first, second = setup["criteria"]
    return {
        "version": version,
        f"score_{first.pk}": "4",
        f"score_{second.pk}": "3",
        "confidence": "3",
        "themes": [setup["themes"][0].pk],
        "themes_before": "",
        "notes": "Concrete example.",
        "flags": ["personal_data"],
        "action": action,
        **extra,
    }


def test_response_post_saves_review_and_codes(client, review_setup, reviewer):
    call = review_setup["call"]
    submission = review_setup["submissions"][0]
    client.force_login(reviewer)

    response = client.post(response_url(call, submission), review_post(review_setup))

    assert response.status_code == 302
    review = Review.objects.get(submission=submission, reviewer=reviewer)
    assert (review.state, str(review.total), review.flags, review.version) == (
        ReviewState.IN_PROGRESS,
        "3.50",
        ["personal_data"],
        2,
    )
    assert list(
        Coding.objects.filter(submission=submission, removed_at__isnull=True).values_list(
            "theme__name", flat=True
        )
    ) == ["Skills"]


def test_response_post_reviewed_next_goes_to_the_next_response(client, review_setup, reviewer):
    call = review_setup["call"]
    client.force_login(reviewer)

    response = client.post(
        response_url(call, review_setup["submissions"][0]),
        review_post(review_setup, action="reviewed_next"),
    )

    assert response["Location"] == response_url(call, review_setup["submissions"][1])
    assert Review.objects.get(pk=review_setup["reviews"][0].pk).state == ReviewState.REVIEWED


def test_response_post_stale_shows_both_versions(client, review_setup, reviewer):
    call = review_setup["call"]
    submission = review_setup["submissions"][0]
    client.force_login(reviewer)
    client.post(response_url(call, submission), review_post(review_setup, notes="First tab"))

    response = client.post(
        response_url(call, submission), review_post(review_setup, notes="Second tab")
    )

    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone saved this review while you were editing it." in body
    assert "First tab" in body
    assert "Second tab" in body
    assert Review.objects.get(pk=review_setup["reviews"][0].pk).notes == "First tab"


def test_response_post_same_twice_is_harmless(client, review_setup, reviewer):
    call = review_setup["call"]
    submission = review_setup["submissions"][0]
    client.force_login(reviewer)

    first = client.post(response_url(call, submission), review_post(review_setup))
    second = client.post(response_url(call, submission), review_post(review_setup))

    assert (first.status_code, second.status_code) == (302, 302)
    assert Review.objects.get(pk=review_setup["reviews"][0].pk).version == 2


def test_excerpt_by_pasting_without_javascript(client, review_setup, reviewer):
    call = review_setup["call"]
    submission = review_setup["submissions"][0]
    answer = submission.answers.get()
    client.force_login(reviewer)

    response = client.post(
        reverse(
            "evidence:review-excerpt-create",
            kwargs={"slug": call.slug, "public_id": submission.public_id},
        ),
        {
            "source": f"answer-{answer.pk}",
            "quote": "buys flour",
            "theme": review_setup["themes"][1].pk,
        },
    )

    assert response.status_code == 302
    assert response["Location"].endswith("#excerpt-1")
    excerpt = Excerpt.objects.get()
    assert (excerpt.text, excerpt.theme.name, excerpt.start) == ("buys flour", "Procurement", 45)


def test_excerpt_not_found_says_so(client, review_setup, reviewer):
    call = review_setup["call"]
    submission = review_setup["submissions"][0]
    answer = submission.answers.get()
    client.force_login(reviewer)

    response = client.post(
        reverse(
            "evidence:review-excerpt-create",
            kwargs={"slug": call.slug, "public_id": submission.public_id},
        ),
        {"source": f"answer-{answer.pk}", "quote": "sells bread"},
    )

    assert response.status_code == 200
    assert "We could not find those words in that answer." in response.content.decode()
    assert Excerpt.objects.count() == 0


def test_attachment_download_by_reviewer(client, review_setup, reviewer, private_uploads):
    submission = review_setup["submissions"][0]
    attachment = Attachment(
        submission=submission,
        original_name="Firm 1 plan.txt",
        kind=AttachmentKind.TXT,
        size_bytes=5,
        sha256="0" * 64,
        status=AttachmentStatus.EXTRACTED,
        extracted_text="Plan.",
    )
    attachment.file.save("plan.txt", ContentFile(b"Plan."), save=False)
    attachment.save()
    client.force_login(reviewer)

    response = client.get(
        reverse(
            "evidence:review-file",
            kwargs={
                "slug": review_setup["call"].slug,
                "public_id": submission.public_id,
                "pk": attachment.pk,
            },
        )
    )

    assert b"".join(response.streaming_content) == b"Plan."
    assert "Firm 1 plan.txt" in response["Content-Disposition"]


def test_unassigned_response_is_404(client, review_setup, reviewer):
    client.force_login(reviewer)

    response = client.get(response_url(review_setup["call"], review_setup["other"]))

    assert response.status_code == 404


def test_withdrawn_response_leaves_the_queue(client, review_setup, reviewer):
    withdrawn = SubmissionFactory(call=review_setup["call"], submitted=True, number=20)
    withdrawn.status, withdrawn.withdrawn_at = "withdrawn", withdrawn.submitted_at
    withdrawn.save()
    ReviewFactory(submission=withdrawn, reviewer=reviewer)
    client.force_login(reviewer)

    response = client.get(queue_url(review_setup["call"]))

    assert withdrawn.reference not in [r.submission.reference for r in response.context["reviews"]]
