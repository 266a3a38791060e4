"""Agreement between reviewers (Krippendorff's alpha), worked out in the background.

Alpha reads every score, review and coding of the call: at 100,000 responses that is too
much for each load of the progress page. So it runs as a job (`levelup.jobs`) when reviews
change, and when the secretariat asks ("Recalculate"); the page shows the latest result and
the time its data was read. At most one job per call waits in the queue at a time: more
changes while one waits are covered by it (it has not read the data yet).
"""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from evidence.models import CallForEvidence
from evidence.selectors.review_setup import agreement_by_criterion, agreement_by_theme
from levelup.enums import JobStatus
from levelup.jobs import job_enqueue
from levelup.models import Job, User

AGREEMENT_JOB = "evidence.review_agreement"


def agreement_figures(*, call: CallForEvidence) -> dict:
    """Alpha per criterion and per theme, with when the data was read (for the job's
    result: plain JSON)."""
    computed_at = timezone.now()
    return {
        "computed_at": computed_at.isoformat(),
        "criteria": [row.as_dict() for row in agreement_by_criterion(call=call)],
        "themes": [row.as_dict() for row in agreement_by_theme(call=call)],
    }


@transaction.atomic
def agreement_refresh(*, actor: User | None, call: CallForEvidence) -> Job:
    """Queue the agreement job for the call, unless one is already waiting (then that one,
    which has not read the data yet, covers this change too)."""
    waiting = (
        Job.objects.filter(
            kind=AGREEMENT_JOB,
            content_type=ContentType.objects.get_for_model(CallForEvidence),
            object_id=call.pk,
            status=JobStatus.QUEUED,
        )
        .order_by("pk")
        .first()
    )
    if waiting is not None:
        return waiting
    return job_enqueue(actor=actor, kind=AGREEMENT_JOB, target=call)
