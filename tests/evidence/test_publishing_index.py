"""The public evidence index read by reference number: pages either side, the last page,
the count, and the copy of the moderation decision that serves its partial index."""

import pytest
from django.urls import reverse

from evidence.enums import ModerationState, PublicationPreference
from evidence.models import Moderation, Submission
from evidence.selectors import publishing
from evidence.services.search import submission_search_refresh
from tests.evidence.publishing_helpers import publishing_world
from tests.factories import AnswerFactory, SubmissionFactory
from tests.factories.publishing import ModerationFactory

pytestmark = pytest.mark.django_db


def _published(call, n):
    """`n` more published responses, in reference order."""
    made = []
    for _ in range(n):
        submission = SubmissionFactory(
            call=call, submitted=True, publication_preference=PublicationPreference.NAMED
        )
        AnswerFactory(submission=submission, text="Open the market hall on Sundays.")
        ModerationFactory(submission=submission)
        made.append(submission)
    return made


@pytest.fixture
def small_pages(monkeypatch):
    from evidence.views import report

    monkeypatch.setattr(report, "EVIDENCE_PAGE_SIZE", 2)


def test_index_pages_by_reference_number_forwards_backwards_and_last(client, small_pages):
    world = publishing_world()
    extra = _published(world.call, 2)
    everyone = [world.named, world.anonymous, world.redacted, *extra]
    url = reverse("evidence:evidence-index", kwargs={"slug": world.call.slug})

    first = client.get(url)
    second = client.get(url, {"after": first.context["page"].older})
    last = client.get(url, {"page": "last"})
    back = client.get(url, {"before": last.context["page"].newer})

    assert list(first.context["submissions"]) == everyone[0:2]
    assert list(second.context["submissions"]) == everyone[2:4]
    assert list(last.context["submissions"]) == everyone[3:5]
    assert list(back.context["submissions"]) == everyone[1:3]
    assert first.context["page"].count == 5
    html = first.content.decode()
    assert f"after={everyone[1].number}" in html
    assert "page=last" in html
    assert "Previous" not in html
    assert "5 responses" in html


def test_index_page_key_that_is_not_a_number_means_the_first_page(client, small_pages):
    world = publishing_world()
    url = reverse("evidence:evidence-index", kwargs={"slug": world.call.slug})

    response = client.get(url, {"after": "1; DROP TABLE", "page": "2000"})

    assert list(response.context["submissions"]) == [world.named, world.anonymous]


def test_search_count_above_its_limit_says_more_than(client, monkeypatch):
    monkeypatch.setattr(publishing, "SEARCH_COUNT_LIMIT", 2)
    world = publishing_world()
    extra = _published(world.call, 3)
    submission_search_refresh(submission_ids=[s.pk for s in extra])
    url = reverse("evidence:evidence-index", kwargs={"slug": world.call.slug})

    response = client.get(url, {"q": "market hall"})

    page = response.context["page"]
    assert (page.count, page.count_is_lower_bound) == (2, True)
    assert "More than 2 responses" in response.content.decode()


@pytest.mark.parametrize("rows", [1, 3])
def test_deep_index_page_queries_constant(client, rows, django_assert_num_queries):
    world = publishing_world()
    _published(world.call, rows)
    url = reverse("evidence:evidence-index", kwargs={"slug": world.call.slug})

    with django_assert_num_queries(4):
        response = client.get(url, {"after": world.named.number})

    assert len(response.context["submissions"]) == rows + 2


def test_moderation_decision_is_copied_to_the_response():
    world = publishing_world()
    moderation = world.named.moderation

    approved = Submission.objects.get(pk=world.named.pk).moderation_approved
    moderation.state, moderation.reason = ModerationState.WITHHELD, "Names a neighbour."
    moderation.save()
    withheld = Submission.objects.get(pk=world.named.pk).moderation_approved
    moderation.state = ModerationState.APPROVED_REDACTED
    moderation.save()
    redacted = Submission.objects.get(pk=world.named.pk).moderation_approved
    moderation.delete()
    deleted = Submission.objects.get(pk=world.named.pk).moderation_approved

    assert (approved, withheld, redacted, deleted) == (True, False, True, False)
    assert Submission.objects.get(pk=world.unmoderated.pk).moderation_approved is False


def test_a_stale_copy_never_publishes_a_withheld_response(client):
    world = publishing_world()
    # As if a bulk write had skipped Moderation.save(): the copy says approved.
    Submission.objects.filter(pk=world.withheld.pk).update(moderation_approved=True)
    assert Moderation.objects.get(submission=world.withheld).state == ModerationState.WITHHELD
    slug = world.call.slug

    index = client.get(reverse("evidence:evidence-index", kwargs={"slug": slug}))
    page = client.get(
        reverse(
            "evidence:evidence-detail",
            kwargs={"slug": slug, "reference": world.withheld.reference},
        )
    )

    assert world.withheld not in index.context["submissions"]
    assert page.status_code == 404
