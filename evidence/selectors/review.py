"""Reads for reviewers: their calls, their queue, one response to review, search snippets.

What a reviewer may see is decided here, once: the calls they were granted, within them the
responses assigned to them (one `Review` row each), never a response from an organisation
they declared a conflict with, and only while the call's review is open (its active phase,
when the call has phases). Identity is hidden when the call runs anonymised review or the
active phase says so; the views and templates read `ReviewRules.identity_hidden`.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Window,
)
from django.db.models.functions import Coalesce, Lag, Lead, RowNumber
from django.http import Http404
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from evidence.enums import (
    OthersScoresVisibility,
    ReviewState,
    SubmissionStatus,
)
from evidence.models import (
    Answer,
    Attachment,
    CallForEvidence,
    CampaignGroup,
    Coding,
    Criterion,
    Excerpt,
    Review,
    ReviewerConflict,
    ReviewPhase,
    Score,
    Submission,
    ThemeSuggestion,
)
from evidence.models.responding import organisation_key
from evidence.search import ANSWERS_SQL, ATTACHMENTS_SQL
from levelup.models import User

SEARCH_CONFIG = "english"
# Sentinels ts_headline puts around matches; the snippet is escaped, then they become <mark>.
MARK_START, MARK_END = "\x02", "\x03"


@dataclass(frozen=True)
class ReviewRules:
    """What reviewers of a call may do and see now, from its active phase."""

    open: bool
    phase: ReviewPhase | None
    may_score: bool
    may_code: bool
    others_scores: str
    identity_hidden: bool


def review_rules(*, call: CallForEvidence) -> ReviewRules:
    """The call's rules for reviewers, in one query.

    A call without phases is open to its reviewers with the defaults (score, code, others'
    scores after their own). A call with phases is open only while one of them is active.
    """
    phases = list(ReviewPhase.objects.filter(call=call).order_by("position", "pk"))
    active = next((phase for phase in phases if phase.is_active), None)
    if active is None:
        return ReviewRules(
            open=not phases,
            phase=None,
            may_score=not phases,
            may_code=not phases,
            others_scores=OthersScoresVisibility.AFTER_OWN,
            identity_hidden=call.anonymised_review,
        )
    return ReviewRules(
        open=True,
        phase=active,
        may_score=active.may_score,
        may_code=active.may_code,
        others_scores=active.others_scores,
        identity_hidden=call.anonymised_review or not active.may_see_identity,
    )


def conflict_key(name: str) -> str:
    """An organisation's name as conflicts compare it: trimmed, spaces collapsed, lower case.

    The database side (`organisation_key`) must give the same answer.
    """
    return " ".join(name.split()).lower()


def calls_reviewed_by(*, user: User) -> QuerySet[CallForEvidence]:
    """The calls the person reviews, with how many responses they have and have done.

    Each count reads the person's own reviews of the call from their index, checking each
    review's response by its key, not every review of the call joined to its response."""
    if not user.is_authenticated or not user.reviewer_call_ids:
        return CallForEvidence.objects.none()

    def count(**only) -> Coalesce:
        withdrawn = Submission.objects.filter(
            pk=OuterRef("submission_id"), status=SubmissionStatus.WITHDRAWN
        )
        reviews = (
            Review.objects.filter(call=OuterRef("pk"), reviewer=user, number__isnull=False, **only)
            .exclude(Exists(withdrawn))
            .order_by()
            .values("call")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Coalesce(Subquery(reviews, output_field=IntegerField()), 0)

    return (
        CallForEvidence.objects.filter(pk__in=user.reviewer_call_ids)
        .select_related("body")
        .annotate(assigned_count=count(), done_count=count(state=ReviewState.REVIEWED))
        .order_by("-closes_at", "title")
    )


def reviews_for_reviewer(
    *, user: User, call: CallForEvidence, rules: ReviewRules | None = None
) -> QuerySet[Review]:
    """The person's reviews in the call that they may open now: assigned to them, of sent
    (not withdrawn) responses, none from an organisation they declared a conflict with.

    Written so that the reviews alone answer it: the responses to leave out (withdrawn, or
    from a conflicting organisation) are found from their own indexes, and the review's copy
    of the reference number orders the queue, so a page or a count never joins all of a
    reviewer's reviews to their responses."""
    if not user.is_authenticated or call.pk not in user.reviewer_call_ids:
        return Review.objects.none()
    rules = rules or review_rules(call=call)
    if not rules.open:
        return Review.objects.none()
    withdrawn = Submission.objects.filter(call=call, status=SubmissionStatus.WITHDRAWN)
    conflicted = (
        Submission.objects.filter(call=call)
        .annotate(org_key=organisation_key())
        .filter(
            org_key__in=ReviewerConflict.objects.filter(call=call, reviewer=user).values("name_key")
        )
    )
    # Only sent responses have a number, so a review with one is of a sent response.
    return (
        Review.objects.filter(call=call, reviewer=user, number__isnull=False)
        .exclude(submission__in=withdrawn.values("pk"))
        .exclude(submission__in=conflicted.values("pk"))
    )


def submissions_for_reviewer(
    *, user: User, call: CallForEvidence, rules: ReviewRules | None = None
) -> QuerySet[Submission]:
    """The responses the person may review in the call (assignment, conflicts, phase)."""
    reviews = reviews_for_reviewer(user=user, call=call, rules=rules)
    return Submission.objects.filter(pk__in=reviews.values("submission_id"))


SORTS = {
    "reference": ("number", "pk"),
    "-reference": ("-number", "-pk"),
    "state": ("state", "number", "pk"),
    "-total": (F("total").desc(nulls_last=True), "number", "pk"),
    "total": (F("total").asc(nulls_last=True), "number", "pk"),
    "due": (F("due_on").asc(nulls_last=True), "number", "pk"),
}


@dataclass
class QueueFilters:
    q: str = ""
    state: str = ""
    responding_as: str = ""
    organisation_type: str = ""
    place: object = None
    question: object = None
    theme: object = None
    score_min: object = None
    score_max: object = None
    flag: str = ""
    campaign: object = None
    sort: str = ""
    extra: dict = field(default_factory=dict)


def filter_submissions(queryset: QuerySet, filters: QueueFilters, *, prefix: str = "") -> QuerySet:
    """Apply the response filters shared by the reviewer's queue and the secretariat's list.

    `prefix` is how the queryset's model reaches the submission ("submission__" for reviews).
    """
    p = prefix
    if filters.responding_as:
        queryset = queryset.filter(**{f"{p}responding_as": filters.responding_as})
    if filters.organisation_type:
        queryset = queryset.filter(**{f"{p}organisation_type": filters.organisation_type})
    if filters.place is not None:
        queryset = queryset.filter(**{f"{p}place": filters.place})
    if filters.campaign is not None:
        queryset = queryset.filter(**{f"{p}campaign_group": filters.campaign})
    submission_ref = OuterRef(f"{p}pk" if p else "pk")
    if filters.question is not None:
        queryset = queryset.filter(
            Exists(
                Answer.objects.filter(submission=submission_ref, question=filters.question).exclude(
                    text="", values=[]
                )
            )
        )
    if filters.theme is not None:
        queryset = queryset.filter(
            Exists(
                Coding.objects.filter(
                    submission=submission_ref, theme=filters.theme, removed_at__isnull=True
                )
            )
        )
    term = (filters.q or "").strip()
    if term:
        queryset = queryset.filter(**{f"{p}search_vector": search_query(term)})
    return queryset


def search_query(term: str) -> SearchQuery:
    """What a person types, the way web search engines read it: "phrases", -exclude, or."""
    return SearchQuery(term, search_type="websearch", config=SEARCH_CONFIG)


def review_queue(
    *, user: User, call: CallForEvidence, rules: ReviewRules, filters: QueueFilters
) -> QuerySet[Review]:
    """The person's queue in the call, filtered, searched and sorted; a fixed number of
    queries per page (the page's rows and, for search, their snippets)."""
    reviews = reviews_for_reviewer(user=user, call=call, rules=rules).select_related(
        "submission__place", "submission__campaign_group"
    )
    if filters.state:
        reviews = reviews.filter(state=filters.state)
    if filters.flag:
        reviews = reviews.filter(flags__contains=[filters.flag])
    if filters.score_min is not None:
        reviews = reviews.filter(total__gte=filters.score_min)
    if filters.score_max is not None:
        reviews = reviews.filter(total__lte=filters.score_max)
    reviews = filter_submissions(reviews, filters, prefix="submission__")
    term = (filters.q or "").strip()
    sort = filters.sort if filters.sort in SORTS else ""
    if term and sort in ("", "relevance"):
        return reviews.annotate(
            rank=SearchRank(F("submission__search_vector"), search_query(term))
        ).order_by("-rank", "number", "pk")
    return reviews.order_by(*SORTS[sort or "reference"])


def queue_neighbours(
    reviews: QuerySet[Review], *, review: Review
) -> tuple[Submission | None, Submission | None, int, int]:
    """The responses before and after this review's in the (filtered, sorted) queue, its
    place in it and the queue's length, in one query over the reviewer's index (never all of
    the queue joined to its responses); only the two neighbours are read from the responses.

    In reference order (the usual one, either way) one pass counts the queue and the reviews
    before this one and finds the numbers either side of it; in any other order the database
    numbers the queue's rows in that order."""
    order = list(reviews.query.order_by) or ["number", "pk"]
    if tuple(order) in REFERENCE_ORDERS and review.number is not None:
        return _neighbours_in_reference_order(
            reviews, review=review, descending=order[0] == "-number"
        )
    return _neighbours_by_row_number(reviews, order=order, review=review)


# A reviewer has one review of a response and a call's numbers are unique, so in these
# orders the number alone places a review in the queue.
REFERENCE_ORDERS = {("number", "pk"), ("-number", "-pk")}


def _neighbours_in_reference_order(reviews: QuerySet[Review], *, review: Review, descending):
    queue_sql, params = (
        reviews.select_related(None).order_by().values("number").query.sql_with_params()
    )
    earlier, later = (">", "<") if descending else ("<", ">")
    before, after = ("min", "max") if descending else ("max", "min")
    sql = f"""
        SELECT here.length, here.found, here.earlier,
               b.id, b.public_id, b.reference, a.id, a.public_id, a.reference
          FROM (SELECT count(*) AS length,
                       coalesce(bool_or(queue.number = %s), false) AS found,
                       count(*) FILTER (WHERE queue.number {earlier} %s) AS earlier,
                       {before}(queue.number) FILTER (WHERE queue.number {earlier} %s) AS before,
                       {after}(queue.number) FILTER (WHERE queue.number {later} %s) AS after
                  FROM ({queue_sql}) AS queue) AS here
          LEFT JOIN evidence_submission AS b ON b.call_id = %s AND b.number = here.before
          LEFT JOIN evidence_submission AS a ON a.call_id = %s AND a.number = here.after
    """  # noqa: S608 (the queue's SQL is Django's, with its parameters bound)
    number = review.number
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [number, number, number, number, *params, review.call_id, review.call_id],
        )
        length, found, position_before, *neighbours = cursor.fetchone()
    if not found:
        return None, None, 0, length
    return _neighbour(*neighbours[:3]), _neighbour(*neighbours[3:]), position_before + 1, length


