"""The pages `make bench` measures: one line each, name → who reads it → how to build its URL.

To add a page (e.g. when a new area lands), add a `Page` to PAGES. `url` receives the
benchmark's `Context` (the synthetic call, a draft response, ...) and may query the database;
`who` picks the session cookie the page is read with; `kind` picks the targets it is judged
against (see TARGETS).
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


@dataclass(frozen=True)
class Page:
    name: str
    who: str  # "anonymous", "respondent" or "secretariat"
    kind: str  # a key of TARGETS
    url: Callable[[Context], str]


def _list(ctx: Context, query: str = "") -> str:
    url = reverse("evidence:manage-submissions", kwargs={"slug": ctx.call.slug})
    return f"{url}?{query}" if query else url


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
]

# Targets on this machine, from the issue: c=1 p95 in ms at 100,000 and at 700,000
# responses, and the least share of /healthz's c=50 throughput.
TARGETS = {
    "baseline": {"p95": {}, "ratio": None},
    "public": {"p95": {100_000: 25, 700_000: 25}, "ratio": 0.10},
    "list": {"p95": {100_000: 50, 700_000: 150}, "ratio": None},
    "search": {"p95": {100_000: 150, 700_000: 500}, "ratio": None},
}


def p95_target(kind: str, submissions: int) -> float | None:
    """The p95 target for a page of this kind with this many responses (the nearest scale
    at or above it)."""
    limits = TARGETS[kind]["p95"]
    for scale in sorted(limits):
        if submissions <= scale:
            return limits[scale]
    return limits[max(limits)] if limits else None
