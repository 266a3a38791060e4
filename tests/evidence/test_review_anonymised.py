"""Anonymised review: reviewers never see who responded, anywhere they can look.

Each test first gives a response identifying data (name, email, organisation, a file named
after the organisation), then looks for it in everything a reviewer can get.
"""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from evidence.enums import AttachmentKind, AttachmentStatus
from evidence.models import Attachment
from tests.factories.review import ReviewPhaseFactory

pytestmark = pytest.mark.django_db

SECRETS = ["Zebedee", "Quixworth", "zq@quixworth.example"]


@pytest.fixture
def identified(review_setup, private_uploads):
    submission = review_setup["submissions"][0]
    submission.respondent_name = "Zebedee Quixworth"
    submission.respondent_email = "zq@quixworth.example"
    submission.organisation_name = "Quixworth Holdings"
    submission.save()
    attachment = Attachment(
        submission=submission,
        original_name="Quixworth strategy.txt",
        kind=AttachmentKind.TXT,
        size_bytes=20,
        sha256="0" * 64,
        status=AttachmentStatus.EXTRACTED,
        extracted_text="A plan for the high street.",
    )
    attachment.file.save("strategy.txt", ContentFile(b"A plan for the high street."), save=False)
    attachment.save()
    return submission, attachment


def everything_a_reviewer_gets(client, call, submission, attachment) -> list[str]:
    queue = reverse("evidence:review-queue", kwargs={"slug": call.slug})
    kwargs = {"slug": call.slug, "public_id": submission.public_id}
    download = client.get(reverse("evidence:review-file", kwargs={**kwargs, "pk": attachment.pk}))

    def searched(term: str) -> str:
        # The search box shows back what the reviewer typed; that is theirs, not a leak.
        page = client.get(queue, {"q": term}).content.decode()
        return page.replace(f'value="{term}"', "")

    return [
        client.get(reverse("evidence:my-reviews")).content.decode(),
        client.get(queue).content.decode(),
        searched("Quixworth"),
        searched("Zebedee Quixworth"),
        client.get(queue, {"q": "high street"}).content.decode(),
        client.get(reverse("evidence:review-response", kwargs=kwargs)).content.decode(),
        str(download.headers),
    ]


@pytest.mark.parametrize("how", ["call", "phase"])
def test_anonymised_review_shows_no_identity_anywhere(
    client, review_setup, reviewer, identified, how
):
    call = review_setup["call"]
    if how == "call":
        call.anonymised_review = True
        call.save()
    else:
        ReviewPhaseFactory(call=call, may_see_identity=False)
    submission, attachment = identified
    client.force_login(reviewer)

    pages = everything_a_reviewer_gets(client, call, submission, attachment)

    for page in pages:
        for secret in SECRETS:
            assert secret not in page
    assert 'filename="TST0001-attachment-1.txt"' in pages[-1]


def test_anonymised_search_by_name_finds_nothing(client, review_setup, reviewer, identified):
    call = review_setup["call"]
    call.anonymised_review = True
    call.save()
    client.force_login(reviewer)

    response = client.get(
        reverse("evidence:review-queue", kwargs={"slug": call.slug}), {"q": "Quixworth"}
    )

    assert list(response.context["reviews"]) == []


def test_named_review_shows_identity(client, review_setup, reviewer, identified):
    call = review_setup["call"]
    submission, attachment = identified
    client.force_login(reviewer)

    pages = everything_a_reviewer_gets(client, call, submission, attachment)

    assert "Quixworth Holdings" in pages[5]
    assert "Quixworth strategy.txt" in pages[-1]


def test_secretariat_still_sees_everything(client, review_setup, secretariat, identified):
    call = review_setup["call"]
    call.anonymised_review = True
    call.save()
    submission, _attachment = identified
    client.force_login(secretariat)

    listed = client.get(
        reverse("evidence:manage-submissions", kwargs={"slug": call.slug}), {"q": "Quixworth"}
    )
    detail = client.get(
        reverse(
            "evidence:manage-submission",
            kwargs={"slug": call.slug, "public_id": submission.public_id},
        )
    )

    assert [s.reference for s in listed.context["submissions"]] == ["TST0001"]
    for secret in SECRETS:
        assert secret in detail.content.decode()
