"""The place prospectuses of the demo, in our own words. Idempotent.

Blackpool published its prospectus a year ago (version 2, after comments on version 1), with an
investment plan of about £1bn and commitments from every member, some made from delivered
matches. Wisbech has sent its first draft to its lead members: two of three have signed it off
and members are still commenting.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from evidence.selectors import findings_published, recommendations_published

from .enums import FundingStatus, MatchStatus, MemberRole, ProspectusSection
from .models import (
    Match,
    Partnership,
    PartnershipMember,
    Prospectus,
    ProspectusComment,
    ProspectusVersion,
    Representative,
    SignOff,
)
from .services import (
    commitment_create,
    investment_line_create,
    priority_citations_set,
    priority_create,
    prospectus_comment_add,
    prospectus_comment_resolve,
    prospectus_create,
    prospectus_publish,
    prospectus_sign_off,
    prospectus_version_send,
    prospectus_version_start,
    prospectus_vision_update,
)

M = Decimal(1_000_000)

BLACKPOOL_VISION = """
<p>Blackpool is Britain's best-loved seaside town and one of its most deprived. This prospectus
is the plan its businesses, the council, the college and community groups have agreed to change
that: <strong>by 2030, every young person in Blackpool can find a good job, an apprenticeship or
a training place in the town, and local firms win more of the work spent here.</strong></p>
<p>We will get there by investing in the places people live, work and visit, and by each member
doing what it does best:</p>
<ul>
<li>employers open their doors to young people and buy from local firms;</li>
<li>the council and the combined authority bring public investment and clear the way for private
investment;</li>
<li>the college and community groups make sure nobody is left out.</li>
</ul>
<p>Every commitment in this prospectus has an owner and a date, and progress is published here.</p>
""".strip()

BLACKPOOL_PRIORITIES = [
    (
        "Good jobs and apprenticeships for young people",
        "A route into work for every school leaver, with employers offering placements, "
        "apprenticeships and mentors.",
    ),
    (
        "Local firms win more local work",
        "Public bodies and large employers buy more from Blackpool businesses, and help them bid.",
    ),
    (
        "A town centre and seafront open all year",
        "Leisure, conference and hotel investment that brings visitors outside the summer, "
        "with year-round jobs.",
    ),
    (
        "Skills for the energy transition",
        "Training and a supply chain for offshore wind and low-carbon heating on the Fylde coast.",
    ),
    (
        "Healthy, connected neighbourhoods",
        "Better homes, transport and services in the inner wards, planned with the people who "
        "live there.",
    ),
]

# (financial year, project, £m, funding source, secured?)
BLACKPOOL_PLAN = [
    (2024, "Tramway extension to Blackpool North station", "22", "Town Deal", True),
    (2024, "Coastal defences, Anchorsholme to Bispham", "40", "Environment Agency", True),
    (2024, "Winter Gardens conference centre fit-out", "15", "Blackpool Council", True),
    (2024, "Full-fibre network for the town centre", "18", "Private investment", True),
    (2024, "Energy skills and innovation centre", "12", "Town Deal", True),
    (
        2025,
        "Blackpool Central leisure and heritage quarter: enabling works",
        "45",
        "Levelling Up Fund",
        True,
    ),
    (2025, "Transport interchange at Talbot Gateway", "18", "Lancashire Combined Authority", True),
    (2025, "Talbot Gateway phase 3: civic offices", "65", "Blackpool Council", True),
    (2025, "Revoe and Grange Park homes: first phase", "25", "Blackpool Council", True),
    (2025, "Energy skills centre: equipment", "8", "Fylde Coast College", True),
    (2025, "Energy skills centre: training rigs", "10", "Private investment", True),
    (
        2025,
        "Airport enterprise zone: roads and utilities",
        "35",
        "Enterprise zone business rates",
        True,
    ),
    (2025, "Seafront hotels upgrade fund: first round", "30", "Private investment", True),
    (2025, "Youth hub and library refit", "2.5", "Blackpool Council", True),
    (2025, "Illuminations renewal", "6", "Blackpool Council", True),
    (2025, "Skills bootcamps for adults", "5", "Department for Education", True),
    (
        2026,
        "Blackpool Central leisure and heritage quarter: main build",
        "215",
        "Private investment",
        False,
    ),
    (2026, "Talbot Gateway phase 3: hotel", "40", "Private investment", False),
    (2026, "Revoe and Grange Park homes: second phase", "90", "Homes England", False),
    (
        2026,
        "Offshore wind supply chain park: site works",
        "20",
        "Lancashire Combined Authority",
        False,
    ),
    (2026, "Youth hub programme", "4", "National Lottery Community Fund", False),
    (
        2026,
        "Healthy Blackpool neighbourhood clinics",
        "9",
        "NHS Lancashire and South Cumbria",
        False,
    ),
    (2026, "Illuminations: new commissions", "3", "Arts Council England", False),
    (2026, "Skills bootcamps: second round", "5", "Department for Education", False),
    (2027, "Offshore wind supply chain park: first buildings", "100", "Private investment", False),
    (
        2027,
        "Revoe and Grange Park homes: housing association phase",
        "60",
        "Housing associations",
        False,
    ),
    (2027, "Seafront hotels upgrade fund: second round", "25", "Private investment", False),
    (2028, "Airport enterprise zone: business units", "60", "Private investment", False),
    (2028, "Tramway: new trams", "23", "Lancashire Combined Authority", False),
]

# (organisation, what, due in months, £ value or None, priority index)
BLACKPOOL_COMMITMENTS = [
    (
        "Blackpool Council",
        "Raise spend with Blackpool firms from 22% to 35% of the council's contracts",
        36,
        "12000000",
        1,
    ),
    (
        "Blackpool Council",
        "Guarantee an interview for every care leaver who applies for a council apprenticeship",
        12,
        None,
        0,
    ),
    (
        "Blackpool Council",
        "Open the youth hub and refitted library in the town centre",
        18,
        "2500000",
        4,
    ),
    (
        "Blackpool Council",
        "Deliver the first 300 new homes in Revoe and Grange Park",
        30,
        "25000000",
        4,
    ),
    ("Blackpool Council", "Complete the Talbot Gateway civic offices", 24, "65000000", 2),
    (
        "Northern Lights Energy plc",
        "Fund and equip the training rigs at the energy skills centre",
        12,
        "10000000",
        3,
    ),
    (
        "Northern Lights Energy plc",
        "Take on 40 local apprentices a year in engineering and heat-pump fitting",
        48,
        None,
        3,
    ),
    (
        "Northern Lights Energy plc",
        "Give 2,000 staff volunteering hours a year to schools and the youth hub",
        36,
        None,
        0,
    ),
    (
        "Northern Lights Energy plc",
        "Place a quarter of the supply chain park's contracts with Fylde coast firms",
        48,
        "30000000",
        1,
    ),
    (
        "Fylde Coast College",
        "Open the energy skills and innovation centre to 600 learners a year",
        18,
        "8000000",
        3,
    ),
    (
        "Fylde Coast College",
        "Run short digital marketing courses for small hotels and guest houses",
        12,
        "60000",
        2,
    ),
    (
        "Fylde Coast College",
        "Offer every school leaver without a place a guaranteed interview",
        12,
        None,
        0,
    ),
    (
        "Promenade Print Co.",
        "Buy paper and services from Blackpool suppliers wherever they match on price",
        24,
        "150000",
        1,
    ),
    (
        "Promenade Print Co.",
        "Mentor three local firms a year through their first council tender",
        24,
        None,
        1,
    ),
    ("Seafront Hotels Group", "Reopen two seafront hotels all year round", 24, "18000000", 2),
    ("Seafront Hotels Group", "Pay the real Living Wage to every member of staff", 12, None, 0),
    (
        "Seafront Hotels Group",
        "Host the partnership's summer roundtable and youth hub events",
        12,
        "20000",
        4,
    ),
    ("Blackpool Youth Network", "Find a mentor for 150 young people a year", 24, None, 0),
    (
        "Blackpool Youth Network",
        "Run weekly drop-ins in Revoe and Grange Park with the NHS clinics",
        18,
        "90000",
        4,
    ),
    (
        "Lancashire Combined Authority",
        "Grant £150,000 from the skills fund to the youth employment programme",
        6,
        "150000",
        0,
    ),
    (
        "Lancashire Combined Authority",
        "Fund the transport interchange at Talbot Gateway",
        24,
        "18000000",
        4,
    ),
]

# Matches to commit from: (ask description, offer description, due in months, priority index)
BLACKPOOL_FROM_MATCHES = [
    ("Apprenticeship places for school leavers", "Engineering apprenticeships", 12, 0),
    ("Apprenticeship places for school leavers", "Hospitality apprenticeships", 12, 0),
    ("Mentors for the youth hub", "Staff volunteering days", 12, 0),
    ("A ground-floor room for the youth hub", "Function room on weekday evenings", 12, 4),
    ("Local firms on the council's print list", "Share of the council's print budget", 12, 1),
]

WISBECH_VISION = """
<p>Wisbech has a handsome Georgian centre, a strong food industry and a community that looks
after its own. Too many of its jobs are seasonal and too many shops stand empty. Our plan:
<strong>a busy, safe town centre, with year-round jobs for local people and no family going
without good food.</strong></p>
""".strip()

WISBECH_PRIORITIES = [
    ("Year-round jobs", "Turn seasonal work in food and logistics into steady jobs."),
    ("A busy town centre", "Fill empty shops and make the market place a place to stay."),
    ("Nobody goes hungry", "Back the larder and link surplus food to families who need it."),
]

WISBECH_PLAN = [
    (2025, "Market place public realm", "6.5", "Levelling Up Fund", True),
    (2025, "Empty shops grant scheme", "1.2", "Fenland District Council", True),
    (2025, "Food larder warehouse and van", "0.35", "National Lottery Community Fund", False),
    (2026, "Cold store and packing line", "14", "Private investment", False),
    (2026, "Wisbech high street heritage action zone", "2", "Historic England", True),
    (
        2026,
        "Lorry park on the A47",
        "8",
        "Cambridgeshire and Peterborough Combined Authority",
        False,
    ),
    (2027, "Rail link feasibility and design", "3", "Department for Transport", False),
]

WISBECH_COMMITMENTS = [
    ("Fenland District Council", "Bring 20 empty shops back into use", 24, "1200000", 1),
    ("Fenland Fresh Produce", "Turn 60 seasonal roles into year-round jobs", 24, None, 0),
    (
        "Wisbech Community Larder",
        "Open three days a week with a hot meal on Fridays",
        12,
        "40000",
        2,
    ),
    (
        "Isle of Ely Logistics",
        "Lend drivers and vans one morning a week to collect surplus food",
        12,
        None,
        2,
    ),
]


def _when(months: int) -> date:
    return timezone.localdate() + timedelta(days=round(months * 30.4))


def _aware(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _members(partnership) -> dict[str, PartnershipMember]:
    return {
        m.organisation.name: m
        for m in PartnershipMember.objects.active()
        .filter(partnership=partnership)
        .select_related("organisation")
    }


def _speaker(member: PartnershipMember):
    rep = Representative.objects.active().filter(member=member).select_related("user").first()
    return rep.user if rep else None


def _connector(partnership):
    from levelup.enums import Role
    from levelup.models import RoleGrant

    grant = (
        RoleGrant.objects.active()
        .filter(role=Role.CONNECTOR, object_id=partnership.pk)
        .select_related("user")
        .order_by("created_at")
        .first()
    )
    return grant.user


# Words that find, in the demo's published calls, the evidence behind each Blackpool priority.
CITATION_WORDS = ["young", "procure", "town centre", "skill", "health"]


def _cite(actor, priority, word: str) -> None:
    """Cite the published findings and recommendations that mention `word`, if there are any
    (the evidence demo decides what is published)."""
    findings = list(findings_published(search=word)[:2])
    recommendations = list(recommendations_published(search=word)[:2])
    if findings or recommendations:
        priority_citations_set(
            actor=actor, priority=priority, findings=findings, recommendations=recommendations
        )


def _fill(actor, version, priorities_spec, plan, commitments, members, words=()):
    priorities = [
        priority_create(actor=actor, version=version, title=title, description=description)
        for title, description in priorities_spec
    ]
    for priority, word in zip(priorities, words, strict=False):
        _cite(actor, priority, word)
    for year, project, millions, source, secured in plan:
        investment_line_create(
            actor=actor,
            version=version,
            project=project,
            amount=Decimal(millions) * M,
            source=source,
            status=FundingStatus.SECURED if secured else FundingStatus.PIPELINE,
            year=year,
        )
    for organisation, what, months, value, priority in commitments:
        commitment_create(
            actor=actor,
            version=version,
            member=members[organisation],
            description=what,
            due_on=_when(months),
            value=Decimal(value) if value else None,
            priority=priorities[priority],
        )
    return priorities


def _sign_off_leads(version, members, *, skip=()):
    for name, member in members.items():
        if member.role == MemberRole.LEAD and name not in skip:
            prospectus_sign_off(actor=_speaker(member), version=version, member=member)


def _load_blackpool(partnership: Partnership) -> None:
    connie = _connector(partnership)
    members = _members(partnership)
    prospectus = prospectus_create(
        actor=connie,
        partnership=partnership,
        title="Blackpool place prospectus 2025–2030",
        vision=BLACKPOOL_VISION.replace(" by 2030,", ","),
    )
    first = prospectus.versions.get()
    priorities = _fill(
        connie,
        first,
        BLACKPOOL_PRIORITIES,
        BLACKPOOL_PLAN[:-3],
        BLACKPOOL_COMMITMENTS,
        members,
        words=CITATION_WORDS,
    )
    for ask, offer, months, priority in BLACKPOOL_FROM_MATCHES:
        match = (
            Match.objects.filter(
                partnership=partnership,
                ask__description=ask,
                deliverable__description=offer,
                status__in=[MatchStatus.AGREED, MatchStatus.IN_DELIVERY, MatchStatus.DELIVERED],
            )
            .select_related("ask", "deliverable__member")
            .first()
        )
        if match is None:
            continue
        commitment_create(
            actor=connie,
            version=first,
            member=match.deliverable.member,
            description=f"{match.deliverable.description} for “{match.ask.description.lower()}”",
            due_on=_when(months),
            value=match.quantity if match.deliverable.unit == "£" else None,
            priority=priorities[priority],
            match=match,
        )
    prospectus_version_send(actor=connie, version=first)
    mo = _speaker(members["Promenade Print Co."])
    priya = _speaker(members["Blackpool Council"])
    thread = prospectus_comment_add(
        actor=mo,
        version=first,
        section=ProspectusSection.VISION,
        text="Could the vision give the year we are aiming for? “Every young person” needs a "
        "date to hold us to.",
    )
    prospectus_comment_add(
        actor=connie,
        version=first,
        section="",
        parent=thread,
        text="Agreed: version 2 says “by 2030”, as the common goal does.",
    )
    prospectus_comment_resolve(actor=connie, comment=thread)
    plan_thread = prospectus_comment_add(
        actor=priya,
        version=first,
        section=ProspectusSection.INVESTMENT_PLAN,
        text="The new trams and the airport business units are now in the combined "
        "authority's pipeline: please add them.",
    )
    prospectus_comment_resolve(actor=connie, comment=plan_thread)
    second = prospectus_version_start(actor=connie, prospectus=prospectus)
    prospectus_vision_update(actor=connie, version=second, vision=BLACKPOOL_VISION)
    for year, project, millions, source, secured in BLACKPOOL_PLAN[-3:]:
        investment_line_create(
            actor=connie,
            version=second,
            project=project,
            amount=Decimal(millions) * M,
            source=source,
            status=FundingStatus.SECURED if secured else FundingStatus.PIPELINE,
            year=year,
        )
    prospectus_version_send(actor=connie, version=second)
    _sign_off_leads(second, members)
    prospectus_publish(actor=connie, version=second)
    # As if drafted over the spring of last year and published a year ago.
    published = timezone.localdate() - timedelta(days=760)
    _backdate(first, published - timedelta(days=70))
    _backdate(second, published - timedelta(days=21))
    ProspectusVersion.objects.filter(pk=second.pk).update(published_at=_aware(published))
    Prospectus.objects.filter(pk=prospectus.pk).update(published_at=_aware(published))


def _backdate(version: ProspectusVersion, started: date) -> None:
    ProspectusVersion.objects.filter(pk=version.pk).update(
        created_at=_aware(started), sent_at=_aware(started + timedelta(days=14))
    )
    SignOff.objects.filter(version=version).update(created_at=_aware(started + timedelta(days=18)))
    for index, comment in enumerate(ProspectusComment.objects.filter(version=version)):
        ProspectusComment.objects.filter(pk=comment.pk).update(
            created_at=_aware(started + timedelta(days=15 + index), hour=9 + index),
            resolved_at=(
                _aware(started + timedelta(days=20)) if comment.resolved_at is not None else None
            ),
        )


def _load_wisbech(partnership: Partnership) -> None:
    connector = _connector(partnership)
    members = _members(partnership)
    prospectus = prospectus_create(
        actor=connector,
        partnership=partnership,
        title="Wisbech Together: a prospectus for the town",
        vision=WISBECH_VISION,
    )
    version = prospectus.versions.get()
    _fill(connector, version, WISBECH_PRIORITIES, WISBECH_PLAN, WISBECH_COMMITMENTS, members)
    prospectus_version_send(actor=connector, version=version)
    # The larder has not signed off yet: its lead (a demo sign-in) can try it.
    _sign_off_leads(version, members, skip={"Wisbech Community Larder"})
    sunita = _speaker(members["Isle of Ely Logistics"])
    jakub = _speaker(members["Fenland Fresh Produce"])
    thread = prospectus_comment_add(
        actor=sunita,
        version=version,
        section=ProspectusSection.INVESTMENT_PLAN,
        text="The lorry park matters to every haulier in town. Can we show who is bidding for "
        "it and when we will know?",
    )
    prospectus_comment_add(
        actor=connector,
        version=version,
        section="",
        parent=thread,
        text="The combined authority decides in the spring; I will add the date.",
    )
    prospectus_comment_add(
        actor=jakub,
        version=version,
        section=ProspectusSection.PRIORITIES,
        text="“Year-round jobs” should name the packing houses: they are most of the "
        "seasonal work.",
    )
    _backdate(version, timezone.localdate() - timedelta(days=24))


@transaction.atomic
def load_prospectuses() -> None:
    """Blackpool's published prospectus and Wisbech's draft, unless they already have one."""
    for slug, load in [("blackpool", _load_blackpool), ("wisbech", _load_wisbech)]:
        partnership = Partnership.objects.filter(slug=slug).first()
        if partnership is None or Prospectus.objects.filter(partnership=partnership).exists():
            continue
        load(partnership)
