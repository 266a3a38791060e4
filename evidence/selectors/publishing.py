"""What the public may see of a call's evidence, and how a response reads once published.

One rule, in one place: a response is public when its call's report is published, it was
submitted (not withdrawn), its respondent allowed publication, and moderation approved it.
Anonymous responses show the respondent type and place only. Redacted spans are replaced by
"[redacted: reason]"; the original is never changed.
"""

from collections import Counter
from dataclasses import dataclass
from types import SimpleNamespace

from django.contrib.postgres.search import SearchQuery
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.encoding import iri_to_uri
from django.utils.translation import gettext as _

from evidence.enums import (
    PUBLISHABLE_MODERATION,
    CallStatus,
    ModerationState,
    PublicationPreference,
    RedactionReason,
    RespondingAs,
    SubmissionStatus,
)
from evidence.models import (
    Answer,
    Attachment,
    CallForEvidence,
    CallReport,
    Excerpt,
    Finding,
    FindingExcerpt,
    Moderation,
    OralEvidence,
    Recommendation,
    Redaction,
    Submission,
    Theme,
)
from levelup.enums import OrganisationType

from .responses import KeysetPage, keyset_page

PUBLIC_PREFERENCES = (PublicationPreference.NAMED, PublicationPreference.ANONYMOUS)
SEARCH_COUNT_LIMIT = 100


def redacted_text(text: str, redactions) -> str:
    """`text` with each redacted span replaced by "[redacted: reason]" (overlaps merged)."""
    spans = sorted((r.start, r.end, r.reason) for r in redactions)
    out, cursor = [], 0
    for start, end, reason in spans:
        start = max(start, cursor)
        if end <= start:
            continue
        out.append(text[cursor:start])
        out.append(_("[redacted: %(reason)s]") % {"reason": RedactionReason(reason).label})
        cursor = end
    out.append(text[cursor:])
    return "".join(out)


def is_call_report_published(call: CallForEvidence) -> bool:
    return call.status in (CallStatus.PUBLISHED, CallStatus.ARCHIVED)


def submissions_publishable(*, call: CallForEvidence) -> QuerySet[Submission]:
    """Responses that will be public once the report is published (whatever the call's state)."""
    return Submission.objects.filter(
        call=call,
        status=SubmissionStatus.SUBMITTED,
        publication_preference__in=PUBLIC_PREFERENCES,
        # The copy narrows the read to the partial index `submission_call_publishable`;
        # the moderation itself decides.
        moderation_approved=True,
        moderation__state__in=PUBLISHABLE_MODERATION,
    )


def submissions_public(
    *, call: CallForEvidence, respondent_type: str = "", place_id: int | None = None, q: str = ""
) -> QuerySet[Submission]:
    """The public evidence index of a call: nothing before its report is published."""
    if not is_call_report_published(call):
        return Submission.objects.none()
    qs = submissions_publishable(call=call).select_related("place")
    if respondent_type == "individual":
        qs = qs.filter(responding_as="individual")
    elif respondent_type:
        qs = qs.filter(organisation_type=respondent_type)
    if place_id:
        qs = qs.filter(place_id=place_id)
    if q:
        # Search only what is published: answers without redacted words are matched through
        # the stored vector when it is kept; an anonymous response's name is never searched.
        query = SearchQuery(q, config="english", search_type="websearch")
        named = Q(publication_preference=PublicationPreference.NAMED) & (
            Q(organisation_name__icontains=q) | Q(respondent_name__icontains=q)
        )
        unredacted = Q(search_vector=query) & ~Q(redactions__isnull=False)
        # Each condition is a column of the response or an EXISTS, so no row repeats and the
        # page can be read in number order without DISTINCT.
        qs = qs.filter(named | unredacted | Q(reference__iexact=q))
    return qs.order_by("number")


def evidence_index_page(
    *,
    call: CallForEvidence,
    respondent_type: str = "",
    place_id: int | None = None,
    q: str = "",
    after: int | None = None,
    before: int | None = None,
    last: bool = False,
    size: int = 25,
) -> KeysetPage:
    """One page of the public evidence index, read by reference number ("keyset"): the last
    page costs what the first does. Pages come from the partial index of the call's
    publishable responses in number order (`submission_call_publishable`), each row's
    moderation probed by its key; the count is exact to 1,000, then an estimate. A search
    counts to SEARCH_COUNT_LIMIT only ("more than 100"): the planner's guess of how many
    responses hold a word is too rough to print, and counting every match of a common word
    costs more than the page."""
    return keyset_page(
        submissions_public(call=call, respondent_type=respondent_type, place_id=place_id, q=q),
        key="number",
        after=after,
        before=before,
        oldest=last,
        size=size,
        descending=False,
        **({"count_limit": SEARCH_COUNT_LIMIT, "estimate": False} if q else {}),
    )


