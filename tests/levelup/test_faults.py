"""Faults caused on purpose, in real processes: workers killed, Redis stopped, SMTP down.

A whole worker killed and restarted in the middle of an import is in
tests/evidence/test_faults.py.

Each test starts its own Redis and its own Celery worker processes (tests/faults.py) and
stops only those; everything else is real: PostgreSQL, the broker, the worker's pool.
"""

import logging
from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from levelup.enums import EmailStatus, JobStatus
from levelup.jobs import job_enqueue, jobs_sweep
from levelup.models import AuditEntry, Job, OutboundEmail
from levelup.tasks import outbox_retry_due_task
from tests.factories import UserFactory
from tests.faults import celery_broker, thread_worker, wait_for
from tests.levelup import fault_tasks

pytestmark = [pytest.mark.fault, pytest.mark.django_db(transaction=True)]

INCLUDE = "tests.levelup.fault_tasks"


def _gated_job(tmp_path) -> tuple[Job, object]:
    gate = tmp_path / "gate"
    with transaction.atomic():
        job = job_enqueue(actor=None, kind=fault_tasks.KIND, params={"gate": str(gate)})
    return job, gate


def _status(job: Job) -> str:
    return Job.objects.values_list("status", flat=True).get(pk=job.pk)


def _runs(job: Job) -> int:
    return AuditEntry.objects.filter(action=fault_tasks.RAN, object_id=str(job.pk)).count()


def test_pool_child_sigkill_mid_task_is_redelivered_and_runs_once(
    own_redis, fault_workers, tmp_path
):
    with celery_broker(own_redis.url):
        worker = fault_workers.start(broker_url=own_redis.url, include=INCLUDE)
        job, gate = _gated_job(tmp_path)
        wait_for(lambda: _status(job) == JobStatus.RUNNING, what="the job runs")

        worker.kill_child()
        gate.touch()
        done = _wait_done(job)

    assert (done.attempts, done.result, done.error) == (2, {"attempt": 2}, "")
    assert _runs(job) == 1
    assert "WorkerLostError" in worker.output()


def test_redis_down_job_recorded_then_sweeper_runs_it_once(own_redis, tmp_path, caplog):
    with celery_broker(own_redis.url):
        own_redis.stop()

        with caplog.at_level(logging.ERROR, logger="levelup.jobs"):
            job, gate = _gated_job(tmp_path)
        gate.touch()

        assert _status(job) == JobStatus.QUEUED
        assert "broker unreachable: tests.gated" in caplog.text
        own_redis.start()
        _make_stale(Job.objects.filter(pk=job.pk), "queued_at")
        with thread_worker():
            swept = jobs_sweep()
            done = _wait_done(job)

    assert swept == {"taken_over": 0, "resent": 1, "failed": 0}
    assert done.attempts == 1
    assert _runs(job) == 1


def test_redis_down_password_reset_answers_normally_then_sends_once(
    client, own_redis, smtp_server, caplog
):
    UserFactory(email="ann@example.org", name="Ann Example")
    smtp_server.start()

    with celery_broker(own_redis.url):
        own_redis.stop()
        with caplog.at_level(logging.ERROR, logger="levelup.jobs"):
            response = client.post(reverse("password-reset"), {"email": "ann@example.org"})
        email = OutboundEmail.objects.get()

        assert (response.status_code, response.url) == (302, reverse("password-reset-sent"))
        assert email.status == EmailStatus.QUEUED
        assert "broker unreachable: levelup.outbound_email_send" in caplog.text

        own_redis.start()
        _make_stale(OutboundEmail.objects.filter(pk=email.pk), "created_at")
        with thread_worker():
            resent = outbox_retry_due_task.apply().get()
            sent = _wait_sent(email)
            resent_again = outbox_retry_due_task.apply().get()

    assert (resent, resent_again) == (1, 0)
    assert sent.attempts == 1
    assert [to for to, _content in smtp_server.handler.messages] == [["ann@example.org"]]


def test_smtp_down_then_up_password_reset_email_delivered_once(
    client, own_redis, smtp_server, settings
):
    UserFactory(email="bo@example.org", name="Bo Example")

    with celery_broker(own_redis.url), thread_worker():
        response = client.post(reverse("password-reset"), {"email": "bo@example.org"})
        email = OutboundEmail.objects.get()
        failed = _wait_for_status(email, EmailStatus.FAILED)

        smtp_server.start()
        OutboundEmail.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now())
        resent = outbox_retry_due_task.apply().get()
        sent = _wait_sent(email)
        resent_again = outbox_retry_due_task.apply().get()

    assert (response.status_code, response.url) == (302, reverse("password-reset-sent"))
    assert failed.attempts == 1
    assert "Connection refused" in failed.last_error or "Errno" in failed.last_error
    assert (resent, resent_again) == (1, 0)
    assert sent.attempts == 2
    assert [to for to, _content in smtp_server.handler.messages] == [["bo@example.org"]]


def _make_stale(rows, field: str) -> None:
    """As if the row had been waiting an hour (the sweepers' thresholds are minutes)."""
    rows.update(**{field: timezone.now() - timedelta(hours=1)})


def _wait_done(job: Job) -> Job:
    return wait_for(
        lambda: Job.objects.filter(pk=job.pk, status=JobStatus.DONE).first(),
        timeout=30,
        what=f"job {job.pk} is done",
    )


def _wait_for_status(email: OutboundEmail, status: str) -> OutboundEmail:
    return wait_for(
        lambda: OutboundEmail.objects.filter(pk=email.pk, status=status).first(),
        timeout=30,
        what=f"email {email.pk} is {status}",
    )


def _wait_sent(email: OutboundEmail) -> OutboundEmail:
    return _wait_for_status(email, EmailStatus.SENT)
