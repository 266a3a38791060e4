"""Reads for following up recommendations: the secretariat's list and the public tracker."""

import datetime

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from evidence.enums import CallStatus
from evidence.models import CallForEvidence, ImplementationUpdate, Recommendation, ReportChange

TRACKED_STATUSES = (CallStatus.PUBLISHED, CallStatus.ARCHIVED)


def call_has_tracker(*, call: CallForEvidence) -> bool:
    """Whether the call's report is out, so its recommendations are tracked in public."""
    return call.status in TRACKED_STATUSES


def recommendations_with_followup(*, call: CallForEvidence) -> QuerySet[Recommendation]:
    """The call's recommendations with their follow-up, addressee and updates (oldest first)."""
    return (
        Recommendation.objects.filter(call=call)
        .select_related("addressed_to", "followup")
        .prefetch_related(
            Prefetch(
                "followup__updates", queryset=ImplementationUpdate.objects.order_by("on", "pk")
            )
        )
        .order_by("position", "pk")
    )


def recommendations_overdue(
    *, call: CallForEvidence, today: datetime.date | None = None
) -> QuerySet[Recommendation]:
    """Followed-up recommendations whose response is past due and not yet recorded."""
    today = today or timezone.localdate()
    return (
        Recommendation.objects.filter(
            call=call, followup__response="", followup__response_due_on__lt=today
        )
        .select_related("addressed_to", "followup")
        .order_by("followup__response_due_on", "position", "pk")
    )


def report_changes(*, call: CallForEvidence) -> QuerySet[ReportChange]:
    """The public changelog: changes after first publication, newest first."""
    if not call_has_tracker(call=call):
        return ReportChange.objects.none()
    return ReportChange.objects.filter(call=call).order_by("-created_at", "-pk")