def submission_public_get(*, call: CallForEvidence, reference: str) -> Submission:
    """One published response by reference, with its answers and attachments; DoesNotExist."""
    return (
        submissions_public(call=call)
        .prefetch_related(
            Prefetch(
                "answers",
                queryset=Answer.objects.select_related("question").prefetch_related("redactions"),
            ),
            Prefetch("attachments", queryset=Attachment.objects.prefetch_related("redactions")),
        )
        .get(reference__iexact=reference)
    )


def public_label(submission: Submission) -> str:
    """Who the public is told responded: a name only when the respondent allowed it."""
    if submission.publication_preference == PublicationPreference.NAMED:
        return submission.respondent_label
    return respondent_type_label(submission)


def respondent_type_label(submission: Submission) -> str:
    if submission.responding_as == "organisation" and submission.organisation_type:
        return str(OrganisationType(submission.organisation_type).label)
    return _("Individual")


@dataclass
class PublishedPart:
    label: str
    text: str
    redacted: bool


def submission_published_parts(submission: Submission) -> dict:
    """The answers and attachments of a published response as the public reads them."""
    answers = []
    for answer in submission.answers.all():
        if answer.is_empty:
            continue
        text = answer.text or ", ".join(str(v) for v in answer.values)
        reds = list(answer.redactions.all())
        answers.append(PublishedPart(answer.question.text, redacted_text(text, reds), bool(reds)))
    attachments = []
    for attachment in submission.attachments.all():
        reds = list(attachment.redactions.all())
        attachments.append(
            (
                attachment,
                PublishedPart(
                    attachment.original_name,
                    redacted_text(attachment.extracted_text, reds),
                    bool(reds),
                ),
            )
        )
    return {"answers": answers, "attachments": attachments}


def attachment_file_public(*, call: CallForEvidence, reference: str, pk: int) -> Attachment:
    """An original file is public only when its response was approved without redactions."""
    submission = submissions_public(call=call).get(reference__iexact=reference)
    if submission.moderation.state != ModerationState.APPROVED:
        raise Attachment.DoesNotExist
    return submission.attachments.get(pk=pk)


# Quoting follows consent --------------------------------------------------------------------


def excerpt_unquotable_reason(excerpt: Excerpt, redactions=None, moderation=None) -> str:
    """Why this excerpt may not be quoted publicly, or "" when it may."""
    submission = excerpt.submission
    if submission.status != SubmissionStatus.SUBMITTED:
        return _("the response was withdrawn")
    if submission.publication_preference not in PUBLIC_PREFERENCES:
        return _("the respondent asked for the response to stay confidential")
    if moderation is None:
        moderation = Moderation.objects.filter(submission=submission).first()
    state = moderation.state if moderation else ModerationState.PENDING
    if state == ModerationState.WITHHELD:
        return _("the response is withheld")
    if state not in PUBLISHABLE_MODERATION:
        return _("the response has not been moderated yet")
    if redactions is None:
        redactions = Redaction.objects.filter(submission=submission)
    for red in redactions:
        same_source = (excerpt.answer_id and red.answer_id == excerpt.answer_id) or (
            excerpt.attachment_id and red.attachment_id == excerpt.attachment_id
        )
        if same_source and red.start < excerpt.end and excerpt.start < red.end:
            return _("part of the quoted words is redacted")
    return ""


def excerpt_public_get(*, call: CallForEvidence, anchor: str) -> Excerpt:
    """An excerpt by its citable anchor (`PTF0042-E3`), once its text is public."""
    reference, sep, number = anchor.upper().rpartition("-E")
    if not sep or not number.isdigit():
        raise Excerpt.DoesNotExist
    submission = submissions_public(call=call).get(reference__iexact=reference)
    excerpt = Excerpt.objects.select_related("submission").get(
        submission=submission, number=int(number)
    )
    if excerpt_unquotable_reason(excerpt):
        raise Excerpt.DoesNotExist
    return excerpt


# The secretariat's side -----------------------------------------------------------------------


