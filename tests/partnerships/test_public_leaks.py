"""The public sees a partnership's name, place, stage, members' names and (once agreed) the
common goal, and nothing else.

Every private thing a partnership holds is created first, each with a text of its own; then
every public page is read, anonymously and as people of other partnerships, and none of those
texts may appear. The agreed goal and the members' names are checked to be there, so the test
cannot pass by showing nothing.
"""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from levelup.enums import Role
from partnerships.enums import AgreementKind, EngagementKind, ExchangeKind, MemberRole
from partnerships.services import (
    action_create,
    agreement_endorse,
    agreement_propose,
    ask_create,
    deliverable_create,
    engagement_create,
    exit_plan_update,
    figure_add,
    indicator_create,
    invitation_create,
    match_create,
    member_add,
    member_remove,
    partnership_notes_update,
    representative_add,
)
from tests.factories.core import OrganisationFactory, RoleGrantFactory, UserFactory

pytestmark = pytest.mark.django_db

PUBLIC_TEXT = {
    "member": "Quillfeather Bakery",
    "goal": "Quillfeather agreed goal: every school leaver has a next step.",
}
PRIVATE_TEXT = {
    "private notes": "Xylo private note about the council budget.",
    "purpose": "Xylo purpose statement kept for members.",
    "exit plan": "Xylo exit plan: the chamber takes over.",
    "engagement title": "Xylo roundtable at the pier",
    "engagement notes": "Xylo engagement notes: tensions over parking.",
    "action": "Xylo action: send the venue list",
    "ask": "Xylo ask: twenty placements",
    "offer": "Xylo offer: warehouse space",
    "unagreed goal": "Xylo draft goal version two, not agreed.",
    "terms of reference": "Xylo terms: we meet monthly.",
    "indicator": "Xylo indicator: young people in work",
    "indicator source": "Xylo annual survey",
    "champion": "Xylo Champion-Person",
    "ambassador": "Xylo Ambassador-Person",
    "connector": "Xylo Connector-Person",
    "representative": "Xylo Representative-Person",
    "invitee": "Xylo Invitee-Person",
    "invitee email": "xylo.invitee@example.org",
    "former member": "Xylo Former Member Ltd",
}


