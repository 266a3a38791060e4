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
