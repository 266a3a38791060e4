import logging

from celery import shared_task

from .enums import EmailStatus
from .jobs import dispatch_now, jobs_sweep
from .outbox import outbound_email_send, outbox_due_ids, retry_delay

logger = logging.getLogger(__name__)


@shared_task(
    name="levelup.outbound_email_send",
    bind=True,
    max_retries=None,
    acks_late=True,
    soft_time_limit=60,
    time_limit=90,
)
def outbound_email_send_task(self, *, email_id: int) -> None:
    email = outbound_email_send(email_id=email_id)
    if email is None:
        logger.info("outbox: email %s needs no sending (sent, locked or gone)", email_id)
        return
    if email.status == EmailStatus.FAILED:
        raise self.retry(countdown=retry_delay(email.attempts).total_seconds())


@shared_task(name="levelup.outbox_retry_due")
def outbox_retry_due_task() -> int:
    ids = outbox_due_ids()
    for email_id in ids:
        if not dispatch_now(outbound_email_send_task, {"email_id": email_id}):
            break  # the broker is down: the next run tries again
    return len(ids)


@shared_task(name="levelup.jobs_sweep")
def jobs_sweep_task() -> dict[str, int]:
    return jobs_sweep()


@shared_task(name="levelup.rate_counters_prune")
def rate_counters_prune_task() -> int:
    from .ratelimit import rate_counters_prune

    return rate_counters_prune()
