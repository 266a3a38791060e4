"""Full-text search over responses: keeping `Submission.search_vector` up to date.

The vector holds what respondents wrote — answers (weight A) and the text read from their
attachments (weight B) — with English stemming. It never holds who responded: names,
emails and organisations stay out of it, so a reviewer of an anonymised call cannot find
a response by its author's name. The secretariat's search looks up names separately.
"""

from collections.abc import Iterable

from django.db import connection

from evidence.search import ANSWERS_SQL, ATTACHMENTS_SQL

# Constant SQL built from constants; the ids are a parameter.
REFRESH_SQL = f"""
    UPDATE evidence_submission AS s
    SET search_vector =
        setweight(to_tsvector('english', coalesce(({ANSWERS_SQL.format(id="s.id")}), '')), 'A')
        || setweight(
            to_tsvector('english', coalesce(({ATTACHMENTS_SQL.format(id="s.id")}), '')), 'B')
    WHERE s.id = ANY(%s)
"""  # noqa: S608

BATCH = 2000


def submission_search_refresh(*, submission_ids: Iterable[int]) -> int:
    """Recompute the search vector of these responses from their answers and files' text.

    Called by the services that change answers or attachments, in their transaction.
    Returns how many responses were updated.
    """
    ids = sorted(set(submission_ids))
    updated = 0
    with connection.cursor() as cursor:
        for start in range(0, len(ids), BATCH):
            cursor.execute(REFRESH_SQL, [ids[start : start + BATCH]])
            updated += cursor.rowcount
    return updated


def submission_search_backfill(*, call_id: int | None = None, only_missing: bool = True) -> int:
    """Fill the search vector of existing responses, in batches (the backfill command)."""
    from evidence.models import Submission

    submissions = Submission.objects.order_by("pk")
    if call_id is not None:
        submissions = submissions.filter(call_id=call_id)
    if only_missing:
        submissions = submissions.filter(search_vector__isnull=True)
    updated, last = 0, 0
    while True:
        ids = list(submissions.filter(pk__gt=last).values_list("pk", flat=True)[:BATCH])
        if not ids:
            return updated
        updated += submission_search_refresh(submission_ids=ids)
        last = ids[-1]
