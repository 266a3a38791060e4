"""The secretariat sets up review: reviewers and their conflicts, the rubric, the code frame,
phases, and who reviews what. Keyword-only, one transaction, audited.
"""

from __future__ import annotations

import csv
import hashlib
import io
import secrets
from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from evidence.assignment import AssignmentPlan, plan_assignment
from evidence.enums import ReviewState, ScoreAggregate, SubmissionReviewState
from evidence.models import (
    CallForEvidence,
    Coding,
    Criterion,
    Excerpt,
    Review,
    ReviewerConflict,
    ReviewerInvitation,
    ReviewPhase,
    Submission,
    Theme,
    ThemeSuggestion,
)
from evidence.selectors.review import (
    active_phase,
    conflict_key,
    conflicted_submission_ids,
    organisation_key,
    reviewable_submissions,
)
from evidence.services.agreement import agreement_refresh
from levelup.audit import audit_record
from levelup.enums import Role
from levelup.models import RoleGrant, User
from levelup.outbox import outbox_queue
from levelup.services import role_grant, role_revoke, user_create

INVITATION_VALID_FOR = timedelta(days=14)
OPEN_STATES = (ReviewState.ASSIGNED, ReviewState.IN_PROGRESS)


# ---------------------------------------------------------------------------------- reviewers


def reviewer_grant_for(*, user: User, call: CallForEvidence) -> RoleGrant | None:
    return (
        RoleGrant.objects.active()
        .filter(user=user, role=Role.REVIEWER, object_id=call.pk)
        .filter(content_type__app_label="evidence", content_type__model="callforevidence")
        .first()
    )


@transaction.atomic
def reviewer_add(*, actor: User, call: CallForEvidence, user: User) -> RoleGrant:
    """Make an existing user a reviewer of the call (audited by `role_grant`)."""
    if reviewer_grant_for(user=user, call=call) is not None:
        raise ValidationError({"email": _("This person already reviews this call.")})
    return role_grant(actor=actor, user=user, role=Role.REVIEWER, target=call)


@transaction.atomic
def reviewer_remove(*, actor: User, call: CallForEvidence, user: User) -> int:
    """Take the reviewer off the call; their unfinished reviews go back to be reassigned.

    Reviews already in are kept. Returns how many open reviews were handed back.
    """
    grant = reviewer_grant_for(user=user, call=call)
    if grant is None:
        raise ValidationError(_("This person does not review this call."))
    open_reviews = Review.objects.filter(call=call, reviewer=user, state__in=OPEN_STATES)
    references = list(open_reviews.values_list("submission__reference", flat=True))
    submission_ids = list(open_reviews.values_list("submission_id", flat=True))
    open_reviews.delete()
    _submissions_review_state_refresh(call=call, submission_ids=submission_ids)
    role_revoke(actor=actor, grant=grant)
    audit_record(
        actor=actor,
        action="evidence.reviewer.remove",
        target=call,
        changes={"reviewer": user.email, "handed_back": references},
    )
    return len(references)


def reviewer_invitation_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def reviewer_invite(
    *, actor: User, call: CallForEvidence, email: str, site_url: str
) -> tuple[ReviewerInvitation, str]:
    """Email a single-use link that makes whoever accepts it a reviewer of the call.

    The raw token only leaves in the email (queued through the outbox); the row keeps its hash.
    """
    email = email.strip().lower()
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None and reviewer_grant_for(user=existing, call=call) is not None:
        raise ValidationError({"email": _("This person already reviews this call.")})
    token = secrets.token_urlsafe(32)
    invitation = ReviewerInvitation(
        call=call,
        email=email,
        token_hash=reviewer_invitation_token_hash(token),
        expires_at=timezone.now() + INVITATION_VALID_FOR,
        invited_by=actor,
    )
    invitation.full_clean()
    invitation.save()
    audit_record(
        actor=actor,
        action="evidence.reviewer_invitation.create",
        target=invitation,
        changes={"email": email, "call": call.title},
    )
    outbox_queue(
        template="evidence/reviewer_invitation",
        to=[email],
        context={
            "invitation": invitation,
            "call": call,
            "inviter": actor,
            "accept_url": site_url.rstrip("/")
            + reverse("evidence:reviewer-invitation", kwargs={"token": token}),
        },
    )
    return invitation, token


