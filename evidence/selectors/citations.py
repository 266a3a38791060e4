"""Findings and recommendations anyone may read and cite: those of published calls."""

from django.db.models import Q, QuerySet

from evidence.enums import CallStatus
from evidence.models import Finding, Recommendation

# A call's findings and recommendations are public once it is published, and stay so when it
# is archived (a call is archived only after it was published).
PUBLISHED_CALL_STATUSES = [CallStatus.PUBLISHED, CallStatus.ARCHIVED]


def findings_published(*, search: str = "") -> QuerySet[Finding]:
    """Findings of published calls, matching `search` in their title, summary or call title."""
    findings = Finding.objects.filter(call__status__in=PUBLISHED_CALL_STATUSES)
    if search := search.strip():
        findings = findings.filter(
            Q(title__icontains=search)
            | Q(summary__icontains=search)
            | Q(call__title__icontains=search)
        )
    return findings.select_related("call").order_by("call__title", "position", "pk")


def recommendations_published(*, search: str = "") -> QuerySet[Recommendation]:
    """Recommendations of published calls, matching `search` in their text or call title."""
    recommendations = Recommendation.objects.filter(call__status__in=PUBLISHED_CALL_STATUSES)
    if search := search.strip():
        recommendations = recommendations.filter(
            Q(text__icontains=search) | Q(call__title__icontains=search)
        )
    return recommendations.select_related("call").order_by("call__title", "position", "pk")


def is_published_finding(finding: Finding) -> bool:
    return finding.call.status in PUBLISHED_CALL_STATUSES


def is_published_recommendation(recommendation: Recommendation) -> bool:
    return recommendation.call.status in PUBLISHED_CALL_STATUSES
