"""`{% cited_by_priorities finding=finding %}`: the evidence pages show what became of a
finding or recommendation, without the evidence app importing partnerships."""

from django import template

from partnerships.selectors import priorities_citing

register = template.Library()


@register.inclusion_tag("partnerships/prospectus/_cited_by.html")
def cited_by_priorities(finding=None, recommendation=None):
    """The priorities of published prospectuses citing `finding` or `recommendation` (one
    query each)."""
    return {"cited_by": list(priorities_citing(finding=finding, recommendation=recommendation))}
