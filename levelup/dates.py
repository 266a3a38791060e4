"""One way to write dates and times on every page and in every email, in UK time.

Dates: "12 September 2026". Times: "5pm on 12 September 2026", "9:30am", "midday"
(the GOV.UK style guide's forms).
"""

from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _


def clock_words(moment: datetime) -> str:
    """5pm, 9:30am, midday, midnight."""
    if moment.hour == 12 and moment.minute == 0:
        return _("midday")
    if moment.hour == 0 and moment.minute == 0:
        return _("midnight")
    hour = moment.hour % 12 or 12
    suffix = "am" if moment.hour < 12 else "pm"
    return f"{hour}:{moment.minute:02d}{suffix}" if moment.minute else f"{hour}{suffix}"


def day_words(value: date | datetime | None) -> str:
    """12 September 2026 (a datetime is first put in UK time)."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{value.day} {value:%B %Y}"


def when_words(moment: datetime | None) -> str:
    """5pm on 12 September 2026, in UK time."""
    if moment is None or moment == "":
        return ""
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    return _("%(time)s on %(date)s") % {"time": clock_words(local), "date": day_words(local)}