def reviewer_invitation_usable(invitation: ReviewerInvitation) -> bool:
    return (
        invitation.accepted_at is None
        and invitation.withdrawn_at is None
        and timezone.now() < invitation.expires_at
    )


def reviewer_invitation_for_token(token: str) -> ReviewerInvitation | None:
    """The usable invitation behind a raw token, or None (unknown, used, withdrawn, expired)."""
    invitation = (
        ReviewerInvitation.objects.select_related("call")
        .filter(token_hash=reviewer_invitation_token_hash(token))
        .first()
    )
    if invitation is None or not reviewer_invitation_usable(invitation):
        return None
    return invitation


@transaction.atomic
def reviewer_invitation_accept(*, user: User, token: str) -> ReviewerInvitation:
    """`user` becomes a reviewer of the invitation's call. Works once, before it expires."""
    invitation = (
        ReviewerInvitation.objects.select_for_update()
        .select_related("call")
        .filter(token_hash=reviewer_invitation_token_hash(token))
        .first()
    )
    if invitation is None or not reviewer_invitation_usable(invitation):
        raise ValidationError(_("This invitation link is not valid any more."))
    if reviewer_grant_for(user=user, call=invitation.call) is None:
        role_grant(actor=user, user=user, role=Role.REVIEWER, target=invitation.call)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
    audit_record(
        actor=user,
        action="evidence.reviewer_invitation.accept",
        target=invitation,
        changes={"invited_by": invitation.invited_by.email if invitation.invited_by else None},
    )
    return invitation


@transaction.atomic
def reviewer_invitation_accept_with_new_account(
    *, token: str, name: str, password: str
) -> ReviewerInvitation:
    """Create the invitee's account (with the invited email) and accept, both or neither."""
    invitation = reviewer_invitation_for_token(token)
    if invitation is None:
        raise ValidationError(_("This invitation link is not valid any more."))
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise ValidationError(_("There is already an account with this email: sign in first."))
    user = user_create(actor=None, email=invitation.email, name=name, password=password)
    return reviewer_invitation_accept(user=user, token=token)


@transaction.atomic
def reviewer_invitation_withdraw(*, actor: User, invitation: ReviewerInvitation) -> None:
    invitation = ReviewerInvitation.objects.select_for_update().get(pk=invitation.pk)
    if not reviewer_invitation_usable(invitation):
        raise ValidationError(_("This invitation has already been used, withdrawn or expired."))
    invitation.withdrawn_at = timezone.now()
    invitation.save(update_fields=["withdrawn_at", "updated_at"])
    audit_record(actor=actor, action="evidence.reviewer_invitation.withdraw", target=invitation)


# ---------------------------------------------------------------------------------- conflicts


@transaction.atomic
def conflict_declare(
    *, actor: User, call: CallForEvidence, reviewer: User, organisation_name: str
) -> ReviewerConflict:
    """Record that `reviewer` is connected to an organisation (by themselves or the secretariat).

    Their unfinished reviews of that organisation's responses are handed back at once.
    """
    name = " ".join(organisation_name.split())
    if not name:
        raise ValidationError({"organisation_name": _("Enter the organisation's name.")})
    key = conflict_key(name)
    if ReviewerConflict.objects.filter(call=call, reviewer=reviewer, name_key=key).exists():
        raise ValidationError({"organisation_name": _("This conflict is already recorded.")})
    conflict = ReviewerConflict(
        call=call, reviewer=reviewer, organisation_name=name, name_key=key, declared_by=actor
    )
    conflict.full_clean(exclude=["name_key"])
    conflict.save()
    affected = Review.objects.filter(
        call=call,
        reviewer=reviewer,
        state__in=OPEN_STATES,
        submission_id__in=conflicted_submission_ids(call=call, keys=[key]),
    )
    handed_back = list(affected.values_list("submission__reference", flat=True))
    submission_ids = list(affected.values_list("submission_id", flat=True))
    affected.delete()
    _submissions_review_state_refresh(call=call, submission_ids=submission_ids)
    audit_record(
        actor=actor,
        action="evidence.conflict.declare",
        target=conflict,
        changes={"reviewer": reviewer.email, "organisation": name, "handed_back": handed_back},
    )
    return conflict


