"""The call dashboard's pre-aggregated counts (materialised views, migration 0008)."""

from django.db import connection

VIEWS = ("evidence_call_day_counts", "evidence_call_who_counts")


def dashboard_counts_refresh() -> None:
    """Recompute the dashboard's counts for every call. Run by beat every minute; readers are
    never blocked (CONCURRENTLY). Idempotent. Not audited: it changes no one's data."""
    with connection.cursor() as cursor:
        for view in VIEWS:
            cursor.execute(f"REFRESH MATERIALIZED VIEW CONCURRENTLY {view}")
