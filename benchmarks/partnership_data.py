"""A partnership with a published prospectus and years of progress, for the benchmarks.

Used by benchmarks/progress_pages.py and benchmarks/bench.py: one programme body, ten
partnerships; the first has 25 members, a published prospectus with commitments and an
investment plan, a monthly update on every commitment and quarterly indicator readings.
Bulk inserts; nothing is audited. `build` does nothing when the partnership exists.
"""

from datetime import datetime, timedelta
from decimal import Decimal

SLUG = "bench-progress"
OTHER_PARTNERSHIPS = 9  # the programme view shows these too


def build(*, commitments: int = 500, months: int = 60, lines: int = 200) -> None:
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

    if Partnership.objects.filter(slug=SLUG).exists():
        return
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
