"""The secretariat moderates a response with a redaction, writes a finding from excerpts and
publishes the report; the public reads it and follows a finding to the quoted response."""

from playwright.sync_api import expect

from evidence.enums import CallStatus
from tests.browser.conftest import RESULTS_DIR
from tests.factories import AnswerFactory, CallForEvidenceFactory, SubmissionFactory
from tests.factories.core import PASSWORD
from tests.factories.publishing import ExcerptOfAnswerFactory, PublishingThemeFactory

TEXT = "Ring Jo Bloggs on 07700 900123. Open shops on the high street help everyone."


def _sign_in(page, visit, submit, user) -> None:
    visit("/accounts/sign-in/")
    page.get_by_role("textbox", name="Email address", exact=True).fill(user.email)
    page.get_by_role("textbox", name="Password", exact=True).fill(PASSWORD)
    submit(page.get_by_role("main").get_by_role("button", name="Sign in"))


def _snap(page, name: str) -> None:
    RESULTS_DIR.mkdir(exist_ok=True)
    page.screenshot(path=RESULTS_DIR / f"evidence-publishing-{name}.png", full_page=True)


def test_secretariat_publishes_and_the_public_follows_a_quote(
    page, visit, submit, secretariat, body
):
    call = CallForEvidenceFactory(body=body, closed=True, title="High streets")
    call.status = CallStatus.ANALYSING
    call.save(update_fields=["status"])
    theme = PublishingThemeFactory(call=call, name="Footfall")
    submission = SubmissionFactory(
        call=call, submitted=True, respondent_name="Nadia Named", publication_preference="named"
    )
    answer = AnswerFactory(submission=submission, text=TEXT)
    start = TEXT.index("Open shops")
    excerpt = ExcerptOfAnswerFactory(answer=answer, start=start, end=len(TEXT), theme=theme)
    _sign_in(page, visit, submit, secretariat)

    visit(f"/manage/calls/{call.slug}/moderation/")
    submit(page.get_by_role("link", name=submission.reference))
    main = page.get_by_role("main")
    main.get_by_label("Words to redact").fill("07700 900123")
    main.get_by_label("Why").select_option("personal_data")
    submit(main.get_by_role("button", name="Redact"))
    expect(main).to_contain_text("Ring Jo Bloggs on [redacted: personal data].")
    main.get_by_label("Approved with redactions").check()
    submit(main.get_by_role("button", name="Save"))
    _snap(page, "moderation")

    visit(f"/manage/calls/{call.slug}/findings/")
    main.get_by_label("Title").fill("Open shops bring people back")
    main.get_by_label("Footfall").check()
    submit(main.get_by_role("button", name="Add the finding"))
    submit(main.get_by_role("link", name="Footfall"))
    main.get_by_label(excerpt.anchor, exact=False).check()
    submit(main.get_by_role("button", name="Add the chosen excerpts"))
    submit(main.get_by_role("button", name=f"Quote {excerpt.anchor} in the report"))
    expect(main).to_contain_text("Quoted in the report.")
    _snap(page, "finding")

    visit(f"/manage/calls/{call.slug}/publish/")
    expect(main).to_contain_text("1 response approved for publication")
    submit(main.get_by_role("button", name="Publish the report"))

    page.context.clear_cookies()
    visit(f"/calls/{call.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("High streets")
    expect(main).to_contain_text("Open shops on the high street help everyone.")
    _snap(page, "report")
    submit(main.get_by_role("link", name=submission.reference, exact=True))
    expect(main).to_contain_text("Ring Jo Bloggs on [redacted: personal data].")
    expect(main).not_to_contain_text("07700")
    _snap(page, "evidence")
