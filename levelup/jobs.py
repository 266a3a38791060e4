"""Background jobs: recorded in PostgreSQL first, sent to Celery after commit, swept by beat.

The `levelup.Job` row is the source of truth, never the broker's message. A service calls
`job_enqueue(...)` inside its transaction: the row is written `queued`, and its Celery task is
sent after commit by `dispatch_on_commit`, which logs and carries on when the broker cannot be
reached, so the person who acted still sees their page. A task made with `@job_task` claims
the row, runs, and marks it `done`, or records why it stopped and queues it again with a
delay, until `max_attempts`; then it is `failed`, with a message a person can read, and the
secretariat can try it again (`job_retry`).

While it runs, the task holds a PostgreSQL advisory lock on its own database session. That
lock is the proof of life: a killed worker's connection closes and PostgreSQL drops the lock
at once. So a message delivered twice does nothing the second time (the lock is taken, or the
row is no longer queued), and a redelivered message, or the beat task `levelup.jobs_sweep`,
takes over a `running` row whose lock is free. The sweeper also sends again what has been
`queued` for too long (its message was lost: the broker was down at commit, or restarted
without persistence). Nothing stays queued or running for ever.

Tasks must be idempotent: a job may run again after a worker died halfway through it.
"""

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, connections, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import KombuError, OperationalError

from .audit import audit_record
from .celery import app as celery_app
from .enums import JobStatus
from .models import Job

logger = logging.getLogger(__name__)

# The first key of the advisory lock a running job holds (the second is the job id).
JOB_LOCK_CLASS = 4_243

# A short retry when publishing: a broker that is down must not keep the person waiting.
PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.1}

# What the broker client raises when Redis cannot be reached (or answers with an error).
try:  # redis-py is the transport we use; keep working with another one.
    from redis.exceptions import RedisError
except ImportError:  # pragma: no cover
    RedisError = OSError
BROKER_ERRORS = (OperationalError, KombuError, RedisError, OSError)


class JobError(Exception):
    """A failure that trying again will not mend: the job fails at once, with this message."""


# ---------------------------------------------------------------------------------------------
# Sending to the broker


def dispatch_now(task, kwargs: dict[str, Any], *, countdown: float | None = None) -> bool:
    """Send a task (a task object, or a task name) now. Never raises for a broker that is down:
    it logs and returns False, and the row the task was for is picked up by a sweeper."""
    options = {"retry": True, "retry_policy": PUBLISH_RETRY_POLICY}
    if countdown:
        options["countdown"] = countdown
    name = task if isinstance(task, str) else task.name
    try:
        if isinstance(task, str):
            celery_app.send_task(task, kwargs=kwargs, **options)
        else:
            task.apply_async(kwargs=kwargs, **options)
    except BROKER_ERRORS as exc:
        logger.error(
            "broker unreachable: %s(%s) not sent now; the sweeper will send it (%s: %s)",
            name,
            kwargs,
            type(exc).__name__,
            exc,
        )
        return False
    return True


def dispatch_on_commit(task, *, countdown: float | None = None, **kwargs) -> None:
    """After the current transaction commits, send `task` with `kwargs`; see `dispatch_now`.

    Use this for every task queued by a write: a rolled-back action sends nothing, and a
    broker that is down never turns a saved action into an error page.
    """
    transaction.on_commit(partial(dispatch_now, task, kwargs, countdown=countdown))


# ---------------------------------------------------------------------------------------------
# Services


@transaction.atomic
def job_enqueue(
    *,
    actor,
    kind: str,
    target: models.Model | None = None,
    params: dict | None = None,
    total: int | None = None,
    max_attempts: int | None = None,
) -> Job:
    """Record a job (`queued`) in the caller's transaction; its task is sent after commit.

    `kind` is the name of a task made with `@job_task`. `target` is the object the job works
    on, `params` anything else it needs (JSON), `total` the amount of work if known.
    """
    job = Job(
        kind=kind,
        params=params or {},
        progress_total=total,
        max_attempts=max_attempts or settings.JOBS_MAX_ATTEMPTS,
        created_by=actor if _is_user(actor) else None,
    )
    if target is not None:
        job.content_type = ContentType.objects.get_for_model(target)
        job.object_id = target.pk
    job.full_clean()
    job.save()
    audit_record(
        actor=actor,
        action="levelup.job.enqueue",
        target=job,
        changes={"kind": kind, "on": str(target) if target is not None else ""},
    )
    dispatch_on_commit(kind, job_id=job.pk)
    return job


