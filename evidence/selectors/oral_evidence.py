"""Oral evidence as the secretariat sees it: every event of a call, published or not."""

from django.db.models import Prefetch, QuerySet

from evidence.models import CallForEvidence, OralEvidence, Submission


def oral_evidence_for_call(*, call: CallForEvidence) -> QuerySet[OralEvidence]:
    """The call's events by date, each with the responses it informed (two queries)."""
    return OralEvidence.objects.filter(call=call).prefetch_related(
        Prefetch("informed", queryset=Submission.objects.order_by("number"))
    )