def submissions_for_moderation(*, call: CallForEvidence, state: str = "") -> QuerySet[Submission]:
    """Submitted responses whose respondent allowed publication, with their moderation."""
    qs = (
        Submission.objects.filter(
            call=call,
            status=SubmissionStatus.SUBMITTED,
            publication_preference__in=PUBLIC_PREFERENCES,
            # Every sent response has a number; saying so lets the page be read in number
            # order from the partial (call, number) index and stop after one page.
            number__isnull=False,
        )
        .select_related("moderation", "place")
        # A correlated count, worked out for the page's rows only: a join with GROUP BY
        # would group every response of the call before the page is cut (270 ms at 100,000).
        .annotate(
            redaction_count=Coalesce(
                Subquery(
                    Redaction.objects.filter(submission=OuterRef("pk"))
                    .order_by()
                    .values("submission")
                    .annotate(n=Count("pk"))
                    .values("n"),
                    output_field=IntegerField(),
                ),
                0,
            )
        )
        .order_by("number")
    )
    if state == ModerationState.PENDING:
        qs = qs.filter(Q(moderation__isnull=True) | Q(moderation__state=state))
    elif state:
        qs = qs.filter(moderation__state=state)
    return qs


def findings_for_call(*, call: CallForEvidence) -> QuerySet[Finding]:
    return (
        Finding.objects.filter(call=call)
        .prefetch_related("themes")
        .annotate(excerpt_count=Count("finding_excerpts", distinct=True))
    )


def finding_evidence(*, finding: Finding) -> list[dict]:
    """The finding's excerpts with their response, and whether each may be quoted and why."""
    links = list(
        FindingExcerpt.objects.filter(finding=finding)
        .select_related(
            "excerpt__submission__place",
            "excerpt__submission__moderation",
            "excerpt__theme",
        )
        .order_by("position", "pk")
    )
    submission_ids = {link.excerpt.submission_id for link in links}
    redactions: dict[int, list] = {}
    for red in Redaction.objects.filter(submission_id__in=submission_ids):
        redactions.setdefault(red.submission_id, []).append(red)
    rows = []
    for link in links:
        sub = link.excerpt.submission
        moderation = getattr(sub, "moderation", None) if _has_moderation(sub) else None
        rows.append(
            {
                "link": link,
                "excerpt": link.excerpt,
                "unquotable": excerpt_unquotable_reason(
                    link.excerpt,
                    redactions=redactions.get(sub.pk, []),
                    moderation=moderation or Moderation(state=ModerationState.PENDING),
                ),
            }
        )
    return rows


def _has_moderation(submission: Submission) -> bool:
    try:
        submission.moderation  # noqa: B018 - the reverse one-to-one raises when missing
    except Moderation.DoesNotExist:
        return False
    return True


def finding_evidence_counts(*, finding: Finding) -> dict:
    """How many distinct responses back the finding, by respondent type and by place."""
    subs = Submission.objects.filter(excerpts__finding_links__finding=finding).distinct()
    rows = list(subs.values("responding_as", "organisation_type", "place__name"))
    by_type: Counter = Counter()
    by_place: Counter = Counter()
    for row in rows:
        if row["responding_as"] == "organisation" and row["organisation_type"]:
            by_type[str(OrganisationType(row["organisation_type"]).label)] += 1
        else:
            by_type[_("Individual")] += 1
        by_place[row["place__name"] or _("Not given")] += 1
    return {
        "total": len(rows),
        "by_type": sorted(by_type.items()),
        "by_place": sorted(by_place.items()),
    }


def theme_excerpts(
    *, call: CallForEvidence, theme_id: int, respondent_type: str = "", place_id=None
) -> QuerySet[Excerpt]:
    qs = Excerpt.objects.filter(call=call, theme_id=theme_id).select_related(
        "submission__place", "theme"
    )
    if respondent_type == "individual":
        qs = qs.filter(submission__responding_as="individual")
    elif respondent_type:
        qs = qs.filter(submission__organisation_type=respondent_type)
    if place_id:
        qs = qs.filter(submission__place_id=place_id)
    return qs.order_by("submission__number", "number")


def submission_findings(*, submission: Submission) -> QuerySet[Finding]:
    """The findings a response informed (the trace back from evidence)."""
    return Finding.objects.filter(finding_excerpts__excerpt__submission=submission).distinct()


def recommendations_for_call(*, call: CallForEvidence) -> QuerySet[Recommendation]:
    return (
        Recommendation.objects.filter(call=call)
        .select_related("addressed_to")
        .prefetch_related("findings")
    )


