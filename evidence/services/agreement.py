"""Agreement between reviewers (Krippendorff's alpha), worked out in the background.

Alpha reads every score, review and coding of the call: at 100,000 responses that is too
much for each load of the progress page. So it runs as a job (`levelup.jobs`) when reviews
change, and when the secretariat asks ("Recalculate"); the page shows the latest result and
the time its data was read. At most one job per call waits in the queue at a time: more
changes while one waits are covered by it (it has not read the data yet).
"""

from django.db import connection, transaction
from django.utils import timezone

from evidence.enums import SubmissionStatus
from evidence.models import CallForEvidence, Review, ReviewSpread, Submission
from evidence.selectors.review_setup import (
    agreement_by_criterion,
    agreement_by_theme,
    confidence_counts,
    criterion_progress,
    progress_counts,
    reviewer_rows,
)
from levelup.jobs import job_enqueue, job_waiting
from levelup.models import Job, User

AGREEMENT_JOB = "evidence.review_agreement"


@transaction.atomic
def agreement_figures(*, call: CallForEvidence) -> dict:
    """Alpha per criterion and per theme, the progress figures, and when the data was read
    (for the job's result: plain JSON); rewrites the call's `ReviewSpread` rows too.

    One transaction: the page never sees the spread rows half rewritten.
    """
    computed_at = timezone.now()
    spread_rows = spread_rewrite(call=call)
    return {
        "computed_at": computed_at.isoformat(),
        "criteria": [row.as_dict() for row in agreement_by_criterion(call=call)],
        "themes": [row.as_dict() for row in agreement_by_theme(call=call)],
        "progress": {**progress_figures(call=call), "spread_rows": spread_rows},
    }


def progress_figures(*, call: CallForEvidence) -> dict:
    """Reviews and responses by state, work per reviewer, scores per criterion and
    reviewers' confidence: plain JSON for the job's result."""
    counts = progress_counts(call=call)
    return {
        "reviews": [[state, n] for state, _label, n in counts["reviews"]],
        "responses": [[state, n] for state, _label, n in counts["responses"]],
        "reviewers": [
            {
                "name": r.name,
                "assigned": r.assigned,
                "done": r.done,
                "overdue": r.overdue,
                "mean_confidence": (
                    float(r.mean_confidence) if r.mean_confidence is not None else None
                ),
            }
            for r in reviewer_rows(call=call)
        ],
        "criteria": [
            {
                "name": c.name,
                "score_count": c.score_count,
                "mean": float(c.mean) if c.mean is not None else None,
                "distribution": c.distribution,
            }
            for c in criterion_progress(call=call)
        ],
        "confidence": [[level, n] for level, n in confidence_counts(call=call)],
    }


def spread_rewrite(*, call: CallForEvidence) -> int:
    """The call's disagreement rows, rewritten in two set-based statements: each sent,
    not withdrawn response with two or more review totals. Returns how many rows."""
    spread, review, submission = (
        ReviewSpread._meta.db_table,
        Review._meta.db_table,
        Submission._meta.db_table,
    )
    ReviewSpread.objects.filter(call=call).delete()  # one DELETE: nothing refers to the rows
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {spread} (call_id, submission_id, public_id, reference, number,
                total_count, low, high, mean, spread, deviation)
            SELECT s.call_id, s.id, s.public_id, s.reference, s.number, COUNT(*),
                MIN(r.total), MAX(r.total), ROUND(AVG(r.total), 4), MAX(r.total) - MIN(r.total),
                ROUND(STDDEV_POP(r.total), 4)
            FROM {submission} s JOIN {review} r ON r.submission_id = s.id
            WHERE s.call_id = %s AND s.number IS NOT NULL AND s.status <> %s
                AND r.total IS NOT NULL
            GROUP BY s.id
            HAVING COUNT(*) >= 2
            """,  # noqa: S608 -- the interpolated parts are the models' table names
            [call.pk, SubmissionStatus.WITHDRAWN],
        )
        return cursor.rowcount


@transaction.atomic
def agreement_refresh(*, actor: User | None, call: CallForEvidence) -> Job:
    """Queue the agreement job for the call, unless one is already waiting (then that one,
    which has not read the data yet, covers this change too)."""
    waiting = job_waiting(kind=AGREEMENT_JOB, target=call)
    if waiting is not None:
        return waiting
    return job_enqueue(actor=actor, kind=AGREEMENT_JOB, target=call)
