"""Every partnership page, filled with the demo data, passes the accessibility checks."""

import re

from django.conf import settings
from playwright.sync_api import expect

from levelup.demo import load_core
from partnerships.demo import load_partnerships
from tests.browser.conftest import RESULTS_DIR

from .test_partnerships_members import sign_in, sign_out

BLACKPOOL_PAGES = [
    ("home/", "Blackpool Place Partnership"),
    ("members/", "Members"),
    ("goal/", "Common goal"),
    ("goal/history/", "Common goal: every version"),
    ("terms/", "Terms of reference"),
    ("plan/", "Exit plan and measures"),
    ("engagements/", "Engagements"),
    ("asks/", "Asks"),
    ("deliverables/", "Deliverables"),
    ("matches/", "Matches"),
    ("summary/", "Summary of asks and deliverables"),
    ("people/", "Connectors and champions"),
    ("prospectus/draft/", "Place prospectus"),
    ("prospectus/versions/", "Prospectus: every version"),
    ("prospectus/versions/2/", "Prospectus version 2"),
]


def snap(page, name: str) -> None:
    """Screenshots at desktop width and at 320px (400% zoom), kept for a person to look at;
    at 320px nothing may need scrolling sideways."""
    RESULTS_DIR.mkdir(exist_ok=True)
    page.screenshot(path=RESULTS_DIR / f"partnerships-{name}-1280.png", full_page=True)
    page.set_viewport_size({"width": 320, "height": 640})
    page.screenshot(path=RESULTS_DIR / f"partnerships-{name}-320.png", full_page=True)
    too_wide = page.evaluate(
        """() => [...document.querySelectorAll("body *")]
            .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
            .map((el) => `${el.tagName.toLowerCase()}.${el.className}`)
            .slice(0, 5)"""
    )
    fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.set_viewport_size({"width": 1280, "height": 800})
    assert fits, f"{name} scrolls sideways at 320px: {too_wide}"


def test_demo_pages_for_connector(page, visit, submit):
    load_core()
    load_partnerships()
    sign_in(
        page,
        visit,
        submit,
        email="connector@demo.levelup.test",
        password=settings.DEMO_PASSWORD,
    )

    for path, heading in BLACKPOOL_PAGES:
        visit(f"/partnerships/blackpool/{path}")
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        snap(page, "blackpool-" + (path.strip("/").replace("/", "-") or "index"))

    visit("/partnerships/blackpool/engagements/")
    submit(page.get_by_role("link", name="Annual review of the partnership"))
    expect(page.get_by_role("heading", level=2, name="Actions")).to_be_visible()
    snap(page, "blackpool-engagement")
    visit("/partnerships/actions/mine/")
    snap(page, "my-actions")
    sign_out(page, submit)
    for path, name in [
        ("", "list"),
        ("blackpool/", "public-blackpool"),
        ("blackpool/prospectus/", "public-blackpool-prospectus"),
    ]:
        visit(f"/partnerships/{path}")
        snap(page, name)


def test_demo_member_marks_action_done_and_lead_agrees_wisbech_goal(page, visit, submit):
    load_core()
    load_partnerships()
    sign_in(page, visit, submit, email="member@demo.levelup.test", password=settings.DEMO_PASSWORD)
    visit("/partnerships/actions/mine/")
    submit(page.get_by_role("button", name=re.compile(r"^Mark as done\W+Send the college")))
    expect(page.get_by_role("status")).to_contain_text("Marked as done")
    sign_out(page, submit)

    sign_in(
        page, visit, submit, email="lina.lead@demo.levelup.test", password=settings.DEMO_PASSWORD
    )
    visit("/partnerships/wisbech/goal/")
    expect(page.get_by_text("2 of 3 lead members have endorsed this version.")).to_be_visible()
    submit(page.get_by_role("button", name="Endorse version 1 for Wisbech Community Larder"))
    expect(page.get_by_role("status")).to_contain_text("it is agreed")
    visit("/partnerships/wisbech/")
    expect(page.locator("#agreed-goal")).to_contain_text("A busy, safe town centre in Wisbech")
