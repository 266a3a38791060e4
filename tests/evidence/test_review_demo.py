"""The demo's closed call is under review: the demo reviewer lands on a queue."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from evidence.demo import _demo_review_work
from evidence.enums import CodingSource, SuggestionStatus
from evidence.models import CallForEvidence, CampaignGroup, Coding, Excerpt, Review, ThemeSuggestion
from levelup.demo import demo_user

pytestmark = pytest.mark.django_db


def test_demo_review_work_is_shown_and_idempotent(client):
    with open("/dev/null", "w") as sink:
        call_command("load_demo", stdout=sink)
    call = CallForEvidence.objects.get(slug="role-of-business-in-place-based-regeneration")

    counts = (
        Review.objects.filter(call=call).count(),
        Excerpt.objects.filter(call=call).count(),
        Coding.objects.filter(call=call).count(),
        ThemeSuggestion.objects.filter(call=call).count(),
        CampaignGroup.objects.filter(call=call).count(),
    )
    _demo_review_work()

    assert counts == (
        Review.objects.filter(call=call).count(),
        Excerpt.objects.filter(call=call).count(),
        Coding.objects.filter(call=call).count(),
        ThemeSuggestion.objects.filter(call=call).count(),
        CampaignGroup.objects.filter(call=call).count(),
    )
    group = CampaignGroup.objects.get(call=call)
    assert group.size == 6
    assert Excerpt.objects.filter(call=call).count() >= 10
    sources = set(Coding.objects.filter(call=call).values_list("source", flat=True))
    assert sources == {CodingSource.MANUAL, CodingSource.CAMPAIGN, CodingSource.SUGGESTION}
    statuses = set(ThemeSuggestion.objects.filter(call=call).values_list("status", flat=True))
    assert {SuggestionStatus.ACCEPTED, SuggestionStatus.REJECTED} <= statuses

    client.force_login(demo_user("reviewer"))
    mine = client.get(reverse("evidence:my-reviews"))
    queue = client.get(reverse("evidence:review-queue", kwargs={"slug": call.slug}))
    assert mine.status_code == 200
    assert queue.status_code == 200
    # The set-up's automatic assignment gives the demo reviewer their share of the 61 sent
    # responses (two or three reviewers each, minus a declared conflict).
    assigned = Review.objects.filter(
        call=call, reviewer=demo_user("reviewer"), submission__status="submitted"
    ).count()
    assert 20 <= assigned < 61
    assert queue.context["page_obj"].paginator.count == assigned
    client.force_login(demo_user("secretariat"))
    progress = client.get(reverse("evidence:manage-review-progress", kwargs={"slug": call.slug}))
    assert "Agreement as of" in progress.content.decode()
    assert progress.context["agreement_criteria"]