@transaction.atomic
def conflict_remove(*, actor: User, conflict: ReviewerConflict) -> None:
    audit_record(
        actor=actor,
        action="evidence.conflict.remove",
        target=conflict,
        changes={"reviewer": conflict.reviewer.email, "organisation": conflict.organisation_name},
    )
    conflict.delete()


# ------------------------------------------------------------------------------------- rubric

CRITERION_FIELDS = ["name", "description", "weight", "levels"]


def _levels_clean(levels: list[dict]) -> list[dict]:
    cleaned = []
    for value, level in enumerate(levels, start=1):
        label = (level.get("label") or "").strip()
        if not label:
            raise ValidationError(_("Give every point of the scale a label."))
        cleaned.append(
            {"value": value, "label": label, "description": (level.get("description") or "")}
        )
    if len(cleaned) != 5:
        raise ValidationError(_("The scale has five points, from 1 to 5."))
    return cleaned


@transaction.atomic
def criterion_create(
    *,
    actor: User,
    call: CallForEvidence,
    name: str,
    description: str = "",
    weight: Decimal = Decimal(1),
    levels: list[dict],
) -> Criterion:
    """Add a criterion; reviews already scored keep their totals (the new one starts empty)."""
    position = (call.criteria.aggregate(n=Max("position"))["n"] or 0) + 1
    criterion = Criterion(
        call=call,
        name=name,
        description=description,
        weight=weight,
        levels=_levels_clean(levels),
        position=position,
    )
    criterion.full_clean()
    criterion.save()
    audit_record(
        actor=actor,
        action="evidence.criterion.create",
        target=criterion,
        changes={"name": name, "weight": weight},
    )
    return criterion


@transaction.atomic
def criterion_update(*, actor: User, criterion: Criterion, **values) -> Criterion:
    if criterion.removed_at is not None:
        raise ValidationError(_("This criterion has been removed."))
    before = {f: getattr(criterion, f) for f in CRITERION_FIELDS}
    if "levels" in values:
        values["levels"] = _levels_clean(values["levels"])
    for field, value in values.items():
        if field not in CRITERION_FIELDS:
            raise TypeError(field)
        setattr(criterion, field, value)
    criterion.full_clean()
    criterion.save()
    changes = {f: [before[f], getattr(criterion, f)] for f in values if before[f] != values[f]}
    audit_record(actor=actor, action="evidence.criterion.update", target=criterion, changes=changes)
    if "weight" in changes:
        review_totals_recompute(call=criterion.call)
    return criterion


@transaction.atomic
def criterion_remove(*, actor: User, criterion: Criterion) -> int:
    """Take a criterion out of the rubric; its scores are kept but leave every total.

    Returns how many scores it had.
    """
    criterion = Criterion.objects.select_for_update().get(pk=criterion.pk)
    if criterion.removed_at is not None:
        raise ValidationError(_("This criterion has already been removed."))
    criterion.removed_at = timezone.now()
    criterion.save(update_fields=["removed_at", "updated_at"])
    scores = criterion.scores.count()
    audit_record(
        actor=actor,
        action="evidence.criterion.remove",
        target=criterion,
        changes={"name": criterion.name, "scores_kept_out_of_totals": scores},
    )
    review_totals_recompute(call=criterion.call)
    return scores


@transaction.atomic
def criterion_move(*, actor: User, criterion: Criterion, direction: str) -> None:
    siblings = list(
        Criterion.objects.filter(call_id=criterion.call_id, removed_at__isnull=True).order_by(
            "position", "pk"
        )
    )
    _move(siblings, criterion, direction)
    audit_record(
        actor=actor, action="evidence.criterion.move", target=criterion, changes={"to": direction}
    )


@transaction.atomic
def call_score_aggregate_set(*, actor: User, call: CallForEvidence, aggregate: str) -> None:
    if aggregate not in ScoreAggregate.values:
        raise ValidationError(_("Choose how scores add up."))
    before = call.score_aggregate
    if before == aggregate:
        return
    CallForEvidence.objects.filter(pk=call.pk).update(score_aggregate=aggregate)
    call.score_aggregate = aggregate
    audit_record(
        actor=actor,
        action="evidence.call.score_aggregate",
        target=call,
        changes={"score_aggregate": [before, aggregate]},
    )
    review_totals_recompute(call=call)
    agreement_refresh(actor=actor, call=call)  # the totals, so the spread of them, changed


