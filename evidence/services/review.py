"""Reviewers' writes: a review (scores, confidence, notes, flags, state), codings, excerpts.

Every write names its actor, runs in one transaction, checks the call's active phase, and
leaves an audit entry. A review carries a `version`: a save names the version it started
from, so two people (or two tabs) never silently overwrite each other.
"""

import re
import statistics
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from evidence.enums import (
    CodingSource,
    ReviewFlag,
    ReviewState,
    ScoreAggregate,
    SubmissionReviewState,
)
from evidence.models import (
    Answer,
    Attachment,
    CampaignGroup,
    Coding,
    Criterion,
    Excerpt,
    Review,
    Score,
    Submission,
    Theme,
)
from evidence.selectors.review import ReviewRules, review_rules
from evidence.services.agreement import agreement_refresh
from levelup.audit import audit_record
from levelup.models import User


class StaleReview(ValidationError):
    """The review changed since the person opened it; `current` is the saved version."""

    def __init__(self, current: Review, current_scores: dict[int, int]):
        super().__init__(
            _(
                "Someone saved this review while you were editing it. Your changes have not "
                "been saved: compare the two versions below, then save again."
            ),
            code="stale",
        )
        self.current = current
        self.current_scores = current_scores


@dataclass(frozen=True)
class ReviewInput:
    """What the review form sends."""

    scores: dict[int, int]
    confidence: int | None
    notes: str
    flags: list[str]
    mark_reviewed: bool = False


def _rules_for_writing(review: Review, actor: User) -> ReviewRules:
    if review.reviewer_id != actor.pk:
        raise ValidationError(_("This is not your review."))
    rules = review_rules(call=review.call)
    if not rules.open:
        raise ValidationError(_("Review of this call is closed at the moment."))
    return rules


def _total(review: Review, scores: dict[int, int], criteria: list[Criterion]) -> Decimal | None:
    values = [(c, scores[c.pk]) for c in criteria if c.pk in scores]
    if not values:
        return None
    if review.call.score_aggregate == ScoreAggregate.MEDIAN:
        result = Decimal(str(statistics.median(v for _c, v in values)))
    else:
        weight = sum((c.weight for c, _v in values), Decimal(0))
        if weight == 0:
            return None
        result = sum((c.weight * v for c, v in values), Decimal(0)) / weight
    return result.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _content(review: Review, scores: dict[int, int]) -> tuple:
    return (dict(scores), review.confidence, review.notes, sorted(review.flags))


def submission_review_state_update(*, submission: Submission) -> None:
    """A response's review state across its reviewers: new, in review, or reviewed by all."""
    states = list(Review.objects.filter(submission=submission).values_list("state", flat=True))
    if states and all(s == ReviewState.REVIEWED for s in states):
        new = SubmissionReviewState.REVIEWED
    elif any(s != ReviewState.ASSIGNED for s in states):
        new = SubmissionReviewState.IN_REVIEW
    else:
        new = SubmissionReviewState.NEW
    Submission.objects.filter(pk=submission.pk).exclude(review_state=new).update(review_state=new)


