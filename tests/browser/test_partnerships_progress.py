"""Progress over years in the browser: a member posts an update on their organisation's
commitment and the dashboard's figure changes; the public sees the progress page and the trace
of a commitment; the secretariat runs the programme without the Django admin."""

from django.conf import settings
from playwright.sync_api import expect

from levelup.demo import load_core
from levelup.models import Organisation, Place
from partnerships.demo import load_partnerships
from partnerships.models import Partnership

from .test_partnerships_demo import snap
from .test_partnerships_members import sign_in, sign_out

COMMITMENT = "Mentor three local firms a year through their first council tender"


def test_member_posts_an_update_and_the_dashboard_changes(page, visit, submit):
    load_core()
    load_partnerships()
    sign_in(page, visit, submit, email="member@demo.levelup.test", password=settings.DEMO_PASSWORD)

    visit("/partnerships/blackpool/progress/")
    done = page.locator("#status-count-done")
    before = int(done.inner_text())
    expect(page.get_by_role("heading", level=1)).to_have_text("Progress")
    expect(
        page.get_by_role("figure").filter(has_text="Commitments by status over time")
    ).to_be_visible()
    snap(page, "progress-dashboard")
    submit(page.get_by_role("link", name=f"Post an update on {COMMITMENT}"))

    page.get_by_label("Done").check()
    page.get_by_label("Note (optional)").fill("Our third firm won its first council contract.")
    page.get_by_label("Figure (optional)").fill("3")
    page.get_by_label("What the figure counts (optional)").fill("firms mentored")
    submit(page.get_by_role("button", name="Save the update"))

    expect(page.get_by_role("status")).to_contain_text("Your update has been saved.")
    expect(page.locator("#status-count-done")).to_have_text(str(before + 1))
    row = page.locator("#commitments-table tr", has_text=COMMITMENT)
    expect(row).to_contain_text("firms mentored: 3")
    # A member cannot update another organisation's commitment: no link for it.
    expect(
        page.get_by_role("link", name="Post an update on Reopen two seafront hotels all year round")
    ).to_have_count(0)

    sign_out(page, submit)
    visit("/partnerships/blackpool/prospectus/progress/")
    expect(page.locator("#status-count-done")).to_have_text(str(before + 1))
    snap(page, "progress-public")
    submit(page.get_by_role("link", name=COMMITMENT))
    expect(page.get_by_role("heading", level=1)).to_have_text(COMMITMENT)
    expect(page.locator("#commitment-updates")).to_contain_text(
        "Our third firm won its first council contract."
    )
    expect(page.get_by_text("It delivers the prospectus priority:")).to_be_visible()


def test_an_update_dated_tomorrow_is_refused(page, visit, submit):
    load_core()
    load_partnerships()
    sign_in(page, visit, submit, email="member@demo.levelup.test", password=settings.DEMO_PASSWORD)
    visit("/partnerships/blackpool/progress/")
    submit(page.get_by_role("link", name=f"Post an update on {COMMITMENT}"))

    page.get_by_label("Date of the update").fill("2099-01-01")
    page.get_by_label("At risk").check()
    page.get_by_label("Note (optional)").fill("Kept after the error.")
    submit(page.get_by_role("button", name="Save the update"))

    expect(page.get_by_role("alert")).to_contain_text(
        "The date of an update cannot be in the future."
    )
    expect(page.get_by_label("Note (optional)")).to_have_value("Kept after the error.")


def test_secretariat_starts_a_partnership_and_adds_an_organisation(page, visit, submit):
    load_core()
    load_partnerships()
    sign_in(
        page, visit, submit, email="secretariat@demo.levelup.test", password=settings.DEMO_PASSWORD
    )

    visit("/partnerships/programme/")
    expect(page.locator("#programme-blackpool")).to_contain_text("Published")
    snap(page, "programme")
    submit(page.get_by_role("link", name="Start a partnership"))
    page.get_by_label("Place").select_option(label="Bradford")
    page.get_by_label("Name of the partnership").fill("Bradford Youth Futures")
    page.get_by_label("Purpose (optional)").fill("Jobs and training for young people in Bradford.")
    submit(page.get_by_role("button", name="Start the partnership"))

    expect(page.get_by_role("status")).to_contain_text("Bradford Youth Futures has been started.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bradford Youth Futures")
    partnership = Partnership.objects.get(name="Bradford Youth Futures")
    assert partnership.programme_body.slug == "place-taskforce"

    visit("/partnerships/programme/")
    submit(page.get_by_role("link", name="Add an organisation"))
    page.get_by_label("Name of the organisation").fill("Aire Valley Engineers")
    page.get_by_label("Type").select_option(label="Business")
    page.get_by_label("Size (businesses only)").select_option(label="Medium (50 to 249 staff)")
    page.get_by_label("Place").select_option(label="Bradford")
    submit(page.get_by_role("button", name="Add the organisation"))

    expect(page.get_by_role("alert")).to_contain_text("Is it one of these?")
    expect(page.get_by_role("alert")).to_contain_text("Aire Valley Engineering")
    snap(page, "organisation-similar")
    page.get_by_label("None of these: create a new organisation").check()
    submit(page.get_by_role("button", name="Add the organisation"))

    expect(page.get_by_role("status")).to_contain_text("Aire Valley Engineers has been added.")
    assert Organisation.objects.get(name="Aire Valley Engineers").place == Place.objects.get(
        slug="bradford"
    )


def test_connector_adds_a_new_member_organisation(page, visit, submit):
    load_core()
    load_partnerships()
    sign_in(
        page, visit, submit, email="connector@demo.levelup.test", password=settings.DEMO_PASSWORD
    )

    visit("/partnerships/blackpool/members/")
    submit(page.get_by_role("link", name="Add a member organisation"))
    new = page.get_by_role("region", name="A new organisation")
    new.get_by_label("Name of the organisation").fill("Blackpool Youth Network CIC")
    new.get_by_label("Type").select_option(label="Community or voluntary organisation")
    submit(new.get_by_role("button", name="Create it and add it as a member"))

    similar = page.get_by_role("alert")
    expect(similar).to_contain_text("Blackpool Youth Network")
    expect(similar).to_contain_text("(already a member)")
    expect(page.get_by_role("button", name="Add this one Blackpool Youth Network")).to_have_count(0)
    new.get_by_label("None of these: create a new organisation").check()
    submit(new.get_by_role("button", name="Create it and add it as a member"))

    expect(page.get_by_role("status")).to_contain_text(
        "Blackpool Youth Network CIC is now a member."
    )


def test_site_admin_adds_a_place(page, visit, submit):
    load_core()
    sign_in(page, visit, submit, email="admin@demo.levelup.test", password=settings.DEMO_PASSWORD)

    visit("/partnerships/programme/")
    submit(page.get_by_role("link", name="Add a place"))
    page.get_by_label("Name of the town or city").fill("Grimsby")
    page.get_by_label("Local authority").fill("North East Lincolnshire Council")
    page.get_by_label("Region").fill("Yorkshire and the Humber")
    submit(page.get_by_role("button", name="Add the place"))

    expect(page.get_by_role("status")).to_contain_text("Grimsby has been added.")
    expect(page.get_by_label("Place")).to_have_value(str(Place.objects.get(slug="grimsby").pk))
