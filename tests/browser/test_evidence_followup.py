"""A recommendation gets a response and an update; the public tracker shows both."""

from evidence.enums import CallStatus
from evidence.models import Recommendation
from evidence.services.followup import followup_start
from tests.browser.conftest import RESULTS_DIR
from tests.factories import CallForEvidenceFactory, OrganisationFactory
from tests.factories.core import PASSWORD


def test_response_and_update_reach_the_public_tracker(page, visit, submit, secretariat, body):
    call = CallForEvidenceFactory(
        body=body, closed=True, status=CallStatus.PUBLISHED, title="Business rates and towns"
    )
    Recommendation.objects.create(
        call=call,
        text="Councils should offer short leases on empty shops.",
        audience="local_government",
        addressed_to=OrganisationFactory(name="Local Government Association"),
    )
    followup_start(actor=secretariat, call=call)

    visit("/accounts/sign-in/")
    page.get_by_role("textbox", name="Email address", exact=True).fill(secretariat.email)
    page.get_by_role("textbox", name="Password", exact=True).fill(PASSWORD)
    submit(page.get_by_role("main").get_by_role("button", name="Sign in"))
    visit(f"/manage/calls/{call.slug}/follow-up/")
    main = page.get_by_role("main")
    submit(main.get_by_role("link", name="Record the response to recommendation 1"))
    main.get_by_label("Partly accepted").check()
    main.get_by_label("Responded by").fill("Chair of the LGA")
    main.get_by_label("Date of the response").fill("2026-11-02")
    main.get_by_label("What they said").fill("We will pilot it in three towns.")
    submit(main.get_by_role("button", name="Save"))
    submit(main.get_by_role("link", name="Add an update to recommendation 1"))
    main.locator("#id_on").fill("2026-11-20")
    main.get_by_label("In progress").check()
    main.get_by_label("Per cent complete (optional)").fill("30")
    submit(main.get_by_role("button", name="Save"))
    submit(main.get_by_role("link", name="See the public tracker"))

    text = main.inner_text()
    RESULTS_DIR.mkdir(exist_ok=True)
    page.screenshot(path=RESULTS_DIR / "evidence-followup-tracker.png", full_page=True)
    assert "Partly accepted" in text
    assert "We will pilot it in three towns." in text
    assert "20 November 2026: In progress (30% complete)" in text
