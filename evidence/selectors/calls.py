"""Reads of calls: which a person may see, run or set up, and what they ask."""

from datetime import datetime

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from evidence.enums import (
    CallStatus,
    SubmissionStatus,
)
from evidence.models import CallForEvidence, Question, Section
from levelup.models import Body, User


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


def calls_upcoming(*, now: datetime | None = None) -> QuerySet[CallForEvidence]:
    now = now or timezone.now()
    return (
        CallForEvidence.objects.filter(
            status__in=[CallStatus.SCHEDULED, CallStatus.OPEN], opens_at__gt=now
        )
        .select_related("body")
        .order_by("opens_at", "title")
    )


def calls_closed(*, now: datetime | None = None) -> QuerySet[CallForEvidence]:
    """Calls no longer taking evidence: closed by the clock or moved on by the secretariat."""
    now = now or timezone.now()
    return (
        CallForEvidence.objects.filter(
            Q(status__in=[CallStatus.SCHEDULED, CallStatus.OPEN], closes_at__lte=now)
            | Q(
                status__in=[
                    CallStatus.CLOSED,
                    CallStatus.ANALYSING,
                    CallStatus.PUBLISHED,
                    CallStatus.ARCHIVED,
                ]
            )
        )
        .select_related("body")
        .order_by("-closes_at", "title")
    )


def calls_for_user(*, user: User) -> QuerySet[CallForEvidence]:
    """Every call the person may see: public ones, plus those of their bodies and reviews."""
    visible = ~Q(status=CallStatus.DRAFT)
    if user.is_authenticated:
        if user.is_site_admin:
            return CallForEvidence.objects.select_related("body")
        visible |= Q(body_id__in=user.secretariat_body_ids) | Q(pk__in=user.reviewer_call_ids)
    return CallForEvidence.objects.filter(visible).select_related("body")


def calls_managed_by(*, user: User) -> QuerySet[CallForEvidence]:
    """The calls the person may set up and run: their bodies' calls (all, for an admin)."""
    if not user.is_authenticated:
        return CallForEvidence.objects.none()
    calls = CallForEvidence.objects.select_related("body").order_by("-created_at")
    if user.is_site_admin:
        return calls
    return calls.filter(body_id__in=user.secretariat_body_ids)


def calls_run_by(*, user: User) -> QuerySet[CallForEvidence]:
    """The calls a person runs ("Calls you run"), each with its count of sent responses:
    sent and not withdrawn, the same figure the call's dashboard shows as "Sent"."""
    return calls_managed_by(user=user).annotate(
        sent_count=Count("submissions", filter=Q(submissions__status=SubmissionStatus.SUBMITTED))
    )


def bodies_run_by(*, user: User) -> QuerySet[Body]:
    """The bodies a person may create calls for: their own, or every body for an admin."""
    bodies = Body.objects.order_by("name")
    if user.is_site_admin:
        return bodies
    return bodies.filter(pk__in=user.secretariat_body_ids)


def sections_with_questions(*, call: CallForEvidence) -> list[Section]:
    """The call's sections in order, each with its questions (two queries)."""
    questions = Question.objects.order_by("position", "pk")
    sections = list(
        Section.objects.filter(call=call)
        .order_by("position", "pk")
        .prefetch_related(Prefetch("questions", queryset=questions))
    )
    for section in sections:
        for question in section.questions.all():
            question.call = call
    return [section for section in sections]