@pytest.fixture
def everything(partnership):
    """A partnership holding one of every private thing, and an agreed goal (version 1)."""
    partnership.purpose = PRIVATE_TEXT["purpose"]
    partnership.save()
    connector = UserFactory(name=PRIVATE_TEXT["connector"])
    RoleGrantFactory(user=connector, role=Role.CONNECTOR, target=partnership)
    lead = member_add(
        actor=connector,
        partnership=partnership,
        organisation=OrganisationFactory(name=PUBLIC_TEXT["member"]),
        role=MemberRole.LEAD,
    )
    person = UserFactory(name=PRIVATE_TEXT["representative"])
    representative_add(actor=connector, member=lead, user=person)
    other = member_add(actor=connector, partnership=partnership, organisation=OrganisationFactory())
    former = member_add(
        actor=connector,
        partnership=partnership,
        organisation=OrganisationFactory(name=PRIVATE_TEXT["former member"]),
    )
    member_remove(actor=connector, member=former)
    partnership_notes_update(
        actor=connector, partnership=partnership, private_notes=PRIVATE_TEXT["private notes"]
    )
    exit_plan_update(actor=connector, partnership=partnership, exit_plan=PRIVATE_TEXT["exit plan"])
    engagement = engagement_create(
        actor=connector,
        partnership=partnership,
        occurred_on=timezone.localdate(),
        kind=EngagementKind.ROUNDTABLE,
        title=PRIVATE_TEXT["engagement title"],
        notes=PRIVATE_TEXT["engagement notes"],
        organisations=[lead, other],
    )
    action_create(
        actor=connector,
        engagement=engagement,
        description=PRIVATE_TEXT["action"],
        owner=person,
        due_on=timezone.localdate() + timedelta(days=3),
    )
    ask = ask_create(
        actor=connector,
        partnership=partnership,
        member=lead,
        kind=ExchangeKind.SPACE,
        description=PRIVATE_TEXT["ask"],
        quantity=Decimal("20"),
        unit="",
    )
    offer = deliverable_create(
        actor=connector,
        partnership=partnership,
        member=other,
        kind=ExchangeKind.SPACE,
        description=PRIVATE_TEXT["offer"],
        quantity=Decimal("20"),
        unit="",
    )
    match_create(actor=connector, partnership=partnership, ask=ask, deliverable=offer, quantity=5)
    goal = agreement_propose(
        actor=connector,
        partnership=partnership,
        kind=AgreementKind.COMMON_GOAL,
        text=PUBLIC_TEXT["goal"],
    )
    agreement_endorse(actor=person, version=goal, member=lead)
    agreement_propose(
        actor=connector,
        partnership=partnership,
        kind=AgreementKind.COMMON_GOAL,
        text=PRIVATE_TEXT["unagreed goal"],
    )
    terms = agreement_propose(
        actor=connector,
        partnership=partnership,
        kind=AgreementKind.TERMS_OF_REFERENCE,
        purpose=PRIVATE_TEXT["terms of reference"],
    )
    agreement_endorse(actor=person, version=terms, member=lead)
    indicator_create(
        actor=connector,
        partnership=partnership,
        name=PRIVATE_TEXT["indicator"],
        unit="people",
        baseline=Decimal("10"),
        target=Decimal("50"),
        source=PRIVATE_TEXT["indicator source"],
    )
    figure_add(
        actor=connector, partnership=partnership, kind="champion", name=PRIVATE_TEXT["champion"]
    )
    figure_add(
        actor=connector,
        partnership=partnership,
        kind="ambassador",
        name=PRIVATE_TEXT["ambassador"],
    )
    invitation_create(
        actor=connector,
        partnership=partnership,
        organisation=other.organisation,
        role=MemberRole.MEMBER,
        name=PRIVATE_TEXT["invitee"],
        email=PRIVATE_TEXT["invitee email"],
        site_url="http://testserver/",
    )
    return partnership


def _public_urls(partnership) -> list[str]:
    return [
        reverse("home"),
        reverse("partnerships:partnership-list"),
        reverse("partnerships:partnership-list") + f"?place={partnership.place.slug}",
        reverse("partnerships:partnership-detail", args=[partnership.slug]),
    ]


@pytest.mark.parametrize("role", ["anonymous", "respondent", "other_member", "other_connector"])
def test_public_pages_show_nothing_private(client, login_as, everything, role):
    login_as(role)

    pages = {url: client.get(url) for url in _public_urls(everything)}

    assert {url: response.status_code for url, response in pages.items()} == {
        url: 200 for url in pages
    }
    content = "\n".join(response.content.decode() for response in pages.values())
    leaked = {what: text for what, text in PRIVATE_TEXT.items() if text in content}
    assert leaked == {}


def test_public_page_shows_name_place_stage_members_and_agreed_goal(client, everything):
    response = client.get(reverse("partnerships:partnership-detail", args=[everything.slug]))

    content = response.content.decode()
    assert everything.name in content
    assert everything.place.name in content
    assert everything.get_stage_display() in content
    assert PUBLIC_TEXT["member"] in content
    assert PUBLIC_TEXT["goal"] in content
    assert response.context["agreed_goal"].number == 1


@pytest.mark.parametrize("role", ["anonymous", "other_member"])
def test_public_page_links_to_nothing_private(client, login_as, everything, role):
    login_as(role)

    response = client.get(reverse("partnerships:partnership-detail", args=[everything.slug]))

    links = re.findall(r'href="([^"]*)"', response.content.decode())
    assert [link for link in links if link.startswith(f"/partnerships/{everything.slug}/")] == []
