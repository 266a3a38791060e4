"""Reads for the secretariat's response list, response page, late links and dashboard.
Callers have checked `evidence.manage_call` on the call."""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from evidence.enums import (
    RespondingAs,
    SubmissionStatus,
)
from evidence.models import (
    CallForEvidence,
    LateSubmissionLink,
    Submission,
)
from levelup.enums import OrganisationType
from levelup.models import Place


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
    """The call's responses as the filter form gives them (sent ones unless `status` says),
    with their place; a fixed number of queries.

    Sent responses all have a number, and (call, number) has a unique index: listing the
    newest reference first reads that index backwards and stops after one page, and the
    count is an index-only scan, instead of sorting a 100,000-response call by time.
    """
    submissions = Submission.objects.filter(call=call).select_related("place")
    if status == SubmissionStatus.DRAFT:
        submissions = submissions.filter(status=status).order_by("-created_at", "-pk")
    else:
        submissions = submissions.filter(number__isnull=False).order_by("-number")
        if status:
            submissions = submissions.filter(status=status)
    if responding_as:
        submissions = submissions.filter(responding_as=responding_as)
    if organisation_type:
        submissions = submissions.filter(organisation_type=organisation_type)
    if place is not None:
        submissions = submissions.filter(place=place)
    if channel:
        submissions = submissions.filter(channel=channel)
    term = (q or "").strip()
    if term:
        submissions = submissions.filter(
            Q(reference__iexact=term)
            | Q(respondent_name__icontains=term)
            | Q(organisation_name__icontains=term)
            | Q(respondent_email__iexact=term)
        )
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
        .prefetch_related("submissions")
        .order_by("-created_at")[:200]
    )


@dataclass(frozen=True)
class DayCount:
    day: object
    drafts: int
    submitted: int


def call_dashboard_counts(*, call: CallForEvidence) -> dict:
    """The call dashboard's counts in three queries, whatever the number of responses:
    responses started per day (sent or still drafts, UK days) with the totals; sent
    responses by respondent type and place; the names of those places."""
    by_day: dict = {}
    totals = dict.fromkeys(SubmissionStatus.values, 0)
    for row in (
        Submission.objects.filter(call=call)
        .annotate(day=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
        .values("day", "status")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        drafts, sent = by_day.get(row["day"], (0, 0))
        if row["status"] == SubmissionStatus.DRAFT:
            drafts += row["n"]
        else:
            sent += row["n"]
        by_day[row["day"]] = (drafts, sent)
        totals[row["status"]] += row["n"]
    days = [DayCount(day, drafts, sent) for day, (drafts, sent) in sorted(by_day.items())]
    types: dict[str, int] = {}
    by_place: dict[int | None, int] = {}
    type_labels = dict(OrganisationType.choices)
    as_labels = dict(RespondingAs.choices)
    # Grouped by place id, not name: an index-only scan of `submission_call_who`.
    for row in (
        Submission.objects.filter(call=call, number__isnull=False)
        .values("responding_as", "organisation_type", "place_id")
        .annotate(n=Count("*"))  # COUNT(*), not COUNT(id): the index does not hold the id
        .order_by()
    ):
        if row["organisation_type"]:
            label = str(type_labels.get(row["organisation_type"], row["organisation_type"]))
        else:
            label = str(as_labels.get(row["responding_as"], _("Not given")))
        types[label] = types.get(label, 0) + row["n"]
        by_place[row["place_id"]] = by_place.get(row["place_id"], 0) + row["n"]
    names = dict(
        Place.objects.filter(pk__in=[pk for pk in by_place if pk is not None]).values_list(
            "pk", "name"
        )
    )
    places: dict[str, int] = {}
    for place_id, n in by_place.items():
        name = names.get(place_id) or str(_("Not given"))
        places[name] = places.get(name, 0) + n
    return {
        "days": days,
        "day_max": max([d.drafts + d.submitted for d in days] or [1]),
        "types": sorted(types.items(), key=lambda item: (-item[1], item[0])),
        "places": sorted(places.items(), key=lambda item: (-item[1], item[0])),
        "drafts": totals[SubmissionStatus.DRAFT],
        "submitted": totals[SubmissionStatus.SUBMITTED],
        "withdrawn": totals[SubmissionStatus.WITHDRAWN],
    }
