"""Benchmark: the reviewer's pages, search, campaign grouping and bulk coding at scale.

Not part of the test suite. Its own database (`levelup_bench_review`) on the embedded
PostgreSQL; 100,000 responses from `generate_synthetic_evidence`, with the reviews, codings,
excerpts and themes it writes beside them (evidence/synthetic_review.py, COPY). Pages are
rendered in process with Django's test client; the median, the 95th percentile and the
queries are printed.

    .venv/bin/python benchmarks/review_pages.py              # 100,000 responses
    .venv/bin/python benchmarks/review_pages.py --reuse      # keep the data from last time
    .venv/bin/python benchmarks/review_pages.py --submissions 2000 --runs 5

Figures are recorded in docs/benchmarks.md.
"""

import argparse
import os
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--reuse", action="store_true")
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
    from evidence.services.bulk import bulk_apply
    from evidence.services.campaigns import campaigns_group
    from evidence.synthetic import SYNTHETIC_SLUG, generate_synthetic_evidence
    from levelup.models import User

    call_command("migrate", verbosity=0)
    call = CallForEvidence.objects.filter(slug=SYNTHETIC_SLUG).first()
    if call is None or not args.reuse:
        started = time.perf_counter()
        call = generate_synthetic_evidence(submissions=args.submissions, stdout=sys.stdout)
        print(f"data written in {time.perf_counter() - started:.0f} s")
    reviewer = User.objects.get(email="synthetic-reviewer-0@example.org")
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
        ("queue, page 1", queue),
        (f"queue, last page ({last_page})", f"{queue}?page={last_page}"),
        ("queue, theme filter", f"{queue}?theme={theme.pk}"),
        ("search, common word (footfall)", f"{queue}?q=footfall"),
        ("search, rare word (lighthouse)", f"{queue}?q=lighthouse"),
        ("search, phrase and -exclude", f'{queue}?q="high+street"+-bus'),
        ("response page", response),
    ]
    print(machine())
    print(f"{reviews:,} reviews in the reviewer's queue")
    print(f"{'page':40} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'status':>7}")
    for name, url in pages:
        median, p95, queries, status = measure(client, url, args.runs)
        print(f"{name:40} {median:10.1f} {p95:8.1f} {queries:8d} {status:7d}")
    secretariat_list = reverse("evidence:manage-submissions", kwargs={"slug": call.slug})
    admin = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
        email="bench-admin@example.org",
        name="Bench Admin",
        password="x",  # noqa: S106
    )
    client.force_login(admin)
    sent = Submission.objects.filter(call=call, number__isnull=False).count()
    list_page = min(2000, max((sent + 24) // 25, 1))
    for name, url in [
        (f"secretariat list, page {list_page:,}", f"{secretariat_list}?page={list_page}"),
        ("secretariat search, common word", f"{secretariat_list}?q=footfall"),
    ]:
        median, p95, queries, status = measure(client, url, args.runs)
        print(f"{name:40} {median:10.1f} {p95:8.1f} {queries:8d} {status:7d}")

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
    started = time.perf_counter()
    result = campaigns_group(call=call)
    print(f"campaign grouping of the call: {time.perf_counter() - started:.1f} s, {result}")


if __name__ == "__main__":
    main()
