"""Reads that decide what a user may see of partnerships."""

from django.db.models import QuerySet

from .models import Partnership


def partnerships_public() -> QuerySet[Partnership]:
    """What anyone may see: every partnership's name, place and stage."""
    return Partnership.objects.select_related("place").order_by("place__name", "name")