def _neighbour(pk, public_id, reference) -> Submission | None:
    return Submission(pk=pk, public_id=public_id, reference=reference) if pk else None


def _neighbours_by_row_number(reviews: QuerySet[Review], *, order: list, review: Review):
    ranked = (
        reviews.select_related(None)
        .order_by()
        .annotate(
            position=Window(RowNumber(), order_by=order),
            before_id=Window(Lag("submission_id"), order_by=order),
            after_id=Window(Lead("submission_id"), order_by=order),
        )
        .values("submission_id", "position", "before_id", "after_id")
    )
    queue_sql, params = ranked.query.sql_with_params()
    sql = f"""
        WITH queue AS MATERIALIZED ({queue_sql})
        SELECT (SELECT count(*) FROM queue), here.position,
               before.id, before.public_id, before.reference,
               after.id, after.public_id, after.reference
          FROM (SELECT 1) AS one
          LEFT JOIN queue AS here ON here.submission_id = %s
          LEFT JOIN evidence_submission AS before ON before.id = here.before_id
          LEFT JOIN evidence_submission AS after ON after.id = here.after_id
    """  # noqa: S608 (the queue's SQL is Django's, with its parameters bound)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, review.submission_id])
        length, position, *neighbours = cursor.fetchone()
    if position is None:
        return None, None, 0, length
    return _neighbour(*neighbours[:3]), _neighbour(*neighbours[3:]), position, length


