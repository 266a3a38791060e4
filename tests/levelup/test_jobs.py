"""The background job machinery (levelup/jobs.py): services, the run, the sweeper, settings."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connections, transaction
from django.urls import reverse
from django.utils import timezone

from levelup.celery import app
from levelup.enums import JobStatus
from levelup.jobs import (
    JOB_LOCK_CLASS,
    JobError,
    dispatch_now,
    job_enqueue,
    job_retry,
    job_run,
    job_task,
    jobs_sweep,
    retry_delay,
    running_job_ids,
)
from levelup.models import AuditEntry, Job
from tests.factories import BodyFactory, JobFactory
from tests.faults import free_port

pytestmark = pytest.mark.django_db


def test_job_enqueue_records_queued_row_and_audit_and_sends_on_commit(
    secretariat, django_capture_on_commit_callbacks
):
    body = BodyFactory(name="Coastal Towns Taskforce")

    with django_capture_on_commit_callbacks() as callbacks:
        job = job_enqueue(
            actor=secretariat, kind="tests.gated", target=body, params={"gate": "x"}, total=40
        )

    job.refresh_from_db()
    assert (job.status, job.attempts, job.max_attempts) == (JobStatus.QUEUED, 0, 3)
    assert (job.target, job.params, job.progress_total) == (body, {"gate": "x"}, 40)
    assert job.created_by == secretariat
    entry = AuditEntry.objects.get(action="levelup.job.enqueue")
    assert (entry.actor, entry.changes) == (
        secretariat,
        {"kind": "tests.gated", "on": "Coastal Towns Taskforce"},
    )
    assert len(callbacks) == 1
    assert callbacks[0].args == ("tests.gated", {"job_id": job.pk})


def test_job_enqueue_rolled_back_leaves_nothing(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        job_enqueue(actor=None, kind="tests.gated")
        raise RuntimeError("the caller's service failed afterwards")

    assert callbacks == []
    assert Job.objects.count() == 0


def test_dispatch_now_broker_down_logs_and_returns_false(caplog):
    """The broker is a port where nothing listens: sending fails fast and never raises."""
    from tests.faults import celery_broker

    with celery_broker(f"redis://127.0.0.1:{free_port()}/0"):
        sent = dispatch_now("tests.gated", {"job_id": 1})

    assert sent is False
    assert "broker unreachable: tests.gated({'job_id': 1}) not sent now" in caplog.text


def _body_returning(result):
    def body(run):
        run.progress(5, 10)
        return result

    return body


def test_job_run_marks_done_with_result_and_a_second_delivery_does_nothing():
    job = JobFactory()

    done = job_run(job_id=job.pk, body=_body_returning({"file": "exports/a.xlsx"}))
    again = job_run(job_id=job.pk, body=_body_returning({"file": "exports/b.xlsx"}))

    assert (done.status, done.attempts, done.result) == (
        JobStatus.DONE,
        1,
        {"file": "exports/a.xlsx"},
    )
    assert (done.progress_done, done.progress_total) == (10, 10)
    assert done.finished_at is not None and done.error == ""
    assert again is None
    assert Job.objects.get(pk=job.pk).result == {"file": "exports/a.xlsx"}


def test_job_run_job_error_fails_at_once_with_the_message_and_audit():
    job = JobFactory()
    failed_for: list[int] = []

    def body(run):
        raise JobError("Row 12 has no name.")

    from levelup import jobs

    jobs._ON_FAILED["tests.gated"] = lambda job: failed_for.append(job.pk)
    try:
        result = job_run(job_id=job.pk, body=body)
    finally:
        jobs._ON_FAILED.pop("tests.gated")

    assert (result.status, result.attempts, result.error) == (
        JobStatus.FAILED,
        1,
        "Row 12 has no name.",
    )
    assert failed_for == [job.pk]
    assert AuditEntry.objects.get(action="levelup.job.fail").changes == {
        "kind": "tests.gated",
        "attempts": 1,
        "error": "Row 12 has no name.",
    }


def test_job_run_unexpected_error_queues_again_with_backoff_then_fails(
    django_capture_on_commit_callbacks,
):
    job = JobFactory(max_attempts=2)

    def body(run):
        raise OSError("disk full")

    with django_capture_on_commit_callbacks() as callbacks:
        first = job_run(job_id=job.pk, body=body)
    Job.objects.filter(pk=job.pk).update(queued_at=timezone.now())
    second = job_run(job_id=job.pk, body=body)

    assert first.status == JobStatus.QUEUED
    assert first.error == "It stopped because of an unexpected error (OSError: disk full)."
    assert first.queued_at > timezone.now() + timedelta(seconds=50)
    assert [(c.args, c.keywords) for c in callbacks] == [
        (("tests.gated", {"job_id": job.pk}), {"countdown": 60.0})
    ]
    assert (second.status, second.attempts) == (JobStatus.FAILED, 2)
    assert second.error == "It stopped because of an unexpected error (OSError: disk full)."


def test_job_run_not_due_yet_does_nothing():
    job = JobFactory(queued_at=timezone.now() + timedelta(minutes=2))

    assert job_run(job_id=job.pk, body=_body_returning({})) is None
    assert Job.objects.get(pk=job.pk).status == JobStatus.QUEUED


def _hold_lock(job_id: int, held: threading.Event, release: threading.Event) -> None:
    """Another session holds the job's lock, as a live worker would."""
    connection = connections["default"]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [JOB_LOCK_CLASS, job_id])
            held.set()
            release.wait(10)
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [JOB_LOCK_CLASS, job_id])
    finally:
        connection.close()


