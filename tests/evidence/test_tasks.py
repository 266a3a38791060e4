from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from evidence.enums import CallStatus
from evidence.models import CallForEvidence
from evidence.tasks import calls_sync_status_task
from tests.factories import CallForEvidenceFactory

pytestmark = pytest.mark.django_db


def test_calls_sync_status_task_closes_a_call_past_its_time():
    call = CallForEvidenceFactory(open=True)
    CallForEvidence.objects.filter(pk=call.pk).update(
        closes_at=timezone.now() - timedelta(minutes=1)
    )

    changed = calls_sync_status_task.run()

    assert changed == 1
    assert CallForEvidence.objects.get(pk=call.pk).status == CallStatus.CLOSED


def test_calls_sync_status_task_is_on_the_beat_schedule():
    entry = settings.CELERY_BEAT_SCHEDULE["evidence-calls-sync-status"]

    assert entry == {"task": "evidence.calls_sync_status", "schedule": 60.0}
