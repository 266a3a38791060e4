"""The secretariat creates a call, adds questions, reorders them and opens it (by the clock)."""

import re
from datetime import timedelta

from django.db.models import Max
from django.utils import timezone
from playwright.sync_api import expect

from evidence.enums import CallStatus
from evidence.models import CallForEvidence
from tests.browser.conftest import RESULTS_DIR
from tests.factories.core import PASSWORD


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _snap(page, name: str) -> None:
    """Screenshots at desktop width and at 320px (400% zoom), kept for a person to look at;
    at 320px nothing may need scrolling sideways."""
    RESULTS_DIR.mkdir(exist_ok=True)
    page.screenshot(path=RESULTS_DIR / f"evidence-secretariat-{name}-1280.png", full_page=True)
    page.set_viewport_size({"width": 320, "height": 640})
    page.screenshot(path=RESULTS_DIR / f"evidence-secretariat-{name}-320.png", full_page=True)
    too_wide = page.evaluate(
        """() => [...document.querySelectorAll("body *")]
            .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
            .map((el) => `${el.tagName.toLowerCase()}.${el.className}`)
            .slice(0, 5)"""
    )
    fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.set_viewport_size({"width": 1280, "height": 800})
    assert fits, f"{name} scrolls sideways at 320px: {too_wide}"


def _sign_in(page, visit, submit, user) -> None:
    visit("/accounts/sign-in/")
    page.get_by_role("textbox", name="Email address", exact=True).fill(user.email)
    page.get_by_role("textbox", name="Password", exact=True).fill(PASSWORD)
    submit(page.get_by_role("main").get_by_role("button", name="Sign in"))


