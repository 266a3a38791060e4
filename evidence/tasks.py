import logging

from celery import shared_task

from levelup.jobs import JobRun, job_task

from .services import calls_sync_status, dashboard_counts_refresh
from .services.attachments import (
    EXTRACT_JOB_KIND,
    attachment_extract_failed,
    attachment_extract_job,
)
from .services.imports import IMPORT_JOB_KIND, import_run_failed, import_run_job

logger = logging.getLogger(__name__)


@shared_task(name="evidence.calls_sync_status")
def calls_sync_status_task() -> int:
    return calls_sync_status()


@shared_task(name="evidence.dashboard_counts_refresh")
def dashboard_counts_refresh_task() -> None:
    dashboard_counts_refresh()


# A 20 MB PDF is read in seconds; the limits stop a file that makes the reader loop.
@job_task(
    kind=EXTRACT_JOB_KIND, soft_time_limit=120, time_limit=150, on_failed=attachment_extract_failed
)
def attachment_extract_text_task(run: JobRun) -> dict:
    return attachment_extract_job(run=run)


# An import of MAX_IMPORT_ROWS rows (50,000) takes a few minutes; 2,000 rows take seconds.
@job_task(
    kind=IMPORT_JOB_KIND, soft_time_limit=15 * 60, time_limit=16 * 60, on_failed=import_run_failed
)
def import_run_task(run: JobRun) -> dict:
    return import_run_job(run=run)
