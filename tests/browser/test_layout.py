"""The layout on narrow screens: navigation and tabs fold into disclosures without JavaScript,
wide tables say that they scroll and keep their first column in view, and the details page
reveals the organisation's questions only to people responding for one."""

from playwright.sync_api import expect

from tests.browser.conftest import RESULTS_DIR
from tests.browser.test_evidence_secretariat import _sign_in
from tests.factories import CallForEvidenceFactory, SectionFactory, SubmissionFactory


def test_main_navigation_folds_into_a_menu_at_320px_and_shows_in_full_when_wide(page, visit):
    visit("/")
    menu = page.get_by_role("navigation", name="Main")
    expect(menu.locator("summary")).to_be_hidden()
    expect(menu.get_by_role("link", name="Calls for evidence")).to_be_visible()

    page.set_viewport_size({"width": 320, "height": 640})

    expect(menu.get_by_text("Menu", exact=True)).to_be_visible()
    expect(menu.get_by_role("link", name="Calls for evidence")).to_be_hidden()
    menu.get_by_text("Menu", exact=True).click()
    expect(menu.get_by_role("link", name="Calls for evidence")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=RESULTS_DIR / "layout-menu-open-320.png", full_page=True)


def test_call_tabs_fold_at_320px_and_wide_tables_say_they_scroll(
    page, visit, submit, secretariat, body
):
    call = CallForEvidenceFactory(body=body, open=True, title="Skills for coastal towns")
    SubmissionFactory.create_batch(2, call=call, submitted=True)
    _sign_in(page, visit, submit, secretariat)
    visit(f"/manage/calls/{call.slug}/responses/")
    tabs = page.get_by_role("navigation", name="Call")
    expect(tabs.get_by_role("link", name="Questions")).to_be_visible()

    page.set_viewport_size({"width": 320, "height": 640})

    toggle = tabs.get_by_text("Sections of this call", exact=True)
    expect(toggle).to_be_visible()
    expect(tabs.get_by_role("link", name="Questions")).to_be_hidden()
    toggle.click()
    expect(tabs.get_by_role("link", name="Questions")).to_be_visible()
    expect(page.get_by_text("Scroll sideways to see the whole table.")).to_be_visible()
    region = page.get_by_role("region", name="Table (scrolls sideways)")
    expect(region).to_have_attribute("tabindex", "0")
    first_cell = region.locator("tbody tr").first.locator("th, td").first
    assert first_cell.evaluate("(cell) => getComputedStyle(cell).position") == "sticky"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=RESULTS_DIR / "layout-call-tabs-320.png", full_page=True)


def test_details_page_reveals_organisation_questions_only_for_organisations(page, visit, submit):
    call = CallForEvidenceFactory(open=True, title="Skills in coastal towns")
    SectionFactory(call=call, title="Your experience")
    visit(f"/calls/{call.slug}/")
    submit(page.get_by_role("button", name="Respond to this call"))
    organisation_name = page.get_by_label("Organisation name")
    expect(organisation_name).to_be_hidden()

    page.get_by_label("On behalf of an organisation").check()

    expect(organisation_name).to_be_visible()
    page.get_by_label("As an individual").check()
    expect(organisation_name).to_be_hidden()
