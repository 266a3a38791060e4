"""Benchmark: progress pages of a partnership with 500 commitments, five years of monthly
updates on each (30,000 updates) and 200 investment plan lines.

Not part of the test suite. It uses its own database (`levelup_bench_progress`) on the
embedded PostgreSQL (127.0.0.1:54329), fills it with bulk inserts, and renders the
partnership's dashboard, the public progress page and the programme view many times with
Django's test client (in process: no network, no web server), then prints the median, the 95th
percentile and the number of queries per page.

    .venv/bin/python benchmarks/progress_pages.py                 # builds the data, measures
    .venv/bin/python benchmarks/progress_pages.py --reuse         # measures the data of last time
    .venv/bin/python benchmarks/progress_pages.py --commitments 50 --runs 10

Figures are recorded in docs/benchmarks.md.
"""

import argparse
import os
import sys
import time
from pathlib import Path

from evidence_pages import SERVER, machine
from partnership_data import OTHER_PARTNERSHIPS, SLUG, build

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DB = "levelup_bench_progress"
# After importing evidence_pages, which names its own database.
os.environ["DJANGO_SETTINGS_MODULE"] = "levelup.settings.test"
os.environ["DATABASE_URL"] = f"{SERVER}/{BENCH_DB}"


def measure(client, url: str, runs: int) -> tuple[float, float, float, int, int]:
    """(median ms, p95 ms, median CPU ms of this process, queries, status) over `runs`
    renders after 3 warm-ups. The CPU time leaves out the time spent waiting for PostgreSQL
    and for other processes on a shared machine."""
    import statistics

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    query_count = len(queries)
    timings, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    p95 = statistics.quantiles(timings, n=20)[18] if len(timings) >= 2 else timings[0]
    return (
        statistics.median(timings),
        p95,
        statistics.median(cpu),
        query_count,
        response.status_code,
    )


def ensure_database(*, fresh: bool) -> None:
    """Create the benchmark's database (anew when `fresh`: rows reference each other with
    protected keys, so starting again is simpler than deleting in order)."""
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        if fresh:
            conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{BENCH_DB}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commitments", type=int, default=500)
    parser.add_argument("--months", type=int, default=60)
    parser.add_argument("--lines", type=int, default=200)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--reuse", action="store_true", help="keep the data of the last run")
    args = parser.parse_args()

    ensure_database(fresh=not args.reuse)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from levelup.enums import Role
    from levelup.models import Body, RoleGrant, User
    from levelup.services import role_grant
    from partnerships.models import CommitmentUpdate, InvestmentLine, Partnership

    call_command("migrate", verbosity=0)
    partnership = Partnership.objects.filter(slug=SLUG).first()
    if not (args.reuse and partnership):
        started = time.perf_counter()
        build(commitments=args.commitments, months=args.months, lines=args.lines)
        print(f"Built the data in {time.perf_counter() - started:.1f} s")
        partnership = Partnership.objects.get(slug=SLUG)

    connector, _created = User.objects.get_or_create(
        email="bench-connector@example.org", defaults={"name": "Bench Connector"}
    )
    if partnership.pk not in connector.connector_partnership_ids:
        role_grant(actor=None, user=connector, role=Role.CONNECTOR, target=partnership)
    secretariat, _created = User.objects.get_or_create(
        email="bench-secretariat@example.org", defaults={"name": "Bench Secretariat"}
    )
    body = Body.objects.get(slug="bench-programme")
    if not RoleGrant.objects.active().filter(user=secretariat, object_id=body.pk).exists():
        role_grant(actor=None, user=secretariat, role=Role.SECRETARIAT, target=body)

    as_connector = Client(HTTP_HOST="localhost")
    as_connector.force_login(connector)
    as_secretariat = Client(HTTP_HOST="localhost")
    as_secretariat.force_login(secretariat)
    public = Client(HTTP_HOST="localhost")
    pages = [
        (
            "Partnership dashboard (connector)",
            as_connector,
            reverse("partnerships:progress", kwargs={"slug": SLUG}),
        ),
        (
            "Public progress page",
            public,
            reverse("partnerships:progress-public", kwargs={"slug": SLUG}),
        ),
        ("Programme view (secretariat)", as_secretariat, reverse("partnerships:programme")),
        # For comparison: a small existing page, measured on the same machine at the same time.
        (
            "Baseline: the partnership's public page",
            public,
            reverse("partnerships:partnership-detail", kwargs={"slug": SLUG}),
        ),
    ]
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    updates = CommitmentUpdate.objects.filter(partnership=partnership).count()
    lines = InvestmentLine.objects.filter(version__prospectus__partnership=partnership).count()
    commitments = partnership.commitments.count()
    print(f"\nMachine: {machine()}, PostgreSQL {postgres}")
    print(
        f"{commitments:,} commitments, {updates:,} updates, {lines:,} investment lines, "
        f"{OTHER_PARTNERSHIPS + 1} partnerships in the programme; {args.runs} renders per page\n"
    )
    print(f"Load average before: {os.getloadavg()[0]:.1f}\n")
    print("| Page | Median (ms) | p95 (ms) | CPU in process, median (ms) | Queries |")
    print("|---|---:|---:|---:|---:|")
    for label, client, url in pages:
        median, p95, cpu, queries, status = measure(client, url, args.runs)
        if status != 200:
            raise SystemExit(f"{label}: {url} answered {status}")
        print(f"| {label} | {median:.1f} | {p95:.1f} | {cpu:.1f} | {queries} |")
    print(f"\nLoad average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
