"""Benchmark: the reviewer's pages, search, progress, bulk coding, grouping, assignment.

Not part of the test suite. Its own database (`levelup_bench_review`) on the embedded
PostgreSQL; 100,000 responses from `generate_synthetic_evidence`, with the reviews, codings,
excerpts and themes it writes beside them (evidence/synthetic_review.py, COPY). Pages are
rendered in process with Django's test client; the median, the 95th percentile and the
queries are printed, then the operations (bulk coding of 10,000, campaign grouping, the
agreement job and, with `--assignment`, automatic assignment as
`benchmarks/review_assignment.py` measures it), and one summary table in Markdown with the
machine's load average.

    .venv/bin/python benchmarks/review_pages.py                  # 100,000 responses
    .venv/bin/python benchmarks/review_pages.py --assignment     # and automatic assignment
    .venv/bin/python benchmarks/review_pages.py --reuse          # keep the data from last time
    .venv/bin/python benchmarks/review_pages.py --submissions 2000 --runs 5

Figures are recorded in docs/benchmarks.md.
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SERVER = "postgres://postgres@127.0.0.1:54329"
BENCH_DB = "levelup_bench_review"
os.environ["DJANGO_SETTINGS_MODULE"] = "levelup.settings.test"
os.environ["DATABASE_URL"] = f"{SERVER}/{BENCH_DB}"


def ensure_database(*, fresh: bool) -> None:
    """Create the benchmark's database (again, when `fresh`: the data is rebuilt)."""
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        if fresh:
            conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}"')
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{BENCH_DB}"')


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.1f}, {five:.1f}, {fifteen:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument(
        "--assignment",
        action="store_true",
        help="also run benchmarks/review_assignment.py with as many responses",
    )
    args = parser.parse_args()
    ensure_database(fresh=not args.reuse)
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()  # "testserver" is an allowed host, emails stay in memory
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from benchmarks.evidence_pages import machine, measure
    from evidence.models import CallForEvidence, Review, Submission, Theme
    from evidence.services.agreement import agreement_figures, agreement_refresh
    from evidence.services.bulk import bulk_apply
    from evidence.services.campaigns import campaigns_group
    from evidence.synthetic import SYNTHETIC_SLUG, generate_synthetic_evidence
    from levelup.jobs import job_run
    from levelup.models import User

    call_command("migrate", verbosity=0)
    call = CallForEvidence.objects.filter(slug=SYNTHETIC_SLUG).first()
    if call is None or not args.reuse:
        started = time.perf_counter()
        call = generate_synthetic_evidence(submissions=args.submissions, stdout=sys.stdout)
        print(f"data written in {time.perf_counter() - started:.0f} s")
    sent = Submission.objects.filter(call=call, number__isnull=False).count()
    reviewer = User.objects.get(email="synthetic-reviewer-0@example.org")
    admin = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
        email="bench-admin@example.org",
        name="Bench Admin",
        password="x",  # noqa: S106
    )
    operations: list[tuple[str, float, str]] = []

    # The agreement figures the progress page shows are worked out by a background job:
    # run it here (timed), as a worker would, before measuring the page.
    started = time.perf_counter()
    job = agreement_refresh(actor=admin, call=call)
    job_run(job_id=job.pk, body=lambda run: agreement_figures(call=call))
    operations.append(
        ("agreement job (alpha, progress figures, spread rows)", time.perf_counter() - started, "")
    )

    client = Client()
    client.force_login(reviewer)
    queue = reverse("evidence:review-queue", kwargs={"slug": call.slug})
    reviews = Review.objects.filter(reviewer=reviewer, call=call).count()
    last_page = max((reviews + 24) // 25, 1)
    first = (
        Review.objects.filter(reviewer=reviewer, call=call).order_by("submission__number").first()
    )
    response = reverse(
        "evidence:review-response",
        kwargs={"slug": call.slug, "public_id": first.submission.public_id},
    )
    theme = Theme.objects.filter(call=call).first()
    pages = [
        ("my reviews (calls, with counts)", reverse("evidence:my-reviews"), "≤ 50"),
        ("queue, page 1", queue, "≤ 50"),
        (f"queue, last page ({last_page})", f"{queue}?page={last_page}", "≤ 50"),
        ("queue, theme filter", f"{queue}?theme={theme.pk}", "≤ 50"),
        ("search, common word (footfall)", f"{queue}?q=footfall", "≤ 150"),
        ("search, rare word (lighthouse)", f"{queue}?q=lighthouse", "≤ 150"),
        ("search, phrase and -exclude", f'{queue}?q="high+street"+-bus', "≤ 150"),
        ("response page", response, "≤ 50"),
    ]
    print(machine())
    print(f"{sent:,} sent responses; {reviews:,} reviews in the reviewer's queue")
    print(f"{'page':44} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'status':>7}")
    measured: list[tuple[str, float, float, int, int, str]] = []

    def run(name: str, url: str, target: str) -> None:
        median, p95, queries, status = measure(client, url, args.runs)
        measured.append((name, median, p95, queries, status, target))
        print(f"{name:44} {median:10.1f} {p95:8.1f} {queries:8d} {status:7d}", flush=True)

    for name, url, target in pages:
        run(name, url, target)
    client.force_login(admin)
    secretariat_list = reverse("evidence:manage-submissions", kwargs={"slug": call.slug})
    list_page = min(2000, max((sent + 24) // 25, 1))
    progress = reverse("evidence:manage-review-progress", kwargs={"slug": call.slug})
    for name, url, target in [
        (f"secretariat list, page {list_page:,}", f"{secretariat_list}?page={list_page}", "≤ 50"),
        ("secretariat search, common word", f"{secretariat_list}?q=footfall", "≤ 150"),
        ("progress page", progress, "≤ 50"),
    ]:
        run(name, url, target)

    ids = list(
        Submission.objects.filter(call=call, number__isnull=False)
        .order_by("number")
        .values_list("pk", flat=True)[:10_000]
    )
    started = time.perf_counter()
    changed = bulk_apply(
        actor=admin, call=call, action="code", value=str(theme.pk), submission_ids=ids
    )
    took = time.perf_counter() - started
    print(f"bulk coding of {len(ids):,} responses: {took:.1f} s ({changed:,} new)")
    operations.append((f"bulk coding of {len(ids):,} responses ({changed:,} new)", took, "≤ 10 s"))
    started = time.perf_counter()
    result = campaigns_group(call=call)
    took = time.perf_counter() - started
    print(f"campaign grouping of the call: {took:.1f} s, {result}")
    operations.append(
        (
            f"campaign grouping of {sent:,} responses ({result['groups']:,} groups)",
            took,
            "≤ 300 s at 100,000",
        )
    )
    if args.assignment:
        command = [
            sys.executable,
            str(ROOT / "benchmarks" / "review_assignment.py"),
            "--responses",
            str(args.submissions),
        ]
        print("$", " ".join(command), flush=True)
        started = time.perf_counter()
        output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        print(output)
        assign = next(
            (line for line in output.splitlines() if line.startswith("Assign (")), "Assign: ?"
        )
        seconds = float(assign.rsplit(":", 1)[1].strip().split()[0])
        operations.append(
            (f"automatic assignment of {args.submissions:,} × 3 among 40", seconds, "≤ 60 s")
        )

    print()
    print(f"Summary: {sent:,} responses, {args.runs} runs a page, load average {load()}")
    print()
    print("| Page | Median ms | p95 ms | Queries | Target ms |")
    print("|---|---:|---:|---:|---:|")
    for name, median, p95, queries, status, target in measured:
        note = "" if status == 200 else f" (status {status})"
        print(f"| {name}{note} | {median:,.0f} | {p95:,.0f} | {queries} | {target} |")
    print()
    print("| Operation | Time s | Target |")
    print("|---|---:|---:|")
    for name, seconds, target in operations:
        print(f"| {name} | {seconds:,.1f} | {target} |")


if __name__ == "__main__":
    main()
