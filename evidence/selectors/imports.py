"""Reads for the secretariat's imports. Callers have checked `evidence.manage_call`."""

from django.db.models import QuerySet

from evidence.models import CallForEvidence, ImportJob


def import_jobs_for_call(*, call: CallForEvidence) -> QuerySet[ImportJob]:
    return ImportJob.objects.filter(call=call).select_related("created_by").order_by("-created_at")
