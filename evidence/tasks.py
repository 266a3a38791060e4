import logging

from celery import shared_task

from levelup.jobs import JobError, JobRun, job_task

from .services import calls_sync_status, dashboard_counts_refresh
from .services.attachments import (
    EXTRACT_JOB_KIND,
    attachment_extract_failed,
    attachment_extract_job,
)
from .services.exports import XLSX_JOB_KIND, export_xlsx_job, exports_expire
from .services.imports import IMPORT_JOB_KIND, import_run_failed, import_run_job
from .services.report_pdf import REPORT_PDF_JOB_KIND, REPORT_PDF_STEPS, report_pdf_render

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


# 100,000 responses are written in a minute or two; the limits leave room on a busy machine.
@job_task(kind=XLSX_JOB_KIND, soft_time_limit=15 * 60, time_limit=16 * 60)
def export_xlsx_task(run: JobRun) -> dict:
    """Build a call's responses as an XLSX workbook (see `evidence.services.exports`)."""
    return export_xlsx_job(run=run)


@shared_task(name="evidence.exports_expire")
def exports_expire_task() -> int:
    """Hourly (Celery beat): delete built exports older than a day."""
    return exports_expire()


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


# A report of 4 findings, 12 recommendations and 200 quotes renders in seconds.
@job_task(kind=REPORT_PDF_JOB_KIND, soft_time_limit=240, time_limit=300)
def report_pdf_render_task(run: JobRun) -> dict:
    """Render the published report as a PDF (again, after it changed)."""
    report = run.target
    if report is None:
        raise JobError("The report has been deleted.")
    rendered = report_pdf_render(
        report_id=report.pk, progress=lambda done: run.progress(done, REPORT_PDF_STEPS)
    )
    return {"rendered": rendered is not None, "version": rendered.pdf_version if rendered else None}


@job_task(kind="evidence.review_agreement", soft_time_limit=10 * 60, time_limit=11 * 60)
def review_agreement_task(run: JobRun) -> dict:
    """Krippendorff's alpha of the call's reviews, stored as the job's result."""
    from .services.agreement import agreement_figures

    return agreement_figures(call=run.target)
