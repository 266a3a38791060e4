"""Reads that decide what a user may see of calls and evidence."""

from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from levelup.models import User

from .enums import CallStatus
from .models import CallForEvidence


def calls_open(*, now: datetime | None = None) -> QuerySet[CallForEvidence]:
    """Calls taking evidence right now, judged by the clock, not only by the stored status."""
    now = now or timezone.now()
    return (
        CallForEvidence.objects.filter(
            status__in=[CallStatus.SCHEDULED, CallStatus.OPEN],
            opens_at__lte=now,
            closes_at__gt=now,
        )
        .select_related("body")
        .order_by("closes_at", "title")
    )


def calls_for_user(*, user: User) -> QuerySet[CallForEvidence]:
    """Every call the person may see: public ones, plus those of their bodies and reviews."""
    visible = ~Q(status=CallStatus.DRAFT)
    if user.is_authenticated:
        if user.is_site_admin:
            return CallForEvidence.objects.select_related("body")
        visible |= Q(body_id__in=user.secretariat_body_ids) | Q(pk__in=user.reviewer_call_ids)
    return CallForEvidence.objects.filter(visible).select_related("body")
