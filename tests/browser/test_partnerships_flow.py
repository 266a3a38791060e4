"""The issue's "done when": a connector invites a member, logs an engagement with actions,
records and matches an ask to a deliverable, proposes a goal; two lead members endorse; the goal
shows as agreed publicly."""

import re

from django.utils import timezone
from playwright.sync_api import expect

from levelup.enums import Role
from levelup.models import OutboundEmail
from partnerships.enums import MemberRole
from partnerships.services import member_add, representative_add
from tests.factories.core import OrganisationFactory, RoleGrantFactory, UserFactory
from tests.factories.partnerships import PartnershipFactory

from .test_partnerships_members import sign_in, sign_out

GOAL = "Every young person in Seaton can find a good job or training place in the town."


def test_connector_runs_partnership_to_an_agreed_goal(page, visit, submit):
    partnership = PartnershipFactory(name="Seaton Partnership", slug="seaton")
    connector = UserFactory(name="Connie Connector")
    RoleGrantFactory(user=connector, role=Role.CONNECTOR, target=partnership)
    college = member_add(
        actor=None,
        partnership=partnership,
        organisation=OrganisationFactory(name="Seaton College"),
        role=MemberRole.LEAD,
    )
    lena = UserFactory(name="Lena Lead")
    representative_add(actor=None, member=college, user=lena)
    OrganisationFactory(name="Harbour Foods")
    home = f"/partnerships/{partnership.slug}/home/"

    # The connector invites a lead member, who creates an account and joins.
    sign_in(page, visit, submit, email=connector.email)
    visit(f"/partnerships/{partnership.slug}/members/invite/")
    page.get_by_label("Organisation they represent").select_option(label="Harbour Foods")
    page.get_by_label("Lead member").check()
    page.get_by_label("Their name").fill("Hal Harbour")
    page.get_by_label("Their email address").fill("hal@harbour.example")
    submit(page.get_by_role("button", name="Send the invitation"))
    sign_out(page, submit)
    body = OutboundEmail.objects.get(to=["hal@harbour.example"]).body_text
    visit(re.search(r"https?://[^/]+(/partnerships/invitations/[^/]+/)", body)[1])
    page.get_by_label("Your name").fill("Hal Harbour")
    page.get_by_label("Choose a password").fill("harbour-lights-2026")
    page.get_by_label("Type the password again").fill("harbour-lights-2026")
    submit(page.get_by_role("button", name="Create my account and join"))
    expect(page.get_by_text("You represent Harbour Foods.")).to_be_visible()
    sign_out(page, submit)

    # The connector logs an engagement with an action.
    sign_in(page, visit, submit, email=connector.email)
    visit(f"/partnerships/{partnership.slug}/engagements/")
    submit(page.get_by_role("link", name="Log an engagement"))
    page.get_by_label("Date").fill(timezone.localdate().isoformat())
    page.get_by_label("Roundtable").check()
    page.get_by_label("Title").fill("Jobs roundtable")
    page.get_by_label("Seaton College").check()
    page.get_by_label("Harbour Foods").check()
    page.get_by_label("Notes").fill("Talked about placements for school leavers.")
    submit(page.get_by_role("button", name="Save the engagement"))
    page.get_by_label("What needs doing").fill("List the placements on offer")
    page.get_by_label("Owner").select_option(label="Hal Harbour")
    page.get_by_label("Due date").fill("2030-03-31")
    submit(page.get_by_role("button", name="Add the action"))
    expect(
        page.get_by_role("cell", name="List the placements on offer", exact=True)
    ).to_be_visible()

    # ... records an ask and a deliverable, and matches them.
    visit(f"/partnerships/{partnership.slug}/asks/new/")
    page.get_by_label("Organisation").select_option(label="Seaton College")
    page.get_by_label("Kind").select_option(label="Apprenticeships")
    page.get_by_label("Description").fill("Apprenticeships for school leavers")
    page.get_by_label("Quantity").fill("10")
    submit(page.get_by_role("button", name="Save"))
    visit(f"/partnerships/{partnership.slug}/deliverables/new/")
    page.get_by_label("Organisation").select_option(label="Harbour Foods")
    page.get_by_label("Kind").select_option(label="Apprenticeships")
    page.get_by_label("Description").fill("Food production apprenticeships")
    page.get_by_label("Quantity").fill("6")
    submit(page.get_by_role("button", name="Save"))
    visit(f"/partnerships/{partnership.slug}/asks/")
    submit(page.get_by_role("link", name="Match Apprenticeships for school leavers"))
    page.get_by_label("Deliverable").select_option(index=1)
    page.get_by_label("Quantity to match").fill("12")
    submit(page.get_by_role("button", name="Propose the match"))
    expect(page.get_by_role("alert")).to_contain_text("This would over-match the ask")
    page.get_by_label("Quantity to match").fill("6")
    submit(page.get_by_role("button", name="Propose the match"))
    card = page.get_by_role("article", name="Apprenticeships for school leavers")
    card.get_by_label("Move to").select_option(label="Agreed")
    submit(card.get_by_role("button", name="Move"))
    expect(page.get_by_role("region", name="Agreed 1")).to_contain_text(
        "Food production apprenticeships"
    )

    # ... and proposes the common goal.
    visit(f"/partnerships/{partnership.slug}/goal/")
    submit(page.get_by_role("link", name="Propose a new version"))
    page.get_by_label("The common goal").fill(GOAL)
    submit(page.get_by_role("button", name="Propose this version"))
    expect(page.get_by_text("0 of 2 lead members have endorsed this version.")).to_be_visible()
    sign_out(page, submit)

    # Both lead members endorse.
    for email, password, organisation in [
        (lena.email, None, "Seaton College"),
        ("hal@harbour.example", "harbour-lights-2026", "Harbour Foods"),
    ]:
        if password:
            sign_in(page, visit, submit, email=email, password=password)
        else:
            sign_in(page, visit, submit, email=email)
        visit(home)
        submit(page.get_by_role("link", name="Common goal version 1 is waiting"))
        submit(page.get_by_role("button", name=f"Endorse version 1 for {organisation}"))
        sign_out(page, submit)

    # The public sees the agreed goal.
    visit(f"/partnerships/{partnership.slug}/")
    expect(page.locator("#agreed-goal")).to_contain_text(GOAL)
    expect(page.get_by_role("list").filter(has_text="Harbour Foods")).to_contain_text(
        "Seaton College"
    )
    expect(page.get_by_text("Jobs roundtable")).to_have_count(0)