def test_secretariat_creates_and_opens_a_call(page, visit, submit, secretariat, body):
    _sign_in(page, visit, submit, secretariat)
    submit(page.get_by_role("main").get_by_role("link", name="Calls you run"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Calls you run")
    _snap(page, "call-list")

    submit(page.get_by_role("link", name="Create a call"))
    main = page.get_by_role("main")
    main.get_by_label("Title").fill("Skills for coastal towns")
    main.get_by_label("Summary (optional)").fill("How can employers and colleges work together?")
    main.get_by_label("Background (optional)").fill(
        "<p>Coastal towns <em>lose</em> young people.</p>"
    )
    main.get_by_label("Reference prefix").fill("CST")
    main.get_by_label("Opens at (optional)").fill(_local(timezone.now() - timedelta(minutes=5)))
    main.get_by_label("Closes at (optional)").fill(_local(timezone.now() + timedelta(days=30)))
    _snap(page, "call-form")
    submit(main.get_by_role("button", name="Create the call"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Questions")

    submit(main.get_by_role("link", name="Add a section"))
    main.get_by_label("Section title").fill("Your experience")
    submit(main.get_by_role("button", name="Save section"))

    submit(main.get_by_role("link", name="Add a question to Your experience"))
    main.get_by_role("textbox", name="Question", exact=True).fill(
        "What skills are hardest to find?"
    )
    main.get_by_role("radio", name="Long text").check()
    main.get_by_label("An answer is required").check()
    _snap(page, "question-form")
    submit(main.get_by_role("button", name="Save question"))

    submit(main.get_by_role("link", name="Add a question to Your experience"))
    main.get_by_role("textbox", name="Question", exact=True).fill(
        "Do you work with a local college?"
    )
    main.get_by_role("radio", name="Single choice").check()
    main.get_by_label("Options (optional)").fill("Yes\nNo\nNot yet")
    submit(main.get_by_role("button", name="Save question"))

    submit(main.get_by_role("button", name="Move up Do you work with a local college?"))
    expect(main.get_by_role("listitem").locator("strong")).to_have_text(
        ["1. Do you work with a local college?", "2. What skills are hardest to find?"]
    )
    _snap(page, "questions")

    submit(main.get_by_role("link", name="Preview"))
    expect(main.get_by_role("heading", name="Background")).to_be_visible()
    expect(main.get_by_text("Coastal towns lose young people.")).to_be_visible()
    _snap(page, "preview")

    submit(main.get_by_role("link", name="Overview"))
    submit(main.get_by_role("link", name="Move to scheduled"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Move the call to scheduled?")
    _snap(page, "transition")
    submit(main.get_by_role("button", name="Yes, move it to scheduled"))

    expect(page.get_by_role("status").or_(page.get_by_role("alert")).first).to_contain_text(
        "The call is now scheduled."
    )
    call = CallForEvidence.objects.get(title="Skills for coastal towns")
    assert call.status == CallStatus.SCHEDULED
    # Its opening time has passed, so the clock already shows it open.
    expect(main.get_by_text("Status", exact=True).first).to_be_visible()
    expect(main.locator("dd").first).to_have_text("Open")

    visit(call.get_absolute_url())
    expect(page).to_have_url(re.compile(rf"/calls/{call.slug}/$"))
    expect(page.get_by_role("button", name="Respond to this call")).to_be_visible()


def test_secretariat_runs_a_call_with_responses_late_links_and_import(
    page, visit, submit, axe_check, secretariat, body, tmp_path, settings
):
    from evidence.enums import ImportStatus
    from evidence.models import ImportJob, ReferenceCounter, Submission
    from evidence.services import dashboard_counts_refresh
    from evidence.services.imports import import_run
    from tests.factories import (
        CallForEvidenceFactory,
        PlaceFactory,
        QuestionFactory,
        SubmissionFactory,
    )

    settings.EVIDENCE_UPLOAD_ROOT = str(tmp_path / "private")
    call = CallForEvidenceFactory(body=body, closed=True, title="Town centres", slug="towns")
    QuestionFactory(section__call=call, text="What works?", required=True)
    SubmissionFactory.create_batch(3, call=call, submitted=True, place=PlaceFactory(name="Hull"))
    SubmissionFactory(call=call)
    # Factory references skip the counter; new ones must follow them.
    ReferenceCounter.objects.create(
        call=call, last_number=call.submissions.aggregate(n=Max("number"))["n"]
    )
    dashboard_counts_refresh()  # as beat does every minute
    _sign_in(page, visit, submit, secretariat)

    visit("/manage/calls/towns/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Town centres")
    expect(page.get_by_role("table", name="Sent responses by place")).to_contain_text("Hull")
    _snap(page, "dashboard")
    main = page.get_by_role("main")

    submit(main.get_by_role("link", name="Responses", exact=True))
    main.get_by_label("Place").select_option(label="Hull")
    submit(main.get_by_role("button", name="Apply"))
    expect(main.get_by_role("heading", name="3 responses")).to_be_visible()
    _snap(page, "submission-list")
    submit(main.get_by_role("table").get_by_role("link").first)
    _snap(page, "submission-detail")

    visit("/manage/calls/towns/responses/new/")
    submit(main.get_by_role("button", name="Enter the response"))
    expect(page).to_have_title(re.compile(r"^\s*Error:"))
    expect(page.get_by_role("alert").get_by_role("link")).to_have_text(
        [
            "Choose how the response arrived: on paper or by email.",
            "Enter the date the response was received.",
            "Enter the respondent's full name.",
            "Choose whether they responded as an individual or on behalf of an organisation.",
            "Choose what the respondent said about publishing their response.",
            "Confirm that the respondent agreed to the privacy notice.",
            "Enter the respondent's answer to this question.",
        ]
    )
    _snap(page, "paper-entry-errors")
    main.get_by_role("radio", name="On paper").check()
    main.get_by_label("Date received").fill("2026-03-04")
    main.get_by_role("textbox", name="Full name").fill("Edna Paper")
    main.get_by_role("radio", name="As an individual").check()
    main.get_by_role("radio", name="Publish it without their name").check()
    main.get_by_role("checkbox", name=re.compile("privacy notice")).check()
    main.get_by_role("textbox", name="What works?").fill("The market hall.")
    submit(main.get_by_role("button", name="Enter the response"))
    expect(main).to_contain_text("On paper")

    visit("/manage/calls/towns/late-links/")
    main.get_by_label("Respondent's email address").fill("late@example.org")
    main.get_by_label("Link works until").fill(_local(timezone.now() + timedelta(days=3)))
    submit(main.get_by_role("button", name="Email the link"))
    expect(page.get_by_role("status")).to_contain_text("We have emailed a personal link")
    expect(main.get_by_role("table")).to_contain_text("late@example.org")
    _snap(page, "late-links")

    visit("/manage/calls/towns/imports/new/")
    csv_file = tmp_path / "export.csv"
    csv_file.write_text("Name,What works?\nAnn,Buses\nBob,\n")
    main.get_by_label("CSV or Excel (XLSX) file").set_input_files(str(csv_file))
    submit(main.get_by_role("button", name="Upload and continue"))
    expect(page.get_by_role("heading", level=1)).to_have_text("What does each column hold?")
    _snap(page, "import-map")
    submit(main.get_by_role("button", name="Check the file"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Rows that need fixing")
    expect(main.get_by_role("table")).to_contain_text(
        "No answer to the required question “What works?”."
    )
    _snap(page, "import-check-errors")

    csv_file.write_text("Name,What works?\nAnn,Buses\nBob,Trams\n")
    visit("/manage/calls/towns/imports/new/")
    main.get_by_label("CSV or Excel (XLSX) file").set_input_files(str(csv_file))
    submit(main.get_by_role("button", name="Upload and continue"))
    submit(main.get_by_role("button", name="Check the file"))
    submit(main.get_by_role("button", name="Import the responses"))
    expect(main.get_by_role("progressbar")).to_be_visible()
    _snap(page, "import-progress")
    job = ImportJob.objects.get(status=ImportStatus.QUEUED)
    import_run(job_id=job.pk)
    # The page's script fetches the progress again and shows the result in place.
    expect(main).to_contain_text("2 responses were added.")
    axe_check()
    assert Submission.objects.filter(call=call, channel="import").count() == 2
