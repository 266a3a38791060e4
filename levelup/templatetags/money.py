from django import template

from levelup.money import format_gbp, format_gbp_short

register = template.Library()


@register.filter
def gbp(value):
    """{{ amount|gbp }} → £150,000"""
    return format_gbp(value)


@register.filter
def gbp_short(value):
    """{{ amount|gbp_short }} → £1.2bn"""
    return format_gbp_short(value)