def search_snippets(*, submission_ids: list[int], term: str) -> dict[int, SafeString]:
    """Highlighted passages of these responses for the search `term`, in one query.

    PostgreSQL marks the matches with sentinel characters; the passage is then escaped
    here and only our own `<mark>` tags are put back, so nothing a respondent wrote is
    ever trusted as HTML.
    """
    term = (term or "").strip()
    if not term or not submission_ids:
        return {}
    document = (
        f"coalesce(({ANSWERS_SQL.format(id='s.id')}), '') || E'\\n' || "
        f"coalesce(({ATTACHMENTS_SQL.format(id='s.id')}), '')"
    )
    options = (
        f'StartSel="{MARK_START}", StopSel="{MARK_END}", MaxWords=35, MinWords=15, '
        'MaxFragments=2, FragmentDelimiter=" … "'
    )
    # Constant SQL; the search words and ids are parameters.
    sql = f"""
        SELECT s.id, ts_headline(
            %s::regconfig, translate({document}, %s, '  '),
            websearch_to_tsquery(%s::regconfig, %s), %s)
        FROM evidence_submission AS s WHERE s.id = ANY(%s)
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                SEARCH_CONFIG,
                MARK_START + MARK_END,
                SEARCH_CONFIG,
                term,
                options,
                list(submission_ids),
            ],
        )
        rows = cursor.fetchall()
    return {pk: highlight(text or "") for pk, text in rows}


def highlight(marked: str) -> SafeString:
    """Escape a passage, then turn the sentinel characters into `<mark>` tags."""
    safe = escape(marked).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    return mark_safe(safe)  # noqa: S308 - escaped above; only our own tags added


def review_for_reviewer(
    *, user: User, call: CallForEvidence, public_id, rules: ReviewRules
) -> Review:
    """The person's review of one response, or 404 when they may not open it."""
    review = (
        reviews_for_reviewer(user=user, call=call, rules=rules)
        .select_related("submission__place", "submission__campaign_group")
        .filter(submission__public_id=public_id)
        .order_by("pk")  # at most one row; not the model's ordering, which joins the call
        .first()
    )
    if review is None:
        raise Http404
    review.call = call
    review.submission.call = call
    return review