@transaction.atomic
def review_save(*, actor: User, review: Review, version: int, data: ReviewInput) -> Review:
    """Save the reviewer's scores, confidence, notes and flags; optionally mark reviewed.

    Saving the same thing twice changes nothing (a double click, the back button). A save
    from an older version that would change what is stored raises `StaleReview`.
    """
    locked = Review.objects.select_for_update().select_related("call").get(pk=review.pk)
    rules = _rules_for_writing(locked, actor)
    current_scores = dict(Score.objects.filter(review=locked).values_list("criterion_id", "value"))
    flags = sorted(set(data.flags))
    unknown = set(flags) - set(ReviewFlag.values)
    if unknown:
        raise ValidationError({"flags": _("Choose flags from the list.")})
    criteria = list(Criterion.objects.filter(call=locked.call, removed_at__isnull=True))
    by_id = {c.pk: c for c in criteria}
    scores = {int(k): int(v) for k, v in data.scores.items() if v is not None}
    if any(pk not in by_id for pk in scores):
        raise ValidationError(_("That criterion is not part of this call's rubric."))
    if scores != {k: v for k, v in current_scores.items() if k in scores} and not rules.may_score:
        raise ValidationError(_("Scoring is not open in this review phase."))
    proposed_scores = {**current_scores, **scores}
    wants_reviewed = data.mark_reviewed or locked.state == ReviewState.REVIEWED
    proposed = (proposed_scores, data.confidence, data.notes, flags)
    unchanged = proposed == _content(locked, current_scores) and (
        wants_reviewed == (locked.state == ReviewState.REVIEWED)
    )
    if version != locked.version:
        if unchanged:
            return locked
        raise StaleReview(locked, current_scores)
    if unchanged and locked.state != ReviewState.ASSIGNED:
        return locked
    if data.mark_reviewed and rules.may_score:
        missing = [c.name for c in criteria if c.pk not in proposed_scores]
        if missing:
            raise ValidationError(
                _("Score every criterion before marking the review done: %(names)s.")
                % {"names": ", ".join(missing)}
            )
    before = {
        "state": locked.state,
        "confidence": locked.confidence,
        "flags": list(locked.flags),
        "scores": current_scores,
    }
    for criterion_id, value in scores.items():
        if current_scores.get(criterion_id) == value:
            continue
        score = Score(review=locked, criterion=by_id[criterion_id], value=value)
        score.full_clean(exclude=["review", "criterion"], validate_unique=False)
        Score.objects.update_or_create(
            review=locked, criterion_id=criterion_id, defaults={"value": value}
        )
    locked.confidence = data.confidence
    locked.notes = data.notes
    locked.flags = flags
    if data.mark_reviewed and locked.state != ReviewState.REVIEWED:
        locked.state = ReviewState.REVIEWED
        locked.reviewed_at = timezone.now()
    elif locked.state == ReviewState.ASSIGNED:
        locked.state = ReviewState.IN_PROGRESS
    locked.total = _total(locked, proposed_scores, criteria)
    locked.version += 1
    # Who assigned it is history (null when the person left), not for the reviewer to fill.
    locked.full_clean(exclude=["assigned_by"])
    locked.save()
    submission_review_state_update(submission=locked.submission)
    audit_record(
        actor=actor,
        action="evidence.review.save",
        target=locked,
        changes={
            "before": before,
            "after": {
                "state": locked.state,
                "confidence": locked.confidence,
                "flags": flags,
                "scores": proposed_scores,
            },
            "version": locked.version,
        },
    )
    agreement_refresh(actor=actor, call=locked.call)
    return locked


def _campaign_members(submission: Submission) -> list[Submission]:
    """The other responses of the campaign group this response represents, if it does."""
    group = CampaignGroup.objects.filter(representative_id=submission.pk).first()
    if group is None:
        return []
    return list(
        Submission.objects.filter(campaign_group=group).exclude(pk=submission.pk).only("pk")
    )


def _code_one(*, actor: User, submission_id: int, theme: Theme, source: str, now) -> Coding | None:
    current = Coding.objects.filter(
        submission_id=submission_id, theme=theme, removed_at__isnull=True
    ).first()
    if current is not None:
        return None
    return Coding.objects.create(
        call_id=theme.call_id,
        submission_id=submission_id,
        theme=theme,
        source=source,
        coded_by=actor,
    )


@transaction.atomic
def submission_code(
    *,
    actor: User,
    submission: Submission,
    add: list[Theme] = (),
    remove: list[Theme] = (),
    source: str = CodingSource.MANUAL,
    check_rules: bool = True,
) -> list[Coding]:
    """Code a response with themes and take themes off it (kept, marked removed, for history).

    Coding a campaign group's representative codes every response in the group too
    (recorded as coded through its campaign group).
    """
    if check_rules:
        rules = review_rules(call=submission.call)
        if not rules.open or not rules.may_code:
            raise ValidationError(_("Coding is not open in this review phase."))
    for theme in [*add, *remove]:
        if theme.call_id != submission.call_id or theme.merged_into_id is not None:
            raise ValidationError(_("That theme is not part of this call's code frame."))
    now = timezone.now()
    members = _campaign_members(submission)
    created = []
    for theme in add:
        coding = _code_one(
            actor=actor, submission_id=submission.pk, theme=theme, source=source, now=now
        )
        if coding is not None:
            created.append(coding)
        for member in members:
            _code_one(
                actor=actor,
                submission_id=member.pk,
                theme=theme,
                source=CodingSource.CAMPAIGN,
                now=now,
            )
    removed = 0
    if remove:
        ids = [submission.pk, *(m.pk for m in members)]
        removed = Coding.objects.filter(
            submission_id__in=ids, theme__in=list(remove), removed_at__isnull=True
        ).update(removed_at=now, removed_by=actor)
    if created or removed:
        audit_record(
            actor=actor,
            action="evidence.submission.code",
            target=submission,
            changes={
                "added": [t.name for t in add],
                "removed": [t.name for t in remove],
                "source": source,
                "campaign_members": len(members),
            },
        )
        agreement_refresh(actor=actor, call=submission.call)
    return created