def job_waiting(*, kind: str, target: models.Model) -> Job | None:
    """The oldest job of this kind on this object still waiting to start, if any: work that
    reads the object when it runs covers every change made before it starts."""
    return (
        Job.objects.filter(
            kind=kind,
            content_type=ContentType.objects.get_for_model(target),
            object_id=target.pk,
            status=JobStatus.QUEUED,
        )
        .order_by("pk")
        .first()
    )


@transaction.atomic
def job_retry(*, actor, job: Job) -> Job:
    """Queue a failed job again, with its attempts counted afresh (a "Try again" button)."""
    job = Job.objects.select_for_update().get(pk=job.pk)
    if job.status != JobStatus.FAILED:
        raise ValidationError(_("Only work that has failed can be tried again."))
    previous_error = job.error
    job.status = JobStatus.QUEUED
    job.attempts = 0
    job.queued_at = timezone.now()
    job.finished_at = None
    job.error = ""
    job.progress_done = 0
    job.full_clean()
    job.save()
    audit_record(
        actor=actor,
        action="levelup.job.retry",
        target=job,
        changes={"kind": job.kind, "error": previous_error},
    )
    dispatch_on_commit(job.kind, job_id=job.pk)
    return job


def retry_delay(attempts: int) -> timedelta:
    """After a failed attempt: the base delay (JOBS_RETRY_DELAY_SECONDS), doubled each time,
    at most half an hour."""
    base = settings.JOBS_RETRY_DELAY_SECONDS
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 1800))


# ---------------------------------------------------------------------------------------------
# Running a job


@dataclass
class JobRun:
    """What a job's task body receives: the row, and a way to report progress."""

    job: Job
    attempt: int

    @property
    def params(self) -> dict:
        return self.job.params

    @property
    def target(self) -> models.Model | None:
        return self.job.target

    def progress(self, done: int, total: int | None = None) -> None:
        """Record how much is done (and refresh the heartbeat), visible at once to readers
        even when the body works inside one long transaction."""
        total = self.job.progress_total if total is None else total
        if total is not None:
            done = min(done, total)
        self.job.progress_done, self.job.progress_total = done, total
        values = {"progress_done": done, "progress_total": total, "heartbeat_at": timezone.now()}
        rows = Job.objects.filter(pk=self.job.pk, status=JobStatus.RUNNING, attempts=self.attempt)
        if connection.in_atomic_block:
            _write_outside_transaction(lambda: rows.update(**values))
        else:
            rows.update(**values)

    def beat(self) -> None:
        """Only a sign of life, for long steps that have no count to report."""
        self.progress(self.job.progress_done)


# kind → what to do when a job of that kind finally fails (e.g. flag the object it was for).
_ON_FAILED: dict[str, Callable[[Job], None]] = {}


def job_task(
    *,
    kind: str,
    soft_time_limit: int,
    time_limit: int,
    name: str | None = None,
    on_failed: Callable[[Job], None] | None = None,
):
    """Make a job's Celery task from its body, `body(run: JobRun) -> dict | None`.

    The task is named after the kind (`name`, if given, must be the same) and takes one
    keyword argument, `job_id`. `soft_time_limit` raises inside the body (the attempt fails
    and is retried); `time_limit` kills the process (the sweeper takes the job over). Both
    must stay below the broker's visibility timeout. The body's return value is stored as
    the job's `result`. Raise `JobError` for a failure that trying again will not mend.
    `on_failed(job)` runs in the transaction that marks the job failed for good.
    """
    if name is not None and name != kind:
        raise ValueError(f"A job task is named after its kind: {name!r} is not {kind!r}.")
    if not 0 < soft_time_limit < time_limit:
        raise ValueError("The soft time limit must be positive and below the hard one.")

    def decorate(body: Callable[[JobRun], dict | None]):
        def run_job(*, job_id: int) -> None:
            job_run(job_id=job_id, body=body)

        run_job.__doc__ = body.__doc__
        run_job.__module__ = body.__module__
        run_job.__qualname__ = run_job.__name__ = body.__name__
        if on_failed is not None:
            _ON_FAILED[kind] = on_failed
        return shared_task(
            name=kind,
            soft_time_limit=soft_time_limit,
            time_limit=time_limit,
            acks_late=True,
            reject_on_worker_lost=True,
            ignore_result=True,
        )(run_job)

    return decorate


