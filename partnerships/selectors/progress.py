"""Reads on progress: the published commitments with their latest update, what is stale,
commitments by status over time, indicator readings, and the dashboard built from them.

The dashboard, the public progress page and the exports cost a fixed number of queries
whatever the number of commitments, updates or investment lines.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, Exists, Max, Min, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from evidence.models import Finding, Recommendation
from levelup.charts import Chart, Series, bar_chart
from levelup.money import format_gbp_short
from partnerships.enums import STALE_AFTER_DAYS, CommitmentStatus
from partnerships.models import (
    Commitment,
    CommitmentReminder,
    CommitmentUpdate,
    Indicator,
    IndicatorReading,
    Partnership,
    Prospectus,
)

from .prospectus import financial_year, investment_totals

# How many quarters the "commitments by status over time" chart shows, at most (three years).
QUARTERS_SHOWN = 12
READINGS_SHOWN = 6
OVER_TIME_CACHE_SECONDS = 24 * 60 * 60
OPEN_STATUSES = [s for s in CommitmentStatus.values if s != CommitmentStatus.DONE]


def _latest_update(field_name: str):
    """The value of `field_name` in the commitment's latest update (by date, then entry)."""
    return Subquery(
        CommitmentUpdate.objects.filter(
            partnership_id=OuterRef("partnership_id"), commitment_key=OuterRef("key")
        )
        .order_by("-reported_on", "-pk")
        .values(field_name)[:1]
    )


def with_latest_update(commitments: QuerySet[Commitment]) -> QuerySet[Commitment]:
    """Annotate each commitment with its latest update: `latest_status`, `latest_on`,
    `latest_figure`, `latest_figure_label`, `latest_note` (None when it has none)."""
    return commitments.annotate(
        latest_status=_latest_update("status"),
        latest_on=_latest_update("reported_on"),
        latest_figure=_latest_update("figure"),
        latest_figure_label=_latest_update("figure_label"),
        latest_note=_latest_update("note"),
    )


def published_commitments(*, prospectus: Prospectus) -> QuerySet[Commitment]:
    """The commitments of the published version, each with its latest update."""
    return with_latest_update(
        Commitment.objects.filter(version_id=prospectus.published_version_id)
        .select_related("member__organisation", "priority")
        .order_by("due_on", "pk")
    )


def commitment_published_get(*, prospectus: Prospectus, key) -> Commitment | None:
    """One published commitment, with its priority's cited findings and recommendations (the
    public trace back to the evidence)."""
    return (
        published_commitments(prospectus=prospectus)
        .filter(key=key)
        .prefetch_related(
            Prefetch("priority__findings", queryset=Finding.objects.select_related("call")),
            Prefetch(
                "priority__recommendations",
                queryset=Recommendation.objects.select_related("call"),
            ),
        )
        .first()
    )


def commitment_updates(*, commitment: Commitment) -> QuerySet[CommitmentUpdate]:
    """Every update of the commitment, in any version of the prospectus, newest first."""
    return (
        CommitmentUpdate.objects.filter(
            partnership_id=commitment.partnership_id, commitment_key=commitment.key
        )
        .select_related("created_by")
        .order_by("-reported_on", "-pk")
    )


def commitments_needing_reminder(*, month: date) -> QuerySet[Commitment]:
    """Commitments of every published prospectus that are not done, not updated since
    `month` began and not reminded about this month."""
    reminded = CommitmentReminder.objects.filter(
        partnership_id=OuterRef("partnership_id"), commitment_key=OuterRef("key"), month=month
    )
    return (
        with_latest_update(
            Commitment.objects.filter(
                version_id__in=Prospectus.objects.filter(published_version__isnull=False).values(
                    "published_version_id"
                )
            )
        )
        .exclude(Exists(reminded))
        # Not `.exclude(latest_status=DONE)`: SQL's NOT would also drop those with no update.
        .filter(
            Q(latest_status__isnull=True)
            | Q(
                latest_status__in=[s for s in CommitmentStatus.values if s != CommitmentStatus.DONE]
            )
        )
        .filter(Q(latest_on__isnull=True) | Q(latest_on__lt=month))
        .select_related("member__organisation", "partnership")
        .order_by("pk")
    )


