"""Pages with personal data tell browsers and proxies not to keep a copy."""

import pytest
from django.urls import reverse

from tests.factories import QuestionFactory, SectionFactory, SubmissionFactory

pytestmark = pytest.mark.django_db

NO_STORE = "max-age=0, no-cache, no-store, must-revalidate, private"


@pytest.fixture
def draft(client, call):
    QuestionFactory(section=SectionFactory(call=call), text="What has worked?")
    submission = SubmissionFactory(call=call, user=None, respondent_name="Pat Jones")
    session = client.session
    session["evidence_responses"] = [str(submission.public_id)]
    session.save()
    return submission


@pytest.mark.parametrize(
    ("name", "extra"),
    [("response-details", {}), ("response-section", {"number": 1}), ("response-check", {})],
)
def test_respondents_draft_pages_are_never_stored(client, draft, name, extra):
    response = client.get(
        reverse(f"evidence:{name}", kwargs={"public_id": draft.public_id, **extra})
    )

    assert response.status_code == 200
    assert response["Cache-Control"] == NO_STORE


def test_receipt_is_never_stored(client, call):
    sent = SubmissionFactory(call=call, user=None, submitted=True)
    session = client.session
    session["evidence_responses"] = [str(sent.public_id)]
    session.save()

    response = client.get(
        reverse("evidence:response-receipt", kwargs={"public_id": sent.public_id})
    )

    assert response.status_code == 200
    assert response["Cache-Control"] == NO_STORE


def test_my_responses_is_never_stored(client, respondent):
    client.force_login(respondent)

    response = client.get(reverse("evidence:my-responses"))

    assert response.status_code == 200
    assert response["Cache-Control"] == NO_STORE


def test_secretariat_response_list_and_detail_are_never_stored(client, secretariat, call):
    submission = SubmissionFactory(call=call, submitted=True, respondent_name="Pat Jones")
    client.force_login(secretariat)

    pages = [
        client.get(reverse("evidence:manage-submissions", kwargs={"slug": call.slug})),
        client.get(
            reverse(
                "evidence:manage-submission",
                kwargs={"slug": call.slug, "public_id": submission.public_id},
            )
        ),
    ]

    assert [page.status_code for page in pages] == [200, 200]
    assert [page["Cache-Control"] for page in pages] == [NO_STORE, NO_STORE]


def test_public_call_list_may_be_cached(client, call):
    response = client.get(reverse("evidence:call-list"))

    assert "no-store" not in response.get("Cache-Control", "")