def review_totals_recompute(*, call: CallForEvidence, review_ids: list[int] | None = None) -> int:
    """Store each review's total from its scores on the criteria still in the rubric.

    The weighted mean or the median, as the call says; a review without such scores has no
    total. One statement, whatever the number of reviews. Returns the rows updated.
    """
    if call.score_aggregate == ScoreAggregate.MEDIAN:
        value = "percentile_cont(0.5) WITHIN GROUP (ORDER BY s.value)"
    else:
        value = "SUM(s.value * c.weight) / NULLIF(SUM(c.weight), 0)"
    only = "AND r.id = ANY(%(ids)s)" if review_ids is not None else ""
    sql = f"""
        UPDATE evidence_review r SET total = t.total
        FROM (
            SELECT r.id,
                   (SELECT ROUND(({value})::numeric, 2)
                      FROM evidence_score s JOIN evidence_criterion c ON c.id = s.criterion_id
                     WHERE s.review_id = r.id AND c.removed_at IS NULL) AS total
              FROM evidence_review r
             WHERE r.call_id = %(call)s {only}
        ) t
        WHERE r.id = t.id AND r.total IS DISTINCT FROM t.total
    """  # noqa: S608 -- the interpolated parts are constants chosen above
    with connection.cursor() as cursor:
        cursor.execute(sql, {"call": call.pk, "ids": review_ids or []})
        return cursor.rowcount


# --------------------------------------------------------------------------------- code frame

THEME_FIELDS = ["name", "description"]


def _theme_parent_check(*, call: CallForEvidence, parent: Theme | None) -> None:
    if parent is None:
        return
    if parent.call_id != call.pk or parent.merged_into_id is not None:
        raise ValidationError({"parent": _("Choose a theme of this call.")})
    if parent.parent_id is not None:
        raise ValidationError({"parent": _("A code frame has two levels: themes and sub-themes.")})


@transaction.atomic
def theme_create(
    *,
    actor: User,
    call: CallForEvidence,
    name: str,
    description: str = "",
    parent: Theme | None = None,
) -> Theme:
    _theme_parent_check(call=call, parent=parent)
    siblings = Theme.objects.filter(call=call, parent=parent)
    position = (siblings.aggregate(n=Max("position"))["n"] or 0) + 1
    theme = Theme(
        call=call, parent=parent, name=name.strip(), description=description, position=position
    )
    theme.full_clean()
    theme.save()
    audit_record(
        actor=actor,
        action="evidence.theme.create",
        target=theme,
        changes={"name": theme.name, "parent": str(parent) if parent else None},
    )
    return theme


@transaction.atomic
def theme_update(
    *, actor: User, theme: Theme, name: str, description: str, parent: Theme | None
) -> Theme:
    """Rename, describe or move a theme; its codings and excerpts stay with it."""
    if theme.merged_into_id is not None:
        raise ValidationError(_("This theme was merged into another."))
    _theme_parent_check(call=theme.call, parent=parent)
    if parent is not None and (parent.pk == theme.pk or theme.children.exists()):
        raise ValidationError(
            {"parent": _("A theme with sub-themes cannot become a sub-theme itself.")}
        )
    before = {"name": theme.name, "description": theme.description, "parent": theme.parent}
    theme.name, theme.description, theme.parent = name.strip(), description, parent
    theme.full_clean()
    theme.save()
    changes = {
        k: [str(v) if v else v, str(getattr(theme, k)) if getattr(theme, k) else None]
        for k, v in before.items()
        if v != getattr(theme, k)
    }
    audit_record(actor=actor, action="evidence.theme.update", target=theme, changes=changes)
    return theme


@transaction.atomic
def theme_move(*, actor: User, theme: Theme, direction: str) -> None:
    siblings = list(
        Theme.objects.filter(
            call_id=theme.call_id, parent_id=theme.parent_id, merged_into__isnull=True
        ).order_by("position", "name")
    )
    _move(siblings, theme, direction)
    audit_record(actor=actor, action="evidence.theme.move", target=theme, changes={"to": direction})


