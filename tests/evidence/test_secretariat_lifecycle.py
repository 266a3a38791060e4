"""A call's whole lifecycle, draft → scheduled → open → closed → analysing → published →
archived: opening and closing by the clock (the beat task, and the read path before the task
has run), every other step by hand after a confirmation page, and every change audited."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from evidence.enums import CallStatus
from evidence.models import CallForEvidence
from evidence.services import calls_sync_status
from evidence.tasks import calls_sync_status_task
from levelup.models import AuditEntry
from tests.factories import CallForEvidenceFactory, QuestionFactory
from tests.factories.publishing import FindingFactory

pytestmark = pytest.mark.django_db

SECOND = timedelta(seconds=1)


class Clock:
    def __init__(self, now):
        self.now = now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(timezone.now().replace(microsecond=0))
    monkeypatch.setattr(timezone, "now", lambda: clock.now)
    return clock


def _transition_url(call):
    return reverse("evidence:manage-call-transition", kwargs={"slug": call.slug})


def _by_hand(client, call, to: str) -> str:
    """Open the confirmation page for a step, then confirm it; return the page's text."""
    confirm = client.get(_transition_url(call), {"to": to})
    assert confirm.status_code == 200
    response = client.post(_transition_url(call), {"to": to})
    assert response["Location"] == reverse("evidence:manage-call", kwargs={"slug": call.slug})
    return confirm.content.decode()


def _status_trail(call):
    return [
        (entry.action, entry.actor_id, entry.changes)
        for entry in AuditEntry.objects.filter(
            object_id=str(call.pk),
            action__in=[
                "evidence.call.transition",
                "evidence.call.clock",
                "evidence.call.report_publish",
            ],
        ).order_by("id")
    ]


def test_whole_lifecycle_by_hand_and_by_the_clock_is_audited(client, clock, secretariat, body):
    call = CallForEvidenceFactory(
        body=body, opens_at=clock.now + timedelta(hours=1), closes_at=clock.now + timedelta(days=7)
    )
    QuestionFactory(section__call=call)
    client.force_login(secretariat)

    schedule_page = _by_hand(client, call, "scheduled")
    clock.now = call.opens_at - SECOND
    assert calls_sync_status_task.run() == 0
    clock.now = call.opens_at
    opened = calls_sync_status_task.run()
    clock.now = call.closes_at - SECOND
    assert calls_sync_status_task.run() == 0
    clock.now = call.closes_at
    closed = calls_sync_status_task.run()
    analyse_page = _by_hand(client, call, "analysing")
    FindingFactory(call=call)
    publish = client.post(reverse("evidence:manage-report-publish", kwargs={"slug": call.slug}))
    assert publish["Location"] == call.get_absolute_url()
    _by_hand(client, call, "archived")

    call.refresh_from_db()
    assert (opened, closed, call.status) == (1, 1, CallStatus.ARCHIVED)
    assert "<h1>Move the call to scheduled?</h1>" in schedule_page
    assert "It opens by itself at its opening time" in schedule_page
    assert "<h1>Move the call to analysing?</h1>" in analyse_page
    assert _status_trail(call) == [
        ("evidence.call.transition", secretariat.pk, {"status": ["draft", "scheduled"]}),
        ("evidence.call.clock", None, {"status": ["scheduled", "open"]}),
        ("evidence.call.clock", None, {"status": ["open", "closed"]}),
        ("evidence.call.transition", secretariat.pk, {"status": ["closed", "analysing"]}),
        (
            "evidence.call.report_publish",
            secretariat.pk,
            {"status": ["analysing", "published"], "notified": 0},
        ),
        ("evidence.call.transition", secretariat.pk, {"status": ["published", "archived"]}),
    ]


def test_confirmation_page_changes_nothing(client, secretariat, body):
    call = CallForEvidenceFactory(body=body, closed=True)
    client.force_login(secretariat)

    page = client.get(_transition_url(call), {"to": "analysing"})

    call.refresh_from_db()
    assert 'name="to" value="analysing"' in page.content.decode()
    assert call.status == CallStatus.CLOSED
    assert _status_trail(call) == []


def test_unschedule_takes_the_call_back_to_draft_and_is_audited(client, clock, secretariat, body):
    call = CallForEvidenceFactory(
        body=body,
        status=CallStatus.SCHEDULED,
        opens_at=clock.now + timedelta(days=1),
        closes_at=clock.now + timedelta(days=8),
    )
    client.force_login(secretariat)

    _by_hand(client, call, "draft")

    call.refresh_from_db()
    assert call.status == CallStatus.DRAFT
    assert _status_trail(call) == [
        ("evidence.call.transition", secretariat.pk, {"status": ["scheduled", "draft"]})
    ]


def test_read_path_opens_and_closes_before_the_beat_task_runs(client, clock, secretariat, body):
    call = CallForEvidenceFactory(
        body=body,
        status=CallStatus.SCHEDULED,
        opens_at=clock.now + timedelta(hours=1),
        closes_at=clock.now + timedelta(hours=2),
    )
    client.force_login(secretariat)
    dashboard = reverse("evidence:manage-call", kwargs={"slug": call.slug})

    clock.now = call.opens_at - SECOND
    before = client.get(dashboard).context["call"].current_status
    clock.now = call.opens_at
    at_opening = client.get(dashboard).context["call"].current_status
    clock.now = call.closes_at
    at_closing = client.get(dashboard)

    assert (before, at_opening) == (CallStatus.SCHEDULED, CallStatus.OPEN)
    assert at_closing.context["call"].current_status == CallStatus.CLOSED
    # Closed by the clock: the next step by hand is offered at once.
    assert at_closing.context["transitions"] == [(CallStatus.ANALYSING, "Analysing")]
    assert CallForEvidence.objects.get(pk=call.pk).status == CallStatus.SCHEDULED


def test_a_scheduled_call_the_clock_has_opened_cannot_go_back_to_draft(
    client, clock, secretariat, body
):
    call = CallForEvidenceFactory(
        body=body,
        status=CallStatus.SCHEDULED,
        opens_at=clock.now - SECOND,
        closes_at=clock.now + timedelta(days=1),
    )
    client.force_login(secretariat)

    response = client.post(_transition_url(call), {"to": "draft"})

    call.refresh_from_db()
    assert response.status_code == 404
    assert call.status == CallStatus.SCHEDULED
    assert _status_trail(call) == []


def test_schedule_refused_when_closing_time_passed_is_explained(client, clock, secretariat, body):
    call = CallForEvidenceFactory(
        body=body, opens_at=clock.now - timedelta(days=2), closes_at=clock.now - SECOND
    )
    QuestionFactory(section__call=call)
    client.force_login(secretariat)

    response = client.post(_transition_url(call), {"to": "scheduled"}, follow=True)

    call.refresh_from_db()
    assert call.status == CallStatus.DRAFT
    assert "The closing time has passed; set a later one first." in response.content.decode()
    assert _status_trail(call) == []


def test_beat_task_run_twice_changes_and_audits_once(clock, body):
    call = CallForEvidenceFactory(
        body=body,
        status=CallStatus.SCHEDULED,
        opens_at=clock.now - SECOND,
        closes_at=clock.now + timedelta(days=1),
    )

    first, second = calls_sync_status(), calls_sync_status()

    assert (first, second) == (1, 0)
    assert _status_trail(call) == [("evidence.call.clock", None, {"status": ["scheduled", "open"]})]