@dataclass
class ReviewPage:
    answers: list
    attachments: list
    criteria: list
    scores: dict
    coded_theme_ids: set
    codings: list
    excerpts: list
    others: list
    suggestions: list


def review_page(*, review: Review, rules: ReviewRules) -> ReviewPage:
    """Everything the response page shows next to the review form; a fixed number of queries."""
    submission = review.submission
    answers = [
        answer
        for answer in Answer.objects.filter(submission=submission)
        .select_related("question__section")
        .order_by("question__section__position", "question__position", "question_id")
        if not answer.is_empty
    ]
    attachments = list(
        Attachment.objects.filter(submission=submission).defer("file").order_by("created_at", "pk")
    )
    # The rubric with this review's score on each criterion, in one read.
    criteria = list(
        Criterion.objects.filter(call=review.call, removed_at__isnull=True).annotate(
            own_score=Subquery(
                Score.objects.filter(review=review, criterion=OuterRef("pk")).values("value")[:1]
            )
        )
    )
    scores = {c.pk: c.own_score for c in criteria if c.own_score is not None}
    codings = list(
        Coding.objects.filter(submission=submission)
        .select_related("theme", "coded_by", "removed_by")
        .order_by("-created_at", "-pk")
    )
    coded = {c.theme_id for c in codings if c.removed_at is None}
    excerpts = list(
        Excerpt.objects.filter(submission=submission).select_related("theme").order_by("number")
    )
    for excerpt in excerpts:
        excerpt.submission = submission
    others = []
    show_others = rules.others_scores == OthersScoresVisibility.ALWAYS or (
        rules.others_scores == OthersScoresVisibility.AFTER_OWN
        and review.state == ReviewState.REVIEWED
    )
    if show_others:
        # Shown as "Reviewer 1", "Reviewer 2": their state and total, never who they are.
        others = list(
            Review.objects.filter(submission=submission)
            .exclude(pk=review.pk)
            .only("state", "total")
            .order_by("pk")
        )
    suggestions = list(
        ThemeSuggestion.objects.filter(submission=submission)
        .select_related("theme", "decided_by")
        .order_by("-score", "pk")
    )
    return ReviewPage(
        answers=answers,
        attachments=attachments,
        criteria=criteria,
        scores=scores,
        coded_theme_ids=coded,
        codings=codings,
        excerpts=excerpts,
        others=others,
        suggestions=suggestions,
    )


