import queue
import re

from celery.signals import task_postrun
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from playwright.sync_api import expect

from levelup.demo import DEMO_USERS
from levelup.enums import EmailStatus, Role
from levelup.models import OutboundEmail
from tests.factories import BodyFactory, PartnershipFactory, RoleGrantFactory, UserFactory
from tests.factories.core import PASSWORD

NO_ROLES = "You have no roles yet."


def sign_in(page, visit, submit, *, email, password):
    visit("/accounts/sign-in/")
    page.get_by_role("textbox", name="Email address", exact=True).fill(email)
    page.get_by_role("textbox", name="Password", exact=True).fill(password)
    submit(page.get_by_role("main").get_by_role("button", name="Sign in"))


def role_rows(page):
    """The (role, where) rows of the "Your roles" table on My account; [] without a table."""
    table = page.get_by_role("table", name="Your roles and where you hold them")
    return [tuple(row.locator("td").all_inner_texts()) for row in table.locator("tbody tr").all()]


def test_sign_in_with_wrong_password_shows_error_summary(page, visit, submit, respondent):
    sign_in(page, visit, submit, email=respondent.email, password="not the password")

    expect(page).to_have_title("Error: Sign in – LevelUp")
    summary = page.get_by_role("alert")
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    link = summary.get_by_role("link")
    expect(link).to_have_text(
        "The email address or password is not right. Check them and try again. "
        "After several failed attempts, signing in is paused for a while."
    )
    expect(summary).to_be_focused()
    link.click()
    expect(page.get_by_role("textbox", name="Email address", exact=True)).to_be_focused()
    expect(page.get_by_role("textbox", name="Email address", exact=True)).to_have_value(
        respondent.email
    )


def test_sign_in_with_empty_fields_links_each_error_to_its_field(page, visit, submit):
    visit("/accounts/sign-in/")

    submit(page.get_by_role("main").get_by_role("button", name="Sign in"))

    links = page.get_by_role("alert").get_by_role("link")
    expect(links).to_have_text(["Enter your email address", "Enter your password"])
    links.nth(1).click()
    expect(page.get_by_role("textbox", name="Password", exact=True)).to_be_focused()


def test_sign_in_lands_on_my_account_listing_roles(page, visit, submit):
    user = UserFactory(name="Kim Both", email="kim@example.org")
    RoleGrantFactory(user=user, role=Role.SECRETARIAT, target=BodyFactory(name="Place Taskforce"))
    RoleGrantFactory(
        user=user, role=Role.MEMBER, target=PartnershipFactory(name="Wisbech Together")
    )

    sign_in(page, visit, submit, email="kim@example.org", password=PASSWORD)

    expect(page).to_have_url(re.compile(r"/accounts/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("My account")
    expect(page.get_by_role("main")).to_contain_text("Kim Both")
    assert role_rows(page) == [
        ("Partnership member", "Wisbech Together"),
        ("Secretariat", "Place Taskforce"),
    ]


DEMO_ROLES = {
    "admin": [("Site administrator", "The whole site")],
    "secretariat": [("Secretariat", "Place Taskforce")],
    "reviewer": [("Reviewer", "The role of business in place-based regeneration")],
    "connector": [("Business connector", "Blackpool Place Partnership")],
    "member": [("Partnership member", "Blackpool Place Partnership")],
    "respondent": [],
}


def test_demo_users_sign_in_see_their_roles_and_sign_out(page, visit, submit):
    call_command("load_demo", verbosity=0)
    assert sorted(DEMO_ROLES) == sorted(person.key for person in DEMO_USERS)

    for person in DEMO_USERS:
        sign_in(page, visit, submit, email=person.email, password=settings.DEMO_PASSWORD)

        expect(page.get_by_role("heading", level=1)).to_have_text("My account")
        expect(page.get_by_role("main")).to_contain_text(person.name)
        assert role_rows(page) == DEMO_ROLES[person.key], person.key
        if not DEMO_ROLES[person.key]:
            expect(page.get_by_role("main")).to_contain_text(NO_ROLES)

        submit(page.get_by_role("banner").get_by_role("button", name="Sign out"))

        expect(page).to_have_url(re.compile(r"/$"))
        expect(page.get_by_role("banner").get_by_role("link", name="Sign in")).to_be_visible()
        expect(page.get_by_role("link", name="My account")).to_have_count(0)


def test_password_reset_journey_sets_a_new_password(
    page, visit, submit, respondent, celery_worker_thread
):
    sent_ids = queue.Queue()

    def record_sent(sender=None, kwargs=None, **extra):
        if sender.name == "levelup.outbound_email_send":
            sent_ids.put(kwargs["email_id"])

    task_postrun.connect(record_sent, weak=False)
    try:
        visit("/accounts/password-reset/")
        page.get_by_role("textbox", name="Email address", exact=True).fill(respondent.email)
        submit(page.get_by_role("button", name="Send me a reset link"))

        expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
        email = OutboundEmail.objects.get()
        assert email.to == [respondent.email]
        assert email.template == "accounts/password_reset"
        while sent_ids.get(timeout=10) != email.pk:
            pass  # a task left on this queue by an earlier run; ours follows
    finally:
        task_postrun.disconnect(record_sent)

    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
    [message] = mail.outbox
    assert message.to == [respondent.email]
    assert message.subject == "Reset your LevelUp password"
    assert message.body == email.body_text
    [link] = re.findall(r"http://\S+/accounts/password-reset/\S+/\S+/", message.body)

    visit(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    page.get_by_role("textbox", name="New password", exact=True).fill("a brand new passphrase 2026")
    page.get_by_role("textbox", name="New password confirmation", exact=True).fill(
        "a brand new passphrase 2026"
    )
    submit(page.get_by_role("button", name="Save password"))

    expect(page.get_by_role("heading", level=1)).to_have_text("Password saved")
    submit(page.get_by_role("link", name="Sign in with your new password"))
    page.get_by_role("textbox", name="Email address", exact=True).fill(respondent.email)
    page.get_by_role("textbox", name="Password", exact=True).fill("a brand new passphrase 2026")
    submit(page.get_by_role("main").get_by_role("button", name="Sign in"))

    expect(page.get_by_role("heading", level=1)).to_have_text("My account")
    expect(page.get_by_role("main")).to_contain_text(NO_ROLES)