def oral_evidence_public(*, call: CallForEvidence) -> QuerySet[OralEvidence]:
    if not is_call_report_published(call):
        return OralEvidence.objects.none()
    return OralEvidence.objects.filter(call=call, is_published=True).prefetch_related(
        Prefetch("informed", queryset=submissions_publishable(call=call).select_related("place"))
    )


@dataclass
class Quote:
    # The quoted excerpt as the report read it (plain values: pk, number, text, anchor and
    # its submission's reference), not a model instance.
    excerpt: SimpleNamespace
    label: str
    evidence_url: str = ""
    anchor_url: str = ""
    # What the page prints, read once here rather than through three lookups per quote.
    text: str = ""
    reference: str = ""
    anchor: str = ""


# What the report reads of each quote: not whole rows (a report quotes hundreds of excerpts,
# and building each row's timestamps cost more than the query).
QUOTE_FIELDS = (
    "finding_id",
    "position",
    "excerpt__number",
    "excerpt__text",
    "excerpt__start",
    "excerpt__end",
    "excerpt__answer_id",
    "excerpt__attachment_id",
    "excerpt__submission__reference",
    "excerpt__submission__status",
    "excerpt__submission__publication_preference",
    "excerpt__submission__responding_as",
    "excerpt__submission__organisation_type",
    "excerpt__submission__organisation_name",
    "excerpt__submission__respondent_name",
    "excerpt__submission__moderation__state",
    "excerpt__submission_id",
)


def _url_for_each(name: str, *, slug: str, key: str):
    """A function giving the address of `name` for one value of `key`: the pattern is
    reversed once, so hundreds of links cost one `reverse`."""
    marker = "0REFERENCE0"
    template = reverse(name, kwargs={"slug": slug, key: marker})
    return lambda value: template.replace(marker, iri_to_uri(value))


def call_report(*, call: CallForEvidence) -> dict:
    """Everything the public report shows, in a fixed number of queries."""
    evidence_url = _url_for_each("evidence:evidence-detail", slug=call.slug, key="reference")
    anchor_url = _url_for_each("evidence:excerpt-anchor", slug=call.slug, key="anchor")
    report = CallReport.objects.filter(call=call).first()
    stored = (report.figures or {}).get(FINDING_RESPONSES_KEY) if report else None
    findings = Finding.objects.filter(call=call).prefetch_related("themes")
    if stored is None:
        # Not published yet (or published before the counts were stored): count them live.
        findings = findings.annotate(
            response_count=Count("finding_excerpts__excerpt__submission", distinct=True)
        )
    findings = list(findings)
    if stored is not None:
        for finding in findings:
            finding.response_count = stored.get(str(finding.pk), 0)
    # The quotes as plain values: a report quotes hundreds of excerpts, and building four
    # model instances for each cost more than the query.
    rows = list(
        FindingExcerpt.objects.filter(finding_id__in=[f.pk for f in findings], quoted=True)
        .order_by("position", "pk")
        .values_list("excerpt_id", *QUOTE_FIELDS)
    )
    redactions: dict[int, list] = {}
    submission_ids = set()
    quotes_of: dict[int, list] = {}
    for row in rows:
        (
            excerpt_id,
            finding_id,
            _position,
            number,
            text,
            start,
            end,
            answer_id,
            attachment_id,
            reference,
            status,
            preference,
            responding_as,
            organisation_type,
            organisation_name,
            respondent_name,
            moderation_state,
            submission_id,
        ) = row
        submission = SimpleNamespace(
            pk=submission_id,
            reference=reference,
            status=status,
            publication_preference=preference,
            responding_as=responding_as,
            organisation_type=organisation_type,
            respondent_label=(
                organisation_name
                if responding_as == RespondingAs.ORGANISATION and organisation_name
                else respondent_name
            ),
        )
        excerpt = SimpleNamespace(
            pk=excerpt_id,
            number=number,
            text=text,
            start=start,
            end=end,
            answer_id=answer_id,
            attachment_id=attachment_id,
            submission=submission,
            anchor=f"{reference}-E{number}",
            moderation=SimpleNamespace(state=moderation_state),
        )
        submission_ids.add(submission_id)
        quotes_of.setdefault(finding_id, []).append(excerpt)
    for red in Redaction.objects.filter(submission_id__in=submission_ids):
        redactions.setdefault(red.submission_id, []).append(red)
    for finding in findings:
        finding.quotes = []
        for excerpt in quotes_of.get(finding.pk, []):
            sub = excerpt.submission
            reason = excerpt_unquotable_reason(
                excerpt, redactions=redactions.get(sub.pk, []), moderation=excerpt.moderation
            )
            if not reason:
                finding.quotes.append(
                    Quote(
                        excerpt,
                        public_label(sub),
                        evidence_url=evidence_url(sub.reference),
                        anchor_url=anchor_url(excerpt.anchor),
                        text=excerpt.text,
                        reference=sub.reference,
                        anchor=excerpt.anchor,
                    )
                )
    recommendations = list(recommendations_for_call(call=call))
    by_audience: dict[str, list] = {}
    for rec in recommendations:
        by_audience.setdefault(rec.get_audience_display(), []).append(rec)
    figures = report.figures if report and report.figures else report_figures(call=call)
    return {
        "findings": findings,
        "recommendations_by_audience": sorted(by_audience.items()),
        "oral_evidence": list(oral_evidence_public(call=call)),
        "report": report,
        "charts": report_charts(figures),
        **figures,
    }


