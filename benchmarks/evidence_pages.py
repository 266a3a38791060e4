"""Benchmark: how fast the evidence pages render with 100,000 responses in one call.

Not part of the test suite. It uses its own database (`levelup_bench`) on the embedded
PostgreSQL (127.0.0.1:54329), fills it with `generate_synthetic_evidence`, and renders each
page many times with Django's test client (in-process: no network, no web server), then
prints the median, the 95th percentile and the number of queries per page.

    .venv/bin/python benchmarks/evidence_pages.py                  # 100,000 responses
    .venv/bin/python benchmarks/evidence_pages.py --reuse          # keep the data from last time
    .venv/bin/python benchmarks/evidence_pages.py --submissions 1000 --runs 10

Figures are recorded in docs/benchmarks.md.
"""

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SERVER = "postgres://postgres@127.0.0.1:54329"
BENCH_DB = "levelup_bench"
os.environ["DJANGO_SETTINGS_MODULE"] = "levelup.settings.test"
os.environ["DATABASE_URL"] = f"{SERVER}/{BENCH_DB}"


def ensure_database() -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{BENCH_DB}"')


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.system()}"


def measure(client, url: str, runs: int, method: str = "get") -> tuple[float, float, int, int]:
    """(median ms, p95 ms, queries, status) over `runs` renders after 3 warm-ups."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    fetch = getattr(client, method)
    for _ in range(3):
        fetch(url)
    with CaptureQueriesContext(connection) as queries:
        response = fetch(url)
    # Count now: the log is emptied when the next request starts.
    query_count = len(queries)
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        response = fetch(url)
        timings.append((time.perf_counter() - start) * 1000)
    p95 = statistics.quantiles(timings, n=20)[18] if len(timings) >= 2 else timings[0]
    return statistics.median(timings), p95, query_count, response.status_code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--reuse", action="store_true", help="keep the existing synthetic call")
    args = parser.parse_args()

    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from evidence.models import CallForEvidence, Submission
    from evidence.synthetic import SYNTHETIC_SLUG, generate_synthetic_evidence
    from levelup.enums import Role
    from levelup.models import RoleGrant, User
    from levelup.services import role_grant

    call_command("migrate", verbosity=0)
    call = CallForEvidence.objects.filter(slug=SYNTHETIC_SLUG).first()
    if not (
        args.reuse
        and call
        # Synthetic rows have no continue token; drafts this script starts have one.
        and Submission.objects.filter(call=call, continue_token_hash="").count() == args.submissions
    ):
        started = time.perf_counter()
        call = generate_synthetic_evidence(submissions=args.submissions, review=False)
        print(f"Generated {args.submissions:,} responses in {time.perf_counter() - started:.1f} s")

    staff, _created = User.objects.get_or_create(
        email="bench-secretariat@example.org", defaults={"name": "Bench Secretariat"}
    )
    if not RoleGrant.objects.active().filter(user=staff, role=Role.SECRETARIAT).exists():
        role_grant(actor=None, user=staff, role=Role.SECRETARIAT, target=call.body)

    public = Client(HTTP_HOST="localhost")
    respondent = Client(HTTP_HOST="localhost")
    started = respondent.post(reverse("evidence:respond-start", kwargs={"slug": call.slug}))
    details_url = started["Location"]
    public_id = details_url.strip("/").split("/")[-2]
    section_url = reverse("evidence:response-section", kwargs={"public_id": public_id, "number": 1})
    secretariat = Client(HTTP_HOST="localhost")
    secretariat.force_login(staff)
    place_id = call.submissions.exclude(place=None).values_list("place_id", flat=True).first()
    list_url = reverse("evidence:manage-submissions", kwargs={"slug": call.slug})

    pages = [
        ("Public call page", public, call.get_absolute_url()),
        ("Respondent form: your details", respondent, details_url),
        ("Respondent form: questions (page 1)", respondent, section_url),
        ("Secretariat: responses, page 1", secretariat, list_url),
        ("Secretariat: responses, last page", secretariat, f"{list_url}?page=last"),
        ("Secretariat: responses, search 'patel'", secretariat, f"{list_url}?q=patel"),
        (
            "Secretariat: responses, business + place",
            secretariat,
            f"{list_url}?organisation_type=business&place={place_id}",
        ),
        (
            "Secretariat: call dashboard",
            secretariat,
            reverse("evidence:manage-call", kwargs={"slug": call.slug}),
        ),
    ]
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    total = Submission.objects.filter(call=call).count()
    print(f"\nMachine: {machine()}, PostgreSQL {postgres}")
    print(f"Call '{call.slug}' with {total:,} responses; {args.runs} renders per page\n")
    print("| Page | Median (ms) | p95 (ms) | Queries |")
    print("|---|---:|---:|---:|")
    for label, client, url in pages:
        median, p95, queries, status = measure(client, url, args.runs)
        if status != 200:
            raise SystemExit(f"{label}: {url} answered {status}")
        print(f"| {label} | {median:.1f} | {p95:.1f} | {queries} |")


if __name__ == "__main__":
    main()