@transaction.atomic
def theme_merge(*, actor: User, theme: Theme, into: Theme) -> dict[str, int]:
    """Merge `theme` into `into`: its codings, excerpts, suggestions and sub-themes move over.

    A response coded with both keeps one coding (the moved duplicate is closed, for the
    record). The merged theme stays, marked as merged, so history still reads.
    """
    theme = Theme.objects.select_for_update().get(pk=theme.pk)
    into = Theme.objects.select_for_update().get(pk=into.pk)
    if theme.pk == into.pk or theme.call_id != into.call_id:
        raise ValidationError({"into": _("Choose another theme of this call.")})
    if theme.merged_into_id or into.merged_into_id:
        raise ValidationError({"into": _("This theme was already merged.")})
    if into.parent_id == theme.pk:
        raise ValidationError({"into": _("A theme cannot be merged into one of its sub-themes.")})
    children = list(theme.children.filter(merged_into__isnull=True))
    if children and into.parent_id is not None:
        raise ValidationError(
            {"into": _("A theme with sub-themes can only be merged into a top-level theme.")}
        )
    now = timezone.now()
    current = Coding.objects.filter(removed_at__isnull=True)
    already = current.filter(theme=into).values("submission_id")
    duplicates = current.filter(theme=theme, submission_id__in=already).update(
        removed_at=now, removed_by=actor, updated_at=now
    )
    moved_codings = Coding.objects.filter(theme=theme).update(theme=into, updated_at=now)
    moved_excerpts = Excerpt.objects.filter(theme=theme).update(theme=into, updated_at=now)
    ThemeSuggestion.objects.filter(
        theme=theme,
        submission_id__in=ThemeSuggestion.objects.filter(theme=into).values("submission_id"),
    ).delete()
    ThemeSuggestion.objects.filter(theme=theme).update(theme=into, updated_at=now)
    for child in children:
        # Sub-themes keep their names; a name already under `into` is merged into it.
        same = Theme.objects.filter(
            call_id=into.call_id, parent=into, name=child.name, merged_into__isnull=True
        ).first()
        if same is not None:
            theme_merge(actor=actor, theme=child, into=same)
        else:
            child.parent = into
            child.save(update_fields=["parent", "updated_at"])
    theme.merged_into = into
    theme.save(update_fields=["merged_into", "updated_at"])
    counts = {
        "codings": moved_codings,
        "duplicate_codings_closed": duplicates,
        "excerpts": moved_excerpts,
        "sub_themes": len(children),
    }
    audit_record(
        actor=actor,
        action="evidence.theme.merge",
        target=theme,
        changes={"into": str(into), **counts},
    )
    return counts


