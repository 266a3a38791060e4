"""Fixed-window rate limits counted in PostgreSQL (`RateCounter`).

One upsert per check: the count goes up whether or not the limit is reached, so a flood
keeps its window full. The database serialises concurrent requests on the row, so twenty
parallel requests count twenty.
"""

from datetime import timedelta

from django.db import connection
from django.utils import timezone

from .models import RateCounter


def rate_limit_allows(*, key: str, limit: int, window: timedelta) -> bool:
    """Count one more event for `key` in the current window; False once past `limit`."""
    now = timezone.now()
    seconds = int(window.total_seconds())
    window_start = now - timedelta(
        seconds=int(now.timestamp()) % seconds, microseconds=now.microsecond
    )
    table = RateCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (key, window_start, count) VALUES (%s, %s, 1) "  # noqa: S608 -- table name from the model
            "ON CONFLICT (key, window_start) DO UPDATE "
            f"SET count = {table}.count + 1 RETURNING count",
            [key[:200], window_start],
        )
        (count,) = cursor.fetchone()
    return count <= limit


def rate_counters_prune(*, older_than: timedelta = timedelta(days=1)) -> int:
    deleted, _ = RateCounter.objects.filter(window_start__lt=timezone.now() - older_than).delete()
    return deleted
