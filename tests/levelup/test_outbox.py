"""The outbox against a real SMTP server (aiosmtpd) on loopback, and a real Celery worker."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from levelup.enums import EmailStatus
from levelup.models import OutboundEmail
from levelup.outbox import outbound_email_send, outbox_due_ids, outbox_queue, retry_delay
from levelup.tasks import outbox_retry_due_task
from tests.factories import OutboundEmailFactory


def _wait_for(predicate, timeout: float = 20.0):
    """Poll until the predicate holds; the worker runs in another thread."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


@pytest.mark.django_db
def test_outbox_queue_renders_and_sends_after_commit(
    django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks() as callbacks:
        email = outbox_queue(
            template="accounts/password_reset",
            to=["ann@example.org"],
            context={
                "user": {"name": "Ann"},
                "protocol": "https",
                "domain": "x.test",
                "uid": "MQ",
                "token": "tok",
            },
        )

    assert len(callbacks) == 1
    assert email.status == EmailStatus.QUEUED
    assert email.subject == "Reset your LevelUp password"
    assert "Dear Ann," in email.body_text
    assert "https://x.test/accounts/password-reset/MQ/tok/" in email.body_text
    assert mailoutbox == []


@pytest.mark.django_db
def test_outbox_queue_rolled_back_sends_nothing(django_capture_on_commit_callbacks):
    from django.db import transaction

    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        outbox_queue(
            template="accounts/password_reset",
            to=["a@example.org"],
            context={"user": {"name": "A"}, "uid": "u", "token": "t"},
        )
        raise RuntimeError("the service failed after queueing")

    assert callbacks == []
    assert OutboundEmail.objects.count() == 0


@pytest.mark.django_db
def test_outbound_email_send_survives_smtp_down_then_delivers_once(smtp_server):
    email = OutboundEmailFactory(to=["ann@example.org"], subject="Your receipt")

    failed = outbound_email_send(email_id=email.pk)

    assert failed.status == EmailStatus.FAILED
    assert failed.attempts == 1
    assert "Connection refused" in failed.last_error or "Errno" in failed.last_error
    assert failed.next_attempt_at > timezone.now()

    smtp_server.start()
    OutboundEmail.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now())
    assert outbox_due_ids() == [email.pk]
    sent = outbound_email_send(email_id=email.pk)
    again = outbound_email_send(email_id=email.pk)

    assert sent.status == EmailStatus.SENT
    assert sent.attempts == 2
    assert sent.last_error == ""
    assert again is None
    assert len(smtp_server.handler.messages) == 1
    recipients, content = smtp_server.handler.messages[0]
    assert recipients == ["ann@example.org"]
    assert "Subject: Your receipt" in content
    assert outbox_due_ids() == []


@pytest.mark.django_db
def test_outbound_email_send_gives_up_after_max_attempts(smtp_server, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    email = OutboundEmailFactory(status=EmailStatus.FAILED, attempts=1)

    result = outbound_email_send(email_id=email.pk)

    assert (result.status, result.attempts, result.next_attempt_at) == (
        EmailStatus.ABANDONED,
        2,
        None,
    )


@pytest.mark.django_db
def test_outbound_email_send_missing_row_is_nothing_to_do():
    assert outbound_email_send(email_id=987654) is None


def test_retry_delay_backs_off_to_an_hour():
    assert [retry_delay(n) for n in (1, 2, 3, 7, 20)] == [
        timedelta(minutes=1),
        timedelta(minutes=2),
        timedelta(minutes=4),
        timedelta(minutes=60),
        timedelta(minutes=60),
    ]


@pytest.mark.django_db
def test_outbox_due_ids_include_stale_queued_rows():
    fresh = OutboundEmailFactory()
    stale = OutboundEmailFactory(created_at=timezone.now() - timedelta(minutes=10))
    sent = OutboundEmailFactory(
        status=EmailStatus.SENT,
        sent_at=timezone.now(),
        created_at=timezone.now() - timedelta(minutes=10),
    )

    due = outbox_due_ids()

    assert due == [stale.pk]
    assert fresh.pk not in due and sent.pk not in due


@pytest.mark.integration
def test_outbox_worker_retries_after_smtp_failure_and_delivers_once(
    smtp_server, celery_worker_thread, django_capture_on_commit_callbacks
):
    """The whole path: a service queues in its transaction, the real worker sends on commit.

    SMTP is down at first, so the email is kept as failed-with-retry; once the server is back,
    the beat task's retry delivers it exactly once, and a second retry sends nothing more.
    """
    with django_capture_on_commit_callbacks(execute=True):
        email = outbox_queue(
            template="accounts/password_reset",
            to=["bo@example.org"],
            context={"user": {"name": "Bo"}, "uid": "u", "token": "t"},
        )

    failed = _wait_for(
        lambda: OutboundEmail.objects.filter(pk=email.pk, status=EmailStatus.FAILED).first()
    )
    assert failed.attempts == 1

    smtp_server.start()
    OutboundEmail.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now())
    assert outbox_retry_due_task.apply().get() == 1
    sent = _wait_for(
        lambda: OutboundEmail.objects.filter(pk=email.pk, status=EmailStatus.SENT).first()
    )
    outbound_email_send(email_id=email.pk)
    outbox_retry_due_task.apply()

    assert sent.attempts == 2
    assert len(smtp_server.handler.messages) == 1
    assert smtp_server.handler.messages[0][0] == ["bo@example.org"]
