"""Bulk actions from a filtered list: code with a theme, set the review state, flag.

A reviewer acts on the responses of their own queue that match the list's filters; the
secretariat on the whole call's. Up to `BULK_INLINE_LIMIT` rows are done at once; more run
as a background job (with a progress bar), which reads the same filters again, so it acts
on what the person saw. Every bulk action leaves one audit entry naming how many rows.
"""

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from evidence.enums import (
    CodingSource,
    ReviewFlag,
    ReviewState,
    SubmissionReviewState,
)
from evidence.models import CallForEvidence, Review, Theme
from evidence.services.agreement import agreement_refresh
from levelup.audit import audit_record
from levelup.jobs import job_enqueue
from levelup.models import User

BULK_JOB = "evidence.review_bulk"
BULK_INLINE_LIMIT = 1000
BATCH = 2000  # rows a step of the background job: its progress bar moves each step
ACTIONS = ("code", "state", "flag")


# One statement codes the chosen responses and the members of campaign groups they
# represent: existing current codings of the theme are kept by ON CONFLICT DO NOTHING on the
# "one current coding per response and theme" constraint, so the count is what was added.
CODE_SQL = """
    WITH chosen AS (
        SELECT s.id FROM evidence_submission AS s
        WHERE s.id = ANY(%(ids)s) AND s.call_id = %(call)s
    ),
    targets AS (
        SELECT id, %(bulk)s AS source FROM chosen
        UNION ALL
        SELECT s.id, %(campaign)s FROM evidence_submission AS s
        JOIN evidence_campaigngroup AS g ON g.id = s.campaign_group_id
        WHERE g.representative_id IN (SELECT id FROM chosen)
            AND s.call_id = %(call)s AND NOT s.id = ANY(%(ids)s)
    )
    INSERT INTO evidence_coding
        (call_id, submission_id, theme_id, source, coded_by_id, created_at, updated_at)
    SELECT %(call)s, t.id, %(theme)s, t.source, %(actor)s, %(now)s, %(now)s FROM targets AS t
    ON CONFLICT DO NOTHING
"""


def _code(*, actor: User, call: CallForEvidence, submission_ids: list[int], theme: Theme) -> int:
    """Code the responses with the theme (those not coded with it yet), and the members of
    any campaign group whose representative is among them: one set-based statement."""
    with connection.cursor() as cursor:
        cursor.execute(
            CODE_SQL,
            {
                "ids": list(submission_ids),
                "call": call.pk,
                "theme": theme.pk,
                "actor": actor.pk,
                "now": timezone.now(),
                "bulk": CodingSource.BULK.value,
                "campaign": CodingSource.CAMPAIGN.value,
            },
        )
        return cursor.rowcount


def _submission_states(submission_ids: list[int]) -> None:
    """Recompute the responses' review state from their reviews, in one statement."""
    sql = """
        UPDATE evidence_submission AS s SET review_state = CASE
            WHEN r.total > 0 AND r.done = r.total THEN %s
            WHEN r.started > 0 THEN %s
            ELSE %s END
        FROM (
            SELECT submission_id, count(*) AS total,
                count(*) FILTER (WHERE state = %s) AS done,
                count(*) FILTER (WHERE state <> %s) AS started
            FROM evidence_review WHERE submission_id = ANY(%s) GROUP BY submission_id
        ) AS r
        WHERE s.id = r.submission_id
    """
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                SubmissionReviewState.REVIEWED,
                SubmissionReviewState.IN_REVIEW,
                SubmissionReviewState.NEW,
                ReviewState.REVIEWED,
                ReviewState.ASSIGNED,
                list(submission_ids),
            ],
        )


def _set_state(*, review_ids: list[int], state: str, may_score: bool) -> int:
    if state == ReviewState.REVIEWED and may_score:
        raise ValidationError(
            _("Mark responses reviewed one by one while scoring is open: each needs its scores.")
        )
    rows = Review.objects.filter(pk__in=review_ids).exclude(state=state)
    submission_ids = list(rows.values_list("submission_id", flat=True))
    changed = rows.update(
        state=state, reviewed_at=timezone.now() if state == ReviewState.REVIEWED else None
    )
    _submission_states(submission_ids)
    return changed


def _flag(*, review_ids: list[int], flag: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE evidence_review SET flags = array_append(flags, %s), "
            "version = version + 1, updated_at = now() "
            "WHERE id = ANY(%s) AND NOT (flags @> ARRAY[%s]::varchar[])",
            [flag, list(review_ids), flag],
        )
        return cursor.rowcount


def bulk_validate(*, call: CallForEvidence, action: str, value: str) -> Theme | str:
    """The theme, state or flag the action sets, or a ValidationError."""
    if action == "code":
        theme = Theme.objects.filter(call=call, pk=value, merged_into__isnull=True).first()
        if theme is None:
            raise ValidationError(_("Choose a theme of this call's code frame."))
        return theme
    if action == "state" and value in ReviewState.values:
        return value
    if action == "flag" and value in ReviewFlag.values:
        return value
    raise ValidationError(_("Choose what to do to the responses."))


@transaction.atomic
def bulk_apply(
    *,
    actor: User,
    call: CallForEvidence,
    action: str,
    value: str,
    submission_ids: list[int],
    review_ids: list[int] | None = None,
    may_score: bool = True,
) -> int:
    """Apply one bulk action now. Reviews (state, flag) are the actor's own (`review_ids`)."""
    target = bulk_validate(call=call, action=action, value=value)
    if action == "code":
        changed = _code(actor=actor, call=call, submission_ids=submission_ids, theme=target)
    elif review_ids is None:
        raise ValidationError(_("Only reviewers set the state and flags of their reviews."))
    elif action == "state":
        changed = _set_state(review_ids=review_ids, state=target, may_score=may_score)
    else:
        changed = _flag(review_ids=review_ids, flag=target)
    audit_record(
        actor=actor,
        action=f"evidence.bulk.{action}",
        target=call,
        changes={
            "value": getattr(target, "name", target),
            "rows": len(submission_ids),
            "changed": changed,
        },
    )
    if changed and action != "flag":
        agreement_refresh(actor=actor, call=call)
    return changed


@transaction.atomic
def bulk_start(
    *,
    actor: User,
    call: CallForEvidence,
    action: str,
    value: str,
    query: str,
    scope: str,
    total: int,
):
    """Queue a bulk action over more rows than `BULK_INLINE_LIMIT`. The job reads the list's
    filters (`query`) again as the person (`scope`: "reviewer" or "secretariat")."""
    bulk_validate(call=call, action=action, value=value)
    return job_enqueue(
        actor=actor,
        kind=BULK_JOB,
        target=call,
        params={"action": action, "value": value, "query": query, "scope": scope},
        total=total,
    )
