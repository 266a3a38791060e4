from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from evidence.templatetags.evidence_tags import deadline_words, when_words
from tests.factories import CallForEvidenceFactory

LONDON = ZoneInfo("Europe/London")


@pytest.mark.parametrize(
    ("moment", "words"),
    [
        (datetime(2026, 9, 12, 17, 0, tzinfo=LONDON), "5pm on 12 September 2026"),
        (datetime(2026, 9, 12, 9, 30, tzinfo=LONDON), "9:30am on 12 September 2026"),
        (datetime(2026, 9, 12, 12, 0, tzinfo=LONDON), "midday on 12 September 2026"),
        (datetime(2026, 1, 5, 0, 0, tzinfo=LONDON), "midnight on 5 January 2026"),
        # Stored in UTC, shown in UK time (British Summer Time here).
        (datetime(2026, 7, 1, 16, 0, tzinfo=ZoneInfo("UTC")), "5pm on 1 July 2026"),
    ],
)
def test_when_words_in_uk_time(moment, words):
    assert when_words(moment) == words


@pytest.mark.django_db
def test_deadline_words_open_upcoming_and_closed():
    now = datetime(2026, 9, 9, 12, 0, tzinfo=LONDON)
    closes = datetime(2026, 9, 12, 17, 0, tzinfo=LONDON)
    call = CallForEvidenceFactory.build(opens_at=now - timedelta(days=1), closes_at=closes)

    assert deadline_words(call, now) == "Closes in 3 days, 5pm on 12 September 2026"
    assert deadline_words(call, closes - timedelta(hours=5)) == (
        "Closes in 5 hours, 5pm on 12 September 2026"
    )
    assert deadline_words(call, closes - timedelta(minutes=1)) == (
        "Closes in 1 minute, 5pm on 12 September 2026"
    )
    assert deadline_words(call, closes) == "Closed at 5pm on 12 September 2026"
    assert deadline_words(call, now - timedelta(days=2)) == (
        "Opens in 24 hours, midday on 8 September 2026"
    )
