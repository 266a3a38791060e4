from django import template

from levelup.dates import day_words, when_words

register = template.Library()


@register.filter
def day(value):
    """{{ value|day }} → 12 September 2026"""
    return day_words(value)


@register.filter
def when(value):
    """{{ value|when }} → 5pm on 12 September 2026"""
    return when_words(value)