@pytest.fixture
def lock_held_elsewhere():
    threads: list[tuple[threading.Thread, threading.Event]] = []

    def hold(job_id: int) -> None:
        held, release = threading.Event(), threading.Event()
        thread = threading.Thread(target=_hold_lock, args=(job_id, held, release))
        thread.start()
        assert held.wait(10)
        threads.append((thread, release))

    yield hold
    for thread, release in threads:
        release.set()
        thread.join(10)


def test_job_run_lock_held_by_a_live_worker_does_nothing(lock_held_elsewhere):
    job = JobFactory(running=True)
    lock_held_elsewhere(job.pk)

    result = job_run(job_id=job.pk, body=_body_returning({}))

    assert result is None
    assert job.pk in running_job_ids()
    assert Job.objects.get(pk=job.pk).attempts == 1


def test_job_run_takes_over_a_running_job_whose_worker_died():
    job = JobFactory(running=True)

    done = job_run(job_id=job.pk, body=_body_returning({}))

    assert (done.status, done.attempts) == (JobStatus.DONE, 2)


def test_job_run_running_job_out_of_attempts_fails_with_a_readable_reason():
    job = JobFactory(running=True, attempts=3)

    result = job_run(job_id=job.pk, body=_body_returning({}))

    job.refresh_from_db()
    assert result is None
    assert job.status == JobStatus.FAILED
    assert job.error == (
        "It stopped before finishing 3 times: it took too long, or the worker running it "
        "was stopped."
    )


def test_jobs_sweep_requeues_dead_running_fails_exhausted_resends_stale_queued(
    lock_held_elsewhere, django_capture_on_commit_callbacks
):
    now = timezone.now()
    dead = JobFactory(running=True)
    alive = JobFactory(running=True)
    exhausted = JobFactory(running=True, attempts=3)
    lost = JobFactory(queued_at=now - timedelta(minutes=10))
    fresh = JobFactory(queued_at=now - timedelta(seconds=30))
    waiting = JobFactory(queued_at=now + timedelta(minutes=5))
    finished = JobFactory(failed=True, queued_at=now - timedelta(hours=1))
    lock_held_elsewhere(alive.pk)

    with django_capture_on_commit_callbacks() as callbacks:
        counts = jobs_sweep(now=now)

    assert counts == {"taken_over": 1, "resent": 1, "failed": 1}
    assert sorted(c.args[1]["job_id"] for c in callbacks) == sorted([dead.pk, lost.pk])
    statuses = dict(Job.objects.values_list("pk", "status"))
    assert statuses == {
        dead.pk: JobStatus.QUEUED,
        alive.pk: JobStatus.RUNNING,
        exhausted.pk: JobStatus.FAILED,
        lost.pk: JobStatus.QUEUED,
        fresh.pk: JobStatus.QUEUED,
        waiting.pk: JobStatus.QUEUED,
        finished.pk: JobStatus.FAILED,
    }
    assert Job.objects.get(pk=lost.pk).queued_at == now
    assert jobs_sweep(now=now) == {"taken_over": 0, "resent": 0, "failed": 0}


def test_job_retry_queues_a_failed_job_afresh(site_admin, django_capture_on_commit_callbacks):
    job = JobFactory(failed=True, progress_done=4, progress_total=10)

    with django_capture_on_commit_callbacks() as callbacks:
        retried = job_retry(actor=site_admin, job=job)

    assert (retried.status, retried.attempts, retried.error, retried.finished_at) == (
        JobStatus.QUEUED,
        0,
        "",
        None,
    )
    assert retried.progress_done == 0
    assert callbacks[0].args == ("tests.gated", {"job_id": job.pk})
    entry = AuditEntry.objects.get(action="levelup.job.retry")
    assert (entry.actor, entry.changes["error"]) == (site_admin, job.error)