def job_run(*, job_id: int, body: Callable[[JobRun], dict | None]) -> Job | None:
    """Claim the job, run `body`, record the outcome. None when there was nothing to do:
    the job is done, failed, not due yet, gone, or running in another (live) worker."""
    if not _lock(job_id):
        logger.info("job %s is running elsewhere; this delivery does nothing", job_id)
        return None
    try:
        run = _claim(job_id)
        if run is None:
            return None
        try:
            result = body(run)
        except JobError as exc:
            return _attempt_failed(run, str(exc), retry=False)
        except SoftTimeLimitExceeded:
            logger.warning("job %s (%s) went over its time limit", job_id, run.job.kind)
            return _attempt_failed(run, _("It took longer than the time allowed."), retry=True)
        except Exception as exc:
            # Any other error: recorded on the row for people, and in the log with its trace.
            logger.exception("job %s (%s) attempt %s failed", job_id, run.job.kind, run.attempt)
            message = _("It stopped because of an unexpected error (%(error)s).") % {
                "error": f"{type(exc).__name__}: {exc}"[:500]
            }
            return _attempt_failed(run, message, retry=True)
        return _done(run, result)
    finally:
        _unlock(job_id)


def _claim(job_id: int) -> JobRun | None:
    with transaction.atomic():
        job = (
            Job.objects.select_for_update()
            .filter(pk=job_id, status__in=[JobStatus.QUEUED, JobStatus.RUNNING])
            .first()
        )
        if job is None:
            return None
        now = timezone.now()
        if job.status == JobStatus.QUEUED and job.queued_at > now + timedelta(seconds=5):
            # A copy of a message sent early (e.g. by the sweeper): the delayed one will come.
            return None
        if job.status == JobStatus.RUNNING:
            # We hold its lock, so whoever marked it running has died: take it over.
            logger.warning("job %s: taking over after attempt %s stopped", job.pk, job.attempts)
        if job.attempts >= job.max_attempts:
            _fail(job, _stopped_message(job))
            return None
        job.status = JobStatus.RUNNING
        job.attempts += 1
        job.started_at = job.heartbeat_at = now
        job.save(update_fields=["status", "attempts", "started_at", "heartbeat_at", "updated_at"])
    return JobRun(job=job, attempt=job.attempts)


def _current(run: JobRun) -> Job | None:
    """The row, locked, if this attempt still owns it."""
    return (
        Job.objects.select_for_update()
        .filter(pk=run.job.pk, status=JobStatus.RUNNING, attempts=run.attempt)
        .first()
    )


def _done(run: JobRun, result: dict | None) -> Job | None:
    with transaction.atomic():
        job = _current(run)
        if job is None:
            return None
        job.status = JobStatus.DONE
        job.finished_at = job.heartbeat_at = timezone.now()
        # What the run reported last (its writes from inside a transaction may not show here).
        job.progress_total = run.job.progress_total
        job.progress_done = run.job.progress_total or run.job.progress_done
        job.result = result or {}
        job.error = ""
        job.save()
    return job


def _attempt_failed(run: JobRun, message: str, *, retry: bool) -> Job | None:
    with transaction.atomic():
        job = _current(run)
        if job is None:
            return None
        if retry and job.attempts < job.max_attempts:
            delay = retry_delay(job.attempts)
            job.status = JobStatus.QUEUED
            job.error = message
            job.queued_at = timezone.now() + delay
            job.save(update_fields=["status", "error", "queued_at", "updated_at"])
            dispatch_on_commit(job.kind, countdown=delay.total_seconds(), job_id=job.pk)
        else:
            _fail(job, message)
    return job


