from playwright.sync_api import expect

from tests.factories import CallForEvidenceFactory, PartnershipFactory


def test_home_shows_open_calls_and_partnerships_to_anonymous_visitor(page, visit):
    CallForEvidenceFactory(
        open=True, title="Skills in coastal towns", body__name="Place Taskforce", summary="Tell us."
    )
    CallForEvidenceFactory(closed=True, title="An old call")
    CallForEvidenceFactory(title="A draft call")
    PartnershipFactory(name="Wisbech Together", place__name="Wisbech")
    PartnershipFactory(name="Blackpool Place Partnership", place__name="Blackpool")

    visit("/")

    expect(page).to_have_title("Home – LevelUp")
    calls = page.get_by_role("region", name="Open calls for evidence")
    expect(calls.get_by_role("heading", level=3)).to_have_text(["Skills in coastal towns"])
    expect(calls.get_by_role("article")).to_contain_text(["Place Taskforce"])
    partnerships = page.get_by_role("region", name="Local partnerships")
    expect(partnerships.get_by_role("heading", level=3)).to_have_text(
        ["Blackpool Place Partnership", "Wisbech Together"]
    )
    expect(partnerships.get_by_role("article").first).to_contain_text("Blackpool · Active")
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()


def test_home_without_data_shows_empty_states(page, visit):
    visit("/")

    calls = page.get_by_role("region", name="Open calls for evidence")
    expect(calls.get_by_role("article")).to_have_count(0)
    expect(calls).to_contain_text("No calls for evidence are open right now.")
    partnerships = page.get_by_role("region", name="Local partnerships")
    expect(partnerships.get_by_role("article")).to_have_count(0)
    expect(partnerships).to_contain_text("No partnerships have been set up yet.")


def test_home_skip_link_is_first_and_moves_focus_to_main(page, visit):
    visit("/")

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_visible()
    page.keyboard.press("Enter")

    expect(page.locator("main")).to_be_focused()
    expect(page).to_have_url(f"{page.url.split('#')[0]}#main")
