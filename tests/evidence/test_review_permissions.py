"""Who may open the reviewer's pages: every role, refusals included, and what reviewers see
within a call (assignment, conflicts of interest, the active phase)."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from evidence.enums import AttachmentKind, AttachmentStatus
from evidence.models import Attachment
from levelup.enums import Role
from tests.factories import BodyFactory, RoleGrantFactory, SubmissionFactory, UserFactory
from tests.factories.review import ReviewerConflictFactory, ReviewPhaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_secretariat(db):
    user = UserFactory(name="Otto Other")
    RoleGrantFactory(user=user, role=Role.SECRETARIAT, target=BodyFactory(name="Other body"))
    return user


@pytest.fixture
def people(respondent, reviewer, secretariat, other_secretariat, site_admin, review_setup):
    return {
        "anonymous": None,
        "respondent": respondent,
        "reviewer": reviewer,
        "other_reviewer": review_setup["other_reviewer"],
        "secretariat": secretariat,
        "other_secretariat": other_secretariat,
        "site_admin": site_admin,
    }


@pytest.fixture
def attachment(review_setup, private_uploads):
    attachment = Attachment(
        submission=review_setup["submissions"][0],
        original_name="plan.txt",
        kind=AttachmentKind.TXT,
        size_bytes=5,
        sha256="0" * 64,
        status=AttachmentStatus.EXTRACTED,
        extracted_text="Plan.",
    )
    attachment.file.save("plan.txt", ContentFile(b"Plan."), save=False)
    attachment.save()
    return attachment


def urls(setup, attachment) -> dict[str, str]:
    call = setup["call"]
    submission = setup["submissions"][0]
    kwargs = {"slug": call.slug, "public_id": submission.public_id}
    return {
        "queue": reverse("evidence:review-queue", kwargs={"slug": call.slug}),
        "response": reverse("evidence:review-response", kwargs=kwargs),
        "file": reverse("evidence:review-file", kwargs={**kwargs, "pk": attachment.pk}),
    }


# The call is open (public): people who may see it but not review it get a 403; a response
# the person is not assigned is a 404 even for another reviewer of the call.
EXPECTED = {
    "anonymous": {"queue": 302, "response": 302, "file": 302},
    "respondent": {"queue": 403, "response": 403, "file": 403},
    "reviewer": {"queue": 200, "response": 200, "file": 200},
    "other_reviewer": {"queue": 200, "response": 404, "file": 404},
    "secretariat": {"queue": 403, "response": 403, "file": 403},
    "other_secretariat": {"queue": 403, "response": 403, "file": 403},
    "site_admin": {"queue": 403, "response": 403, "file": 403},
}


@pytest.mark.parametrize("role", list(EXPECTED))
@pytest.mark.parametrize("page", ["queue", "response", "file"])
def test_review_pages_per_role(client, people, review_setup, attachment, role, page):
    if people[role] is not None:
        client.force_login(people[role])

    response = client.get(urls(review_setup, attachment)[page])

    assert response.status_code == EXPECTED[role][page]
    if EXPECTED[role][page] == 302:
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("respondent", 403),
        ("reviewer", 200),
        ("secretariat", 403),
        ("site_admin", 403),
    ],
)
def test_my_reviews_per_role(client, people, role, status):
    client.force_login(people[role])

    response = client.get(reverse("evidence:my-reviews"))

    assert response.status_code == status


def test_my_reviews_anonymous_signs_in_first(client):
    response = client.get(reverse("evidence:my-reviews"))

    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ["respondent", "other_reviewer", "secretariat", "site_admin"])
def test_review_posts_refused(client, people, review_setup, role):
    call = review_setup["call"]
    submission = review_setup["submissions"][0]
    answer = submission.answers.get()
    kwargs = {"slug": call.slug, "public_id": submission.public_id}
    client.force_login(people[role])

    saved = client.post(reverse("evidence:review-response", kwargs=kwargs), {"version": 1})
    quoted = client.post(
        reverse("evidence:review-excerpt-create", kwargs=kwargs),
        {"source": f"answer-{answer.pk}", "quote": "bakery"},
    )

    expected = 404 if role == "other_reviewer" else 403
    assert (saved.status_code, quoted.status_code) == (expected, expected)
    assert submission.excerpts.count() == 0


def test_draft_call_is_404_for_people_outside_it(client, review_setup, other_secretariat):
    call = review_setup["call"]
    call.status = "draft"
    call.save()
    client.force_login(other_secretariat)

    response = client.get(reverse("evidence:review-queue", kwargs={"slug": call.slug}))

    assert response.status_code == 404


def test_conflict_hides_the_response_everywhere(client, review_setup, reviewer, attachment):
    call = review_setup["call"]
    ReviewerConflictFactory(call=call, reviewer=reviewer, organisation_name="  FIRM 1 LTD ")
    client.force_login(reviewer)
    pages = urls(review_setup, attachment)

    queue = client.get(pages["queue"])
    searched = client.get(pages["queue"], {"q": "bakery"})

    assert [r.submission.reference for r in queue.context["reviews"]] == ["TST0002", "TST0003"]
    assert list(searched.context["reviews"]) == []
    assert client.get(pages["response"]).status_code == 404
    assert client.get(pages["file"]).status_code == 404


def test_no_active_phase_closes_review(client, review_setup, reviewer, attachment):
    ReviewPhaseFactory(call=review_setup["call"], is_active=False)
    client.force_login(reviewer)
    pages = urls(review_setup, attachment)

    queue = client.get(pages["queue"])

    assert list(queue.context["reviews"]) == []
    assert "Review of this call is closed at the moment." in queue.content.decode()
    assert client.get(pages["response"]).status_code == 404


def test_respondent_never_sees_reviews(client, review_setup, reviewer):
    submission = review_setup["submissions"][0]
    owner = UserFactory()
    submission.user = owner
    submission.save()
    review = review_setup["reviews"][0]
    review.notes = "Private reviewer note"
    review.save()
    client.force_login(owner)

    mine = client.get(reverse("evidence:my-responses"))
    receipt = client.get(
        reverse("evidence:response-receipt", kwargs={"public_id": submission.public_id})
    )

    for response in (mine, receipt):
        assert "Private reviewer note" not in response.content.decode()
        assert "Your review" not in response.content.decode()


def test_public_sees_nothing_of_review(client, review_setup):
    response = client.get(
        reverse("evidence:call-detail", kwargs={"slug": review_setup["call"].slug})
    )

    assert response.status_code == 200
    assert "TST0001" not in response.content.decode()
    assert reverse("evidence:my-reviews") not in response.content.decode()


def test_submission_for_reviewer_of_another_call_is_404(client, review_setup):
    stranger = SubmissionFactory(submitted=True, number=1, reference="ZZZ0001")
    other_call_reviewer = RoleGrantFactory(role=Role.REVIEWER, target=stranger.call).user
    client.force_login(other_call_reviewer)

    response = client.get(
        reverse(
            "evidence:review-response",
            kwargs={
                "slug": review_setup["call"].slug,
                "public_id": review_setup["submissions"][0].public_id,
            },
        )
    )

    assert response.status_code == 403
