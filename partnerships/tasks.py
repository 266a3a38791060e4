import logging

from celery import shared_task

from levelup.jobs import JobError, JobRun, job_task
from partnerships.enums import PDF_JOB_KIND
from partnerships.services import action_reminders_send, commitment_reminders_send
from partnerships.services.prospectus import PDF_STEPS, prospectus_pdf_render

logger = logging.getLogger(__name__)


@shared_task(name="partnerships.action_reminders_send")
def action_reminders_send_task() -> int:
    """Daily (Celery beat): email the owner of each open action due tomorrow, once."""
    sent = action_reminders_send()
    logger.info("partnerships: %s action reminder(s) queued", sent)
    return sent


@shared_task(name="partnerships.commitment_reminders_send")
def commitment_reminders_send_task() -> int:
    """Monthly (Celery beat): ask for an update on each open commitment, once a month."""
    return commitment_reminders_send()


@job_task(kind=PDF_JOB_KIND, soft_time_limit=240, time_limit=300)
def prospectus_pdf_render_task(run: JobRun) -> dict:
    """Render the published prospectus as a PDF (again, after a new version is published)."""
    prospectus = run.target
    if prospectus is None:
        raise JobError("The prospectus has been deleted.")
    rendered = prospectus_pdf_render(
        prospectus_id=prospectus.pk,
        version_id=run.params["version_id"],
        progress=lambda done: run.progress(done, PDF_STEPS),
    )
    return {"rendered": rendered is not None}
