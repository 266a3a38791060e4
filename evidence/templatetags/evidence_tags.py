from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from levelup.dates import when_words as levelup_when_words

register = template.Library()


@register.filter
def when_words(moment: datetime | None) -> str:
    """'5pm on 12 September 2026', in UK time."""
    return levelup_when_words(moment)


def _span(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes < 60:
        minutes = max(minutes, 1)
        return ngettext("%(n)s minute", "%(n)s minutes", minutes) % {"n": minutes}
    hours = minutes // 60
    if hours < 48:
        return ngettext("%(n)s hour", "%(n)s hours", hours) % {"n": hours}
    days = hours // 24
    return ngettext("%(n)s day", "%(n)s days", days) % {"n": days}


@register.simple_tag
def deadline_words(call, now: datetime | None = None) -> str:
    """'Closes in 3 days, 5pm on 12 September 2026' – or when it opens, or when it closed."""
    now = now or timezone.now()
    if call.opens_at and now < call.opens_at:
        return _("Opens in %(span)s, %(when)s") % {
            "span": _span((call.opens_at - now).total_seconds()),
            "when": when_words(call.opens_at),
        }
    if call.closes_at is None:
        return ""
    if now < call.closes_at:
        return _("Closes in %(span)s, %(when)s") % {
            "span": _span((call.closes_at - now).total_seconds()),
            "when": when_words(call.closes_at),
        }
    return _("Closed at %(when)s") % {"when": when_words(call.closes_at)}


@register.filter
def bar_percent(value: int, maximum: int) -> int:
    """A bar's length as a whole percentage, rounded to the CSS classes we ship (steps of 5)."""
    if not maximum:
        return 0
    percent = round(100 * value / maximum / 5) * 5
    return max(percent, 5 if value else 0)
