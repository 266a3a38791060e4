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
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

from evidence_pages import SERVER, machine

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DB = "levelup_bench_progress"
# After importing evidence_pages, which names its own database.
os.environ["DJANGO_SETTINGS_MODULE"] = "levelup.settings.test"
os.environ["DATABASE_URL"] = f"{SERVER}/{BENCH_DB}"

SLUG = "bench-progress"
OTHER_PARTNERSHIPS = 9  # the programme view shows these too


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


def build(*, commitments: int, months: int, lines: int) -> None:
    """One programme body, ten partnerships; the first has the published prospectus."""
    from django.db import connection, transaction
    from django.utils import timezone

    from levelup.enums import OrganisationType
    from levelup.models import Body, Organisation, Place
    from partnerships.enums import (
        CommitmentStatus,
        FundingStatus,
        MemberRole,
        PartnershipStage,
        ProspectusVersionStatus,
    )
    from partnerships.models import (
        Commitment,
        CommitmentUpdate,
        Indicator,
        IndicatorReading,
        InvestmentLine,
        Partnership,
        PartnershipMember,
        Priority,
        Prospectus,
        ProspectusVersion,
    )

    today = timezone.localdate()
    start = today - timedelta(days=months * 31)
    published_at = timezone.make_aware(datetime.combine(start, datetime.min.time()))
    statuses = list(CommitmentStatus.values)
    with transaction.atomic():
        body, _created = Body.objects.get_or_create(
            slug="bench-programme", defaults={"name": "Bench programme"}
        )
        place, _created = Place.objects.get_or_create(
            slug="bench-town",
            defaults={"name": "Bench Town", "local_authority": "Bench", "region": "North West"},
        )
        partnership = Partnership.objects.create(
            place=place,
            name="Bench Town Partnership",
            slug=SLUG,
            stage=PartnershipStage.DELIVERING,
            programme_body=body,
        )
        for n in range(OTHER_PARTNERSHIPS):
            Partnership.objects.create(
                place=place, name=f"Bench partnership {n}", slug=f"{SLUG}-{n}", programme_body=body
            )
        members = []
        for n in range(25):
            organisation, _created = Organisation.objects.get_or_create(
                slug=f"bench-organisation-{n}",
                defaults={"name": f"Bench organisation {n}", "type": OrganisationType.COMMUNITY},
            )
            members.append(
                PartnershipMember.objects.create(
                    partnership=partnership,
                    organisation=organisation,
                    role=MemberRole.LEAD if n < 3 else MemberRole.MEMBER,
                )
            )
        prospectus = Prospectus.objects.create(partnership=partnership, title="Bench prospectus")
        version = ProspectusVersion.objects.create(
            prospectus=prospectus,
            number=1,
            status=ProspectusVersionStatus.PUBLISHED,
            sent_at=published_at,
            published_at=published_at,
        )
        prospectus.published_version, prospectus.published_at = version, published_at
        prospectus.save()
        priorities = Priority.objects.bulk_create(
            Priority(version=version, position=n, title=f"Priority {n}") for n in range(1, 6)
        )
        rows = Commitment.objects.bulk_create(
            Commitment(
                version=version,
                partnership=partnership,
                member=members[n % len(members)],
                priority=priorities[n % len(priorities)],
                description=f"Commitment {n}: apprenticeships, spend with local firms and mentors",
                due_on=today + timedelta(days=30 * (n % 48)),
                value=Decimal(10_000 * (n % 50 + 1)),
            )
            for n in range(commitments)
        )
        InvestmentLine.objects.bulk_create(
            InvestmentLine(
                version=version,
                project=f"Project {n}",
                amount=Decimal(1_000_000 + 25_000 * n),
                source=f"Source {n % 12}",
                status=FundingStatus.SECURED if n % 3 else FundingStatus.PIPELINE,
                year=2024 + n % 8,
            )
            for n in range(lines)
        )
        batch = []
        for index, commitment in enumerate(rows):
            for month in range(months):
                day = start + timedelta(days=31 * month + index % 28)
                if day > today:
                    break
                batch.append(
                    CommitmentUpdate(
                        partnership=partnership,
                        commitment=commitment,
                        commitment_key=commitment.key,
                        reported_on=day,
                        status=statuses[(index + month // 7) % len(statuses)],
                        note="Monthly update from the organisation.",
                        figure=Decimal(month),
                        figure_label="people helped",
                    )
                )
            if len(batch) >= 10_000:
                CommitmentUpdate.objects.bulk_create(batch)
                batch = []
        CommitmentUpdate.objects.bulk_create(batch)
        for n in range(4):
            indicator = Indicator.objects.create(
                partnership=partnership,
                name=f"Indicator {n}",
                unit="%",
                baseline=Decimal(10),
                target=Decimal(20),
                source="Bench",
            )
            IndicatorReading.objects.bulk_create(
                IndicatorReading(
                    indicator=indicator,
                    partnership=partnership,
                    measured_on=start + timedelta(days=91 * q),
                    value=Decimal(10 + q / 2),
                )
                for q in range(months // 3)
                if start + timedelta(days=91 * q) <= today
            )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")


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