@transaction.atomic
def themes_import_csv(*, actor: User, call: CallForEvidence, data: bytes) -> dict[str, int]:
    """Add themes from a CSV with the columns `theme`, `sub-theme` (optional), `description`.

    Existing themes (same name, same level) are kept and their description is not changed;
    nothing is removed. Returns how many themes and sub-themes were added.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError({"file": _("Save the file as CSV in UTF-8 and try again.")}) from exc
    reader = csv.DictReader(io.StringIO(text))
    headers = {(h or "").strip().lower().replace("_", "-") for h in reader.fieldnames or []}
    if "theme" not in headers:
        raise ValidationError(
            {"file": _("The first row must name the columns: theme, sub-theme, description.")}
        )
    added = {"themes": 0, "sub_themes": 0}
    for line, raw in enumerate(reader, start=2):
        row = {
            (k or "").strip().lower().replace("_", "-"): (v or "").strip() for k, v in raw.items()
        }
        name, sub = row.get("theme", ""), row.get("sub-theme", "")
        if not name:
            raise ValidationError({"file": _("Row %(line)s has no theme.") % {"line": line}})
        parent = Theme.objects.filter(
            call=call, parent__isnull=True, name__iexact=name, merged_into__isnull=True
        ).first()
        if parent is None:
            parent = theme_create(
                actor=actor,
                call=call,
                name=name,
                description="" if sub else row.get("description", ""),
            )
            added["themes"] += 1
        if (
            sub
            and not Theme.objects.filter(
                call=call, parent=parent, name__iexact=sub, merged_into__isnull=True
            ).exists()
        ):
            theme_create(
                actor=actor,
                call=call,
                name=sub,
                description=row.get("description", ""),
                parent=parent,
            )
            added["sub_themes"] += 1
    audit_record(actor=actor, action="evidence.theme.import", target=call, changes=added)
    return added


def _move(siblings: list, item, direction: str) -> None:
    """Swap `item` with its neighbour in `siblings` and renumber them 1..n."""
    index = next(i for i, s in enumerate(siblings) if s.pk == item.pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(siblings):
        siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, sibling in enumerate(siblings, start=1):
        if sibling.position != position:
            type(sibling).objects.filter(pk=sibling.pk).update(position=position)


# ------------------------------------------------------------------------------------- phases

PHASE_FIELDS = ["name", "may_score", "may_code", "others_scores", "may_see_identity", "due_on"]


@transaction.atomic
def phase_create(*, actor: User, call: CallForEvidence, **values) -> ReviewPhase:
    position = (call.review_phases.aggregate(n=Max("position"))["n"] or 0) + 1
    phase = ReviewPhase(
        call=call, position=position, **{f: values[f] for f in values if f in PHASE_FIELDS}
    )
    phase.full_clean()
    phase.save()
    audit_record(actor=actor, action="evidence.phase.create", target=phase, changes=values)
    return phase


@transaction.atomic
def phase_update(*, actor: User, phase: ReviewPhase, **values) -> ReviewPhase:
    before = {f: getattr(phase, f) for f in PHASE_FIELDS}
    for field in PHASE_FIELDS:
        if field in values:
            setattr(phase, field, values[field])
    phase.full_clean()
    phase.save()
    changes = {
        f: [before[f], getattr(phase, f)] for f in PHASE_FIELDS if before[f] != getattr(phase, f)
    }
    audit_record(actor=actor, action="evidence.phase.update", target=phase, changes=changes)
    return phase


@transaction.atomic
def phase_activate(*, actor: User, phase: ReviewPhase) -> ReviewPhase:
    """Make `phase` the call's active one; the one active before stops, in the same transaction."""
    CallForEvidence.objects.select_for_update().get(pk=phase.call_id)
    previous = ReviewPhase.objects.filter(call_id=phase.call_id, is_active=True).exclude(
        pk=phase.pk
    )
    before = list(previous.values_list("name", flat=True))
    previous.update(is_active=False, updated_at=timezone.now())
    ReviewPhase.objects.filter(pk=phase.pk).update(is_active=True, updated_at=timezone.now())
    phase.is_active = True
    audit_record(
        actor=actor,
        action="evidence.phase.activate",
        target=phase,
        changes={"active": [before[0] if before else None, phase.name]},
    )
    return phase


@transaction.atomic
def phase_deactivate(*, actor: User, phase: ReviewPhase) -> None:
    """Pause review: no phase active, reviewers see no responses until one is."""
    ReviewPhase.objects.filter(pk=phase.pk).update(is_active=False, updated_at=timezone.now())
    phase.is_active = False
    audit_record(actor=actor, action="evidence.phase.deactivate", target=phase)


# --------------------------------------------------------------------------------- assignment


def _submissions_review_state_refresh(*, call: CallForEvidence, submission_ids) -> None:
    """A response with no reviews left is new again; one with reviews is at least in review."""
    ids = list(set(submission_ids))
    if not ids:
        return
    in_call = Submission.objects.filter(call=call, pk__in=ids)
    in_call.filter(review_state=SubmissionReviewState.IN_REVIEW).exclude(
        pk__in=Review.objects.filter(submission_id__in=ids).values("submission_id")
    ).update(review_state=SubmissionReviewState.NEW)
    in_call.filter(review_state=SubmissionReviewState.NEW).filter(
        pk__in=Review.objects.filter(submission_id__in=ids).values("submission_id")
    ).update(review_state=SubmissionReviewState.IN_REVIEW)
    # Reviews came or went: the progress figures are worked out again.
    agreement_refresh(actor=None, call=call)


def _reviewer_check(*, call: CallForEvidence, reviewer: User, submission: Submission) -> None:
    if reviewer_grant_for(user=reviewer, call=call) is None:
        raise ValidationError({"reviewer": _("This person does not review this call.")})
    if submission.call_id != call.pk or submission.number is None:
        raise ValidationError(_("Only sent responses can be reviewed."))
    if submission.pk in conflicted_submission_ids(
        call=call, reviewer=reviewer, among=[submission.pk]
    ):
        raise ValidationError(
            {
                "reviewer": _(
                    "This reviewer has declared a conflict with the response's organisation."
                )
            }
        )