def campaign_groups_for_call(*, call: CallForEvidence) -> list[CampaignGroup]:
    """The call's campaign groups, biggest first, with their representative (one query)."""
    return list(
        CampaignGroup.objects.filter(call=call)
        .select_related("representative")
        .order_by("-size", "pk")[:500]
    )


def campaign_job_latest(*, call: CallForEvidence):
    """The latest campaign-grouping job of the call, if any."""
    from django.contrib.contenttypes.models import ContentType

    from levelup.models import Job

    return (
        Job.objects.filter(
            kind="evidence.campaigns_group",
            content_type=ContentType.objects.get_for_model(CallForEvidence),
            object_id=call.pk,
        )
        .order_by("-pk")
        .first()
    )


def active_phase(*, call: CallForEvidence) -> ReviewPhase | None:
    return ReviewPhase.objects.filter(call=call, is_active=True).first()


def reviewable_submissions(*, call: CallForEvidence) -> QuerySet[Submission]:
    """Responses that can be reviewed at all: sent (have a reference) and not withdrawn."""
    return Submission.objects.filter(call=call, number__isnull=False).exclude(
        status=SubmissionStatus.WITHDRAWN
    )


def conflicted_submission_ids(
    *,
    call: CallForEvidence,
    reviewer: User | None = None,
    keys: Iterable[str] | None = None,
    among: Iterable[int] | None = None,
) -> set[int]:
    """Ids of the call's responses from organisations the reviewer (or `keys`) conflict with."""
    if keys is None:
        keys = list(
            ReviewerConflict.objects.filter(call=call, reviewer=reviewer).values_list(
                "name_key", flat=True
            )
        )
    keys = list(keys)
    if not keys:
        return set()
    found = (
        Submission.objects.filter(call=call)
        .exclude(organisation_name="")
        .annotate(org_key=organisation_key())
        .filter(org_key__in=keys)
    )
    if among is not None:
        found = found.filter(pk__in=list(among))
    return set(found.values_list("pk", flat=True))


def reviewer_may_open(*, user: User, submission: Submission) -> bool:
    """Whether `user`, as a reviewer, may open this one response (same rule as the queue)."""
    return (
        submissions_for_reviewer(user=user, call=submission.call).filter(pk=submission.pk).exists()
    )
