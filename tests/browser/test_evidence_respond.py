"""The respondent's journey in a real browser, with and without an account."""

import queue
import re
from datetime import timedelta

from celery.signals import task_postrun
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from evidence.enums import AttachmentStatus, QuestionKind, SubmissionStatus
from evidence.models import Attachment, CallForEvidence, Submission
from levelup.models import OutboundEmail
from tests.browser.conftest import RESULTS_DIR
from tests.evidence.documents import pdf_bytes
from tests.factories import CallForEvidenceFactory, PlaceFactory, QuestionFactory, SectionFactory
from tests.factories.core import PASSWORD


def _call():
    call = CallForEvidenceFactory(
        open=True,
        title="Skills in coastal towns",
        reference_prefix="SYP",
        contact_email="taskforce@example.org",
        privacy_notice="We keep responses for two years.",
        word_limit=200,
    )
    first = SectionFactory(call=call, title="Your experience", position=0)
    QuestionFactory(
        section=first,
        text="What makes it hard to get the skills employers need?",
        required=True,
        position=0,
    )
    QuestionFactory(
        section=first,
        kind=QuestionKind.SCALE,
        text="Young people know which employers are hiring.",
        position=1,
    )
    second = SectionFactory(call=call, title="Supporting evidence", position=1)
    QuestionFactory(section=second, kind=QuestionKind.FILE, text="Attach a report", position=0)
    PlaceFactory(name="Blackpool")
    return call


def _wait_for_sent(sent_ids: queue.Queue, email_ids: set[int]) -> None:
    waiting = set(email_ids)
    while waiting:
        waiting.discard(sent_ids.get(timeout=15))