def report_charts(figures: dict) -> dict:
    """Server-drawn SVG bar charts (each with its table) of the report's stored figures."""
    from levelup.charts import Series, bar_chart

    def chart(key, chart_id, title, category_label):
        rows = figures.get(key) or []
        return bar_chart(
            chart_id=chart_id,
            title=title,
            categories=[label for label, _n in rows],
            series=[Series("responses", _("Responses"))],
            values={"responses": [n for _label, n in rows]},
            category_label=category_label,
            total_label=_("Responses"),
        )

    return {
        "types": chart(
            "respondents_by_type",
            "respondents-by-type",
            _("Responses by respondent type"),
            _("Respondent type"),
        ),
        "places": chart(
            "respondents_by_place", "respondents-by-place", _("Responses by place"), _("Place")
        ),
        "themes": chart("themes", "themes", _("Responses coded with each theme"), _("Theme")),
    }


# The key of `CallReport.figures` holding each finding's "drawn from N responses".
FINDING_RESPONSES_KEY = "finding_responses"


def finding_response_counts(*, call: CallForEvidence) -> dict[str, int]:
    """How many responses each finding of the call draws on (its linked excerpts' distinct
    responses), by finding id as text (the figures are stored as JSON): one grouped query."""
    rows = (
        FindingExcerpt.objects.filter(finding__call=call)
        .values("finding_id")
        .annotate(n=Count("excerpt__submission", distinct=True))
        .order_by()
    )
    counts = {str(pk): 0 for pk in Finding.objects.filter(call=call).values_list("pk", flat=True)}
    counts.update({str(row["finding_id"]): row["n"] for row in rows})
    return counts


def report_figures(*, call: CallForEvidence) -> dict:
    """Who responded (by type and place), theme frequency and how many were published."""
    submitted = Submission.objects.filter(call=call, status=SubmissionStatus.SUBMITTED)
    by_type: Counter = Counter()
    for row in submitted.values("responding_as", "organisation_type").annotate(n=Count("pk")):
        if row["responding_as"] == "organisation" and row["organisation_type"]:
            by_type[str(OrganisationType(row["organisation_type"]).label)] += row["n"]
        else:
            by_type[_("Individual")] += row["n"]
    by_place = [
        (row["place__name"] or _("Not given"), row["n"])
        for row in submitted.values("place__name").annotate(n=Count("pk")).order_by("-n")
    ]
    themes = [
        (theme.name, theme.n)
        for theme in Theme.objects.filter(call=call, merged_into__isnull=True)
        .annotate(
            n=Count(
                "codings",
                filter=Q(
                    codings__removed_at__isnull=True,
                    codings__submission__status=SubmissionStatus.SUBMITTED,
                ),
            )
        )
        .order_by("-n", "name")
        if theme.n
    ]
    by_type_rows = sorted(by_type.items(), key=lambda kv: (-kv[1], kv[0]))
    return {
        "respondents_by_type": by_type_rows,
        "respondents_by_place": by_place,
        "themes": themes,
        "type_max": max((n for _label, n in by_type_rows), default=0),
        "place_max": max((n for _label, n in by_place), default=0),
        "theme_max": max((n for _label, n in themes), default=0),
        "published_count": submissions_publishable(call=call).count(),
    }


def report_figures_to_store(*, call: CallForEvidence) -> dict:
    """The figures stored with the report when it is published: `report_figures` and each
    finding's response count (kept current by `report_changed`)."""
    return {
        **report_figures(call=call),
        FINDING_RESPONSES_KEY: finding_response_counts(call=call),
    }
