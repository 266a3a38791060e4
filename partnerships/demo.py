"""The partnerships part of the demo data, written in our own words. Idempotent.

Blackpool has run for two years: many engagements, asks and deliverables matched, a common goal
and terms of reference agreed, its place prospectus published (`demo_prospectus`) and progress
reported on its commitments since (`demo_progress`). Wisbech is active and its goal is being
endorsed (two of three lead members so far). Bradford is forming and has had its first
engagements.

Each partnership's history is written once, in one transaction, through the services (so it
is audited like real use); a partnership that already has engagements is left as it is.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from levelup.demo import DEMO_DOMAIN, demo_user, ensure_grant
from levelup.enums import OrganisationType, Role
from levelup.models import Body, Organisation, Place, User
from levelup.services import user_create

from .demo_progress import load_progress
from .demo_prospectus import load_prospectuses
from .enums import AgreementKind, FigureKind, MatchStatus, MemberRole, PartnershipStage
from .models import AgreementVersion, Engagement, Partnership, PartnershipMember
from .services import (
    action_create,
    action_set_done,
    agreement_endorse,
    agreement_propose,
    ask_create,
    deliverable_create,
    engagement_create,
    exit_plan_update,
    figure_add,
    indicator_create,
    match_create,
    match_move,
    member_add,
    partnership_notes_update,
    representative_add,
)

PARTNERSHIPS = [
    (
        "blackpool",
        "Blackpool Place Partnership",
        # Publishing its prospectus (demo_prospectus) moves it on to "prospectus published".
        PartnershipStage.ACTIVE,
        "Businesses, the council and community groups working to one plan for the town.",
    ),
    (
        "wisbech",
        "Wisbech Together",
        PartnershipStage.ACTIVE,
        "A partnership for jobs, skills and a thriving town centre in Wisbech.",
    ),
    (
        "bradford",
        "Bradford Business and Community Partnership",
        PartnershipStage.FORMING,
        "Bringing Bradford's employers and communities together around shared goals.",
    ),
]

# Organisations the core demo does not have yet: name, type, sector, place.
EXTRA_ORGANISATIONS = [
    ("Seafront Hotels Group", OrganisationType.BUSINESS, "medium", "Hospitality", "blackpool"),
    ("Blackpool Youth Network", OrganisationType.COMMUNITY, "", "Youth work", "blackpool"),
    ("Isle of Ely Logistics", OrganisationType.BUSINESS, "medium", "Logistics", "wisbech"),
]

# People who represent members or connect partnerships but need no demo sign-in.
PEOPLE_DOMAIN = "people.levelup.test"


def _person(name: str, *, sign_in: bool = False) -> User:
    local = slugify(name).replace("-", ".")
    email = f"{local}@{DEMO_DOMAIN if sign_in else PEOPLE_DOMAIN}"
    user = User.objects.filter(email=email).first()
    if user is None:
        user = user_create(
            actor=None,
            email=email,
            name=name,
            password=settings.DEMO_PASSWORD if sign_in else None,
        )
    return user


def _organisation(name: str) -> Organisation:
    return Organisation.objects.get(slug=slugify(name))


def _members(partnership, joined_on: date, rows) -> dict[str, PartnershipMember]:
    """rows: (organisation name, role, representative User or None)."""
    members = {}
    for name, role, person in rows:
        member = member_add(
            actor=None, partnership=partnership, organisation=_organisation(name), role=role
        )
        PartnershipMember.objects.filter(pk=member.pk).update(joined_on=joined_on)
        if person is not None:
            representative_add(actor=None, member=member, user=person)
        members[name] = member
    return members


def _engagement(connector, partnership, members, when, kind, title, notes, present, actions=()):
    engagement = engagement_create(
        actor=connector,
        partnership=partnership,
        occurred_on=when,
        kind=kind,
        title=title,
        notes=notes,
        organisations=[members[name] for name in present],
    )
    today = timezone.localdate()
    for description, owner, due_in_days, done in actions:
        action = action_create(
            actor=connector,
            engagement=engagement,
            description=description,
            owner=owner,
            due_on=(when if done else today) + timedelta(days=due_in_days),
        )
        if done:
            action_set_done(actor=owner, action=action, done=True)
    return engagement


def _ask(connector, partnership, members, member, kind, description, quantity, unit=""):
    return ask_create(
        actor=connector,
        partnership=partnership,
        member=members[member],
        kind=kind,
        description=description,
        quantity=Decimal(quantity),
        unit=unit,
    )


def _offer(connector, partnership, members, member, kind, description, quantity, unit=""):
    return deliverable_create(
        actor=connector,
        partnership=partnership,
        member=members[member],
        kind=kind,
        description=description,
        quantity=Decimal(quantity),
        unit=unit,
    )


def _match(connector, partnership, ask, offer, quantity, path=()):
    """Match `offer` to `ask` and move the match along `path` (its statuses, in order)."""
    made = match_create(
        actor=connector,
        partnership=partnership,
        ask=ask,
        deliverable=offer,
        quantity=Decimal(quantity),
    )
    for status in path:
        match_move(actor=connector, match=made, status=status)
    return made


def _backdate_agreements(partnership, when: date) -> None:
    """Spread the versions over the weeks after `when`, as if drafted and endorsed then."""
    for version in AgreementVersion.objects.filter(partnership=partnership):
        drafted = timezone.make_aware(
            datetime.combine(when + timedelta(days=35 * (version.number - 1)), time(9, 30))
        )
        AgreementVersion.objects.filter(pk=version.pk).update(
            created_at=drafted,
            agreed_at=drafted + timedelta(days=21) if version.agreed_at else None,
        )
        version.endorsements.update(created_at=drafted + timedelta(days=7))


@transaction.atomic
def load_partnerships() -> None:
    # The Place Taskforce runs the programme, so its secretariat may name the connectors.
    taskforce = Body.objects.filter(slug="place-taskforce").first()
    for place_slug, name, stage, purpose in PARTNERSHIPS:
        partnership, _created = Partnership.objects.get_or_create(
            slug=place_slug,
            defaults={
                "place": Place.objects.get(slug=place_slug),
                "name": name,
                "stage": stage,
                "purpose": purpose,
                "programme_body": taskforce,
            },
        )
        if partnership.programme_body_id is None and taskforce is not None:
            Partnership.objects.filter(pk=partnership.pk).update(programme_body=taskforce)
    places = {place.slug: place for place in Place.objects.all()}
    for org_name, kind, size, sector, place_slug in EXTRA_ORGANISATIONS:
        Organisation.objects.get_or_create(
            slug=slugify(org_name),
            defaults={
                "name": org_name,
                "type": kind,
                "size": size,
                "sector": sector,
                "place": places[place_slug],
            },
        )
    blackpool = Partnership.objects.get(slug="blackpool")
    ensure_grant(user=demo_user("connector"), role=Role.CONNECTOR, target=blackpool)
    for slug, load in [
        ("blackpool", _load_blackpool),
        ("wisbech", _load_wisbech),
        ("bradford", _load_bradford),
    ]:
        partnership = Partnership.objects.get(slug=slug)
        if not Engagement.objects.filter(partnership=partnership).exists():
            load(partnership)
    load_prospectuses()
    load_progress()


def _load_blackpool(partnership: Partnership) -> None:
    today = timezone.localdate()
    # Over three years: brokering, a goal agreed, then a prospectus published more than two
    # years ago, with two years of progress since (demo_prospectus, demo_progress).
    start = today - timedelta(days=1190)
    connie = demo_user("connector")
    mo = demo_user("member")
    council = _person("Priya Shah")
    energy = _person("Tom Hargreaves")
    college = _person("Grace Okafor")
    hotels = _person("Daniel Booth")
    youth = _person("Shannon Kelly")
    members = _members(
        partnership,
        start,
        [
            ("Blackpool Council", MemberRole.LEAD, council),
            ("Northern Lights Energy plc", MemberRole.LEAD, energy),
            ("Fylde Coast College", MemberRole.LEAD, college),
            ("Promenade Print Co.", MemberRole.MEMBER, mo),
            ("Seafront Hotels Group", MemberRole.MEMBER, hotels),
            ("Blackpool Youth Network", MemberRole.MEMBER, youth),
            ("Lancashire Combined Authority", MemberRole.MEMBER, None),
            ("Coastal Towns Commission", MemberRole.OBSERVER, None),
        ],
    )
    for kind, name, title in [
        (FigureKind.CHAMPION, "Tom Hargreaves", "Managing director, Northern Lights Energy plc"),
        (FigureKind.AMBASSADOR, "Grace Okafor", "Principal, Fylde Coast College"),
        (FigureKind.AMBASSADOR, "Daniel Booth", "Owner, Seafront Hotels Group"),
    ]:
        figure_add(actor=connie, partnership=partnership, kind=kind, name=name, title=title)
    partnership_notes_update(
        actor=connie,
        partnership=partnership,
        private_notes=(
            "The council's budget is set in February: get the skills fund proposal to the "
            "cabinet member before Christmas.\n"
            "Seafront Hotels would like to host the summer roundtable."
        ),
    )

    # Two years of brokering: one engagement about every month.
    topics = [
        ("one_to_one", "First conversation with the council's regeneration team"),
        ("one_to_one", "Coffee with the managing director of Northern Lights Energy"),
        ("site_visit", "Visit to the college's engineering workshops"),
        ("workshop", "What does the town need? Open workshop"),
        ("roundtable", "Employers' roundtable on hard-to-fill jobs"),
        ("one_to_one", "Youth Network: what young people told us"),
        ("workshop", "Drafting the common goal"),
        ("roundtable", "Hospitality and the visitor economy"),
        ("site_visit", "Walk along the promenade with the hotels group"),
        ("workshop", "Agreeing the terms of reference"),
        ("one_to_one", "Procurement: buying local from the council"),
        ("roundtable", "Apprenticeships: matching deliverables to asks"),
        ("workshop", "Second version of the goal"),
        ("site_visit", "Printing works visit with Year 10 pupils"),
        ("roundtable", "Funding partners: the combined authority joins"),
        ("one_to_one", "Catch-up with the college on placements"),
        ("workshop", "Planning the prospectus"),
        ("roundtable", "Prospectus priorities with every lead member"),
        ("one_to_one", "Volunteering hours: who can give what"),
        ("site_visit", "New skills centre: the first look"),
        ("workshop", "Exit plan: who carries on the work"),
        ("roundtable", "Annual review of the partnership"),
        ("one_to_one", "Space for the youth hub"),
        ("workshop", "Measures: agreeing what we count"),
    ]
    present_sets = [
        ["Blackpool Council"],
        ["Northern Lights Energy plc"],
        ["Fylde Coast College"],
        ["Blackpool Council", "Promenade Print Co.", "Blackpool Youth Network"],
        ["Northern Lights Energy plc", "Seafront Hotels Group", "Promenade Print Co."],
        ["Blackpool Youth Network"],
        ["Blackpool Council", "Northern Lights Energy plc", "Fylde Coast College"],
        ["Seafront Hotels Group", "Coastal Towns Commission"],
    ]
    engagements = []
    for index, (kind, title) in enumerate(topics):
        when = start + timedelta(days=14 + index * 48)
        present = present_sets[index % len(present_sets)]
        engagements.append(
            _engagement(
                connie,
                partnership,
                members,
                when,
                kind,
                title,
                f"{len(present)} organisation(s) took part. We agreed who follows up and by when; "
                "the notes are shared with every member.",
                present,
                actions=[(f"Send everyone the notes of: {title.lower()}", connie, 5, True)],
            )
        )
    # Still open on the last engagement: one due tomorrow, one overdue, one later.
    for description, owner, due_in_days in [
        ("Send the college the list of printing apprenticeships", mo, 1),
        ("Confirm the youth hub's opening hours", youth, -3),
        ("Book the room for the annual review", connie, 10),
    ]:
        action_create(
            actor=connie,
            engagement=engagements[-1],
            description=description,
            owner=owner,
            due_on=today + timedelta(days=due_in_days),
        )

    def ask(*args):
        return _ask(connie, partnership, members, *args)

    def offer(*args):
        return _offer(connie, partnership, members, *args)

    placements = ask(
        "Fylde Coast College", "apprenticeships", "Apprenticeship places for school leavers", 39
    )
    mentors = ask("Blackpool Youth Network", "volunteering_hours", "Mentors for the youth hub", 400)
    hub = ask("Blackpool Youth Network", "space", "A ground-floor room for the youth hub", 120)
    local_buying = ask(
        "Promenade Print Co.", "procurement_spend", "Local firms on the council's print list", 50000
    )
    digital = ask("Seafront Hotels Group", "skills", "Digital marketing help for small hotels", 30)
    ask("Blackpool Council", "money", "Match funding for the skills centre fit-out", 250000)

    energy_places = offer(
        "Northern Lights Energy plc", "apprenticeships", "Engineering apprenticeships", 25
    )
    hotel_places = offer(
        "Seafront Hotels Group", "apprenticeships", "Hospitality apprenticeships", 12
    )
    print_places = offer("Promenade Print Co.", "apprenticeships", "Print apprenticeships", 2)
    staff_hours = offer(
        "Northern Lights Energy plc", "volunteering_hours", "Staff volunteering days", 400
    )
    hotel_room = offer("Seafront Hotels Group", "space", "Function room on weekday evenings", 80)
    council_spend = offer(
        "Blackpool Council", "procurement_spend", "Share of the council's print budget", 35000
    )
    college_skills = offer(
        "Fylde Coast College", "skills", "Short courses in digital marketing", 20
    )
    offer("Lancashire Combined Authority", "money", "Skills fund grant", 150000)
    hotel_hours = offer(
        "Seafront Hotels Group", "volunteering_hours", "Staff time for youth hub events", 100
    )

    def match(*args):
        _match(connie, partnership, *args)

    delivered = [MatchStatus.AGREED, MatchStatus.IN_DELIVERY, MatchStatus.DELIVERED]
    match(placements, energy_places, 25, delivered)
    match(placements, hotel_places, 12, [MatchStatus.AGREED, MatchStatus.IN_DELIVERY])
    match(placements, print_places, 2, [MatchStatus.AGREED])
    match(mentors, hotel_hours, 100, [MatchStatus.DROPPED])
    match(mentors, staff_hours, 400, delivered)
    match(hub, hotel_room, 80, [MatchStatus.AGREED, MatchStatus.IN_DELIVERY])
    match(local_buying, council_spend, 35000, [MatchStatus.AGREED])
    match(digital, college_skills, 20, [])

    leads = [
        (council, members["Blackpool Council"]),
        (energy, members["Northern Lights Energy plc"]),
        (college, members["Fylde Coast College"]),
    ]
    first = agreement_propose(
        actor=connie,
        partnership=partnership,
        kind=AgreementKind.COMMON_GOAL,
        text="Every young person in Blackpool can find a good job or training place in the town.",
    )
    agreement_endorse(actor=council, version=first, member=members["Blackpool Council"])
    goal = agreement_propose(
        actor=connie,
        partnership=partnership,
        kind=AgreementKind.COMMON_GOAL,
        text=(
            "By 2030, every young person in Blackpool can find a good job, an apprenticeship "
            "or a training place in the town, and local firms win more of the work spent here."
        ),
    )
    terms = agreement_propose(
        actor=connie,
        partnership=partnership,
        kind=AgreementKind.TERMS_OF_REFERENCE,
        purpose="To agree one plan for the town's economy and see it delivered.",
        membership=(
            "Businesses of every size, the council, the college and community groups. Lead "
            "members commit senior time; members take part in the work; observers are kept "
            "informed."
        ),
        decision_making=(
            "Lead members decide by consensus. When they cannot agree, the champion proposes "
            "a way forward at the next meeting."
        ),
        meeting_rhythm="The whole partnership every quarter; working groups every month.",
    )
    for person, member in leads:
        agreement_endorse(actor=person, version=goal, member=member)
        agreement_endorse(actor=person, version=terms, member=member)
    _backdate_agreements(partnership, start + timedelta(days=200))
    exit_plan_update(
        actor=connie,
        partnership=partnership,
        exit_plan=(
            "From year three the college hosts the partnership's meetings and the council's "
            "economic development team keeps the log of asks and deliverables. The champion chairs "
            "the quarterly meeting; lead members share the cost of a part-time coordinator."
        ),
    )
    for name, unit, baseline, target, source in [
        ("Young people not in work or training", "%", "8.4", "5", "Council monthly figures"),
        ("Apprenticeship starts", "starts a year", "310", "450", "Department for Education"),
        ("Council spend with local firms", "%", "22", "35", "Council procurement records"),
        ("Volunteering hours given by members", "hours a year", "0", "2000", "Partnership log"),
    ]:
        indicator_create(
            actor=connie,
            partnership=partnership,
            name=name,
            unit=unit,
            baseline=Decimal(baseline),
            target=Decimal(target),
            source=source,
        )


def _load_wisbech(partnership: Partnership) -> None:
    today = timezone.localdate()
    start = today - timedelta(days=300)
    connector = _person("Will Watts")
    ensure_grant(user=connector, role=Role.CONNECTOR, target=partnership)
    council = _person("Helen Marsh")
    produce = _person("Jakub Nowak")
    larder = _person("Lina Lead", sign_in=True)
    logistics = _person("Sunita Rao")
    members = _members(
        partnership,
        start,
        [
            ("Fenland District Council", MemberRole.LEAD, council),
            ("Fenland Fresh Produce", MemberRole.LEAD, produce),
            ("Wisbech Community Larder", MemberRole.LEAD, larder),
            ("Isle of Ely Logistics", MemberRole.MEMBER, logistics),
            ("Office of the Member for Wisbech", MemberRole.OBSERVER, None),
        ],
    )
    figure_add(
        actor=connector,
        partnership=partnership,
        kind=FigureKind.CHAMPION,
        name="Jakub Nowak",
        title="Founder, Fenland Fresh Produce",
    )
    sessions = [
        (
            "one_to_one",
            "Meeting the district council's town centre officer",
            ["Fenland District Council"],
        ),
        ("site_visit", "Packing house visit at harvest time", ["Fenland Fresh Produce"]),
        ("workshop", "What would make the town centre busier?", list(members)[:4]),
        (
            "roundtable",
            "Seasonal work and year-round jobs",
            ["Fenland Fresh Produce", "Isle of Ely Logistics"],
        ),
        ("one_to_one", "The larder's volunteers and opening hours", ["Wisbech Community Larder"]),
        ("workshop", "Drafting the common goal", list(members)[:3]),
        (
            "roundtable",
            "Lorry parking and the high street",
            ["Isle of Ely Logistics", "Fenland District Council"],
        ),
        ("one_to_one", "Check-in on endorsements", ["Wisbech Community Larder"]),
    ]
    for index, (kind, title, present) in enumerate(sessions):
        _engagement(
            connector,
            partnership,
            members,
            start + timedelta(days=10 + index * 35),
            kind,
            title,
            "Notes kept by the connector and shared with the members present.",
            present,
            actions=[(f"Follow up: {title.lower()}", connector, 7, True)],
        )
    drivers = _ask(
        connector,
        partnership,
        members,
        "Wisbech Community Larder",
        "volunteering_hours",
        "Drivers to collect surplus food",
        150,
    )
    vans = _offer(
        connector,
        partnership,
        members,
        "Isle of Ely Logistics",
        "volunteering_hours",
        "Drivers and vans one morning a week",
        100,
    )
    _match(connector, partnership, drivers, vans, 100)
    goal = agreement_propose(
        actor=connector,
        partnership=partnership,
        kind=AgreementKind.COMMON_GOAL,
        text=(
            "A busy, safe town centre in Wisbech, with year-round jobs for local people and "
            "no family going without good food."
        ),
    )
    agreement_endorse(actor=council, version=goal, member=members["Fenland District Council"])
    agreement_endorse(actor=produce, version=goal, member=members["Fenland Fresh Produce"])
    _backdate_agreements(partnership, today - timedelta(days=20))


def _load_bradford(partnership: Partnership) -> None:
    today = timezone.localdate()
    start = today - timedelta(days=60)
    connector = _person("Bea Bashir")
    ensure_grant(user=connector, role=Role.CONNECTOR, target=partnership)
    council = _person("Imran Hussain")
    engineering = _person("Claire Whitaker")
    youth = _person("Aisha Begum")
    members = _members(
        partnership,
        start,
        [
            ("City of Bradford Metropolitan District Council", MemberRole.LEAD, council),
            ("Aire Valley Engineering", MemberRole.MEMBER, engineering),
            ("Manningham Youth Trust", MemberRole.MEMBER, youth),
            ("University of the Pennines", MemberRole.OBSERVER, None),
        ],
    )
    _engagement(
        connector,
        partnership,
        members,
        start + timedelta(days=5),
        "one_to_one",
        "Introductions at City Hall",
        "Who is already working on skills in the district, and who is missing.",
        ["City of Bradford Metropolitan District Council"],
        actions=[("Map the existing employer networks", connector, 14, False)],
    )
    _engagement(
        connector,
        partnership,
        members,
        start + timedelta(days=30),
        "site_visit",
        "Factory floor visit at Aire Valley Engineering",
        "Skills gaps in welding and maintenance; interest in taking on apprentices.",
        ["Aire Valley Engineering", "Manningham Youth Trust"],
        actions=[("Share the youth trust's list of interested school leavers", youth, 5, False)],
    )
    _ask(
        connector,
        partnership,
        members,
        "Manningham Youth Trust",
        "apprenticeships",
        "First apprenticeships for young people from Manningham",
        10,
    )
    _offer(
        connector,
        partnership,
        members,
        "Aire Valley Engineering",
        "skills",
        "Engineers to run taster sessions",
        6,
    )
