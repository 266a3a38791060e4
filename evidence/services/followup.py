"""Following up published recommendations: due dates, responses and implementation updates."""

import datetime

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from evidence.enums import CallStatus
from evidence.models import (
    CallForEvidence,
    CallReport,
    ImplementationUpdate,
    Recommendation,
    RecommendationFollowUp,
    ReportChange,
)
from levelup.audit import audit_record

RESPONSE_DUE_AFTER = relativedelta(months=2)


def response_due_on_default(*, published_on: datetime.date) -> datetime.date:
    """A response is due two months after the report is published."""
    return published_on + RESPONSE_DUE_AFTER


def _require_published(call: CallForEvidence) -> None:
    if call.status not in (CallStatus.PUBLISHED, CallStatus.ARCHIVED):
        raise ValidationError(_("Recommendations are followed up once the report is published."))


def report_published_at(*, call: CallForEvidence) -> datetime.datetime | None:
    """When the call's report was published, if it has been."""
    report = CallReport.objects.filter(call=call, published_at__isnull=False).first()
    return report.published_at if report else None


@transaction.atomic
def followup_start(
    *, actor, call: CallForEvidence, published_on: datetime.date | None = None
) -> list[RecommendationFollowUp]:
    """Start following up every recommendation of a published call addressed to someone.

    A response is due two months after the report's publication (`published_on` overrides
    the recorded date); a recommendation added after publication is due two months after
    the day it was added. Idempotent: recommendations already followed up keep their date.
    """
    _require_published(call)
    published_at = report_published_at(call=call)
    if published_on is None:
        published_on = timezone.localdate(published_at) if published_at else timezone.localdate()
    started = []
    recommendations = Recommendation.objects.filter(
        call=call, addressed_to__isnull=False, followup__isnull=True
    ).order_by("position", "pk")
    for recommendation in recommendations:
        since = published_on
        if published_at and recommendation.created_at > published_at:
            since = timezone.localdate(recommendation.created_at)
        followup = RecommendationFollowUp(
            recommendation=recommendation,
            response_due_on=response_due_on_default(published_on=since),
        )
        followup.full_clean()
        followup.save()
        started.append(followup)
    if started:
        audit_record(
            actor=actor,
            action="recommendation.followup_start",
            target=call,
            changes={
                "recommendations": [f.recommendation_id for f in started],
                "due": [None, sorted({str(f.response_due_on) for f in started})],
            },
        )
    return started


@transaction.atomic
def followup_set_due(
    *, actor, followup: RecommendationFollowUp, response_due_on: datetime.date
) -> RecommendationFollowUp:
    before = followup.response_due_on
    followup.response_due_on = response_due_on
    followup.full_clean()
    followup.save(update_fields=["response_due_on", "updated_at"])
    audit_record(
        actor=actor,
        action="recommendation.due_change",
        target=followup.recommendation,
        changes={"response_due_on": [str(before), str(response_due_on)]},
    )
    return followup


@transaction.atomic
def followup_record_response(
    *,
    actor,
    followup: RecommendationFollowUp,
    response: str,
    responded_by: str,
    responded_on: datetime.date,
    response_text: str = "",
) -> RecommendationFollowUp:
    """Record what the addressee said; a later call replaces it (the audit keeps the old one)."""
    _require_published(followup.recommendation.call)
    if responded_on > timezone.localdate():
        raise ValidationError({"responded_on": _("A response cannot be dated in the future.")})
    before = {
        "response": followup.response,
        "responded_by": followup.responded_by,
        "responded_on": str(followup.responded_on or ""),
    }
    followup.response = response
    followup.responded_by = responded_by.strip()
    followup.responded_on = responded_on
    followup.response_text = response_text.strip()
    followup.recorded_by = actor
    followup.full_clean()
    followup.save()
    audit_record(
        actor=actor,
        action="recommendation.response_record",
        target=followup.recommendation,
        changes={
            "response": [before["response"], response],
            "responded_by": [before["responded_by"], followup.responded_by],
            "responded_on": [before["responded_on"], str(responded_on)],
        },
    )
    return followup


@transaction.atomic
def followup_add_update(
    *,
    actor,
    followup: RecommendationFollowUp,
    on: datetime.date,
    status: str,
    percent_complete: int | None = None,
    note: str = "",
) -> ImplementationUpdate:
    """Add a dated implementation update."""
    _require_published(followup.recommendation.call)
    if on > timezone.localdate():
        raise ValidationError({"on": _("An update cannot be dated in the future.")})
    update = ImplementationUpdate(
        followup=followup,
        on=on,
        status=status,
        percent_complete=percent_complete,
        note=note.strip(),
        recorded_by=actor,
    )
    update.full_clean()
    update.save()
    audit_record(
        actor=actor,
        action="recommendation.update_add",
        target=followup.recommendation,
        changes={
            "status": [None, status],
            "on": [None, str(on)],
            "percent_complete": [None, percent_complete],
        },
    )
    return update


def report_change_record(*, actor, call: CallForEvidence, summary: str) -> ReportChange | None:
    """Note a change to a finding or recommendation in the public changelog.

    For the services that edit findings and recommendations: call it inside their transaction.
    Changes made before the report is first published are not recorded (returns None).
    """
    if call.status not in (CallStatus.PUBLISHED, CallStatus.ARCHIVED):
        return None
    change = ReportChange(call=call, summary=summary.strip(), changed_by=actor)
    change.full_clean()
    change.save()
    audit_record(
        actor=actor, action="report.change_record", target=call, changes={"summary": summary}
    )
    return change