@transaction.atomic
def review_assign(
    *, actor: User, call: CallForEvidence, submission: Submission, reviewer: User
) -> Review:
    """Give one response to one reviewer, by hand."""
    _reviewer_check(call=call, reviewer=reviewer, submission=submission)
    if Review.objects.filter(submission=submission, reviewer=reviewer).exists():
        raise ValidationError({"reviewer": _("This reviewer is already assigned this response.")})
    phase = active_phase(call=call)
    review = Review(
        call=call,
        submission=submission,
        reviewer=reviewer,
        assigned_by=actor,
        due_on=phase.due_on if phase else None,
    )
    review.full_clean()
    review.save()
    _submissions_review_state_refresh(call=call, submission_ids=[submission.pk])
    audit_record(
        actor=actor,
        action="evidence.review.assign",
        target=review,
        changes={"response": submission.reference, "reviewer": reviewer.email},
    )
    return review


@transaction.atomic
def review_unassign(*, actor: User, review: Review) -> None:
    """Take an unfinished review back (its scores, if any, go with it)."""
    review = (
        Review.objects.select_for_update()
        .select_related("submission", "reviewer")
        .get(pk=review.pk)
    )
    if review.state == ReviewState.REVIEWED:
        raise ValidationError(_("This review is in: it cannot be taken back."))
    audit_record(
        actor=actor,
        action="evidence.review.unassign",
        target=review,
        changes={"response": review.submission.reference, "reviewer": review.reviewer.email},
    )
    call, submission_id = review.call, review.submission_id
    review.delete()
    _submissions_review_state_refresh(call=call, submission_ids=[submission_id])


@transaction.atomic
def review_reassign(*, actor: User, review: Review, reviewer: User) -> Review:
    """Give an unfinished review to another reviewer."""
    call, submission = review.call, review.submission
    review_unassign(actor=actor, review=review)
    return review_assign(actor=actor, call=call, submission=submission, reviewer=reviewer)


@transaction.atomic
def reviews_assign_bulk(
    *, actor: User, call: CallForEvidence, submission_ids: list[int], reviewer: User
) -> dict[str, int]:
    """Give many responses to one reviewer; skips those they have, or are in conflict with."""
    if reviewer_grant_for(user=reviewer, call=call) is None:
        raise ValidationError({"reviewer": _("This person does not review this call.")})
    candidates = set(
        reviewable_submissions(call=call).filter(pk__in=submission_ids).values_list("pk", flat=True)
    )
    have = set(
        Review.objects.filter(reviewer=reviewer, submission_id__in=candidates).values_list(
            "submission_id", flat=True
        )
    )
    conflicted = conflicted_submission_ids(call=call, reviewer=reviewer, among=candidates)
    new = sorted(candidates - have - conflicted)
    phase = active_phase(call=call)
    Review.objects.bulk_create(
        Review(
            call=call,
            submission_id=pk,
            reviewer=reviewer,
            assigned_by=actor,
            due_on=phase.due_on if phase else None,
        )
        for pk in new
    )
    _submissions_review_state_refresh(call=call, submission_ids=new)
    result = {"assigned": len(new), "already": len(have), "conflicts": len(conflicted)}
    audit_record(
        actor=actor,
        action="evidence.review.assign_bulk",
        target=call,
        changes={"reviewer": reviewer.email, **result},
    )
    return result


def assignment_plan(
    *, call: CallForEvidence, submission_ids: list[int] | None, per_response: int
) -> AssignmentPlan:
    """What automatic assignment would do (nothing is written): the preview."""
    from evidence.selectors.review_setup import reviewers_for_call

    reviewers = [user.pk for user in reviewers_for_call(call=call)]
    responses = reviewable_submissions(call=call)
    if submission_ids is not None:
        responses = responses.filter(pk__in=submission_ids)
    response_ids = list(responses.values_list("pk", flat=True))
    existing: dict[int, set[int]] = {}
    load: dict[int, int] = dict.fromkeys(reviewers, 0)
    for submission_id, reviewer_id in Review.objects.filter(call=call).values_list(
        "submission_id", "reviewer_id"
    ):
        existing.setdefault(submission_id, set()).add(reviewer_id)
        if reviewer_id in load:
            load[reviewer_id] += 1
    excluded: dict[int, set[int]] = {}
    for submission_id, reviewer_id in _conflict_pairs(call=call, response_ids=response_ids):
        excluded.setdefault(submission_id, set()).add(reviewer_id)
    return plan_assignment(
        responses=response_ids,
        reviewers=reviewers,
        per_response=per_response,
        existing=existing,
        excluded=excluded,
        load=load,
    )


