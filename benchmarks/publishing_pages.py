"""Benchmark: the published report and the public evidence pages of a call with 100,000
responses, 50,000 of them published, and 10,000 excerpts.

Not part of the test suite. It uses its own database
(`levelup_bench_publishing`), fills it with `generate_synthetic_evidence`, then adds with SQL what
publishing needs: moderation approving 50,000 responses, eight themes, 10,000 excerpts and
codings, 4 findings quoting 200 excerpts, 12 recommendations, the search vectors. Each page
is rendered many times in process with Django's test client; the open data files are timed
to their first byte. It prints one table (median, p95, queries per page) and exits non-zero if
a page does not answer 200.

    .venv/bin/python benchmarks/publishing_pages.py               # 100,000 responses
    .venv/bin/python benchmarks/publishing_pages.py --reuse       # keep last run's data
    .venv/bin/python benchmarks/publishing_pages.py --submissions 2000 --runs 10
    .venv/bin/python benchmarks/publishing_pages.py --reuse --explain   # and the plans

Figures are recorded in docs/benchmarks.md.
"""

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import os  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402

SERVER = "postgres://postgres@127.0.0.1:54329"
# A database of its own, so it never races another benchmark's synthetic call.
BENCH_DB = "levelup_bench_publishing"
os.environ["DJANGO_SETTINGS_MODULE"] = "levelup.settings.test"
os.environ["DATABASE_URL"] = f"{SERVER}/{BENCH_DB}"


def ensure_database() -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{BENCH_DB}"')


def machine() -> str:
    cpu = platform.machine()
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    load = Path("/proc/loadavg").read_text().split()[:3]
    return (
        f"{cpu}, {os.cpu_count()} CPUs, load {' '.join(load)}, Python {platform.python_version()}"
    )


def measure(client, url: str, runs: int) -> tuple[float, float, int, int]:
    """(median ms, p95 ms, queries, status) over `runs` renders after 3 warm-ups. A streamed
    response is timed to its first chunk (its first byte)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def get():
        response = client.get(url)
        if response.streaming:
            next(iter(response.streaming_content), b"")
        return response

    for _ in range(3):
        get()
    with CaptureQueriesContext(connection) as queries:
        response = get()
    query_count = len(queries)
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        response = get()
        timings.append((time.perf_counter() - start) * 1000)
    p95 = statistics.quantiles(timings, n=20)[18] if len(timings) >= 2 else timings[0]
    return statistics.median(timings), p95, query_count, response.status_code


def explain(call, label: str, queryset) -> None:
    """EXPLAIN ANALYZE of one selector's query, for the doc's reading of the plans."""
    from django.db import connection

    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
        plan = "\n".join(f"    {row[0]}" for row in cursor.fetchall())
    print(f"\n{label}:\n{plan}")


PUBLISHED = """
UPDATE evidence_submission SET publication_preference =
  CASE WHEN number %% 10 < 5 THEN 'named' WHEN number %% 10 < 7 THEN 'anonymous'
       ELSE 'confidential' END
WHERE call_id = %(call)s AND number IS NOT NULL;
INSERT INTO evidence_moderation (created_at, updated_at, call_id, submission_id, state, reason,
    decided_at, proposed_state, proposed_reason)
SELECT now(), now(), call_id, id, 'approved', '', now(), '', '' FROM evidence_submission
WHERE call_id = %(call)s AND status = 'submitted' AND publication_preference <> 'confidential'
ORDER BY number LIMIT %(published)s;
UPDATE evidence_submission SET moderation_approved = true
WHERE id IN (SELECT submission_id FROM evidence_moderation WHERE call_id = %(call)s);
UPDATE evidence_submission s SET search_vector = to_tsvector('english', a.words)
FROM (SELECT submission_id, string_agg(text, ' ') AS words FROM evidence_answer
      GROUP BY submission_id) a
WHERE a.submission_id = s.id AND s.call_id = %(call)s;
"""

EXCERPTS = """
INSERT INTO evidence_excerpt (created_at, updated_at, call_id, submission_id, answer_id, number,
    start, "end", text, theme_id, note)
SELECT now(), now(), s.call_id, s.id, a.id, 1, 0, 40, left(a.text, 40),
       (SELECT id FROM evidence_theme t WHERE t.call_id = s.call_id
        ORDER BY t.id OFFSET (s.number %% 8) LIMIT 1), ''
