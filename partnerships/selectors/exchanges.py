"""Asks, deliverables and the matches between them."""

from dataclasses import dataclass

from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from partnerships.enums import MatchStatus
from partnerships.models import (
    Ask,
    Deliverable,
    Match,
    Partnership,
)


def _with_matched(queryset, side: str):
    """Annotate `matched` (the live matches' total) and `state` (met, partly or open).

    A subquery rather than a join, so that `state` can be filtered and grouped on.
    """
    live = (
        Match.objects.filter(**{side: OuterRef("pk")})
        .exclude(status=MatchStatus.DROPPED)
        .order_by()
        .values(side)
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    return queryset.annotate(
        matched=Coalesce(
            Subquery(live),
            Value(0),
            output_field=DecimalField(max_digits=14, decimal_places=2),
        )
    ).annotate(
        state=Case(
            When(matched__gte=F("quantity"), then=Value("met")),
            When(matched__gt=0, then=Value("partly")),
            default=Value("open"),
            output_field=CharField(),
        )
    )


def asks_for_partnership(*, partnership: Partnership, state: str = "") -> QuerySet[Ask]:
    asks = _with_matched(
        Ask.objects.filter(partnership=partnership).select_related("member__organisation"), "ask"
    )
    if state:
        asks = asks.filter(state=state)
    return asks.order_by("member__organisation__name", "kind", "-created_at", "-id")


def deliverables_for_partnership(
    *, partnership: Partnership, state: str = ""
) -> QuerySet[Deliverable]:
    deliverables = _with_matched(
        Deliverable.objects.filter(partnership=partnership).select_related("member__organisation"),
        "deliverable",
    )
    if state == "used":
        deliverables = deliverables.filter(matched__gt=0)
    elif state == "unused":
        deliverables = deliverables.filter(matched=0)
    return deliverables.order_by("member__organisation__name", "kind", "-created_at", "-id")


MATCH_STATUS_ORDER = Case(
    *[When(status=status, then=Value(i)) for i, status in enumerate(MatchStatus.values)],
    default=Value(99),
)


def matches_for_partnership(*, partnership: Partnership) -> QuerySet[Match]:
    """Matches in board order (proposed … dropped), each with both sides' organisations."""
    return (
        Match.objects.filter(partnership=partnership)
        .select_related("ask__member__organisation", "deliverable__member__organisation")
        .annotate(status_order=MATCH_STATUS_ORDER)
        .order_by("status_order", "-updated_at", "-id")
    )


@dataclass(frozen=True)
class ExchangeSummary:
    asks_met: int
    asks_partly: int
    asks_open: int
    deliverables_used: int
    deliverables_unused: int
    matches_by_status: dict[str, int]


def exchange_summary(*, partnership: Partnership) -> ExchangeSummary:
    """Counts for the summary page, in three queries whatever the number of rows."""
    asks = asks_for_partnership(partnership=partnership).order_by()
    ask_counts = dict(asks.values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
    deliverables = _with_matched(
        Deliverable.objects.filter(partnership=partnership), "deliverable"
    ).order_by()
    deliverable_counts = deliverables.aggregate(
        used=Count("pk", filter=Q(matched__gt=0)), unused=Count("pk", filter=Q(matched=0))
    )
    by_status = dict(
        Match.objects.filter(partnership=partnership)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return ExchangeSummary(
        asks_met=ask_counts.get("met", 0),
        asks_partly=ask_counts.get("partly", 0),
        asks_open=ask_counts.get("open", 0),
        deliverables_used=deliverable_counts["used"],
        deliverables_unused=deliverable_counts["unused"],
        matches_by_status={status: by_status.get(status, 0) for status in MatchStatus.values},
    )
