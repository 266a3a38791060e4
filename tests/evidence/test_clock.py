"""A call is never open a second late: every read and write judges the clock, not the
stored status (the beat task that moves the status on may not have run yet)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from evidence.enums import CallStatus, SubmissionStatus
from evidence.models import Submission
from evidence.selectors import calls_closed, calls_open, calls_upcoming
from evidence.services import calls_sync_status
from levelup.models import OutboundEmail
from tests.factories import (
    AnswerFactory,
    CallForEvidenceFactory,
    QuestionFactory,
    SubmissionFactory,
)

pytestmark = pytest.mark.django_db

SECOND = timedelta(seconds=1)


class Clock:
    """What `django.utils.timezone.now()` returns while a test runs."""

    def __init__(self, now):
        self.now = now

    def set(self, moment) -> None:
        self.now = moment


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(timezone.now().replace(microsecond=0))
    monkeypatch.setattr(timezone, "now", lambda: clock.now)
    return clock


@pytest.fixture
def call(clock):
    """Open by its stored status; closes one hour from the test's 'now'."""
    call = CallForEvidenceFactory(
        status=CallStatus.OPEN,
        opens_at=clock.now - timedelta(days=10),
        closes_at=clock.now + timedelta(hours=1),
        reference_prefix="CLK",
        contact_email="clock@example.org",
    )
    QuestionFactory(section__call=call, text="What has worked?", required=True)
    return call


@pytest.fixture
def draft(call, client):
    submission = SubmissionFactory(call=call, user=None, respondent_name="Pat Jones")
    AnswerFactory(submission=submission, question=call.questions.get(), text="Before closing")
    session = client.session
    session["evidence_responses"] = [str(submission.public_id)]
    session.save()
    return submission


def _url(name, submission, **kwargs):
    return reverse(f"evidence:{name}", kwargs={"public_id": submission.public_id, **kwargs})


@pytest.mark.parametrize(
    ("offset", "status"),
    [(-SECOND, CallStatus.OPEN), (timedelta(0), CallStatus.CLOSED), (SECOND, CallStatus.CLOSED)],
)
def test_call_closes_at_its_closing_second(clock, call, offset, status):
    clock.set(call.closes_at + offset)

    assert call.current_status == status
    assert call.is_accepting_responses is (status == CallStatus.OPEN)
    assert (call in calls_open()) is (status == CallStatus.OPEN)
    assert (call in calls_closed()) is (status == CallStatus.CLOSED)
    assert call.status == CallStatus.OPEN


@pytest.mark.parametrize(
    ("offset", "status"),
    [(-SECOND, CallStatus.SCHEDULED), (timedelta(0), CallStatus.OPEN)],
)
def test_call_opens_at_its_opening_second(clock, offset, status):
    opens = clock.now + timedelta(hours=2)
    call = CallForEvidenceFactory(
        status=CallStatus.SCHEDULED, opens_at=opens, closes_at=opens + timedelta(days=7)
    )
    clock.set(opens + offset)

    assert call.current_status == status
    assert (call in calls_upcoming()) is (status == CallStatus.SCHEDULED)
    assert (call in calls_open()) is (status == CallStatus.OPEN)


def test_beat_task_closes_the_call_at_its_closing_second(clock, call):
    clock.set(call.closes_at - SECOND)
    assert calls_sync_status() == 0

    clock.set(call.closes_at)

    assert calls_sync_status() == 1
    call.refresh_from_db()
    assert call.status == CallStatus.CLOSED


def test_call_page_offers_the_form_until_the_closing_second(client, clock, call):
    clock.set(call.closes_at - SECOND)
    before = client.get(call.get_absolute_url()).content.decode()
    clock.set(call.closes_at)

    after = client.get(call.get_absolute_url()).content.decode()

    assert "Respond to this call" in before
    assert "Respond to this call" not in after
    assert "This call has closed and is no longer taking responses." in after
    assert "clock@example.org" in after


