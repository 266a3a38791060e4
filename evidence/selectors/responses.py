"""Reads for the secretariat's response list, response page, late links and dashboard.
Callers have checked `evidence.manage_call` on the call."""

import json
import re
from dataclasses import dataclass

from django.db import connections, router
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
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

from .review import search_query

# What a reference looks like: the call's letters, then digits ("PTF0042").
REFERENCE = re.compile(r"^[A-Za-z]{1,10}\d+$")


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
        submissions = submissions.filter(status=status).order_by("-pk")
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
    if "@" in term:
        # An email address: exact, through the B-tree index `submission_call_email`.
        submissions = submissions.filter(respondent_email__iexact=term)
    elif REFERENCE.match(term):
        # A reference ("PTF0042"): exact, through `submission_call_reference`.
        submissions = submissions.filter(reference__iexact=term)
    elif term:
        # Part of a name or an organisation's name: the trigram index.
        submissions = submissions.filter(
            Q(respondent_name__icontains=term)
            | Q(organisation_name__icontains=term)
            # What they wrote (answers, files' text): the same full-text search reviewers use.
            | Q(search_vector=search_query(term))
        )
    return submissions


def submission_list_key(*, status: str = "") -> str:
    """The column the list is ordered by, newest first: drafts have no number."""
    return "pk" if status == SubmissionStatus.DRAFT else "number"


@dataclass(frozen=True)
class KeysetPage:
    """One page of a list read by key ("keyset pagination"): the cost of any page, the last
    included, is the cost of the first. `newer`/`older` are the keys to ask for the pages
    either side (None at either end); `count` is exact up to COUNT_LIMIT, then an estimate."""

    items: list
    count: int
    count_is_estimate: bool
    newer: int | None
    older: int | None
    # The count stopped at the limit and was not estimated: "more than {count}".
    count_is_lower_bound: bool = False

    @property
    def is_newest(self) -> bool:
        return self.newer is None

    @property
    def is_oldest(self) -> bool:
        return self.older is None


COUNT_LIMIT = 1000


def keyset_page(
    queryset: QuerySet,
    *,
    key: str,
    after: int | None = None,
    before: int | None = None,
    oldest: bool = False,
    size: int = 25,
    descending: bool = True,
    count_limit: int | None = None,
    estimate: bool = True,
) -> KeysetPage:
    """The page of `queryset` (ordered by `-key`, or by `key` when not `descending`) after the
    key `after` (the next page), before the key `before` (the previous page), the last page
    (`oldest`), or else the first; two queries, three when there are more than COUNT_LIMIT
    rows. In an ascending list `newer` is the key of the previous page and `older` the next.
    Without `estimate`, a count above `count_limit` is given as that limit, a lower bound."""
    everything = queryset
    onward, back = ("lt", "gt") if descending else ("gt", "lt")
    forward, backward = (f"-{key}", key) if descending else (key, f"-{key}")
    if before is not None:
        rows = list(queryset.filter(**{f"{key}__{back}": before}).order_by(backward)[: size + 1])
        has_newer, has_older = len(rows) > size, True
        rows = rows[:size][::-1]
    elif oldest:
        rows = list(queryset.order_by(backward)[: size + 1])
        has_newer, has_older = len(rows) > size, False
        rows = rows[:size][::-1]
    else:
        if after is not None:
            queryset = queryset.filter(**{f"{key}__{onward}": after})
        rows = list(queryset.order_by(forward)[: size + 1])
        has_newer, has_older = after is not None, len(rows) > size
        rows = rows[:size]
    if not rows:
        has_newer = has_older = False
    count, is_estimate = bounded_count(everything, limit=count_limit, estimate=estimate)
    return KeysetPage(
        items=rows,
        count=count,
        count_is_estimate=is_estimate,
        newer=getattr(rows[0], key) if has_newer else None,
        older=getattr(rows[-1], key) if has_older else None,
        count_is_lower_bound=is_estimate and not estimate,
    )


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
    """The call dashboard's counts in three small queries, whatever the number of responses.

    They are read from materialised views that beat refreshes every minute
    (`evidence.dashboard_counts_refresh`; migration 0008), so the cost does not grow with the
    call: responses started per UK day by status, and sent responses by respondent type and
    place; then the names of those places. `as_of` says when the views were refreshed.
    """
    by_day: dict = {}
    totals = dict.fromkeys(SubmissionStatus.values, 0)
    as_of = None
    with connections[router.db_for_read(Submission)].cursor() as cursor:
        cursor.execute(
            "SELECT day, status, n, refreshed_at FROM evidence_call_day_counts WHERE call_id = %s",
            [call.pk],
        )
        day_rows = cursor.fetchall()
        cursor.execute(
            "SELECT responding_as, organisation_type, place_key, n FROM evidence_call_who_counts"
            " WHERE call_id = %s",
            [call.pk],
        )
        who_rows = cursor.fetchall()
    for day, status, n, refreshed_at in day_rows:
        as_of = refreshed_at
        drafts, sent = by_day.get(day, (0, 0))
        if status == SubmissionStatus.DRAFT:
            drafts += n
        else:
            sent += n
        by_day[day] = (drafts, sent)
        totals[status] = totals.get(status, 0) + n
    days = [DayCount(day, drafts, sent) for day, (drafts, sent) in sorted(by_day.items())]
    types: dict[str, int] = {}
    by_place: dict[int | None, int] = {}
    type_labels = dict(OrganisationType.choices)
    as_labels = dict(RespondingAs.choices)
    for responding_as, organisation_type, place_key, n in who_rows:
        if organisation_type:
            label = str(type_labels.get(organisation_type, organisation_type))
        else:
            label = str(as_labels.get(responding_as, _("Not given")))
        types[label] = types.get(label, 0) + n
        place_id = place_key or None
        by_place[place_id] = by_place.get(place_id, 0) + n
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
        "as_of": as_of,
    }


def bounded_count(
    queryset: QuerySet, *, limit: int | None = None, estimate: bool = True
) -> tuple[int, bool]:
    """(count, is_estimate): exact up to `limit` rows, read no further; above that the
    planner's estimate, rounded to two significant figures ("about 48,000"), or without
    `estimate` the limit itself (a lower bound: "more than 100")."""
    limit = COUNT_LIMIT if limit is None else limit
    counted = queryset.order_by()[: limit + 1].count()
    if counted <= limit:
        return counted, False
    if not estimate:
        return limit, True
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    planned = max(int(plan[0]["Plan"]["Plan Rows"]), limit + 1)
    return int(float(f"{planned:.2g}")), True
