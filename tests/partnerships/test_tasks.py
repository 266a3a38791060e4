import time
from datetime import timedelta

import pytest
from django.utils import timezone

from partnerships.tasks import action_reminders_send_task
from tests.factories.partnerships import ActionFactory

pytestmark = pytest.mark.integration


def _wait_for(condition, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_action_reminders_task_emails_owner_once_through_worker(celery_worker_thread, mailoutbox):
    action = ActionFactory(
        due_on=timezone.localdate() + timedelta(days=1), description="Send the venue list"
    )

    action_reminders_send_task.delay()

    assert _wait_for(lambda: len(mailoutbox) == 1)
    assert mailoutbox[0].to == [action.owner.email]
    assert mailoutbox[0].subject == "Due tomorrow: Send the venue list"
    assert action_reminders_send_task.apply().get() == 0