def _quarter_ends(first: date, today: date) -> list[date]:
    """The last day of each quarter from `first`'s to the one before today's, then today."""
    ends = []
    year, quarter = first.year, (first.month - 1) // 3
    while True:
        month = quarter * 3 + 3
        end = (date(year + month // 12, month % 12 + 1, 1)) - timedelta(days=1)
        if end >= today:
            break
        ends.append(end)
        quarter += 1
        if quarter == 4:
            year, quarter = year + 1, 0
    return [*ends[-(QUARTERS_SHOWN - 1) :], today]


STATUS_OVER_TIME_SQL = """
WITH spans AS (
    SELECT u.status, u.reported_on,
           LAG(u.reported_on) OVER (
               PARTITION BY u.commitment_key ORDER BY u.reported_on DESC, u.id DESC
           ) AS next_on
    FROM partnerships_commitmentupdate u
    WHERE u.partnership_id = %(partnership)s
      AND u.commitment_key IN (
          SELECT c.key FROM partnerships_commitment c WHERE c.version_id = %(version)s
      )
)
SELECT p.period_end, spans.status, COUNT(*)
FROM unnest(%(ends)s::date[]) AS p(period_end)
JOIN spans ON spans.reported_on <= p.period_end
          AND (spans.next_on IS NULL OR spans.next_on > p.period_end)
GROUP BY p.period_end, spans.status
"""


def commitments_by_status_over_time(
    *, prospectus: Prospectus, total: int, today: date | None = None
) -> list[tuple[date, dict[str, int]]]:
    """For each quarter end (and today), how many commitments stood at each status, by their
    latest update on that day; commitments without an update yet are counted as "none".

    Two queries: what the partnership's updates are now (how many, the first date, the
    newest entry), then, unless that answer is cached, each update's span (until the
    commitment's next update) joined to the quarter ends it covers. The figures change only
    when an update is added (or removed), which changes the first answer and so the cache key.
    """
    today = today or timezone.localdate()
    published_on = timezone.localdate(prospectus.published_at) if prospectus.published_at else today
    state = CommitmentUpdate.objects.filter(partnership_id=prospectus.partnership_id).aggregate(
        first=Min("reported_on"), newest=Max("id"), count=Count("id")
    )
    ends = _quarter_ends(min(state["first"] or published_on, published_on), today)
    key = "partnerships:status-over-time:{}:{}:{}:{}:{}".format(
        prospectus.partnership_id,
        prospectus.published_version_id,
        state["newest"],
        state["count"],
        today.isoformat(),
    )
    rows = cache.get(key)
    if rows is None:
        with connection.cursor() as cursor:
            cursor.execute(
                STATUS_OVER_TIME_SQL,
                {
                    "partnership": prospectus.partnership_id,
                    "version": prospectus.published_version_id,
                    "ends": ends,
                },
            )
            rows = cursor.fetchall()
        cache.set(key, rows, OVER_TIME_CACHE_SECONDS)
    counts: dict[date, dict[str, int]] = defaultdict(dict)
    for period_end, status, count in rows:
        counts[period_end][status] = count
    result = []
    for end in ends:
        by_status = {status: counts[end].get(status, 0) for status in CommitmentStatus.values}
        by_status["none"] = max(total - sum(by_status.values()), 0)
        result.append((end, by_status))
    return result


def _quarter_label(end: date, today: date) -> str:
    if end == today:
        return _("Today")
    start = date(end.year, end.month - 2, 1)
    return f"{start:%b}–{end:%b %Y}"


def status_over_time_chart(over_time: list[tuple[date, dict[str, int]]], *, today: date) -> Chart:
    series = [Series(status.value, str(status.label)) for status in CommitmentStatus]
    return bar_chart(
        chart_id="commitments-over-time",
        title=_("Commitments by status over time"),
        description=_(
            "How many commitments stood at each status at the end of each quarter, by their "
            "latest update then."
        ),
        categories=[_quarter_label(end, today) for end, _counts in over_time],
        series=series,
        values={s.key: [counts[s.key] for _end, counts in over_time] for s in series},
        value_format=lambda n: f"{n:,}",
        category_label=_("Quarter"),
        total_label=_("Updated"),
    )


def investment_by_year_chart(*, prospectus: Prospectus) -> Chart:
    """Investment secured against planned (secured and pipeline) by financial year."""
    totals = investment_totals(version=prospectus.published_version)
    series = [Series("secured", _("Secured")), Series("pipeline", _("Planned, not yet secured"))]
    return bar_chart(
        chart_id="investment-secured-planned",
        title=_("Investment secured and planned, by year"),
        description=_("Each bar is the year's planned investment; the solid part is secured."),
        categories=[financial_year(year) for year, _s, _p in totals.by_year],
        series=series,
        values={
            "secured": [s for _y, s, _p in totals.by_year],
            "pipeline": [p for _y, _s, p in totals.by_year],
        },
        value_format=format_gbp_short,
        orientation="vertical",
        category_label=_("Financial year"),
        total_label=_("Planned"),
    )


def indicators_with_readings(*, partnership: Partnership) -> list[Indicator]:
    """The partnership's indicators, each with `recent_readings` (newest last, the last few)
    and `all_readings` (newest first). Two queries."""
    indicators = list(
        Indicator.objects.filter(partnership=partnership)
        .prefetch_related(
            Prefetch(
                "readings",
                queryset=IndicatorReading.objects.order_by("-measured_on", "-pk"),
                to_attr="all_readings",
            )
        )
        .order_by("name", "pk")
    )
    for indicator in indicators:
        indicator.recent_readings = list(reversed(indicator.all_readings[:READINGS_SHOWN]))
        indicator.latest_reading = indicator.all_readings[0] if indicator.all_readings else None
    return indicators


def _figure(unit: str):
    def show(value: Decimal) -> str:
        if unit == "£":
            return format_gbp_short(value)
        text = f"{Decimal(value).normalize():,f}"
        return f"{text}{unit}" if unit == "%" else f"{text} {unit}"

    return show


def indicator_chart(indicator: Indicator) -> Chart:
    """The baseline, the latest readings and the target of one indicator, as bars."""
    categories = [_("Baseline")]
    values = [indicator.baseline]
    for reading in indicator.recent_readings:
        categories.append(f"{reading.measured_on:%d %b %Y}")
        values.append(reading.value)
    categories.append(_("Target"))
    values.append(indicator.target)
    return bar_chart(
        chart_id=f"indicator-{indicator.pk}",
        title=indicator.name,
        description=_("Readings against the baseline and the target."),
        categories=categories,
        series=[Series("value", indicator.unit)],
        values={"value": values},
        value_format=_figure(indicator.unit),
        category_label=_("Reading"),
        total_label=_("Value"),
    )


STALE_SHOWN = 50
COMMITMENTS_PER_PAGE = 25


@dataclass
class ProgressDashboard:
    partnership: Partnership
    prospectus: Prospectus | None
    # One page of the published commitments, each with its latest update.
    commitments: Page | list = field(default_factory=list)
    total: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    # The stale commitments (at most STALE_SHOWN of them) and how many there are in all.
    stale: list[Commitment] = field(default_factory=list)
    stale_count: int = 0
    indicators: list[Indicator] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    indicator_charts: list[Chart] = field(default_factory=list)

    @property
    def status_rows(self) -> list[tuple[str, str, int]]:
        rows = [(s.value, str(s.label), self.by_status.get(s.value, 0)) for s in CommitmentStatus]
        return [*rows, ("none", _("No update yet"), self.by_status.get("none", 0))]


def progress_dashboard(
    *,
    partnership: Partnership,
    prospectus: Prospectus | None,
    page: str | int | None = None,
    with_stale: bool = True,
    today: date | None = None,
) -> ProgressDashboard:
    """Everything the dashboard and the public progress page show, in a fixed number of
    queries whatever the number of commitments, updates or investment lines: indicators and
    their readings (2); each commitment's latest status and date (1); the stale ones (1, when
    there are some and `with_stale`); one page of commitments (1); status over time (2);
    investment by year (1).
    """
    today = today or timezone.localdate()
    dashboard = ProgressDashboard(partnership=partnership, prospectus=prospectus)
    dashboard.indicators = indicators_with_readings(partnership=partnership)
    dashboard.indicator_charts = [indicator_chart(i) for i in dashboard.indicators]
    if prospectus is None or prospectus.published_version_id is None:
        return dashboard
    commitments = published_commitments(prospectus=prospectus)
    published_on = timezone.localdate(prospectus.published_at)
    by_status: dict[str, int] = defaultdict(int)
    stale_keys = []
    # Only the key, status and date of each: the rows to show are read a page at a time.
    for key, status, latest_on in (
        Commitment.objects.filter(version_id=prospectus.published_version_id)
        .annotate(latest_status=_latest_update("status"), latest_on=_latest_update("reported_on"))
        .order_by("due_on", "pk")
        .values_list("key", "latest_status", "latest_on")
    ):
        by_status[status or "none"] += 1
        if status != CommitmentStatus.DONE and (
            (today - (latest_on or published_on)).days > STALE_AFTER_DAYS
        ):
            stale_keys.append(key)
    dashboard.total = sum(by_status.values())
    dashboard.by_status = dict(by_status)
    dashboard.stale_count = len(stale_keys)
    if stale_keys and with_stale:
        dashboard.stale = list(commitments.filter(key__in=stale_keys[:STALE_SHOWN]))
        for commitment in dashboard.stale:
            commitment.is_stale = True
    paginator = Paginator(commitments, COMMITMENTS_PER_PAGE)
    # The total is known already: spare the paginator its COUNT query.
    paginator.__dict__["count"] = dashboard.total
    dashboard.commitments = paginator.get_page(page)
    stale = set(stale_keys)
    for commitment in dashboard.commitments:
        commitment.is_stale = commitment.key in stale
    over_time = commitments_by_status_over_time(
        prospectus=prospectus, total=dashboard.total, today=today
    )
    dashboard.charts = [
        status_over_time_chart(over_time, today=today),
        investment_by_year_chart(prospectus=prospectus),
    ]
    return dashboard


__all__ = [
    "ProgressDashboard",
    "commitment_published_get",
    "commitment_updates",
    "commitments_by_status_over_time",
    "commitments_needing_reminder",
    "indicators_with_readings",
    "progress_dashboard",
    "published_commitments",
    "with_latest_update",
]
