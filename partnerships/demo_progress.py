"""Progress in the demo, in our own words. Idempotent.

Blackpool's members have reported on their commitments about every two months since the
prospectus was published: most are on track, some slipped and recovered, one is off track and
a few are done; two have had no update for four months, so the connector sees them as stale.
The partnership's four indicators have a reading each quarter since the partnership began.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from .enums import CommitmentStatus
from .models import (
    CommitmentUpdate,
    Indicator,
    IndicatorReading,
    Partnership,
    Prospectus,
    Representative,
)
from .selectors.progress import published_commitments
from .services import commitment_update_add, indicator_reading_add

CADENCE_DAYS = 61
STALE_EVERY = 7  # every seventh commitment went quiet four months ago

# (words in the commitment, what its figure counts, how much it grows each update)
FIGURES = [
    ("apprentice", "apprentices started", Decimal(5)),
    ("volunteering hours", "volunteering hours given", Decimal(250)),
    ("mentor for", "young people mentored", Decimal(12)),
    ("mentor three", "firms mentored", Decimal(1)),
    ("homes", "homes completed", Decimal(30)),
    ("learners", "learners enrolled", Decimal(60)),
    ("drop-ins", "drop-in sessions held", Decimal(8)),
    ("interview", "interviews guaranteed", Decimal(15)),
]

NOTES = {
    CommitmentStatus.ON_TRACK: [
        "Going to plan; the next milestone is booked.",
        "Good progress this period, with the partners we named.",
        "On course. Figures checked with the connector.",
    ],
    CommitmentStatus.AT_RISK: [
        "Slower than planned: a supplier has pulled out and we are finding another.",
        "Recruitment is behind; we have asked the college for help.",
    ],
    CommitmentStatus.OFF_TRACK: [
        "Funding decision delayed by a quarter; the timetable will move.",
    ],
    CommitmentStatus.DONE: ["Finished and signed off by the lead members."],
}

# The status at each update, by pattern (the last entry repeats).
PATTERNS = [
    [CommitmentStatus.ON_TRACK],
    [CommitmentStatus.AT_RISK, CommitmentStatus.AT_RISK, CommitmentStatus.ON_TRACK],
    [CommitmentStatus.ON_TRACK, CommitmentStatus.ON_TRACK, CommitmentStatus.AT_RISK],
    [
        CommitmentStatus.ON_TRACK,
        CommitmentStatus.AT_RISK,
        CommitmentStatus.OFF_TRACK,
    ],
    [CommitmentStatus.ON_TRACK, CommitmentStatus.ON_TRACK, CommitmentStatus.DONE],
    [CommitmentStatus.ON_TRACK],
]


def _figure_for(description: str) -> tuple[str, Decimal] | None:
    text = description.lower()
    for words, label, step in FIGURES:
        if words in text:
            return label, step
    return None


def _speaker(commitment, fallback):
    rep = (
        Representative.objects.active()
        .filter(member_id=commitment.member_id, user__is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return rep.user if rep else fallback


def _report_dates(published: date, today: date, *, stale: bool) -> list[date]:
    last = today - timedelta(days=120) if stale else today
    days, day = [], published + timedelta(days=30)
    while day <= last:
        days.append(day)
        day += timedelta(days=CADENCE_DAYS)
    return days


def _load_updates(partnership: Partnership, prospectus: Prospectus, connector) -> None:
    today = timezone.localdate()
    published = timezone.localdate(prospectus.published_at)
    for index, commitment in enumerate(published_commitments(prospectus=prospectus)):
        pattern = PATTERNS[index % len(PATTERNS)]
        figure = _figure_for(commitment.description)
        who = _speaker(commitment, connector)
        dates = _report_dates(published, today, stale=index % STALE_EVERY == STALE_EVERY - 1)
        for step, day in enumerate(dates):
            status = pattern[min(step * len(pattern) // max(len(dates), 1), len(pattern) - 1)]
            notes = NOTES[status]
            fields = {}
            if figure is not None:
                fields = {"figure": figure[1] * (step + 1), "figure_label": figure[0]}
            commitment_update_add(
                actor=who,
                commitment=commitment,
                reported_on=day,
                status=status,
                note=notes[(index + step) % len(notes)],
                **fields,
            )
            if status == CommitmentStatus.DONE:
                break


def _load_readings(partnership: Partnership, connector) -> None:
    """A reading each quarter since the partnership began, moving towards the target."""
    today = timezone.localdate()
    start = today - timedelta(days=730)
    quarters = [start + timedelta(days=91 * n) for n in range(1, 9)]
    for offset, indicator in enumerate(Indicator.objects.filter(partnership=partnership)):
        gap = indicator.target - indicator.baseline
        for n, day in enumerate(quarters, start=1):
            # About 60% of the way after two years, not in a straight line.
            wobble = Decimal((n + offset) % 3 - 1) / 40
            share = Decimal(n) / 8 * Decimal("0.6") + wobble
            value = (indicator.baseline + gap * share).quantize(Decimal("0.1"))
            indicator_reading_add(
                actor=connector,
                indicator=indicator,
                measured_on=min(day, today),
                value=value,
                note="Quarterly figure",
            )


@transaction.atomic
def load_progress() -> None:
    """Blackpool's updates and indicator readings, unless it already has some."""
    from levelup.demo import demo_user

    partnership = Partnership.objects.filter(slug="blackpool").first()
    if partnership is None:
        return
    connector = demo_user("connector")
    prospectus = Prospectus.objects.filter(
        partnership=partnership, published_version__isnull=False
    ).first()
    if (
        prospectus is not None
        and not CommitmentUpdate.objects.filter(partnership=partnership).exists()
    ):
        _load_updates(partnership, prospectus, connector)
    if not IndicatorReading.objects.filter(partnership=partnership).exists():
        _load_readings(partnership, connector)