_SPACE = re.compile(r"\s+")


def _normalised(text: str) -> tuple[str, list[int]]:
    """The text with each run of whitespace as one space, and where each character came from."""
    out: list[str] = []
    origin: list[int] = []
    index = 0
    for match in _SPACE.finditer(text):
        for i in range(index, match.start()):
            out.append(text[i])
            origin.append(i)
        out.append(" ")
        origin.append(match.start())
        index = match.end()
    for i in range(index, len(text)):
        out.append(text[i])
        origin.append(i)
    return "".join(out), origin


def find_quote(text: str, quote: str) -> tuple[int, int] | None:
    """Where `quote` is in `text`: exactly, else ignoring differences in whitespace."""
    quote = quote.strip()
    if not quote:
        return None
    start = text.find(quote)
    if start >= 0:
        return start, start + len(quote)
    flat, origin = _normalised(text)
    wanted = _SPACE.sub(" ", quote)
    start = flat.find(wanted)
    if start < 0:
        return None
    last = start + len(wanted) - 1
    return origin[start], origin[last] + 1


@transaction.atomic
def excerpt_create(
    *,
    actor: User,
    review: Review,
    answer: Answer | None = None,
    attachment: Attachment | None = None,
    start: int | None = None,
    end: int | None = None,
    quote: str = "",
    theme: Theme | None = None,
    note: str = "",
) -> Excerpt:
    """Quote a span of one answer or one attachment's text, optionally tagged with a theme.

    The browser sends the selection's offsets and its text; without JavaScript the person
    pastes the quote and we find it (exactly, then ignoring whitespace) or say we could not.
    """
    rules = _rules_for_writing(review, actor)
    if not rules.may_code:
        raise ValidationError(_("Excerpts are not open in this review phase."))
    submission = Submission.objects.select_for_update().get(pk=review.submission_id)
    if (answer is None) == (attachment is None):
        raise ValidationError(_("Choose the answer or file the excerpt comes from."))
    source = answer if answer is not None else attachment
    if source.submission_id != submission.pk:
        raise ValidationError(_("That text is not part of this response."))
    text = answer.text if answer is not None else attachment.extracted_text
    if theme is not None and (theme.call_id != review.call_id or theme.merged_into_id):
        raise ValidationError({"theme": _("That theme is not part of this call's code frame.")})
    span = None
    offsets_fit = start is not None and end is not None and 0 <= start < end <= len(text)
    if offsets_fit and (not quote.strip() or text[start:end].strip() == quote.strip()):
        span = (start, end)
    if span is None:
        span = find_quote(text, quote)
    if span is None:
        if not quote.strip():
            raise ValidationError({"quote": _("Select or paste the words to quote.")})
        raise ValidationError(
            {"quote": _("We could not find those words in that answer. Copy them again exactly.")}
        )
    number = (
        Excerpt.objects.filter(submission=submission).aggregate(n=Max("number"))["n"] or 0
    ) + 1
    excerpt = Excerpt(
        call_id=review.call_id,
        submission=submission,
        answer=answer,
        attachment=attachment,
        number=number,
        start=span[0],
        end=span[1],
        text=text[span[0] : span[1]],
        theme=theme,
        note=note,
        created_by=actor,
    )
    excerpt.full_clean()
    excerpt.save()
    audit_record(
        actor=actor,
        action="evidence.excerpt.create",
        target=excerpt,
        changes={"start": excerpt.start, "end": excerpt.end, "theme": theme and theme.name},
    )
    if theme is not None:
        agreement_refresh(actor=actor, call=excerpt.call)
    return excerpt


@transaction.atomic
def excerpt_remove(*, actor: User, review: Review, excerpt: Excerpt) -> None:
    """Delete an excerpt the person made, unless a finding quotes it."""
    rules = _rules_for_writing(review, actor)
    if not rules.may_code:
        raise ValidationError(_("Excerpts are not open in this review phase."))
    if excerpt.submission_id != review.submission_id or excerpt.created_by_id != actor.pk:
        raise ValidationError(_("You can only remove excerpts you made."))
    if excerpt.finding_links.exists():
        raise ValidationError(_("A finding quotes this excerpt: it cannot be removed."))
    audit_record(
        actor=actor,
        action="evidence.excerpt.remove",
        target=review.submission,
        changes={"excerpt": excerpt.number, "text": excerpt.text[:200]},
    )
    if excerpt.theme_id is not None:
        agreement_refresh(actor=actor, call=review.call)
    excerpt.delete()
