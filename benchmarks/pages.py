"""The pages `make bench` measures: one line each, name → who reads it → how to build its URL.

To add a page (e.g. when a new area lands), add a `Page` to PAGES. `url` receives the
benchmark's `Context` (the synthetic call, a draft response, ...) and may query the database;
`who` picks the session cookie the page is read with (see WHO); `kind` picks the targets it
is judged against (see TARGETS); `phase` says whether the page is read while the call is open
("open") or once its report is published ("published": bench.py publishes the call for
those pages, then opens it again for the respondents' write run).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse


@dataclass
class Context:
    call: object  # evidence.models.CallForEvidence: the synthetic call
    draft_public_id: str  # the respondent's draft response in that call
    place_id: int | None
    email: str  # one respondent's email address, for an exact search
    sent: int  # sent responses in the call
    extra: dict = field(default_factory=dict)


# Whose session reads a page: nobody's, the respondent with a draft, the secretariat of the
# call's body (signed in with a second factor), one of the call's 40 reviewers, a connector
# of the benchmark's partnership.
WHO = ("anonymous", "respondent", "secretariat", "reviewer", "connector")


@dataclass(frozen=True)
class Page:
    name: str
    who: str  # one of WHO
    kind: str  # a key of TARGETS
    url: Callable[[Context], str]
    phase: str = "open"  # or "published"


def _list(ctx: Context, query: str = "") -> str:
    url = reverse("evidence:manage-submissions", kwargs={"slug": ctx.call.slug})
    return f"{url}?{query}" if query else url


def _queue(ctx: Context, query: str = "") -> str:
    url = reverse("evidence:review-queue", kwargs={"slug": ctx.call.slug})
    return f"{url}?{query}" if query else url


def _index(ctx: Context, query: str = "") -> str:
    url = reverse("evidence:evidence-index", kwargs={"slug": ctx.call.slug})
    return f"{url}?{query}" if query else url


def _manage(name: str) -> Callable[[Context], str]:
    return lambda ctx: reverse(f"evidence:{name}", kwargs={"slug": ctx.call.slug})


def _deep_key(ctx: Context) -> int:
    skipped = min(1999 * 25, ctx.sent // 2)
    return ctx.sent - skipped + 1


PAGES: list[Page] = [
    Page("/healthz", "anonymous", "baseline", lambda ctx: reverse("healthz")),
    Page("Public: call list", "anonymous", "public", lambda ctx: reverse("evidence:call-list")),
    Page("Public: call page", "anonymous", "public", lambda ctx: ctx.call.get_absolute_url()),
    Page(
        "Respondent: your details",
        "respondent",
        "public",
        lambda ctx: reverse("evidence:response-details", kwargs={"public_id": ctx.draft_public_id}),
    ),
    Page(
        "Respondent: questions page 1",
        "respondent",
        "public",
        lambda ctx: reverse(
            "evidence:response-section", kwargs={"public_id": ctx.draft_public_id, "number": 1}
        ),
    ),
    Page("Secretariat: responses, first page", "secretariat", "list", lambda ctx: _list(ctx)),
    Page(
        "Secretariat: responses, page 2,000",
        "secretariat",
        "list",
        # The list is read by key: page 2,000 is the one after the 49,975 newest references
        # (the middle of the list when there are fewer than 4,000 pages).
        lambda ctx: _list(ctx, f"after={_deep_key(ctx)}"),
    ),
    Page(
        "Secretariat: responses, last page",
        "secretariat",
        "list",
        lambda ctx: _list(ctx, "page=oldest"),
    ),
    Page(
        "Secretariat: responses, business in one place",
        "secretariat",
        "list",
        lambda ctx: _list(ctx, f"organisation_type=business&place={ctx.place_id}"),
    ),
    Page(
        "Secretariat: search a name ('patel')",
        "secretariat",
        "search",
        lambda ctx: _list(ctx, "q=patel"),
    ),
    Page(
        "Secretariat: search an exact email",
        "secretariat",
        "search",
        lambda ctx: _list(ctx, f"q={ctx.email}"),
    ),
    Page(
        "Secretariat: call dashboard",
        "secretariat",
        "list",
        lambda ctx: reverse("evidence:manage-call", kwargs={"slug": ctx.call.slug}),
    ),
    # Review: one of the 40 reviewers (about 3 × sent / 40 reviews in the queue).
    Page("Reviewer: queue, page 1", "reviewer", "review", lambda ctx: _queue(ctx)),
    Page(
        "Reviewer: queue, a deep page",
        "reviewer",
        "review",
        lambda ctx: _queue(ctx, f"page={ctx.extra['queue_deep_page']}"),
    ),
    Page(
        "Reviewer: queue, search a common word ('footfall')",
        "reviewer",
        "review-search",
        lambda ctx: _queue(ctx, "q=footfall"),
    ),
    Page(
        "Reviewer: a response to review",
        "reviewer",
        "review",
        lambda ctx: reverse(
            "evidence:review-response",
            kwargs={"slug": ctx.call.slug, "public_id": ctx.extra["review_public_id"]},
        ),
    ),
    Page("Secretariat: review progress", "secretariat", "list", _manage("manage-review-progress")),
    Page("Secretariat: moderation list", "secretariat", "list", _manage("manage-moderation")),
    Page("Secretariat: findings", "secretariat", "list", _manage("manage-findings")),
    # Partnerships: the public prospectus and a connector's progress dashboard.
    Page(
        "Public: a partnership's prospectus",
        "anonymous",
        "public",
        lambda ctx: reverse(
            "partnerships:prospectus-public", kwargs={"slug": ctx.extra["partnership_slug"]}
        ),
    ),
    Page(
        "Partnership: progress dashboard",
        "connector",
        "signed-in",
        lambda ctx: reverse(
            "partnerships:progress", kwargs={"slug": ctx.extra["partnership_slug"]}
        ),
    ),
    # Publishing: read once the call's report is published.
    Page(
        "Public: the report",
        "anonymous",
        "public",
        lambda ctx: ctx.call.get_absolute_url(),
        phase="published",
    ),
    Page(
        "Public: evidence index, page 1",
        "anonymous",
        "public",
        lambda ctx: _index(ctx),
        phase="published",
    ),
    Page(
        "Public: evidence index, a deep page",
        "anonymous",
        "public",
        lambda ctx: _index(ctx, f"page={ctx.extra['index_deep_page']}"),
        phase="published",
    ),
    Page(
        "Public: evidence index, search ('high street')",
        "anonymous",
        "public",
        lambda ctx: _index(ctx, "q=high+street"),
        phase="published",
    ),
    Page(
        "Public: a published response",
        "anonymous",
        "public",
        lambda ctx: reverse(
            "evidence:evidence-detail",
            kwargs={"slug": ctx.call.slug, "reference": ctx.extra["published_reference"]},
        ),
        phase="published",
    ),
    Page(
        "Public: recommendation tracker",
        "anonymous",
        "public",
        lambda ctx: reverse("evidence:call-tracker", kwargs={"slug": ctx.call.slug}),
        phase="published",
    ),
    Page(
        "Public: open data, recommendations CSV",
        "anonymous",
        "public",
        lambda ctx: reverse(
            "evidence:open-data",
            kwargs={"slug": ctx.call.slug, "dataset": "recommendations", "fmt": "csv"},
        ),
        phase="published",
    ),
    Page(
        "Public: open data, published evidence CSV",
        "anonymous",
        "download",
        lambda ctx: reverse(
            "evidence:open-data",
            kwargs={"slug": ctx.call.slug, "dataset": "evidence", "fmt": "csv"},
        ),
        phase="published",
    ),
]

# Targets on this machine, from the issues: c=1 p95 (or p50) in ms at 100,000 and at 700,000
# responses, and the least share of /healthz's c=50 throughput. The reviewer's pages have
# the review work's target (median ≤ 50 ms, search ≤ 150 ms); a signed-in page that does not
# grow with the call (the partnership's dashboard) the secretariat list's 50 ms at any size.
# A download of every published response has no target: it grows with what is published.
TARGETS = {
    "baseline": {"p95": {}, "ratio": None},
    "public": {"p95": {100_000: 25, 700_000: 25}, "ratio": 0.10},
    "list": {"p95": {100_000: 50, 700_000: 150}, "ratio": None},
    "search": {"p95": {100_000: 150, 700_000: 500}, "ratio": None},
    "review": {"p95": {}, "p50": {100_000: 50, 700_000: 50}, "ratio": None},
    "review-search": {"p95": {}, "p50": {100_000: 150, 700_000: 150}, "ratio": None},
    "signed-in": {"p95": {100_000: 50, 700_000: 50}, "ratio": None},
    "download": {"p95": {}, "ratio": None},
}


def p95_target(kind: str, submissions: int, percentile: str = "p95") -> float | None:
    """The p95 (or p50) target for a page of this kind with this many responses (the nearest
    scale at or above it)."""
    limits = TARGETS[kind].get(percentile, {})
    for scale in sorted(limits):
        if submissions <= scale:
            return limits[scale]
    return limits[max(limits)] if limits else None
