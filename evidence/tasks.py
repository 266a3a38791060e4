import logging

from celery import shared_task

from .services import attachment_extract_text, calls_sync_status, dashboard_counts_refresh
from .services.imports import import_run

logger = logging.getLogger(__name__)


@shared_task(name="evidence.calls_sync_status")
def calls_sync_status_task() -> int:
    return calls_sync_status()


@shared_task(name="evidence.dashboard_counts_refresh")
def dashboard_counts_refresh_task() -> None:
    dashboard_counts_refresh()


@shared_task(
    name="evidence.attachment_extract_text",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
    acks_late=True,
)
def attachment_extract_text_task(*, attachment_id: int) -> None:
    if attachment_extract_text(attachment_id=attachment_id) is None:
        logger.info("attachment %s needs no extraction (done, locked or gone)", attachment_id)


@shared_task(name="evidence.import_run", acks_late=True)
def import_run_task(*, job_id: int) -> None:
    if import_run(job_id=job_id) is None:
        logger.info("import %s is not queued (done, running or gone)", job_id)
