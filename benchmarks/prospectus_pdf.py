"""Benchmark: the place prospectus PDF and public page with 500 commitments and 200 lines.

Not part of the test suite. It uses its own database (`levelup_bench_prospectus`) on the
embedded PostgreSQL (127.0.0.1:54329), builds one published prospectus of that size, then
times the PDF (the same service the Celery task calls) and the public page (Django's test
client, in process), and prints the figures with the page's query count.

    .venv/bin/python benchmarks/prospectus_pdf.py
    .venv/bin/python benchmarks/prospectus_pdf.py --commitments 50 --lines 20 --runs 1

Figures are recorded in docs/benchmarks.md.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
SERVER = "postgres://postgres@127.0.0.1:54329"
BENCH_DB = "levelup_bench_prospectus"
os.environ["DJANGO_SETTINGS_MODULE"] = "levelup.settings.test"
os.environ["DATABASE_URL"] = f"{SERVER}/{BENCH_DB}"

SOURCES = [
    "Town Deal",
    "Levelling Up Fund",
    "Private investment",
    "Council",
    "Combined authority",
    "Homes England",
    "National Lottery Community Fund",
    "Housing associations",
]


def build(*, commitments: int, lines: int):
    """A partnership with 10 members (3 leads) and a published prospectus of the given size."""
    from datetime import date, timedelta
    from decimal import Decimal

    from django.utils import timezone

    from levelup.enums import OrganisationType
    from levelup.models import Organisation, Place, User
    from partnerships.enums import FundingStatus, MemberRole, ProspectusVersionStatus
    from partnerships.models import (
        Commitment,
        InvestmentLine,
        Partnership,
        PartnershipMember,
        Priority,
        Prospectus,
        ProspectusVersion,
    )

    Partnership.objects.filter(slug="bench-town").delete()  # with its prospectus (cascade)
    place, _ = Place.objects.get_or_create(
        slug="bench-town",
        defaults={"name": "Bench Town", "local_authority": "Bench Council", "region": "North West"},
    )
    partnership = Partnership.objects.create(place=place, name="Bench Town", slug="bench-town")
    members = []
    for index in range(10):
        organisation, _ = Organisation.objects.get_or_create(
            slug=f"bench-organisation-{index}",
            defaults={"name": f"Bench organisation {index}", "type": OrganisationType.BUSINESS},
        )
        members.append(
            PartnershipMember.objects.create(
                partnership=partnership,
                organisation=organisation,
                role=MemberRole.LEAD if index < 3 else MemberRole.MEMBER,
            )
        )
    author = User.objects.filter(is_active=True).first()
    now = timezone.now()
    prospectus = Prospectus.objects.create(partnership=partnership, title="Bench Town prospectus")
    version = ProspectusVersion.objects.create(
        prospectus=prospectus,
        number=1,
        status=ProspectusVersionStatus.PUBLISHED,
        vision="<p>" + "A plan for the whole town. " * 40 + "</p>",
        created_by=author,
        sent_at=now,
        published_at=now,
    )
    priorities = [
        Priority.objects.create(version=version, position=i + 1, title=f"Priority {i + 1}")
        for i in range(8)
    ]
    Commitment.objects.bulk_create(
        Commitment(
            version=version,
            partnership=partnership,
            member=members[i % len(members)],
            priority=priorities[i % len(priorities)],
            description=f"Commitment {i + 1}: placements, mentoring and local buying",
            due_on=date(2027, 3, 31) + timedelta(days=i),
            value=Decimal(10_000 + i * 1_000),
        )
        for i in range(commitments)
    )
    InvestmentLine.objects.bulk_create(
        InvestmentLine(
            version=version,
            project=f"Project {i + 1}",
            amount=Decimal(5_000_000),
            source=SOURCES[i % len(SOURCES)],
            status=FundingStatus.SECURED if i % 3 == 0 else FundingStatus.PIPELINE,
            year=2025 + i % 6,
        )
        for i in range(lines)
    )
    Prospectus.objects.filter(pk=prospectus.pk).update(published_version=version, published_at=now)
    return Prospectus.objects.get(pk=prospectus.pk)


def main() -> None:
    from evidence_pages import ensure_database, machine, measure

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commitments", type=int, default=500)
    parser.add_argument("--lines", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3, help="PDF renders (each takes seconds)")
    args = parser.parse_args()

    import evidence_pages

    # Importing the evidence benchmark points DATABASE_URL at its database: point it back.
    evidence_pages.BENCH_DB = BENCH_DB
    os.environ["DATABASE_URL"] = f"{SERVER}/{BENCH_DB}"
    ensure_database()
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    settings.EVIDENCE_UPLOAD_ROOT = str(ROOT / ".run" / "bench-private")
    prospectus = build(commitments=args.commitments, lines=args.lines)

    from partnerships.models import Prospectus
    from partnerships.services import prospectus_pdf_render

    timings, cpu = [], []
    for _ in range(args.runs):
        Prospectus.objects.filter(pk=prospectus.pk).update(pdf="", pdf_version=None)
        start, start_cpu = time.perf_counter(), time.process_time()
        rendered = prospectus_pdf_render(
            prospectus_id=prospectus.pk, version_id=prospectus.published_version_id
        )
        timings.append(time.perf_counter() - start)
        # CPU time of this process: what the render costs whatever else shares the machine.
        cpu.append(time.process_time() - start_cpu)
    size = rendered.pdf.size
    median, p95, queries, status = measure(
        Client(HTTP_HOST="localhost"),
        f"/partnerships/{prospectus.partnership.slug}/prospectus/",
        20,
    )
    print(machine())
    print(f"{args.commitments} commitments, {args.lines} investment lines")
    print(
        f"PDF: {min(timings):.1f} s best, {max(timings):.1f} s worst of {args.runs} wall clock; "
        f"{min(cpu):.1f} s to {max(cpu):.1f} s of CPU ({size / 1024:.0f} KiB)"
    )
    print(f"load average: {os.getloadavg()[0]:.1f}")
    print(f"public page: {median:.0f} ms median, {p95:.0f} ms p95, {queries} queries ({status})")


if __name__ == "__main__":
    main()