@pytest.mark.parametrize("status", [JobStatus.QUEUED, JobStatus.DONE])
def test_job_retry_refuses_what_has_not_failed(site_admin, status):
    job = JobFactory(status=status, finished_at=timezone.now())

    with pytest.raises(ValidationError) as error:
        job_retry(actor=site_admin, job=job)

    assert error.value.messages == ["Only work that has failed can be tried again."]


def test_job_constraints_refuse_running_without_heartbeat_and_failed_without_reason():
    from django.db import IntegrityError

    with pytest.raises(IntegrityError), transaction.atomic():
        JobFactory(status=JobStatus.RUNNING)
    with pytest.raises(IntegrityError), transaction.atomic():
        JobFactory(status=JobStatus.FAILED, finished_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        JobFactory(attempts=4, max_attempts=3)


def test_retry_delay_doubles_to_half_an_hour():
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 10)] == [60, 120, 240, 1800]


def test_job_task_refuses_a_name_other_than_its_kind_and_bad_limits():
    with pytest.raises(ValueError, match="named after its kind"):
        job_task(kind="tests.a", name="tests.b", soft_time_limit=1, time_limit=2)
    with pytest.raises(ValueError, match="below the hard one"):
        job_task(kind="tests.a", soft_time_limit=5, time_limit=5)


def test_celery_settings_survive_a_killed_worker_and_limit_every_task():
    """Late acks and rejection on a lost worker give the message back; every task of ours
    has a hard time limit, and the broker waits longer than the longest before redelivering."""
    app.loader.import_default_modules()
    ours = {
        name: task
        for name, task in app.tasks.items()
        if name.split(".")[0] in {"levelup", "evidence", "partnerships"}
    }
    limits = {
        name: (task.soft_time_limit or app.conf.task_soft_time_limit) for name, task in ours.items()
    }
    hard = {name: task.time_limit or app.conf.task_time_limit for name, task in ours.items()}

    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert "levelup.jobs_sweep" in ours
    assert all(limits[name] and limits[name] < hard[name] for name in ours), limits
    assert max(hard.values()) < app.conf.broker_transport_options["visibility_timeout"]
    assert app.conf.beat_schedule["jobs-sweep"] == {
        "task": "levelup.jobs_sweep",
        "schedule": 60.0,
    }


def test_job_admin_lists_jobs_and_retries_a_failed_one(client, django_user_model):
    admin_user = django_user_model.objects.create_superuser(
        email="root@example.org", password="pw", name="Root"
    )
    job = JobFactory(failed=True)
    client.force_login(admin_user)

    listing = client.get(reverse("admin:levelup_job_changelist"))
    response = client.post(
        reverse("admin:levelup_job_changelist"),
        {"action": "retry", "_selected_action": [job.pk]},
    )

    assert "tests.gated" in listing.content.decode()
    assert response.status_code == 302
    assert Job.objects.get(pk=job.pk).status == JobStatus.QUEUED


def test_jobs_for_targets_gives_each_objects_latest_job_in_one_query(
    django_assert_num_queries,
):
    from django.contrib.contenttypes.models import ContentType

    from levelup.selectors import job_latest, jobs_for_targets

    first, second, none = BodyFactory.create_batch(3)
    body_type = ContentType.objects.get_for_model(first)
    JobFactory(kind="tests.gated", content_type=body_type, object_id=first.pk, failed=True)
    latest = JobFactory(kind="tests.gated", content_type=body_type, object_id=first.pk)
    other = JobFactory(kind="tests.gated", content_type=body_type, object_id=second.pk)
    JobFactory(kind="tests.other", content_type=body_type, object_id=second.pk)
    ContentType.objects.get_for_model(first)  # cached, as in a request

    with django_assert_num_queries(1):
        found = jobs_for_targets(targets=[first, second, none], kind="tests.gated")

    assert found == {first.pk: latest, second.pk: other}
    assert job_latest(target=none, kind="tests.gated") is None


def test_sending_works_again_after_a_test_pointed_the_app_at_another_broker(own_redis):
    """The fault tests' broker switch must leave the process able to send to its own broker."""
    from tests.faults import celery_broker

    with celery_broker(own_redis.url):
        assert dispatch_now("tests.gated", {"job_id": 1}) is True

    assert dispatch_now("tests.gated", {"job_id": 2}) is True