def test_anonymous_respondent_saves_leaves_returns_attaches_and_submits(
    page, visit, submit, celery_worker_thread
):
    call = _call()
    sent_ids: queue.Queue = queue.Queue()

    def record_sent(sender=None, kwargs=None, **extra):
        if sender.name == "levelup.outbound_email_send":
            sent_ids.put(kwargs["email_id"])

    task_postrun.connect(record_sent, weak=False)
    try:
        visit(f"/calls/{call.slug}/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Skills in coastal towns")
        submit(page.get_by_role("button", name="Respond to this call"))

        expect(page.get_by_role("heading", level=1)).to_have_text("Your details")
        page.get_by_label("Full name").fill("Pat Jones")
        page.get_by_label("Email address").fill("pat@example.org")
        page.get_by_label("On behalf of an organisation").check()
        page.get_by_label("Organisation name").fill("Promenade Print Co.")
        page.get_by_label("Type of organisation").select_option(label="Business")
        page.get_by_label("Micro (fewer than 10 staff)").check()
        page.get_by_label("Place (optional)").select_option(label="Blackpool")
        page.get_by_label("Publish my response without my name").check()
        page.get_by_label("I have read the privacy notice").check()
        submit(page.get_by_role("button", name="Save and continue"))

        expect(page.get_by_role("heading", level=1)).to_have_text("Your experience")
        expect(page.get_by_role("status")).to_contain_text("We have emailed a private link")
        page.get_by_label("What makes it hard").fill(
            "Buses stop at six, so evening courses are out."
        )
        submit(page.get_by_role("button", name="Save and come back later"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Your draft is saved")

        link_email = OutboundEmail.objects.get(template="evidence/continue_link")
        _wait_for_sent(sent_ids, {link_email.pk})
        [link_message] = mail.outbox
        assert link_message.to == ["pat@example.org"]
        [link] = re.findall(r"http://\S+/responses/continue/\S+/", link_message.body)

        # Leave: a new browser session knows nothing of the draft until the link is used.
        page.context.clear_cookies()
        visit("/")
        visit(link)
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Check your answers before sending your response"
        )
        expect(page.get_by_role("main")).to_contain_text("Buses stop at six")

        submit(page.get_by_role("link", name="Change your answers to “Supporting evidence”"))
        page.get_by_label("Attach a report (optional)").set_input_files(
            files=[{"name": "report.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}]
        )
        submit(page.get_by_role("button", name="Attach file"))
        expect(page.get_by_role("status")).to_have_text("Your file has been attached.")
        expect(page.get_by_role("link", name="report.pdf")).to_be_visible()
        submit(page.get_by_role("button", name="Save and continue"))

        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Check your answers before sending your response"
        )
        expect(page.get_by_role("main")).to_contain_text("report.pdf")
        submit(page.get_by_role("button", name="Send response"))

        expect(page.get_by_role("heading", level=1)).to_have_text("Response sent")
        expect(page.locator(".receipt-reference")).to_have_text("SYP0001")
        receipt = OutboundEmail.objects.get(template="evidence/submission_received")
        _wait_for_sent(sent_ids, {receipt.pk})
    finally:
        task_postrun.disconnect(record_sent)

    confirmation = mail.outbox[-1]
    assert confirmation.to == ["pat@example.org"]
    assert confirmation.subject == "We have received your evidence (SYP0001)"
    assert "Buses stop at six, so evening courses are out." in confirmation.body
    assert "report.pdf" in confirmation.body
    submission = Submission.objects.get(call=call)
    assert (submission.status, submission.organisation_name) == (
        SubmissionStatus.SUBMITTED,
        "Promenade Print Co.",
    )
    attachment = Attachment.objects.get()
    assert attachment.status in (AttachmentStatus.PENDING, AttachmentStatus.EXTRACTED)


def test_signed_in_respondent_finds_draft_and_receipt_under_my_responses(
    page, visit, submit, respondent
):
    call = _call()
    visit("/accounts/sign-in/")
    page.get_by_role("textbox", name="Email address", exact=True).fill(respondent.email)
    page.get_by_role("textbox", name="Password", exact=True).fill(PASSWORD)
    submit(page.get_by_role("main").get_by_role("button", name="Sign in"))

    visit(f"/calls/{call.slug}/")
    submit(page.get_by_role("button", name="Respond to this call"))
    expect(page.get_by_label("Full name")).to_have_value(respondent.name)
    expect(page.get_by_label("Email address")).to_have_value(respondent.email)
    page.get_by_label("As an individual").check()
    page.get_by_label("Publish my response with my name").check()
    page.get_by_label("I have read the privacy notice").check()
    submit(page.get_by_role("button", name="Save and continue"))

    submit(page.get_by_role("button", name="Save and continue"))
    alert = page.get_by_role("alert")
    expect(alert.get_by_role("link")).to_have_text(
        ["Answer this question, or save and come back later."]
    )
    page.get_by_label("What makes it hard").fill("Few apprenticeships near the seafront.")
    expect(page.locator(".word-count")).to_have_text("You have 195 words remaining")
    page.get_by_label("Agree", exact=True).check()
    submit(page.get_by_role("button", name="Save and continue"))
    submit(page.get_by_role("button", name="Save and come back later"))

    visit("/responses/")
    table = page.get_by_role("table", name="Your drafts and the responses you have sent")
    expect(table.get_by_role("row").nth(1)).to_contain_text("Draft")
    submit(table.get_by_role("link", name="Skills in coastal towns"))
    submit(page.get_by_role("button", name="Send response"))
    expect(page.locator(".receipt-reference")).to_have_text("SYP0001")

    submit(page.get_by_role("link", name="See all your responses"))
    expect(table.get_by_role("row").nth(1)).to_contain_text("Submitted")
    expect(table.get_by_role("row").nth(1)).to_contain_text("SYP0001")


def _no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_journey_pages_reflow_at_400_percent_zoom(page, visit, submit):
    """1280 CSS pixels at 400% zoom leave 320: nothing may need scrolling sideways."""
    call = _call()
    page.set_viewport_size({"width": 320, "height": 640})

    visit("/calls/")
    assert _no_sideways_scroll(page)
    visit(f"/calls/{call.slug}/")
    assert _no_sideways_scroll(page)
    submit(page.get_by_role("button", name="Respond to this call"))
    assert _no_sideways_scroll(page)
    page.get_by_label("Full name").fill("Pat Jones")
    page.get_by_label("Email address").fill("pat@example.org")
    page.get_by_label("As an individual").check()
    page.get_by_label("Do not publish my response (confidential)").check()
    page.get_by_label("I have read the privacy notice").check()
    submit(page.get_by_role("button", name="Save and continue"))
    assert _no_sideways_scroll(page)
    submit(page.get_by_role("button", name="Save and continue"))
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    assert _no_sideways_scroll(page)
    page.get_by_label("What makes it hard").fill("Distance.")
    submit(page.get_by_role("button", name="Save and continue"))
    submit(page.get_by_role("button", name="Save and continue"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your answers before sending your response"
    )
    assert _no_sideways_scroll(page)


def _snap(page, name: str) -> None:
    """Screenshots at desktop width and at 320px (400% zoom), kept for a person to look at;
    at 320px nothing may need scrolling sideways."""
    RESULTS_DIR.mkdir(exist_ok=True)
    page.screenshot(path=RESULTS_DIR / f"evidence-respond-{name}-1280.png", full_page=True)
    page.set_viewport_size({"width": 320, "height": 640})
    page.screenshot(path=RESULTS_DIR / f"evidence-respond-{name}-320.png", full_page=True)
    assert _no_sideways_scroll(page), f"{name} scrolls sideways at 320px"
    page.set_viewport_size({"width": 1280, "height": 800})


def test_error_withdraw_closed_and_bad_link_pages(page, visit, submit):
    call = _call()
    visit(f"/calls/{call.slug}/respond/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Respond to “Skills in coastal towns”"
    )
    _snap(page, "start")
    submit(page.get_by_role("button", name="Start now"))

    submit(page.get_by_role("button", name="Save and continue"))
    summary = page.get_by_role("alert")
    expect(summary.get_by_role("link")).to_have_text(
        [
            "Enter your full name.",
            "Enter your email address.",
            "Choose whether you respond as an individual or on behalf of an organisation.",
            "Choose whether and how we may publish your response.",
            "Confirm that you have read the privacy notice.",
        ]
    )
    expect(page).to_have_title(re.compile(r"^Error: Your details – "))
    _snap(page, "details-errors")
    summary.get_by_role("link", name="Choose whether and how we may publish").click()
    expect(page).to_have_url(re.compile(r"#id_publication_preference_0$"))
    expect(page.get_by_label("Publish my response with my name")).to_be_in_viewport()

    page.get_by_label("Full name").fill("Pat Jones")
    page.get_by_label("Email address").fill("pat@example.org")
    page.get_by_label("As an individual").check()
    page.get_by_label("Publish my response with my name").check()
    page.get_by_label("I have read the privacy notice").check()
    submit(page.get_by_role("button", name="Save and continue"))
    page.get_by_label("What makes it hard").fill(" ".join(["word"] * 205))
    submit(page.get_by_role("button", name="Save and continue"))
    expect(page.get_by_role("alert").get_by_role("link")).to_have_text(
        [
            "Your answer is 5 words too long: it has 205 words and the limit is 200. "
            "Your text has been kept so you can shorten it."
        ]
    )
    _snap(page, "section-errors")
    page.get_by_label("What makes it hard").fill("The last bus leaves at six.")
    page.get_by_label("Agree", exact=True).check()
    submit(page.get_by_role("button", name="Save and continue"))
    _snap(page, "section-file")
    submit(page.get_by_role("button", name="Save and continue"))
    _snap(page, "check")
    submit(page.get_by_role("button", name="Send response"))
    _snap(page, "receipt")

    submit(page.get_by_role("link", name="Withdraw this response"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Withdraw your response")
    _snap(page, "withdraw")
    submit(page.get_by_role("button", name="Withdraw my response"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Response withdrawn")
    _snap(page, "withdrawn")

    # A second response, left as a draft, then the call closes under it.
    visit(f"/calls/{call.slug}/")
    submit(page.get_by_role("button", name="Respond to this call"))
    page.get_by_label("Full name").fill("Pat Jones")
    page.get_by_label("Email address").fill("pat@example.org")
    page.get_by_label("As an individual").check()
    page.get_by_label("Publish my response with my name").check()
    page.get_by_label("I have read the privacy notice").check()
    submit(page.get_by_role("button", name="Save and continue"))
    page.get_by_label("What makes it hard").fill("Kept after closing.")
    submit(page.get_by_role("button", name="Save and come back later"))
    CallForEvidence.objects.filter(pk=call.pk).update(closes_at=timezone.now())
    submit(page.get_by_role("link", name="Carry on with your response"))
    expect(page.get_by_role("heading", level=1)).to_have_text("This call is not taking responses")
    expect(page.get_by_role("main")).to_contain_text("Kept after closing.")
    expect(page.get_by_role("main")).to_contain_text("taskforce@example.org")
    expect(page.get_by_role("button", name="Send response")).to_have_count(0)
    _snap(page, "closed-draft")

    visit(f"/calls/{call.slug}/")
    expect(page.get_by_role("button", name="Respond to this call")).to_have_count(0)
    _snap(page, "call-closed")
    visit("/calls/")
    _snap(page, "call-list")
    visit("/responses/continue/not-a-real-link/")
    expect(page.get_by_role("heading", level=1)).to_have_text("This link does not work")
    _snap(page, "link-invalid")

    # A form sent without its security cookie (blocked cookies, a very old page).
    CallForEvidence.objects.filter(pk=call.pk).update(closes_at=timezone.now() + timedelta(days=1))
    visit(f"/calls/{call.slug}/")
    page.context.clear_cookies()
    submit(page.get_by_role("button", name="Respond to this call"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your form could not be sent")
    _snap(page, "csrf")
