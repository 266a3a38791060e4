"""The secretariat of the body that runs the programme names a partnership's connectors, and a
connector sends an invitation again (the old link stops working)."""

import re

from django.conf import settings
from playwright.sync_api import expect

from levelup.demo import load_core
from levelup.models import OutboundEmail
from partnerships.demo import load_partnerships

from .test_partnerships_demo import snap
from .test_partnerships_members import sign_in, sign_out


def test_secretariat_names_and_removes_a_connector(page, visit, submit):
    load_core()
    load_partnerships()
    sign_in(
        page, visit, submit, email="secretariat@demo.levelup.test", password=settings.DEMO_PASSWORD
    )

    visit("/partnerships/bradford/")
    submit(page.get_by_role("link", name="Manage its business connectors"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Business connectors of Bradford Business and Community Partnership"
    )
    page.get_by_label("Email address of the new connector").fill("connector@demo.levelup.test")
    submit(page.get_by_role("button", name="Make them a connector"))
    expect(page.get_by_role("status")).to_contain_text("Connie Connector is now a connector here.")
    snap(page, "connectors-bradford")
    submit(page.get_by_role("button", name="Remove Connie Connector"))
    expect(page.get_by_role("status")).to_contain_text("no longer a connector here")
    expect(page.get_by_role("button", name="Remove Connie Connector")).to_have_count(0)
    # The secretariat does not see the partnership's private pages.
    assert visit("/partnerships/bradford/home/").status == 404


def test_connector_sends_an_invitation_again(page, visit, submit):
    load_core()
    load_partnerships()
    sign_in(
        page, visit, submit, email="connector@demo.levelup.test", password=settings.DEMO_PASSWORD
    )
    visit("/partnerships/blackpool/members/invite/")
    page.get_by_label("Organisation they represent").select_option(index=1)
    page.get_by_label("Their name").fill("Rita Resend")
    page.get_by_label("Their email address").fill("rita@resend.example")
    submit(page.get_by_role("button", name="Send the invitation"))

    submit(page.get_by_role("button", name="Send again rita@resend.example"))

    expect(page.get_by_role("status")).to_contain_text("again, with a new link")
    snap(page, "blackpool-members-resent")
    first, second = (
        re.search(r"(/partnerships/invitations/[^/]+/)", email.body_text)[1]
        for email in OutboundEmail.objects.filter(to=["rita@resend.example"]).order_by("id")
    )
    sign_out(page, submit)
    assert visit(first).status == 410
    assert visit(second).status == 200
    expect(page.get_by_role("button", name="Create my account and join")).to_be_visible()