def _fail(job: Job, message: str) -> None:
    """Mark failed for good, in the caller's transaction (the row is locked)."""
    job.status = JobStatus.FAILED
    job.error = message or _("It failed.")
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "finished_at", "updated_at"])
    audit_record(
        actor=None,
        action="levelup.job.fail",
        target=job,
        changes={"kind": job.kind, "attempts": job.attempts, "error": job.error},
    )
    # The hooks are registered by the apps' task modules; load them in any process.
    celery_app.loader.import_default_modules()
    hook = _ON_FAILED.get(job.kind)
    if hook is not None:
        hook(job)


def _stopped_message(job: Job) -> str:
    return _(
        "It stopped before finishing %(count)s times: it took too long, or the worker "
        "running it was stopped."
    ) % {"count": job.attempts}


def _lock(job_id: int) -> bool:
    """Take the job's advisory lock on this session (released at once if the process dies)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [JOB_LOCK_CLASS, job_id])
        return cursor.fetchone()[0]


def _unlock(job_id: int) -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [JOB_LOCK_CLASS, job_id])
    except DatabaseError:
        # A broken session has lost its locks already; close it so it is not reused.
        logger.warning("job %s: could not release its lock; closing the connection", job_id)
        connection.close()


def _write_outside_transaction(write: Callable[[], Any]) -> None:
    """Run a small write on another connection (a short-lived thread's own), committed at
    once, so that readers see it while the caller's transaction is still open."""

    def target() -> None:
        try:
            write()
        finally:
            connections.close_all()

    thread = threading.Thread(target=target, name="job-progress")
    thread.start()
    thread.join()


# ---------------------------------------------------------------------------------------------
# The sweeper


def running_job_ids() -> set[int]:
    """Jobs whose advisory lock is held right now, by any live session on this database."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT objid::bigint FROM pg_locks
            WHERE locktype = 'advisory' AND granted AND objsubid = 2
              AND classid::bigint = %s
              AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
            """,
            [JOB_LOCK_CLASS],
        )
        return {row[0] for row in cursor.fetchall()}


def jobs_sweep(*, now=None) -> dict[str, int]:
    """Send again what was lost; fail what keeps stopping. Run by beat every minute.

    - `running` rows whose lock is free (the worker was killed, or hit its hard time limit):
      queued and sent again, or `failed` once they have used all their attempts;
    - `queued` rows due longer than JOBS_QUEUED_STALE_SECONDS ago (the message was lost, e.g.
      the broker was down at commit or restarted without persistence): sent again.
    Duplicates are harmless: a job runs only from `queued`, under its lock.
    """
    now = now or timezone.now()
    counts = {"taken_over": 0, "resent": 0, "failed": 0}
    with transaction.atomic():
        running = list(
            Job.objects.select_for_update(skip_locked=True).filter(status=JobStatus.RUNNING)
        )
        alive = running_job_ids() if running else set()
        for job in running:
            if job.pk in alive:
                continue
            if job.attempts >= job.max_attempts:
                _fail(job, _stopped_message(job))
                counts["failed"] += 1
                continue
            logger.warning("job %s (%s): its worker stopped; queued again", job.pk, job.kind)
            job.status = JobStatus.QUEUED
            job.queued_at = now
            job.error = _stopped_message(job)
            job.save(update_fields=["status", "queued_at", "error", "updated_at"])
            dispatch_on_commit(job.kind, job_id=job.pk)
            counts["taken_over"] += 1
        stale = (
            Job.objects.select_for_update(skip_locked=True)
            .filter(
                status=JobStatus.QUEUED,
                queued_at__lte=now - timedelta(seconds=settings.JOBS_QUEUED_STALE_SECONDS),
            )
            .order_by("queued_at")[:500]
        )
        for job in stale:
            job.queued_at = now
            job.save(update_fields=["queued_at", "updated_at"])
            dispatch_on_commit(job.kind, job_id=job.pk)
            counts["resent"] += 1
    if any(counts.values()):
        logger.info("jobs sweep: %s", counts)
    return counts


def _is_user(actor) -> bool:
    return actor is not None and getattr(actor, "is_authenticated", False)
