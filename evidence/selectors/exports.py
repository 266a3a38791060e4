"""The XLSX exports of a call: seen by whoever may manage the call (the views check that)."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet

from evidence.models import CallForEvidence
from levelup.models import Job

XLSX_JOB_KIND = "evidence.export_xlsx"


def export_jobs_for_call(*, call: CallForEvidence) -> QuerySet[Job]:
    """The call's XLSX export jobs, newest first (another call's never)."""
    return Job.objects.filter(
        kind=XLSX_JOB_KIND,
        content_type=ContentType.objects.get_for_model(CallForEvidence),
        object_id=call.pk,
    ).order_by("-created_at", "-pk")
