"""Reads for the secretariat's pages. Callers have checked `evidence.manage_call` on the call."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import CallForEvidence, ImportJob, LateSubmissionLink, Submission
from .selectors import submissions_for_call


def submissions_for_secretariat(
    *,
    call: CallForEvidence,
    q: str = "",
    status: str = "",
    responding_as: str = "",
    organisation_type: str = "",
    place=None,
    channel: str = "",
) -> QuerySet[Submission]:
    """The call's responses as the filter form gives them; place and entry person joined."""
    submissions = submissions_for_call(
        call=call,
        search=q or "",
        status=status or "",
        responding_as=responding_as or "",
        organisation_type=organisation_type or "",
        place_id=place.pk if place else None,
    )
    if channel:
        submissions = submissions.filter(channel=channel)
    return submissions


def submission_for_secretariat(*, call: CallForEvidence, public_id) -> Submission:
    submission = get_object_or_404(
        Submission.objects.select_related("place", "entered_by", "late_link"),
        call=call,
        public_id=public_id,
    )
    submission.call = call
    return submission


def late_links_for_call(*, call: CallForEvidence) -> list[LateSubmissionLink]:
    return list(
        LateSubmissionLink.objects.filter(call=call)
        .select_related("created_by")
        .order_by("-created_at")[:200]
    )


def import_jobs_for_call(*, call: CallForEvidence) -> QuerySet[ImportJob]:
    return ImportJob.objects.filter(call=call).select_related("created_by").order_by("-created_at")