def _conflict_pairs(*, call: CallForEvidence, response_ids: list[int]):
    """(response, reviewer) pairs that must never meet: two queries, whatever the size."""
    reviewers_by_key: dict[str, list[int]] = {}
    for key, reviewer_id in ReviewerConflict.objects.filter(call=call).values_list(
        "name_key", "reviewer_id"
    ):
        reviewers_by_key.setdefault(key, []).append(reviewer_id)
    if not reviewers_by_key:
        return []
    wanted = set(response_ids)
    found = (
        Submission.objects.filter(call=call)
        .exclude(organisation_name="")
        .annotate(org_key=organisation_key())
        .filter(org_key__in=list(reviewers_by_key))
        .values_list("pk", "org_key")
    )
    return [(pk, r) for pk, key in found if pk in wanted for r in reviewers_by_key[key]]


def _reviews_copy(*, call: CallForEvidence, pairs, actor: User | None, due_on) -> None:
    """Write new reviews with one COPY: 300,000 rows in seconds, where INSERTs take minutes.

    The rows are written as COPY's text format in one buffer (every value is a number, a
    date or a constant: nothing to escape), not row by row."""
    if not pairs:
        return
    now = timezone.now().isoformat()
    actor_id = str(actor.pk) if actor is not None and actor.is_authenticated else r"\N"
    due = due_on.isoformat() if due_on else r"\N"
    columns = (
        "call_id, submission_id, reviewer_id, state, assigned_by_id, due_on, notes, flags, "
        "version, created_at, updated_at"
    )
    tail = f"\t{ReviewState.ASSIGNED.value}\t{actor_id}\t{due}\t\t{{}}\t1\t{now}\t{now}\n"
    head = f"{call.pk}\t"
    text = "".join(
        f"{head}{int(submission_id)}\t{int(reviewer_id)}{tail}"
        for submission_id, reviewer_id in pairs
    )
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor, for COPY
        with raw.copy(f"COPY evidence_review ({columns}) FROM STDIN") as copy:
            copy.write(text.encode())


def _submissions_mark_in_review(*, submission_ids: list[int]) -> None:
    """The responses just given reviewers are "in review" (those still "new"): one UPDATE
    joined to their ids, each row written once."""
    if not submission_ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE evidence_submission AS s SET review_state = %s "
            "FROM unnest(%s::bigint[]) AS chosen(id) "
            "WHERE s.id = chosen.id AND s.review_state = %s",
            [
                SubmissionReviewState.IN_REVIEW.value,
                sorted(set(submission_ids)),
                SubmissionReviewState.NEW.value,
            ],
        )


@transaction.atomic
def reviews_assign_automatic(
    *, actor: User, call: CallForEvidence, submission_ids: list[int] | None, per_response: int
) -> AssignmentPlan:
    """Give every selected response `per_response` reviewers, balancing workloads (min-cost flow).

    Existing pairs are kept and conflicts respected. The plan is computed again here under a
    lock on the call, so two people confirming at once cannot double-assign.
    """
    if not 1 <= per_response <= 10:
        raise ValidationError(
            {"per_response": _("Choose between 1 and 10 reviewers per response.")}
        )
    CallForEvidence.objects.select_for_update().get(pk=call.pk)
    plan = assignment_plan(call=call, submission_ids=submission_ids, per_response=per_response)
    phase = active_phase(call=call)
    due_on = phase.due_on if phase else None
    _reviews_copy(call=call, pairs=plan.pairs, actor=actor, due_on=due_on)
    _submissions_mark_in_review(submission_ids=[submission_id for submission_id, _ in plan.pairs])
    agreement_refresh(actor=actor, call=call)
    audit_record(
        actor=actor,
        action="evidence.review.assign_automatic",
        target=call,
        changes={
            "per_response": per_response,
            "assigned": len(plan.pairs),
            "short": len(plan.short),
            "load_after": {str(k): v for k, v in plan.load_after.items()},
        },
    )
    return plan
