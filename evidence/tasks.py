import logging

from celery import shared_task

from levelup.jobs import JobRun, job_task

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


@job_task(kind="evidence.campaigns_group", soft_time_limit=15 * 60, time_limit=16 * 60)
def campaigns_group_task(run: JobRun) -> dict:
    """Group a call's near-identical responses (see `evidence.services.campaigns`)."""
    from .models import CallForEvidence
    from .services.campaigns import campaigns_group

    call = CallForEvidence.objects.get(pk=run.params["call_id"])
    return campaigns_group(call=call, progress=lambda done: run.progress(done))


@job_task(kind="evidence.themes_suggest", soft_time_limit=15 * 60, time_limit=16 * 60)
def themes_suggest_task(run: JobRun) -> dict:
    """Suggest themes for a call's uncoded responses (see `evidence.services.suggestions`)."""
    from .models import CallForEvidence
    from .services.suggestions import themes_suggest

    call = CallForEvidence.objects.get(pk=run.params["call_id"])
    return themes_suggest(call=call, progress=lambda done: run.progress(done))