FROM evidence_submission s
JOIN LATERAL (SELECT id, text FROM evidence_answer WHERE submission_id = s.id
              AND length(text) > 40 ORDER BY id LIMIT 1) a ON true
WHERE s.call_id = %(call)s AND s.status = 'submitted'
ORDER BY s.number LIMIT %(excerpts)s;
INSERT INTO evidence_coding (created_at, updated_at, call_id, submission_id, theme_id, source)
SELECT now(), now(), call_id, submission_id, theme_id, 'manual' FROM evidence_excerpt
WHERE call_id = %(call)s;
INSERT INTO evidence_findingexcerpt (created_at, updated_at, finding_id, excerpt_id, quoted,
    position)
SELECT now(), now(), f.id, e.id, (row_number() OVER (PARTITION BY f.id ORDER BY e.id)) <= 50,
       row_number() OVER (PARTITION BY f.id ORDER BY e.id)
FROM evidence_finding f JOIN evidence_excerpt e ON e.call_id = f.call_id
JOIN evidence_moderation m ON m.submission_id = e.submission_id
WHERE f.call_id = %(call)s AND e.id %% 4 = f.position - 1;
"""


def build(call, *, published: int, excerpts: int) -> None:
    from django.db import connection
    from django.utils import timezone

    from evidence.enums import CallStatus
    from evidence.models import CallReport, Finding, Recommendation, Theme

    with connection.cursor() as cursor:
        cursor.execute(PUBLISHED, {"call": call.pk, "published": published})
    for n in range(8):
        Theme.objects.create(call=call, name=f"Theme {n + 1}", position=n)
    for n in range(4):
        Finding.objects.create(
            call=call, title=f"Finding {n + 1}", summary="<p>What we found.</p>", position=n + 1
        )
    audiences = ["business", "local_government", "national_government", "partnerships"]
    for n in range(12):
        Recommendation.objects.create(
            call=call, text=f"Recommendation {n + 1}.", audience=audiences[n % 4], position=n
        )
    with connection.cursor() as cursor:
        cursor.execute(EXCERPTS, {"call": call.pk, "excerpts": excerpts})
        cursor.execute("VACUUM (ANALYZE)")
    from evidence.selectors.publishing import report_figures_to_store

    CallReport.objects.create(
        call=call,
        summary="<p>Summary.</p>",
        published_at=timezone.now(),
        figures=report_figures_to_store(call=call),
    )
    call.status = CallStatus.PUBLISHED
    call.save(update_fields=["status"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--reuse", action="store_true", help="keep the existing synthetic call")
    parser.add_argument(
        "--file-runs", type=int, default=5, help="runs of each open data file (default 5)"
    )
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE plans")
    args = parser.parse_args()

    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from evidence.models import CallForEvidence, Excerpt, Moderation, Submission
    from evidence.synthetic import SYNTHETIC_SLUG, generate_synthetic_evidence

    call_command("migrate", verbosity=0)
    call = CallForEvidence.objects.filter(slug=SYNTHETIC_SLUG).first()
    published = args.submissions // 2
    if not (args.reuse and call and Moderation.objects.filter(call=call).count() == published):
        started = time.perf_counter()
        # Its own publishing data (below), not the generator's.
        call = generate_synthetic_evidence(submissions=args.submissions, review=False)
        build(call, published=published, excerpts=args.submissions // 10)
        print(f"Built {args.submissions:,} responses in {time.perf_counter() - started:.1f} s")

    from evidence.models import CallReport
    from evidence.selectors.publishing import FINDING_RESPONSES_KEY, report_figures_to_store

    # Data from before the report stored its figures (or its findings' response counts):
    # count them once, as publishing does.
    CallReport.objects.filter(call=call).exclude(figures__has_key=FINDING_RESPONSES_KEY).update(
        figures=report_figures_to_store(call=call)
    )

    public = Client(HTTP_HOST="localhost")
    slug = call.slug
    index = reverse("evidence:evidence-index", kwargs={"slug": slug})
    published_numbers = Submission.objects.filter(call=call, moderation__isnull=False).order_by(
        "number"
    )
    # The keyset equivalent of page 2,000 (of 25 a page): the page after the 49,975th
    # published response, or the last full page when there are fewer.
    before_deep = max(min(1999 * 25, published - 25), 1)
    deep_page = before_deep // 25 + 1
    deep_after = published_numbers.values_list("number", flat=True)[before_deep - 1]
    named = published_numbers.first()
    excerpt = Excerpt.objects.filter(call=call, finding_links__quoted=True).order_by("pk").first()
    rare = rare_word(call)
    pages = [
        ("Report page", call.get_absolute_url()),
        ("Evidence index, page 1", index),
        (f"Evidence index, page {deep_page:,} (by key)", f"{index}?after={deep_after}"),
        ("Evidence index, last page", f"{index}?page=last"),
        ("Evidence index, search 'high street' (common)", f"{index}?q=high+street"),
        (f"Evidence index, search '{rare}' (rare)", f"{index}?q={rare}"),
        ("Evidence index, business + search 'council'", f"{index}?type=business&q=council"),
        (
            "Published response",
            reverse(
                "evidence:evidence-detail", kwargs={"slug": slug, "reference": named.reference}
            ),
        ),
        (
            "Excerpt anchor",
            reverse("evidence:excerpt-anchor", kwargs={"slug": slug, "anchor": excerpt.anchor}),
        ),
        ("Recommendation tracker", reverse("evidence:call-tracker", kwargs={"slug": slug})),
    ]
    for fmt in ("json", "csv"):
        pages.append(
            (
                f"Open data, evidence .{fmt} (first byte)",
                reverse(
                    "evidence:open-data", kwargs={"slug": slug, "dataset": "evidence", "fmt": fmt}
                ),
            )
        )
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    total = Submission.objects.filter(call=call).count()
    print(f"\nMachine: {machine()}, PostgreSQL {postgres}")
    print(
        f"Call '{call.slug}' with {total:,} responses, "
        f"{Moderation.objects.filter(call=call).count():,} published, "
        f"{Excerpt.objects.filter(call=call).count():,} excerpts; {args.runs} renders per page,"
        f" {args.file_runs} per open data file\n"
    )
    print("| Page | Median (ms) | p95 (ms) | Queries |")
    print("|---|---:|---:|---:|")
    failures = []
    for label, url in pages:
        # A whole open data file is read many times over: fewer runs of those.
        runs = args.file_runs if label.startswith("Open data") else args.runs
        median, p95, queries, status = measure(public, url, runs)
        if status != 200:
            failures.append(f"{label}: {url} answered {status}")
        print(f"| {label} | {median:.1f} | {p95:.1f} | {queries} |")
    print(f"\nLoad average after: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
    if args.explain:
        from evidence.selectors.publishing import submissions_public

        base = submissions_public(call=call)
        explain(call, "Index, page 1", base[:26])
        explain(call, "Index, deep page", base.filter(number__gt=deep_after)[:26])
        explain(call, "Index, bounded count", base.order_by()[:1001])
        explain(call, "Search 'high street'", submissions_public(call=call, q="high street")[:26])
        explain(call, f"Search '{rare}'", submissions_public(call=call, q=rare)[:26])
    if failures:
        raise SystemExit("\n".join(failures))


RARE_WORD = "lighthouse"
RARE = """
UPDATE evidence_answer a SET text = a.text || ' The old lighthouse could be a visitor centre.'
FROM evidence_submission s
WHERE a.submission_id = s.id AND s.call_id = %(call)s AND s.number %% 2500 = 1
  AND a.text NOT LIKE '%%lighthouse%%'
  AND a.id = (SELECT min(id) FROM evidence_answer WHERE submission_id = s.id);
UPDATE evidence_submission s SET search_vector = to_tsvector('english', a.words)
FROM (SELECT submission_id, string_agg(text, ' ') AS words FROM evidence_answer
      GROUP BY submission_id) a
WHERE a.submission_id = s.id AND s.call_id = %(call)s AND s.number %% 2500 = 1;
"""


def rare_word(call) -> str:
    """A word only a few responses hold (one in 2,500, all published with a name), for the
    rare search: the synthetic answers share a small vocabulary, so it is added to them
    (idempotent)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(RARE, {"call": call.pk})
    return RARE_WORD


if __name__ == "__main__":
    main()