def test_start_refused_at_the_closing_second(client, clock, call):
    clock.set(call.closes_at - SECOND)
    before = client.post(reverse("evidence:respond-start", kwargs={"slug": call.slug}))
    clock.set(call.closes_at)

    after = client.post(reverse("evidence:respond-start", kwargs={"slug": call.slug}))

    assert before.status_code == 302
    assert after.status_code == 403
    assert "This call is not taking responses" in after.content.decode()
    assert Submission.objects.filter(call=call).count() == 1


def test_answers_saved_a_second_before_closing(client, clock, call, draft):
    clock.set(call.closes_at - SECOND)
    question = call.questions.get()

    response = client.post(
        _url("response-section", draft, number=1),
        {f"q{question.pk}": "Just in time", "action": "save"},
    )

    assert response.url == _url("response-saved", draft)
    assert draft.answers.get().text == "Just in time"


def test_answers_refused_at_the_closing_second_and_draft_kept(client, clock, call, draft):
    clock.set(call.closes_at)
    question = call.questions.get()

    response = client.post(
        _url("response-section", draft, number=1),
        {f"q{question.pk}": "Too late", "action": "continue"},
    )

    html = response.content.decode()
    assert response.status_code == 403
    assert "This call is not taking responses" in html
    assert "clock@example.org" in html
    assert "Before closing" in html
    assert draft.answers.get().text == "Before closing"


def test_submit_a_second_before_closing_goes_through(client, clock, call, draft):
    clock.set(call.closes_at - SECOND)

    response = client.post(_url("response-check", draft))

    assert response.url == _url("response-receipt", draft)
    draft.refresh_from_db()
    assert (draft.status, draft.reference, draft.submitted_at) == (
        SubmissionStatus.SUBMITTED,
        "CLK0001",
        call.closes_at - SECOND,
    )


def test_submit_refused_at_the_closing_second(client, clock, call, draft):
    clock.set(call.closes_at)

    response = client.post(_url("response-check", draft))

    assert response.status_code == 403
    assert "This call is not taking responses" in response.content.decode()
    draft.refresh_from_db()
    assert (draft.status, draft.reference) == (SubmissionStatus.DRAFT, "")
    assert OutboundEmail.objects.filter(template="evidence/submission_received").count() == 0


def test_continue_link_stops_working_for_changes_when_the_call_closes(clock, call, client):
    clock.set(call.closes_at - timedelta(minutes=5))
    client.post(reverse("evidence:respond-start", kwargs={"slug": call.slug}))
    submission = Submission.objects.get(call=call)
    token = client.session["evidence_tokens"][str(submission.public_id)]
    link = reverse("evidence:continue", kwargs={"token": token})
    AnswerFactory(submission=submission, question=call.questions.get(), text="Kept for later")
    before_client, after_client = type(client)(), type(client)()

    clock.set(call.closes_at - SECOND)
    before = before_client.get(link, follow=True)
    clock.set(call.closes_at)
    after = after_client.get(link, follow=True)
    refused = after_client.post(_url("response-check", submission))

    assert "Send response" in before.content.decode()
    html = after.content.decode()
    # As its email says: the link stops working when the call closes. Nothing is shown.
    assert after.status_code == 410
    assert "This call has closed" in html
    assert "Kept for later" not in html
    assert "Send response" not in html
    assert "<textarea" not in html
    # The link opened nothing in that browser.
    assert refused.status_code == 404
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.DRAFT


def test_withdraw_refused_at_the_closing_second(client, clock, call, respondent):
    sent = SubmissionFactory(call=call, user=respondent, submitted=True)
    client.force_login(respondent)
    clock.set(call.closes_at)

    page = client.get(_url("response-withdraw", sent))
    response = client.post(_url("response-withdraw", sent))

    assert "This call is not taking responses" in page.content.decode()
    assert response.status_code == 403
    sent.refresh_from_db()
    assert sent.status == SubmissionStatus.SUBMITTED
