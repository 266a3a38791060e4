import re

from playwright.sync_api import expect

from levelup.enums import Role
from levelup.models import OutboundEmail
from partnerships.models import Representative
from tests.factories.core import PASSWORD, OrganisationFactory, RoleGrantFactory, UserFactory
from tests.factories.partnerships import ActionFactory, PartnershipFactory


def sign_in(page, visit, submit, *, email, password=PASSWORD):
    visit("/accounts/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.locator("#id_password").fill(password)
    submit(page.get_by_role("main").get_by_role("button", name="Sign in"))


def sign_out(page, submit):
    submit(page.get_by_role("button", name="Sign out"))


def test_public_pages_list_partnership_by_place(page, visit, submit):
    partnership = PartnershipFactory(name="Wisbech Together", place__name="Wisbech")

    visit("/partnerships/")
    expect(page.get_by_role("heading", level=2, name="Wisbech")).to_be_visible()
    submit(page.get_by_role("link", name="Wisbech Together"))

    expect(page.get_by_role("heading", level=1)).to_have_text(partnership.name)
    expect(page.get_by_text("The members have not agreed a common goal yet.")).to_be_visible()


def test_connector_invites_a_member_who_creates_an_account(page, visit, submit):
    partnership = PartnershipFactory(name="Blackpool Place Partnership")
    connector = UserFactory(name="Connie Connector")
    RoleGrantFactory(user=connector, role=Role.CONNECTOR, target=partnership)
    OrganisationFactory(name="Promenade Print Co.")
    sign_in(page, visit, submit, email=connector.email)

    visit(f"/partnerships/{partnership.slug}/members/")
    submit(page.get_by_role("link", name="Invite a representative"))
    page.get_by_label("Organisation they represent").select_option(label="Promenade Print Co.")
    page.get_by_label("Lead member").check()
    page.get_by_label("Their name").fill("Pat Printer")
    page.get_by_label("Their email address").fill("pat@print.example")
    submit(page.get_by_role("button", name="Send the invitation"))
    expect(page.get_by_text("We have emailed an invitation to pat@print.example.")).to_be_visible()
    sign_out(page, submit)

    body = OutboundEmail.objects.get(to=["pat@print.example"]).body_text
    link = re.search(r"https?://[^/]+(/partnerships/invitations/[^/]+/)", body)[1]
    visit(link)
    page.get_by_label("Your name").fill("Pat Printer")
    page.get_by_label("Choose a password").fill("sea-front-presses-42")
    page.get_by_label("Type the password again").fill("sea-front-presses-42")
    submit(page.get_by_role("button", name="Create my account and join"))

    expect(page.get_by_role("heading", level=1)).to_have_text("Blackpool Place Partnership")
    expect(page.get_by_text("You represent Promenade Print Co.")).to_be_visible()
    assert Representative.objects.get().user.email == "pat@print.example"


def test_invitee_with_an_account_signs_in_and_joins(page, visit, submit):
    from partnerships.enums import MemberRole
    from partnerships.services import invitation_create

    partnership = PartnershipFactory(name="Bradford Business and Community Partnership")
    connector = UserFactory(name="Bea Bashir")
    RoleGrantFactory(user=connector, role=Role.CONNECTOR, target=partnership)
    existing = UserFactory(name="Claire Whitaker", email="claire@aire.example")
    _, token = invitation_create(
        actor=connector,
        partnership=partnership,
        organisation=OrganisationFactory(name="Aire Valley Engineering"),
        role=MemberRole.MEMBER,
        name="Claire Whitaker",
        email="claire@aire.example",
        site_url="http://testserver/",
    )

    visit(f"/partnerships/invitations/{token}/")
    submit(page.get_by_role("link", name="Sign in, then come back to this page to join"))
    page.get_by_label("Email address").fill(existing.email)
    page.locator("#id_password").fill(PASSWORD)
    submit(page.get_by_role("main").get_by_role("button", name="Sign in"))
    submit(page.get_by_role("button", name="Join as Claire Whitaker"))

    expect(page.get_by_text("You represent Aire Valley Engineering.")).to_be_visible()


def test_overdue_action_row_keeps_its_mark_as_done_button_readable(page, visit, submit):
    # Found by the crawl: grey outline text on the overdue row's pink measured 3.51:1.
    partnership = PartnershipFactory()
    connector = UserFactory()
    RoleGrantFactory(user=connector, role=Role.CONNECTOR, target=partnership)
    action = ActionFactory(engagement__partnership=partnership, owner=connector, overdue=True)
    sign_in(page, visit, submit, email=connector.email)

    visit(f"/partnerships/{partnership.slug}/engagements/{action.engagement_id}/")  # axe runs here

    expect(page.get_by_role("button", name=re.compile(r"^Mark as done"))).to_be_visible()
