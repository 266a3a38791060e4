"""The demo shows following up: responses, updates, an overdue response, the public tracker."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from evidence.models import CallForEvidence, ImplementationUpdate, RecommendationFollowUp
from evidence.selectors.followup import recommendations_overdue

pytestmark = pytest.mark.django_db


def _load():
    call_command("load_demo", stdout=io.StringIO())


def test_demo_follows_up_recommendations_with_an_overdue_one(client):
    _load()
    counts = (RecommendationFollowUp.objects.count(), ImplementationUpdate.objects.count())
    _load()

    call = CallForEvidence.objects.get(slug="business-rates-and-the-high-street")
    followups = RecommendationFollowUp.objects.filter(recommendation__call=call)
    overdue = list(recommendations_overdue(call=call))
    tracker = client.get(reverse("evidence:call-tracker", kwargs={"slug": call.slug}))

    assert (RecommendationFollowUp.objects.count(), ImplementationUpdate.objects.count()) == counts
    assert followups.exclude(response="").count() >= 3
    assert ImplementationUpdate.objects.count() >= 4
    assert len(overdue) >= 1
    assert tracker.status_code == 200
    assert "Partly accepted" in tracker.content.decode()
    assert "What has happened since" in tracker.content.decode()
