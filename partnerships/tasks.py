import logging

from celery import shared_task

from partnerships.services import action_reminders_send

logger = logging.getLogger(__name__)


@shared_task(name="partnerships.action_reminders_send")
def action_reminders_send_task() -> int:
    """Daily (Celery beat): email the owner of each open action due tomorrow, once."""
    sent = action_reminders_send()
    logger.info("partnerships: %s action reminder(s) queued", sent)
    return sent


@shared_task(
    name="partnerships.prospectus_pdf_render",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=3,
)
def prospectus_pdf_render_task(*, prospectus_id: int, version_id: int) -> bool:
    """Render the published prospectus as a PDF (again, after a new version is published)."""
    from partnerships.models import Prospectus
    from partnerships.services.prospectus import prospectus_pdf_render

    if not Prospectus.objects.filter(pk=prospectus_id).exists():
        logger.info("partnerships: prospectus %s is gone, no PDF", prospectus_id)
        return False
    return prospectus_pdf_render(prospectus_id=prospectus_id, version_id=version_id) is not None
