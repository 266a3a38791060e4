"""The 403 and 404 pages in a browser: the site's layout, accessible, under the CSP."""

from playwright.sync_api import expect

from tests.browser.test_accounts import sign_in
from tests.factories import CallForEvidenceFactory, UserFactory
from tests.factories.core import PASSWORD


def test_404_page_for_anonymous_visitor_offers_sign_in_and_home(page, visit):
    response = visit("/calls/no-such-call/")

    assert response.status == 404
    expect(page).to_have_title("Page not found – LevelUp")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    main = page.get_by_role("main")
    expect(main.get_by_role("link", name="Sign in")).to_have_attribute(
        "href", "/accounts/sign-in/?next=/calls/no-such-call/"
    )
    expect(main.get_by_role("link", name="Go to the home page")).to_have_attribute("href", "/")


def test_403_page_for_signed_in_person_offers_my_account(page, visit, submit):
    call = CallForEvidenceFactory(open=True)
    UserFactory(email="rosa@example.org")
    sign_in(page, visit, submit, email="rosa@example.org", password=PASSWORD)

    response = visit(f"/manage/calls/{call.slug}/")

    assert response.status == 403
    expect(page).to_have_title("You cannot use this page – LevelUp")
    expect(page.get_by_role("heading", level=1)).to_have_text("You cannot use this page")
    expect(page.get_by_role("main").get_by_role("link", name="Go to My account")).to_be_visible()
