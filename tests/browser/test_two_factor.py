"""Two-factor sign-in in the browser: enrolment from the forced set-up page, then sign-in
with a code the test computes like an authenticator app would."""

import re
from base64 import b32decode

from playwright.sync_api import expect

from tests.browser.test_accounts import sign_in
from tests.factories.core import PASSWORD
from tests.levelup.test_two_factor import code_for


def test_secretariat_enrols_then_signs_in_with_a_code(page, visit, submit, secretariat, settings):
    settings.TWO_FACTOR_REQUIRED = True

    sign_in(page, visit, submit, email=secretariat.email, password=PASSWORD)
    expect(page).to_have_title("Set up two-factor sign-in – LevelUp")
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    key = b32decode(page.locator("#totp-secret").inner_text().replace(" ", ""))
    page.get_by_role("textbox", name="Code").fill(code_for(key))
    submit(page.get_by_role("button", name="Turn on two-factor sign-in"))
    expect(page).to_have_title("Your recovery codes – LevelUp")
    codes = page.get_by_role("list", name="Recovery codes").get_by_role("listitem")
    expect(codes).to_have_count(10)
    submit(page.get_by_role("link", name="I have kept my codes: continue"))
    expect(page).to_have_title("My account – LevelUp")
    expect(page.get_by_text("You have 10 recovery codes left.")).to_be_visible()
    submit(page.get_by_role("button", name="Sign out"))

    sign_in(page, visit, submit, email=secretariat.email, password=PASSWORD)
    expect(page).to_have_title("Enter your sign-in code – LevelUp")
    page.get_by_role("textbox", name="Code").fill("000000")
    submit(page.get_by_role("main").get_by_role("button", name="Sign in"))
    expect(page.get_by_role("alert")).to_contain_text("That code is not right.")
    page.get_by_role("textbox", name="Code").fill(code_for(key, steps_ahead=1))
    submit(page.get_by_role("main").get_by_role("button", name="Sign in"))

    expect(page).to_have_title("My account – LevelUp")
    expect(page.get_by_role("heading", name="Two-factor sign-in")).to_be_visible()
