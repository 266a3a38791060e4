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


@job_task(kind="evidence.review_bulk", soft_time_limit=10 * 60, time_limit=11 * 60)
def review_bulk_task(run: JobRun) -> dict:
    """A bulk action over a filtered list, read again as the person who asked for it."""
    from django.http import QueryDict

    from .bulk_rows import bulk_rows
    from .services.bulk import BATCH, bulk_apply

    call, user, params = run.target, run.job.created_by, run.params
    submission_ids, review_ids, rules = bulk_rows(
        user=user, call=call, scope=params["scope"], query=QueryDict(params["query"])
    )
    changed = 0
    for start in range(0, len(submission_ids), BATCH):
        changed += bulk_apply(
            actor=user,
            call=call,
            action=params["action"],
            value=params["value"],
            submission_ids=submission_ids[start : start + BATCH],
            review_ids=None if review_ids is None else review_ids[start : start + BATCH],
            may_score=rules.may_score if rules else True,
        )
        run.progress(min(start + BATCH, len(submission_ids)), len(submission_ids))
    return {"rows": len(submission_ids), "changed": changed}
